"""Finding lexicon entries in normalised tokens: exact, wildcard, masked and fuzzy.

Obfuscation the normaliser cannot undo (a missing, swapped or extra letter:
"idoit", "moslms", "klotzak") is caught here with a Damerau distance of one,
only for longer words, only when the written word is not itself an ordinary
word of nl/fr/en/de (so "kasten" never becomes "kanker").
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache

from hierniet.triage.lexicons import Flag, LexCategory, LexEntry
from hierniet.triage.normalize import NormalizedText, squeeze

FUZZY_MIN_LENGTH = 5
_FUZZY_CATEGORIES = frozenset(
    {
        LexCategory.INSULT,
        LexCategory.SLUR,
        LexCategory.IDENTITY,
        LexCategory.DEHUMANIZING,
        LexCategory.SEXUAL,
        LexCategory.PROFANITY,
    }
)


@dataclass(frozen=True, slots=True)
class Hit:
    """A lexicon entry found at tokens ``first..last`` (inclusive)."""

    entry: LexEntry
    first: int
    last: int
    how: str = "exact"  # exact | wildcard | masked | fuzzy | substring


def _deletes(word: str) -> set[str]:
    return {word[:i] + word[i + 1 :] for i in range(len(word))}


def damerau1(a: str, b: str) -> bool:
    """True when a and b differ by at most one insertion, deletion, substitution or swap."""
    if a == b:
        return True
    la, lb = len(a), len(b)
    if abs(la - lb) > 1:
        return False
    if la == lb:
        diff = [i for i in range(la) if a[i] != b[i]]
        if len(diff) == 1:
            return True
        return len(diff) == 2 and diff[1] == diff[0] + 1 and a[diff[0]] == b[diff[1]] and a[diff[1]] == b[diff[0]]
    if la > lb:
        a, b = b, a
    # b is one longer: deleting one char of b must give a.
    return a in _deletes(b)


@lru_cache(maxsize=65536)
def is_common_word(word: str) -> bool:
    """A word frequent enough in nl, fr, en or de that it is not an obfuscation."""
    from wordfreq import zipf_frequency  # lazy: wordfreq loads its tables on first use

    return any(zipf_frequency(word, lang) >= 2.5 for lang in ("nl", "fr", "en", "de"))


class LexiconIndex:
    """All entries of some lexicons, indexed for fast matching of a token sequence."""

    def __init__(self, entries: Iterable[LexEntry]) -> None:
        self._by_first: dict[str, list[LexEntry]] = defaultdict(list)
        self._prefix: dict[str, list[LexEntry]] = defaultdict(list)
        self._suffix: dict[str, list[LexEntry]] = defaultdict(list)
        self._fuzzy: dict[str, list[LexEntry]] = defaultdict(list)
        self._single_by_letter: dict[str, list[LexEntry]] = defaultdict(list)
        self._substring: dict[str, list[LexEntry]] = defaultdict(list)
        for entry in entries:
            first = squeeze(entry.tokens[0])
            if entry.wildcard == "prefix":
                self._prefix[first].append(entry)
            elif entry.wildcard == "suffix":
                self._suffix[first].append(entry)
            else:
                self._by_first[first].append(entry)
                if len(entry.tokens) == 1:
                    self._single_by_letter[first[:1]].append(entry)
                    if (
                        entry.category in _FUZZY_CATEGORIES
                        and len(first) >= FUZZY_MIN_LENGTH
                        and not entry.has(Flag.EXACT)
                    ):
                        self._fuzzy[first].append(entry)
                        for d in _deletes(first):
                            self._fuzzy[d].append(entry)
                    if (
                        entry.category in (LexCategory.SLUR, LexCategory.IDENTITY)
                        and len(first) >= 6
                        and not (entry.has(Flag.AMBIGUOUS) or entry.has(Flag.EXACT))
                    ):
                        self._substring[first].append(entry)
        # Longest phrases first, so "vuile makak" wins over "vuile".
        for bucket in self._by_first.values():
            bucket.sort(key=lambda e: -len(e.tokens))
        self._prefix_lengths = sorted({len(k) for k in self._prefix}, reverse=True)
        self._suffix_lengths = sorted({len(k) for k in self._suffix}, reverse=True)
        self._substring_lengths = sorted({len(k) for k in self._substring}, reverse=True)

    def match(
        self, nt: NormalizedText, *, fuzzy: bool = True, common: Callable[[str], bool] | None = None
    ) -> list[Hit]:
        common = common or is_common_word
        keys = [t.squeezed for t in nt.tokens]
        hits: list[Hit] = []
        for i, token in enumerate(nt.tokens):
            key = keys[i]
            found = False
            for entry in self._by_first.get(key, ()):
                n = len(entry.tokens)
                if i + n > len(keys):
                    continue
                if all(p == "*" or squeeze(p) == keys[i + k] for k, p in enumerate(entry.tokens[1:], start=1)):
                    hits.append(Hit(entry, i, i + n - 1))
                    found = True
            if token.emoji:
                continue
            for length in self._prefix_lengths:
                if len(key) > length:
                    for entry in self._prefix.get(key[:length], ()):
                        hits.append(Hit(entry, i, i, "wildcard"))
                        found = True
            for length in self._suffix_lengths:
                if len(key) > length:
                    for entry in self._suffix.get(key[-length:], ()):
                        hits.append(Hit(entry, i, i, "wildcard"))
                        found = True
            if found or not fuzzy:
                continue
            if token.masked:
                hits.extend(self._masked(token.norm, i))
            elif len(key) >= FUZZY_MIN_LENGTH and not key.isdigit() and not common(token.norm):
                fuzzy_hits = self._fuzzy_match(key, i)
                if fuzzy_hits:
                    hits.extend(fuzzy_hits)
                elif len(key) >= 9:
                    hits.extend(self._substrings(key, i))
        return hits

    def _masked(self, norm: str, i: int) -> list[Hit]:
        """f*ck, k*t, n**ger: each mask stands for one or two hidden letters."""
        pattern = re.compile("^" + ".{1,2}".join(re.escape(squeeze(p)) for p in norm.split("*")) + "$")
        first = norm[:1]
        return [
            Hit(e, i, i, "masked")
            for e in self._single_by_letter.get(first, ())
            if e.category in _FUZZY_CATEGORIES and pattern.match(squeeze(e.tokens[0]))
        ]

    def _fuzzy_match(self, key: str, i: int) -> list[Hit]:
        candidates: dict[str, LexEntry] = {}
        for probe in (key, *_deletes(key)):
            for entry in self._fuzzy.get(probe, ()):
                candidates.setdefault(entry.id, entry)
        return [
            Hit(e, i, i, "fuzzy")
            for e in candidates.values()
            if squeeze(e.tokens[0])[:1] == key[:1] and damerau1(squeeze(e.tokens[0]), key)
        ]

    def _substrings(self, key: str, i: int) -> list[Hit]:
        """Words run together ("kutmarokkanen", "ihatemuslims"): slurs and group names inside."""
        hits: list[Hit] = []
        for length in self._substring_lengths:
            if length >= len(key):
                continue
            for start in range(len(key) - length + 1):
                for entry in self._substring.get(key[start : start + length], ()):
                    hits.append(Hit(entry, i, i, "substring"))
            if hits:
                break
        return hits
