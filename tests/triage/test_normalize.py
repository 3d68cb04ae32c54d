"""Normalisation undoes obfuscation and every token points back into the original text."""

from __future__ import annotations

import pytest

from hierniet.triage.normalize import fold_aligned, normalize, normalize_phrase, squeeze


def norms(text: str) -> list[str]:
    return [t.norm for t in normalize(text).tokens]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("IDIOOT", ["idioot"]),
        ("idiooooooot", ["idioot"]),
        ("n1gg3r", ["nigger"]),
        ("k u t", ["kut"]),
        ("k.u.t wijf", ["kut", "wijf"]),
        ("i-d-i-o-o-t", ["idioot"]),
        # a short piece glued to the run by a dot belongs to the word; one after a space does not
        ("Sch.w.u.c.h.t.e.l.n raus", ["schwuchteln", "raus"]),
        ("n.e.g.e.rs weg", ["negers", "weg"]),
        ("Nee. N.e.g.e.r", ["nee", "neger"]),
        ("op de A.B.C. vandaag", ["op", "de", "abc", "vandaag"]),
        ("sh!t", ["shit"]),
        ("Stop!", ["stop"]),
        ("Crétin", ["cretin"]),
        ("𝐢𝐝𝐢𝐨𝐭", ["idiot"]),
        ("ｉｄｉｏｔ", ["idiot"]),
        ("@ssh0le", ["asshole"]),
        ("t'es con", ["t", "es", "con"]),
        ("l’arabe", ["l", "arabe"]),
        ("tram 4 om 14u30 kost €2,50", ["tram", "4", "om", "14u30", "kost", "2", "50"]),
    ],
)
def test_normalised_forms(text: str, expected: list[str]) -> None:
    assert norms(text) == expected


def test_spans_point_to_the_original_characters() -> None:
    text = "Jij bent een  i.d.i.o.o.t 🐒 en een k*t wijf!!"
    nt = normalize(text)
    for token in nt.tokens:
        assert 0 <= token.start < token.end <= len(text)
    joined = next(t for t in nt.tokens if t.norm == "idioot")
    assert text[joined.start : joined.end] == "i.d.i.o.o.t"
    assert joined.joined
    ape = next(t for t in nt.tokens if t.emoji)
    assert ape.norm == "emoji_ape" and text[ape.start : ape.end] == "🐒"
    masked = next(t for t in nt.tokens if t.masked)
    assert text[masked.start : masked.end] == "k*t"


def test_span_of_several_tokens() -> None:
    text = "Ik weet   waar je woont."
    nt = normalize(text)
    assert nt.original_text(1, 4) == "weet   waar je woont"


def test_two_letter_words_are_not_joined() -> None:
    # "y a" is French for "there is"; only runs of three or more single letters are rebuilt.
    assert norms("il y a un problème") == ["il", "y", "a", "un", "probleme"]


def test_numbers_are_not_leet_decoded() -> None:
    assert norms("lijn 71 heeft 15 minuten vertraging") == ["lijn", "71", "heeft", "15", "minuten", "vertraging"]


def test_sentences_are_numbered() -> None:
    nt = normalize("Moslims zijn welkom. Ratten niet!")
    assert [t.sentence for t in nt.tokens] == [0, 0, 0, 1, 1]


def test_phrase_and_helpers() -> None:
    assert normalize_phrase("Je sais où tu habites") == ("je", "sais", "ou", "tu", "habites")
    assert squeeze("kuttt") == "kut"
    text = "Straße ÉCOLE"
    assert len(fold_aligned(text)) == len(text)
    assert fold_aligned("ÉCOLE") == "ecole"


def test_empty_and_huge_inputs() -> None:
    assert normalize("").tokens == ()
    assert normalize("!!! ... ???").tokens == ()
    big = "woord " * 20000
    assert len(normalize(big).tokens) == 20000
