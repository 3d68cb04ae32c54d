"""Word lists per language that name a crisis need (data files in words/*.yaml), validated with clear errors.

A list entry is one or more words, matched on whole words with case and accents aside; a trailing ``*`` lets the
last word end in anything (``medicijn*`` matches ``medicijnen``). A word found makes its need certain; the model
finds the needs written in other words.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from hierniet.crisis.normalize import fold

NEEDS: tuple[str, ...] = (
    "shelter",
    "transport",
    "food_water",
    "medical",
    "missing_person",
    "charging_communication",
    "animals",
    "other",
)
LANGUAGES = ("nl", "fr", "de", "en")
_WORD = re.compile(r"[^\W_]+")


class WordListError(ValueError):
    """A word list file is malformed; the message names the file, the place and how to fix it."""


@dataclass(frozen=True, slots=True)
class NeedWords:
    #: need -> compiled pattern of all its entries (in every language: posts mix them, and a word of one
    #: language is rarely another word in the next).
    patterns: dict[str, re.Pattern[str]]

    def needs_in(self, text: str) -> list[str]:
        folded = " ".join(_WORD.findall(fold(text)))
        return [need for need, pattern in self.patterns.items() if pattern.search(folded)]


def _entry_pattern(entry: str) -> str:
    prefix = entry.endswith("*")
    words = _WORD.findall(fold(entry.rstrip("*")))
    body = r"\s".join(re.escape(w) for w in words)
    return rf"\b{body}\w*" if prefix else rf"\b{body}\b"


def parse(data: Any, source: str) -> dict[str, list[str]]:
    """The entries of one file per need, or a WordListError saying what to fix."""
    if not isinstance(data, dict) or not isinstance(data.get("needs"), dict):
        raise WordListError(f"{source}: expected a mapping with a 'needs' mapping at the top")
    out: dict[str, list[str]] = {}
    for need, entries in data["needs"].items():
        if need not in NEEDS:
            raise WordListError(f"{source}: unknown need {need!r}; use one of {', '.join(NEEDS)}")
        if not isinstance(entries, list) or not entries:
            raise WordListError(f"{source}: needs.{need} must be a non-empty list of words")
        for position, entry in enumerate(entries):
            if not isinstance(entry, str) or not _WORD.search(entry):
                raise WordListError(f"{source}: needs.{need}[{position}] is {entry!r}: write a word (text)")
            if "*" in entry.rstrip("*"):
                raise WordListError(f"{source}: needs.{need}[{position}] {entry!r}: '*' may only end an entry")
        out[need] = [str(e) for e in entries]
    return out


def build(lists: dict[str, dict[str, list[str]]]) -> NeedWords:
    merged: dict[str, list[str]] = {need: [] for need in NEEDS}
    for per_language in lists.values():
        for need, entries in per_language.items():
            merged[need].extend(_entry_pattern(e) for e in entries)
    return NeedWords({need: re.compile("|".join(ps)) for need, ps in merged.items() if ps})


@cache
def need_words() -> NeedWords:
    """The shipped lists (read once, on first use)."""
    import yaml

    folder = resources.files("hierniet.crisis") / "words"
    lists = {}
    for language in LANGUAGES:
        source = f"crisis/words/{language}.yaml"
        try:
            data = yaml.safe_load((folder / f"{language}.yaml").read_text("utf-8"))
        except yaml.YAMLError as exc:
            raise WordListError(f"{source}: not valid YAML ({exc})") from None
        lists[language] = parse(data, source)
    return build(lists)
