"""One folding table for lexicons, comments and patterns: whatever a pattern says can match folded text."""

from __future__ import annotations

import importlib
import pkgutil
import re

import pytest

from hierniet.triage import rules
from hierniet.triage.normalize import fold, fold_aligned, normalize_phrase
from hierniet.triage.patterns import compiled_patterns, find_patterns


def _all_patterns() -> list[tuple[str, re.Pattern[str]]]:
    found = [(p.name, p.regex) for p in compiled_patterns()]
    for module in pkgutil.iter_modules(rules.__path__):
        loaded = importlib.import_module(f"{rules.__name__}.{module.name}")
        found += [(f"{module.name}.{name}", v) for name, v in vars(loaded).items() if isinstance(v, re.Pattern)]
    return found


@pytest.mark.parametrize(("name", "regex"), _all_patterns(), ids=lambda x: x if isinstance(x, str) else "")
def test_pattern_text_is_folded(name: str, regex: re.Pattern[str]) -> None:
    # A letter that folding changes (é, à, ß, ’, capitals beyond ASCII) can never match folded text.
    unfoldable = sorted({c for c in re.sub(r"\\.", "", regex.pattern) if fold(c) != c and ord(c) > 127})
    assert not unfoldable, f"pattern {name} holds {unfoldable}, which folded text never contains"


@pytest.mark.parametrize(
    ("written", "folded"),
    [("Numéro", "numero"), ("weiß", "weis"), ("l’adresse", "l'adresse"), ("ÇA", "ca"), ("cœur", "cour")],
)
def test_fold_is_one_character_per_character(written: str, folded: str) -> None:
    assert fold(written) == folded == fold_aligned(written)
    assert len(fold_aligned(written)) == len(written)


def test_lexicon_entries_and_text_fold_alike() -> None:
    assert normalize_phrase("Straße") == normalize_phrase("STRASE")
    assert normalize_phrase("l’arabe") == normalize_phrase("l'arabe")


def test_an_accented_comment_meets_the_pattern_written_with_accents() -> None:
    text = "Qui connaît l'adresse où il habite ?"
    assert any(h.pattern.name == "doxx_call_fr" for h in find_patterns(fold_aligned(text)))
