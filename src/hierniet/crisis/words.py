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
    #: Words that mark an offer of help ("wij bieden", "je propose", "kostenlos"): with one of them a lower
    #: offer score suffices (hierniet.crisis.classify).
    offer: re.Pattern[str] | None = None
    #: Words that mark a request ("wij zoeken", "besoin", "dringend").
    request: re.Pattern[str] | None = None

    def needs_in(self, text: str) -> list[str]:
        folded = " ".join(_WORD.findall(fold(text)))
        return [need for need, pattern in self.patterns.items() if pattern.search(folded)]

    def offers(self, text: str) -> bool:
        return self.cues(text)[0]

    def cues(self, text: str) -> tuple[bool, bool]:
        """(an offer word is there, a request word is there)."""
        folded = " ".join(_WORD.findall(fold(text)))
        return (
            self.offer is not None and self.offer.search(folded) is not None,
            self.request is not None and self.request.search(folded) is not None,
        )


def _entry_pattern(entry: str) -> str:
    prefix = entry.endswith("*")
    words = _WORD.findall(fold(entry.rstrip("*")))
    body = r"\s".join(re.escape(w) for w in words)
    return rf"\b{body}\w*" if prefix else rf"\b{body}\b"


def _entries(entries: Any, where: str, source: str) -> list[str]:
    if not isinstance(entries, list) or not entries:
        raise WordListError(f"{source}: {where} must be a non-empty list of words")
    for position, entry in enumerate(entries):
        if not isinstance(entry, str) or not _WORD.search(entry):
            raise WordListError(f"{source}: {where}[{position}] is {entry!r}: write a word (text)")
        if "*" in entry.rstrip("*"):
            raise WordListError(f"{source}: {where}[{position}] {entry!r}: '*' may only end an entry")
    return [str(e) for e in entries]


def parse(data: Any, source: str) -> dict[str, list[str]]:
    """The entries of one file per need (and under "offer" the offer words), or a WordListError saying what to
    fix."""
    if not isinstance(data, dict) or not isinstance(data.get("needs"), dict):
        raise WordListError(f"{source}: expected a mapping with a 'needs' mapping at the top")
    out: dict[str, list[str]] = {}
    for need, entries in data["needs"].items():
        if need not in NEEDS:
            raise WordListError(f"{source}: unknown need {need!r}; use one of {', '.join(NEEDS)}")
        out[need] = _entries(entries, f"needs.{need}", source)
    kinds = data.get("kinds", {})
    if not isinstance(kinds, dict) or set(kinds) - {"offer", "request"}:
        raise WordListError(f"{source}: 'kinds' may only hold an 'offer' and a 'request' list of words")
    for kind in ("offer", "request"):
        if kind in kinds:
            out[kind] = _entries(kinds[kind], f"kinds.{kind}", source)
    return out


def build(lists: dict[str, dict[str, list[str]]]) -> NeedWords:
    merged: dict[str, list[str]] = {need: [] for need in (*NEEDS, "offer", "request")}
    for per_language in lists.values():
        for need, entries in per_language.items():
            merged[need].extend(_entry_pattern(e) for e in entries)
    offer, request = merged.pop("offer"), merged.pop("request")
    return NeedWords(
        {need: re.compile("|".join(ps)) for need, ps in merged.items() if ps},
        re.compile("|".join(offer)) if offer else None,
        re.compile("|".join(request)) if request else None,
    )


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
