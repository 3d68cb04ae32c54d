"""The raid detector's signals, each a small pure function over plain values (hierniet.raids.detector combines
them): a burst against a baseline, shares of abuse, unknown authors and new accounts, near-duplicate text
clusters (MinHash LSH, rensa), shared hashtags and links, calls to arms, and co-action with earlier raids.

Every regex here is linear (no nested or overlapping repetition: tests/security/test_redos.py checks them).
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime, timedelta
from functools import cache
from itertools import pairwise
from typing import Any

#: Words: letters and digits (any script). One character class repeated once: linear.
_WORD = re.compile(r"[^\W_]+")
#: Hashtags and links as written; each a single repeated class after a fixed prefix: linear.
_HASHTAG = re.compile(r"#[^\W_]\w*")
_LINK = re.compile(r"https?://[^\s<>\"']+")

#: Calls to arms in the desk's languages, as words (matched on word boundaries after normalising): steering
#: people from elsewhere onto a post or a person is how a brigade is recruited.
CALLS_TO_ARMS: tuple[str, ...] = (
    # nl
    "iedereen naar",
    "allemaal naar",
    "massaal naar",
    "iedereen reageren",
    "laat van je horen",
    "kom allemaal",
    "iedereen hierheen",
    "spam ze",
    # fr
    "tous sur",
    "tous à",
    "tous chez",
    "allez tous",
    "tout le monde sur",
    "venez tous",
    "tous ensemble sur",
    "inondez",
    # en
    "everyone go to",
    "everybody go to",
    "everyone to",
    "all go to",
    "flood their",
    "let them hear",
    "everyone pile on",
    "go spam",
    # de
    "alle zu",
    "alle auf",
    "alle hin",
    "geht alle",
    "kommt alle",
    "alle rüber",
)


def words(text: str) -> list[str]:
    """The text's words in lower case (hashtags keep their word, links their parts)."""
    return _WORD.findall(text.lower())


def shingles(tokens: Sequence[str]) -> list[str]:
    """Words and word pairs: one changed word in a ten-word text keeps about two thirds of them."""
    if not tokens:
        return [""]
    return [*tokens, *(f"{a} {b}" for a, b in pairwise(tokens))]


def tags_and_links(text: str) -> frozenset[str]:
    """Hashtags (lower case) and links (without a trailing full stop or comma) a text carries."""
    found = {t.lower() for t in _HASHTAG.findall(text)}
    found.update(link.rstrip(".,;:!?)") for link in _LINK.findall(text))
    return frozenset(found)


@cache
def _call_phrases() -> tuple[tuple[str, str], ...]:
    return tuple((phrase, f" {' '.join(words(phrase))} ") for phrase in CALLS_TO_ARMS)


def call_to_arms(text: str) -> str | None:
    """The call to arms a text makes ("iedereen naar ..."), or None."""
    padded = f" {' '.join(words(text))} "
    for phrase, padded_phrase in _call_phrases():
        if padded_phrase in padded:
            return phrase
    return None


def ewma_advance(ewma: float, alpha: float, idle_minutes: int) -> float:
    """The baseline after `idle_minutes` minutes without a comment."""
    if idle_minutes <= 0:
        return ewma
    return ewma * (1.0 - alpha) ** idle_minutes


def ewma_step(ewma: float, alpha: float, count: int) -> float:
    """The baseline after one minute with `count` comments."""
    return (1.0 - alpha) * ewma + alpha * count


def burst_threshold(baseline_per_minute: float, window_minutes: int, factor: float, floor: int) -> float:
    """How many comments in a window make a burst: `factor` times what the baseline expects, three standard
    deviations above it (Poisson), and never fewer than `floor`."""
    expected = baseline_per_minute * window_minutes
    return max(float(floor), factor * expected, expected + 3.0 * math.sqrt(expected))


def is_burst(
    count: int,
    authors: int,
    baseline_per_minute: float,
    window_minutes: int,
    factor: float,
    min_comments: int,
    min_authors: int,
) -> bool:
    """A window with far more comments than its baseline expects, from enough distinct authors."""
    return authors >= min_authors and count >= burst_threshold(
        baseline_per_minute, window_minutes, factor, min_comments
    )


def share(part: int, whole: int) -> float:
    return part / whole if whole else 0.0


def is_new_account(created: datetime | None, at: datetime, new_account_days: float) -> bool:
    """The platform says the account was made shortly before it commented."""
    return created is not None and at - created <= timedelta(days=new_account_days)


def shared_markers(markers_by_author: Mapping[str, Iterable[str]], min_authors: int, min_share: float) -> set[str]:
    """Hashtags and links used by enough of a burst's authors to be the burst's own (a brigade's slogan or the
    link its call to arms circulates)."""
    users: Counter[str] = Counter()
    for markers in markers_by_author.values():
        users.update(set(markers))
    needed = max(min_authors, math.ceil(min_share * len(markers_by_author)))
    return {m for m, n in users.items() if n >= needed}


class NearDuplicates:
    """Near-duplicate groups of a growing list of texts: `add` takes the new texts and gives every text's group
    leader (the index of the first text of its group; itself when it leads one).

    Texts with fewer than `min_words` words lead their own group unless copied exactly ("Super!" said by many
    people is not copy-paste). MinHash LSH (rensa) proposes candidates among the group leaders only, so a chain
    of edits cannot glue two messages together; a candidate joins when the estimated Jaccard similarity of
    words and word pairs reaches `threshold`. Incremental, because a burst grows minute by minute.
    """

    def __init__(
        self, threshold: float, min_words: int, num_perm: int = 64, num_bands: int = 16, seed: int = 14
    ) -> None:
        from rensa import RMinHashLSH

        self.threshold, self.min_words, self.num_perm, self.seed = threshold, min_words, num_perm, seed
        self.leaders: list[int] = []
        self._exact: dict[str, int] = {}
        self._lsh = RMinHashLSH(threshold, num_perm, num_bands)
        self._hashes: dict[int, Any] = {}

    def add(self, texts: Sequence[str]) -> list[int]:
        from rensa import RMinHash

        base = len(self.leaders)
        todo: list[tuple[int, list[str]]] = []
        for k, text in enumerate(texts):
            i = base + k
            toks = words(text)
            key = " ".join(toks)
            first = self._exact.get(key)
            if first is not None:
                self.leaders.append(first)  # resolved below once `first` has its group
                continue
            self._exact[key] = i
            self.leaders.append(i)
            if len(toks) >= self.min_words:
                todo.append((i, shingles(toks)))
        if todo:
            # One RMinHash per text: from_token_sets spreads a batch over threads, which costs milliseconds a
            # call, far more than the few texts a burst gains in a minute.
            hashes = []
            for _, sh in todo:
                one = RMinHash(self.num_perm, self.seed)
                one.update(sh)
                hashes.append(one)
            for (i, _), mine in zip(todo, hashes, strict=True):
                best, best_score = -1, self.threshold
                for other in sorted(self._lsh.query(mine)):
                    score = mine.jaccard(self._hashes[other])
                    if score >= best_score and (best < 0 or score > best_score):
                        best, best_score = other, score
                if best >= 0:
                    self.leaders[i] = best
                else:
                    self._lsh.insert(i, mine)
                    self._hashes[i] = mine
        for i in range(base, len(self.leaders)):
            self.leaders[i] = self.leaders[self.leaders[i]]
        return self.leaders


def near_duplicate_groups(texts: Sequence[str], threshold: float, min_words: int) -> list[int]:
    """For each text, the index of the first text of its near-duplicate group (see NearDuplicates)."""
    return list(NearDuplicates(threshold, min_words).add(texts))
