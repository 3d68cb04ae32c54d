"""The lexicon loader accepts the shipped files and rejects malformed ones, naming file and line."""

from __future__ import annotations

from pathlib import Path

import pytest

from hierniet.domain import Target
from hierniet.triage.language import Language
from hierniet.triage.lexicons import Flag, LexCategory, LexiconError, load_all, load_lexicon
from hierniet.triage.normalize import normalize
from hierniet.triage.pipeline import build_indexes, find_hits

HEADER = (
    "# hierniet lexicon\n# language: nl\n# category: {category}\n# version: 1\n"
    "# provenance: test\n# licence: CC0-1.0\nterm\tseverity\ttarget\tflags\tnote\n"
)


def write(tmp_path: Path, body: str, category: str = "insult", language: str = "nl", header: str | None = None) -> Path:
    folder = tmp_path / language
    folder.mkdir(exist_ok=True)
    path = folder / f"{category}.tsv"
    path.write_text((header if header is not None else HEADER.format(category=category)) + body, encoding="utf-8")
    return path


def test_valid_file_loads_with_wildcards_and_flags(tmp_path: Path) -> None:
    path = write(tmp_path, "idioot\t2\t-\t-\tgeneric\nkut*\t1\t-\t-\t-\n*lijer\t2\t-\t-\t-\nvuile *\t2\t-\texact\t-\n")
    lex = load_lexicon(path)
    assert lex.category == LexCategory.INSULT and lex.language == "nl"
    entries = {e.term: e for e in lex.entries}
    assert entries["kut*"].wildcard == "prefix" and entries["kut*"].tokens == ("kut",)
    assert entries["*lijer"].wildcard == "suffix"
    assert entries["vuile *"].tokens == ("vuile", "*") and entries["vuile *"].has(Flag.EXACT)
    assert entries["idioot"].source == "nl/insult.tsv:8"


def test_slur_needs_target(tmp_path: Path) -> None:
    path = write(tmp_path, "makak\t3\tethnicity\t-\t-\nflikker\t3\t-\t-\t-\n", category="slur")
    with pytest.raises(LexiconError) as err:
        load_lexicon(path)
    assert "slur.tsv:9" in str(err.value) and "no target" in str(err.value)


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("idioot\t2\t-\t-\n", "4 tab-separated fields instead of 5"),
        ("idioot\t7\t-\t-\t-\n", "severity '7' is not 1-4"),
        ("idioot\t2\taliens\t-\t-\n", "unknown target 'aliens'"),
        ("idioot\t2\t-\tloud\t-\n", "unknown flag 'loud'"),
        ("idioot\t2\t-\t-\t-\nIDIOOT\t2\t-\t-\t-\n", "duplicate term 'IDIOOT'"),
        ("k*t\t2\t-\t-\t-\n", "'*' inside 'k*t'"),
        ("ku*\t2\t-\t-\t-\n", "shorter than 3 letters"),
    ],
)
def test_malformed_entries_are_rejected_with_line_numbers(tmp_path: Path, body: str, message: str) -> None:
    path = write(tmp_path, body)
    with pytest.raises(LexiconError) as err:
        load_lexicon(path)
    assert message in str(err.value)
    assert f"{path}:" in str(err.value)


def test_header_problems(tmp_path: Path) -> None:
    missing = write(
        tmp_path, "x\t1\t-\t-\t-\n", header="# language: nl\n# category: insult\nterm\tseverity\ttarget\tflags\tnote\n"
    )
    with pytest.raises(LexiconError, match="header key 'version' is missing"):
        load_lexicon(missing)
    wrong_lang = write(tmp_path, "x\t1\t-\t-\t-\n", language="fr")
    with pytest.raises(LexiconError, match="does not match the folder 'fr'"):
        load_lexicon(wrong_lang)
    no_columns = write(tmp_path, "", header="# language: nl\n# category: insult\nidioot\t2\t-\t-\t-\n")
    with pytest.raises(LexiconError, match="expected the column line"):
        load_lexicon(no_columns)
    with pytest.raises(LexiconError, match="file not found"):
        load_lexicon(tmp_path / "nl" / "nothing.tsv")


def test_shipped_lexicons_are_valid_and_cover_every_language() -> None:
    lexicons = load_all()
    for language in ("nl", "fr", "en", "de"):
        for category in (LexCategory.INSULT, LexCategory.SLUR, LexCategory.IDENTITY, LexCategory.THREAT):
            assert lexicons.get(language, category), f"{language}/{category.value} is empty"
    targets = {e.target for lang in ("nl", "fr", "en") for e in lexicons.get(lang, LexCategory.IDENTITY)}
    assert set(Target) <= targets


def test_other_group_entry_with_a_target_is_rejected(tmp_path: Path) -> None:
    path = write(tmp_path, "politici\t1\t-\tplural\t-\nmoslims\t1\treligion\tplural\t-\n", category="other_group")
    with pytest.raises(LexiconError) as err:
        load_lexicon(path)
    assert "other_group.tsv:9" in str(err.value) and "move the entry to identity.tsv" in str(err.value)


def test_group_place_needs_target(tmp_path: Path) -> None:
    path = write(tmp_path, "moskee\t1\treligion\t-\t-\nasielcentrum\t1\t-\t-\t-\n", category="group_place")
    with pytest.raises(LexiconError) as err:
        load_lexicon(path)
    assert "group_place.tsv:9" in str(err.value) and "no target" in str(err.value)


def test_shipped_group_lexicons_keep_protected_and_other_groups_apart() -> None:
    lexicons = load_all()
    for language in ("nl", "fr", "en", "de"):
        others = lexicons.get(language, LexCategory.OTHER_GROUP)
        places = lexicons.get(language, LexCategory.GROUP_PLACE)
        assert others and places, f"{language}: other_group or group_place is empty"
        assert all(e.target is None for e in others)
        # A place is not a group of people: the group rules ("X zijn ...") must never take it for one.
        assert not [e.term for e in places if e.has(Flag.PLURAL)]
        protected = {(e.tokens, e.wildcard) for e in lexicons.get(language, LexCategory.IDENTITY)}
        protected |= {(e.tokens, e.wildcard) for e in lexicons.get(language, LexCategory.SLUR)}
        both = [e.term for e in others if (e.tokens, e.wildcard) in protected]
        assert not both, f"{language}: named both a protected and a non-protected group: {both}"


def test_no_slur_that_counts_on_sight_is_found_in_an_ordinary_word() -> None:
    """A slur without the ambiguous flag is hate wherever it is found, so fuzzy and substring matching must
    never find it in a common word of the comment's language ("Kanäle" is not "Kanake", "bongs" not "boongs")."""
    from wordfreq import top_n_list

    indexes = build_indexes(load_all())
    wrong: list[str] = []
    for language in ("nl", "fr", "en", "de"):
        for word in top_n_list(language, 10_000):
            nt = normalize(word)
            for hit in find_hits(indexes[language], nt, Language(language)):
                entry = hit.entry
                if entry.category != LexCategory.SLUR or entry.has(Flag.AMBIGUOUS) or hit.how == "exact":
                    continue
                wrong.append(f"{language} {word!r} -> {entry.source} {entry.term!r} ({hit.how})")
    assert not wrong, "flag these entries exact (or ambiguous): " + "; ".join(wrong)
