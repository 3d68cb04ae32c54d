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
from hierniet.triage.normalize import NormalizedText, Token, squeeze

FUZZY_MIN_LENGTH = 5
# Distinct words whose non-phrase hits an index remembers (a few MB); past it the memory starts over.
_WORD_CACHE_SIZE = 50_000
#: What a word run together with a short common word may be ("womenare", "ihate", "lesjuifs"): the words that
#: make hate with a group's name (HOSTILE and THREAT included: "ihate muslims").
_GLUED_CATEGORIES = frozenset(
    {
        LexCategory.SLUR,
        LexCategory.IDENTITY,
        LexCategory.DEHUMANIZING,
        LexCategory.HOSTILE,
        LexCategory.THREAT,
    }
)
#: The short common word glued to it ("are", "i", "les", "sont") is at most this long: a function word.
_GLUED_SHORT = 4
#: ... and at least this long ("ihate" aside): a lone letter ("s", "l") is a piece of a longer word.
_GLUED_OTHER_MIN = 2
#: And the word of the lists at least this long, so two short words do not make one by chance.
_GLUED_WORD = 4
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
    how: str = "exact"  # exact | wildcard | masked | fuzzy | substring | joined | glued


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
def is_common_in(word: str, language: str) -> bool:
    """A word frequent enough in `language` to be an ordinary word there."""
    from wordfreq import zipf_frequency  # lazy: wordfreq loads its tables on first use

    return bool(zipf_frequency(word, language) >= 2.5)


def is_common_word(word: str) -> bool:
    """A word frequent enough in nl, fr, en or de that it is not an obfuscation."""
    return any(is_common_in(word, lang) for lang in ("nl", "fr", "en", "de"))


def _same(pattern: str, token: Token) -> bool:
    """One word of a phrase against one token: "*" matches any word."""
    if pattern == "*" or pattern == token.norm:
        return True
    return token.stretched and squeeze(pattern) == token.squeezed


def _unique(hits: list[Hit]) -> list[Hit]:
    seen: set[tuple[str, int, int]] = set()
    out = []
    for hit in hits:
        key = (hit.entry.id, hit.first, hit.last)
        if key not in seen:
            seen.add(key)
            out.append(hit)
    return out


