"""The function-word files: shipped ones load, broken ones are refused with a message that says how to fix."""

from __future__ import annotations

from pathlib import Path

import pytest

from hierniet.triage.words import LANGUAGES, LIST_KEYS, TEXT_KEYS, WordsError, load_words, load_words_file, words_dir


def test_every_language_has_every_list() -> None:
    table = load_words()
    assert set(table) == set(LANGUAGES)
    for words in table.values():
        assert set(words.lists) == set(LIST_KEYS)
        assert set(words.texts) == set(TEXT_KEYS)


def test_entries_are_normalised() -> None:
    en = load_words()["en"]
    assert ("don", "t") in en.phrases("negators")  # "don't" as the tokeniser splits it
    assert "no" in en.singles("negators")


def test_a_list_that_may_be_empty_is_read_empty() -> None:
    for language in ("fr", "en", "de"):
        assert load_words()[language].phrases("possessive_verbs") == frozenset()
    assert load_words()["nl"].singles("possessive_verbs") == {"zijn"}


def _broken(tmp_path: Path, edit: str, replacement: str) -> Path:
    text = (words_dir() / "nl.yaml").read_text(encoding="utf-8")
    assert edit in text
    path = tmp_path / "nl.yaml"
    path.write_text(text.replace(edit, replacement), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("edit", "replacement", "message"),
    [
        ("negators: [", "negatorz: [", "unknown key(s) negatorz"),
        ("copulas: [is, zijn, bent, ben, was, waren, blijft, blijven]", "copulas: []", "'copulas' must be a non-empty"),
        ("against: [tegen]", "against: [yes]", "Quote words YAML reads otherwise"),
        ("# version: 2026.12.11", "# no version", "add a '# version: YYYY.MM.N'"),
        ("group_placeholder: mensen", "group_placeholder: [mensen]", "must be one plain word"),
        ("free_relative: [wie]", "free_relative: [wie, wat]", "'free_relative' holds wat, which 'relative' does not"),
        ("possessive_verbs: [zijn]", "possessive_verbs: [is]", "'possessive_verbs' holds is, which 'possessives'"),
        ("possessive_verbs: [zijn]", "possessive_verbs: zijn", "'possessive_verbs' must be a list of words"),
    ],
)
def test_a_broken_file_says_how_to_fix_it(tmp_path: Path, edit: str, replacement: str, message: str) -> None:
    with pytest.raises(WordsError, match=message.replace("(", r"\(").replace(")", r"\)").replace("[", r"\[")):
        load_words_file(_broken(tmp_path, edit, replacement))
