"""Lexicon matching: exact, phrases, wildcards, masks, fuzzy spellings, words run together."""

from __future__ import annotations

from pathlib import Path

import pytest

from hierniet.triage.lexicons import LexEntry, load_lexicon
from hierniet.triage.matcher import LexiconIndex, damerau1
from hierniet.triage.normalize import normalize

HEADER = (
    "# language: nl\n# category: {category}\n# version: 1\n# provenance: test\n# licence: CC0-1.0\n"
    "term\tseverity\ttarget\tflags\tnote\n"
)


def entries(tmp_path: Path, category: str, body: str) -> list[LexEntry]:
    folder = tmp_path / "nl"
    folder.mkdir(exist_ok=True)
    path = folder / f"{category}.tsv"
    path.write_text(HEADER.format(category=category) + body, encoding="utf-8")
    return list(load_lexicon(path).entries)


@pytest.fixture
def index(tmp_path: Path) -> LexiconIndex:
    return LexiconIndex(
        [
            *entries(
                tmp_path, "insult", "idioot\t2\t-\t-\t-\nklootzak\t2\t-\t-\t-\n*lijer\t2\t-\t-\t-\nkut*\t1\t-\t-\t-\n"
            ),
            *entries(tmp_path, "slur", "makak\t3\tethnicity\t-\t-\nflikker\t3\tsexual_orientation\t-\t-\n"),
            *entries(tmp_path, "identity", "marokkanen\t1\tnationality\tplural\t-\nmoslims\t1\treligion\tplural\t-\n"),
            *entries(tmp_path, "threat", "ik weet waar je woont\t4\t-\t-\t-\nvuile *\t2\t-\t-\t-\n"),
        ]
    )


def found(index: LexiconIndex, text: str) -> list[tuple[str, str, str]]:
    nt = normalize(text)
    return [
        (h.entry.term, h.how, nt.original_text(h.first, h.last))
        for h in index.match(nt, common=lambda w: w in {"kasten", "kanker", "morgen"})
    ]


def test_exact_and_phrase(index: LexiconIndex) -> None:
    assert ("idioot", "exact", "IDIOOT") in found(index, "Wat een IDIOOT")
    assert ("ik weet waar je woont", "exact", "Ik weet waar   je woont") in found(index, "Ik weet waar   je woont.")
    assert ("vuile *", "exact", "vuile rat") in found(index, "vuile rat")


def test_wildcards(index: LexiconIndex) -> None:
    assert ("*lijer", "wildcard", "kankerlijer") in found(index, "kankerlijer")
    assert ("kut*", "wildcard", "kutwijf") in found(index, "kutwijf")
    # The stem alone is not a prefix match (kut is profanity, listed elsewhere).
    assert not [f for f in found(index, "kut") if f[0] == "kut*"]


def test_obfuscated_spellings(index: LexiconIndex) -> None:
    assert ("idioot", "exact", "1d10ot") in found(index, "1d10ot")
    assert ("makak", "exact", "m a k a k") in found(index, "m a k a k")
    assert ("flikker", "masked", "fl*kker") in found(index, "fl*kker")
    assert not [f for f in found(index, "kletszak") if f[0] == "klootzak"]  # two edits: too far
    assert ("klootzak", "fuzzy", "klotezak") in found(index, "klotezak")  # one extra letter once squeezed
    assert ("klootzak", "fuzzy", "klotzak") in found(index, "klotzak")  # a missing letter
    assert ("klootzak", "fuzzy", "klotzk") in found(index, "klotzk")  # one missing letter
    assert ("idioot", "fuzzy", "idoiot") in found(index, "idoiot")  # swapped letters
    assert ("moslims", "fuzzy", "mosllims") in found(index, "mosllims")  # one extra letter
    assert ("moslims", "exact", "mosllllims") in found(index, "mosllllims")  # stretched: squeezed look-up
    assert ("makak", "exact", "MAKAAAAK") in found(index, "MAKAAAAK")


def test_double_letters_are_not_collapsed_for_exact_matches(tmp_path: Path) -> None:
    index = LexiconIndex(entries(tmp_path, "slur", "neger\t3\tethnicity\texact\t-\n"))
    nt = normalize("negeer dat gewoon")
    assert index.match(nt, common=lambda w: True) == []
    assert [h.entry.term for h in index.match(normalize("neeeeger"), common=lambda w: True)] == ["neger"]


def test_words_run_together(index: LexiconIndex) -> None:
    hits = found(index, "kutmarokkanen")
    assert ("marokkanen", "substring", "kutmarokkanen") in hits or ("kut*", "wildcard", "kutmarokkanen") in hits


def test_ordinary_words_are_not_fuzzy_matched(index: LexiconIndex) -> None:
    assert found(index, "de kasten van morgen") == []


def test_damerau() -> None:
    assert damerau1("idiot", "idoit")
    assert damerau1("idiot", "idot")
    assert damerau1("idiot", "idiott")
    assert damerau1("idiot", "idiat")
    assert not damerau1("idiot", "odiat")
    assert not damerau1("idiot", "id")


def test_a_space_inside_a_word_is_looked_through_but_not_between_common_words() -> None:
    from hierniet.triage.lexicons import load_all
    from hierniet.triage.pipeline import build_indexes

    index = build_indexes(load_all())["en"]
    split = index.match(normalize("I hate Mus lims"))
    assert any(h.entry.tokens == ("muslims",) and h.how == "joined" for h in split)
    assert not any(h.how == "joined" for h in index.match(normalize("this is lam and mild")))
