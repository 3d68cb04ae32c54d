"""Obfuscated spellings: the tricks commenters use to slip past word lists.

Applied to hateful and to harmless examples alike, so that an odd spelling is
never by itself a cue for hate: the model has to read through it.
"""

from __future__ import annotations

import random
import re
from collections.abc import Sequence

_LEET = {"a": ("4", "@"), "e": ("3",), "i": ("1",), "o": ("0",), "s": ("$",)}
_VOWELS = "aeiouyàâäéèêëïîôöûüù"
METHODS: tuple[str, ...] = ("leet", "spaced", "drop", "swap", "asterisk", "run_together")
#: A word shorter than this loses its shape when a letter goes; leave it.
MIN_WORD = 4


def _leet(word: str, rng: random.Random) -> str:
    spots = [i for i, c in enumerate(word) if c.lower() in _LEET]
    if not spots:
        return word
    chosen = set(rng.sample(spots, k=max(1, min(len(spots), rng.randint(1, 3)))))
    return "".join(rng.choice(_LEET[c.lower()]) if i in chosen else c for i, c in enumerate(word))


def _asterisk(word: str, rng: random.Random) -> str:
    inner = [i for i in range(1, len(word) - 1) if word[i].lower() in _VOWELS] or list(range(1, len(word) - 1))
    i = rng.choice(inner)
    return word[:i] + "*" + word[i + 1 :]


def _drop(word: str, rng: random.Random) -> str:
    i = rng.randrange(1, len(word) - 1)
    return word[:i] + word[i + 1 :]


def _swap(word: str, rng: random.Random) -> str:
    spots = [i for i in range(1, len(word) - 2) if word[i] != word[i + 1]]
    if not spots:
        return word
    i = rng.choice(spots)
    return word[:i] + word[i + 1] + word[i] + word[i + 2 :]


def obfuscate_word(word: str, method: str, rng: random.Random) -> str:
    """One word spelled with `method` (run_together needs the sentence: see obfuscate)."""
    if len(word) < MIN_WORD:
        return word
    if method == "leet":
        return _leet(word, rng)
    if method == "spaced":
        return " ".join(word)
    if method == "drop":
        return _drop(word, rng)
    if method == "swap":
        return _swap(word, rng)
    if method == "asterisk":
        return _asterisk(word, rng)
    raise ValueError(f"unknown obfuscation method {method!r}; use one of {', '.join(METHODS)}")


_WORD = re.compile(r"\w+")


def _word_spans(text: str) -> dict[str, tuple[int, int]]:
    """Where each whole word first stands in the text (one pass; no pattern built from data)."""
    spans: dict[str, tuple[int, int]] = {}
    for m in _WORD.finditer(text):
        spans.setdefault(m.group(), m.span())
    return spans


def obfuscate(text: str, words: Sequence[str], rng: random.Random, skip: frozenset[str] = frozenset()) -> str | None:
    """`text` with one of `words` (the slot fillers worth hiding) spelled oddly; None when none fits.

    Only whole words of at least MIN_WORD letters are touched, one per text, so
    the sentence stays readable and no word ends up empty. Words in `skip`
    (lower case: "people", "those") carry no meaning worth hiding and are left alone.
    """
    candidates = sorted(
        {
            w
            for phrase in words
            for w in re.findall(r"[^\W\d_]+", phrase)
            if len(w) >= MIN_WORD and w.lower() not in skip
        }
    )
    spans = _word_spans(text)
    present = [w for w in candidates if w in spans]
    if not present:
        return None
    word = rng.choice(present)
    start, end = spans[word]
    for method in rng.sample(METHODS, k=len(METHODS)):
        if method == "run_together":
            # Glue the word to its neighbour: "die moslims" -> "diemoslims".
            if start > 0 and text[start - 1] == " " and start > 1 and text[start - 2].isalpha():
                return text[: start - 1] + text[start:]
            if end < len(text) - 1 and text[end] == " " and text[end + 1].isalpha():
                return text[:end] + text[end + 1 :]
            continue
        new = obfuscate_word(word, method, rng)
        if new != word:
            return text[:start] + new + text[end:]
    return None