class LexiconIndex:
    """All entries of some lexicons, indexed for fast matching of a token sequence."""

    def __init__(self, entries: Iterable[LexEntry], *, glued: str | None = None) -> None:
        # `glued` (a language): find a word of the lists run together with a short common word of that language
        # ("womenare", "ihate"). Only for languages that do not make compounds: in Dutch and German "jodenhaat"
        # or "moslimhater" is one word.
        self._glued = glued
        # Exact look-ups use the normalised word ("negeer" must not become "neger"); the
        # squeezed forms (every repeated letter once) serve only words that were stretched
        # ("kuttttt", "idiooooot") and fuzzy matching.
        self._word_cache: dict[tuple[str, str, bool, bool, bool, bool], tuple[tuple[LexEntry, str], ...]] = {}
        self._by_first: dict[str, list[LexEntry]] = defaultdict(list)
        self._by_first_squeezed: dict[str, list[LexEntry]] = defaultdict(list)
        self._prefix: dict[str, list[LexEntry]] = defaultdict(list)
        self._prefix_squeezed: dict[str, list[LexEntry]] = defaultdict(list)
        self._suffix: dict[str, list[LexEntry]] = defaultdict(list)
        self._suffix_squeezed: dict[str, list[LexEntry]] = defaultdict(list)
        self._fuzzy: dict[str, list[LexEntry]] = defaultdict(list)
        self._single_by_letter: dict[str, list[LexEntry]] = defaultdict(list)
        self._substring: dict[str, list[LexEntry]] = defaultdict(list)
        for entry in entries:
            first = entry.tokens[0]
            squeezed = squeeze(first)
            if entry.wildcard == "prefix":
                self._prefix[first].append(entry)
                self._prefix_squeezed[squeezed].append(entry)
            elif entry.wildcard == "suffix":
                self._suffix[first].append(entry)
                self._suffix_squeezed[squeezed].append(entry)
            else:
                self._by_first[first].append(entry)
                self._by_first_squeezed[squeezed].append(entry)
                if len(entry.tokens) == 1:
                    self._single_by_letter[first[:1]].append(entry)
                    if (
                        entry.category in _FUZZY_CATEGORIES
                        and len(squeezed) >= FUZZY_MIN_LENGTH
                        and not entry.has(Flag.EXACT)
                    ):
                        self._fuzzy[squeezed].append(entry)
                        for d in _deletes(squeezed):
                            self._fuzzy[d].append(entry)
                    if (
                        entry.category in (LexCategory.SLUR, LexCategory.IDENTITY)
                        and len(first) >= 6
                        and not (entry.has(Flag.AMBIGUOUS) or entry.has(Flag.EXACT))
                    ):
                        self._substring[first].append(entry)
        # Longest phrases first, so "vuile makak" wins over "vuile".
        for table in (self._by_first, self._by_first_squeezed):
            for bucket in table.values():
                bucket.sort(key=lambda e: -len(e.tokens))
        self._prefix_lengths = sorted({len(k) for k in (*self._prefix, *self._prefix_squeezed)}, reverse=True)
        self._suffix_lengths = sorted({len(k) for k in (*self._suffix, *self._suffix_squeezed)}, reverse=True)
        self._substring_lengths = sorted({len(k) for k in self._substring}, reverse=True)

    def match(
        self, nt: NormalizedText, *, fuzzy: bool = True, common: Callable[[str], bool] | None = None
    ) -> list[Hit]:
        common = common or is_common_word
        tokens = nt.tokens
        hits: list[Hit] = []
        for i, token in enumerate(tokens):
            found = False
            key = token.norm
            squeezed = token.squeezed
            candidates = self._by_first.get(key, [])
            if token.stretched:
                candidates = [*candidates, *self._by_first_squeezed.get(squeezed, ())]
            seen: set[str] = set()
            for entry in candidates:
                n = len(entry.tokens)
                if entry.id in seen or i + n > len(tokens):
                    continue
                if all(_same(p, tokens[i + k]) for k, p in enumerate(entry.tokens[1:], start=1)):
                    seen.add(entry.id)
                    hits.append(Hit(entry, i, i + n - 1))
                    found = True
            if token.emoji:
                continue
            if common is is_common_word:
                # Words repeat across comments: the same word always gets the same non-phrase hits.
                cache_key = (key, squeezed, token.stretched, token.masked, found, fuzzy)
                word_hits = self._word_cache.get(cache_key)
                if word_hits is None:
                    if len(self._word_cache) >= _WORD_CACHE_SIZE:
                        self._word_cache.clear()
                    word_hits = self._word_hits(token, found=found, fuzzy=fuzzy, common=common)
                    self._word_cache[cache_key] = word_hits
            else:
                word_hits = self._word_hits(token, found=found, fuzzy=fuzzy, common=common)
            hits.extend(Hit(entry, i, i, how) for entry, how in word_hits)
        if fuzzy:
            hits.extend(self._split_words(tokens, common))
        return _unique(hits)

    def _split_words(self, tokens: tuple[Token, ...], common: Callable[[str], bool]) -> list[Hit]:
        """A space put inside a word ("Mus lims", "kak kerlakken"): two tokens that together make a word
        of the lists, where neither half is itself a common word ("is lam" is not "islam")."""
        out: list[Hit] = []
        for i in range(len(tokens) - 1):
            a, b = tokens[i], tokens[i + 1]
            joined = a.norm + b.norm
            # The look-up first: it rules out almost every pair before the word-frequency checks.
            entries = self._by_first.get(joined)
            if not entries or a.emoji or b.emoji or a.end == b.start or len(joined) < 6 or joined.isdigit():
                continue
            if common(a.norm) and common(b.norm):
                continue
            for entry in entries:
                if len(entry.tokens) == 1 and entry.category in _FUZZY_CATEGORIES:
                    out.append(Hit(entry, i, i + 1, "joined"))
        return out

    def _word_hits(
        self, token: Token, *, found: bool, fuzzy: bool, common: Callable[[str], bool]
    ) -> tuple[tuple[LexEntry, str], ...]:
        """One word's wildcard, masked, fuzzy and run-together hits (its phrase hits are the caller's)."""
        key, squeezed = token.norm, token.squeezed
        out: list[tuple[LexEntry, str]] = []
        for table, lengths, word in (
            (self._prefix, self._prefix_lengths, key),
            (self._prefix_squeezed, self._prefix_lengths, squeezed if token.stretched else ""),
        ):
            for length in lengths:
                if len(word) > length:
                    out.extend((entry, "wildcard") for entry in table.get(word[:length], ()))
        for table, lengths, word in (
            (self._suffix, self._suffix_lengths, key),
            (self._suffix_squeezed, self._suffix_lengths, squeezed if token.stretched else ""),
        ):
            for length in lengths:
                if len(word) > length:
                    out.extend((entry, "wildcard") for entry in table.get(word[-length:], ()))
        if out or found or not fuzzy:
            return tuple(out)
        if token.masked:
            out.extend((h.entry, h.how) for h in self._masked(key, 0))
        elif len(squeezed) >= FUZZY_MIN_LENGTH and not key.isdigit() and not common(key):
            fuzzy_hits = self._fuzzy_match(squeezed, 0)
            if not fuzzy_hits and len(key) >= 9:
                fuzzy_hits = self._substrings(key, 0)
            if not fuzzy_hits and self._glued:
                fuzzy_hits = self._glued_words(key, self._glued)
            out.extend((h.entry, h.how) for h in fuzzy_hits)
        return tuple(out)

    def _glued_words(self, key: str, language: str) -> list[Hit]:
        """A word of the lists run together with a short common word, the space left out ("Womenare disgusting",
        "Ihate Muslims", "Jedéteste"): the word's hit on the whole token."""
        hits: list[Hit] = []
        for cut in range(1, len(key)):
            left, right = key[:cut], key[cut:]
            for word, other in ((right, left), (left, right)):
                short_enough = _GLUED_OTHER_MIN <= len(other) <= _GLUED_SHORT or other == "i"
                if len(word) < _GLUED_WORD or not short_enough or not is_common_in(other, language):
                    continue
                hits.extend(
                    Hit(entry, 0, 0, "glued")
                    for entry in self._by_first.get(word, ())
                    # An exact entry ("gays", not "guys") matches here too: the piece is the word itself.
                    if len(entry.tokens) == 1 and entry.category in _GLUED_CATEGORIES
                )
        return hits

    def _masked(self, norm: str, i: int) -> list[Hit]:
        """f*ck, k*t, n**ger, b*ougnoule: each mask stands for up to two hidden letters (or none: inserted)."""
        pattern = re.compile("^" + ".{0,2}".join(re.escape(squeeze(p)) for p in norm.split("*")) + "$")
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
