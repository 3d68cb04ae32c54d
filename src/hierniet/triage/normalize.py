"""Normalisation that defeats obfuscation while keeping every span in the original text.

Abusers write ``k u t``, ``n1gger``, ``idiooooot``, ``f*ck``, ``𝐢𝐝𝐢𝐨𝐭`` or put an emoji in
place of a word. Triage matches lexicons on *tokens*: each token keeps the
``[start, end)`` span of the original characters it came from, so evidence found
on normalised text always points back to what the commenter wrote.

The same function normalises lexicon entries, so both sides of a match agree.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

# Characters people put in place of letters. Only applied inside tokens that
# also contain real letters, so prices, dates and tram numbers stay numbers.
_LEET = {
    "0": "o",
    "1": "i",
    "3": "e",
    "4": "a",
    "5": "s",
    "7": "t",
    "8": "b",
    "9": "g",
    "@": "a",
    "$": "s",
    "€": "e",
    "!": "i",
    "|": "i",
    "+": "t",
}

#: Emoji that stand in for words abusers use. The value is a pseudo-word that
#: the rules and lexicons understand (``emoji_ape`` next to a group name is
#: dehumanisation, ``emoji_knife`` is a threat cue, ...).
EMOJI_WORDS: dict[str, str] = {
    "🐒": "emoji_ape",
    "🐵": "emoji_ape",
    "🦍": "emoji_ape",
    "🦧": "emoji_ape",
    "🙈": "emoji_ape",
    "🍌": "emoji_banana",
    "🐷": "emoji_pig",
    "🐖": "emoji_pig",
    "🐽": "emoji_pig",
    "🐀": "emoji_rat",
    "🐁": "emoji_rat",
    "🪳": "emoji_cockroach",
    "🦠": "emoji_virus",
    "🔪": "emoji_knife",
    "🗡": "emoji_knife",
    "🔫": "emoji_gun",
    "💣": "emoji_bomb",
    "⚰": "emoji_coffin",
    "🪦": "emoji_coffin",
    "💀": "emoji_skull",
    "☠": "emoji_skull",
    "🔥": "emoji_fire",
    "🪓": "emoji_axe",
    "🪢": "emoji_rope",
    "🖕": "emoji_middle_finger",
    "💩": "emoji_poop",
    "🍆": "emoji_eggplant",
    "🍑": "emoji_peach",
    "💦": "emoji_droplets",
    "👅": "emoji_tongue",
    "🫦": "emoji_lips",
    "😘": "emoji_kiss",
    "🤡": "emoji_clown",
    "🏳️‍🌈": "emoji_rainbow",
    "🏳‍🌈": "emoji_rainbow",
    "🌈": "emoji_rainbow",
    "🏳️‍⚧️": "emoji_trans_flag",
    "🏳‍⚧": "emoji_trans_flag",
}

# A token: a run of letters, digits and the characters people use to mask or
# leet-spell letters. Apostrophes stay inside (t'es, da's); the apostrophe is
# split off afterwards so "l'arabe" gives "l'" + "arabe" on both sides of a match.
_TOKEN_RE = re.compile(r"[\w@$€!|*+'’‘#]+", re.UNICODE)
_MASK_CHARS = frozenset("*#")
_SPLIT_APOS_RE = re.compile(r"(?<=['’‘])")
_SINGLE_SEPARATORS = frozenset(" .-_*/·•")
_SENTENCE_END_RE = re.compile(r"[.!?;:\n]|\s[-–—]\s")


@dataclass(frozen=True, slots=True)
class Token:
    """One word of a comment: its normalised form and its span in the original text."""

    norm: str
    start: int
    end: int
    masked: bool = False  # contained * or # standing for letters (f*ck)
    joined: bool = False  # rebuilt from spaced-out letters (k u t)
    emoji: bool = False
    stretched: bool = False  # had a letter repeated three times or more (idiooooot)
    index: int = 0  # position in the token list
    sentence: int = 0  # sentence number, for the scope of negation and group rules

    @property
    def squeezed(self) -> str:
        return squeeze(self.norm)


@dataclass(frozen=True, slots=True)
class NormalizedText:
    original: str
    tokens: tuple[Token, ...]

    @property
    def text(self) -> str:
        """The normalised text, one space between tokens (what the char n-gram model reads)."""
        return " ".join(t.norm for t in self.tokens)

    def span(self, first: int, last: int) -> tuple[int, int]:
        """Original ``[start, end)`` covered by tokens ``first..last`` (inclusive)."""
        return self.tokens[first].start, self.tokens[last].end

    def original_text(self, first: int, last: int) -> str:
        start, end = self.span(first, last)
        return self.original[start:end]


# The one folding table of triage: lexicon entries, comments and the patterns' own text all go through it, so
# whatever a pattern or an entry says can match what a commenter wrote. Each character folds to exactly one
# character (regex spans on folded text map back 1:1 to the original); these are the characters whose
# Unicode folding would give none or several.
FOLD_TABLE: dict[str, str] = {
    "ß": "s",
    "ẞ": "s",
    "’": "'",
    "‘": "'",
    "ʼ": "'",
    "´": "'",
    "`": "'",
    "œ": "o",
    "Œ": "o",
    "æ": "a",
    "Æ": "a",
    "ø": "o",
    "Ø": "o",
    "ł": "l",
    "Ł": "l",
    "đ": "d",
    "Đ": "d",
    "ı": "i",
    "İ": "i",
}


# Pure functions of small, highly repetitive inputs (characters, words): cached, they cost a fraction.
@lru_cache(maxsize=8192)
def _fold_char(ch: str) -> str:
    """Lower-case, strip accents and fancy letter styles (𝐢, ｉ, ⓘ) from one character: always one character."""
    if ch in FOLD_TABLE:
        return FOLD_TABLE[ch]
    decomposed = unicodedata.normalize("NFKD", ch)
    base = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
    return base[0] if base else " "


def fold(text: str) -> str:
    """Case- and accent-fold a string, character by character (the same table as `fold_aligned`)."""
    return "".join(_fold_char(c) for c in text)


def fold_aligned(text: str) -> str:
    """Fold like `fold`, one output character per input character, so regex spans map back 1:1."""
    return fold(text)


def fold_pattern(regex: str) -> str:
    """A regular expression's own letters folded like the text it runs on ("numéro" -> "numero", "weiß" ->
    "weis"); ASCII (the regex syntax, escapes like \\S) is left as it is: patterns compile with IGNORECASE."""
    return "".join(_fold_char(c) if ord(c) > 127 else c for c in regex)


def squeeze(word: str) -> str:
    """Collapse every run of a repeated letter to one: the key fuzzy look-ups use."""
    if len(word) < 2:
        return word
    out = [word[0]]
    for c in word[1:]:
        if c != out[-1]:
            out.append(c)
    return "".join(out)


def _limit_repeats(word: str) -> str:
    """Runs of three or more of a letter become two (idiooooot -> idioot)."""
    return re.sub(r"(.)\1{2,}", r"\1\1", word)


@lru_cache(maxsize=65536)
def _normalise_word(raw: str) -> tuple[str, bool, bool]:
    """Normalise one raw token; returns (norm, masked, stretched)."""
    folded = fold(raw).replace("’", "'").replace("‘", "'")
    letters = sum(c.isalpha() for c in folded)
    digits = sum(c.isdigit() for c in folded)
    if not letters:
        # Numbers, prices and codes: keep the digits, drop currency signs and masks.
        return "".join(c for c in folded if c.isalnum()), False, False
    # Leet only where letters dominate ("n1gg3r", "id10t"), never in times and codes ("14u30", "a12").
    has_letter = letters >= digits and not folded[:2].isdigit()
    chars: list[str] = []
    masked = False
    for i, c in enumerate(folded):
        if c in _MASK_CHARS:
            # A mask inside a word stands for hidden letters; at the edges it is decoration.
            if 0 < i < len(folded) - 1 and has_letter:
                chars.append("*")
                masked = True
            continue
        if has_letter and c in _LEET:
            chars.append(_LEET[c])
        else:
            chars.append(c)
    word = "".join(chars).strip("'")
    limited = _limit_repeats(word)
    return limited, masked, limited != word


def _raw_tokens(text: str) -> list[tuple[str, int, int]]:
    """Split the original text into raw word tokens and emoji, with their spans."""
    out: list[tuple[str, int, int]] = []
    pos = 0
    for m in _TOKEN_RE.finditer(text):
        _emoji_tokens(text, pos, m.start(), out)
        raw, start = m.group(), m.start()
        # Strip leading/trailing punctuation-like characters that are not part of the word.
        lead = len(raw) - len(raw.lstrip("!|+'’‘#*"))
        trail = len(raw) - len(raw.rstrip("!|+'’‘#*@$"))
        core = raw[lead : len(raw) - trail] if trail else raw[lead:]
        if not core:
            # A token made only of masks or punctuation ("***", "!!!") is not a word.
            pos = m.end()
            continue
        cstart = start + lead
        # Elision: "l'arabe", "t'es", "da's" -> split after the apostrophe.
        offset = 0
        for part in _SPLIT_APOS_RE.split(core):
            if part:
                out.append((part, cstart + offset, cstart + offset + len(part)))
            offset += len(part)
        pos = m.end()
    _emoji_tokens(text, pos, len(text), out)
    return out


def _emoji_tokens(text: str, start: int, end: int, out: list[tuple[str, int, int]]) -> None:
    """Find the emoji of EMOJI_WORDS in text[start:end] (longest sequences first)."""
    i = start
    while i < end:
        for length in (5, 4, 3, 2, 1):
            piece = text[i : i + length]
            if i + length <= end and piece in EMOJI_WORDS:
                out.append((piece, i, i + length))
                i += length
                break
        else:
            i += 1


#: What may glue a short piece to a run of single letters: a separator inside a word, never a space.
_GLUE = frozenset("._-*·•/")


def _glued_piece(piece: tuple[str, int, int], letter: tuple[str, int, int], text: str) -> bool:
    """Whether `piece` (two or three letters) touches the single `letter` across one gluing character."""
    if not 2 <= len(piece[0]) <= 3 or not piece[0].isalpha():
        return False
    gap_start, gap_end = (piece[2], letter[1]) if piece[1] < letter[1] else (letter[2], piece[1])
    return gap_end - gap_start == 1 and text[gap_start] in _GLUE


def _join_spaced_letters(raw: list[tuple[str, int, int]], text: str) -> list[tuple[str, int, int, bool]]:
    """Rebuild words written one letter at a time ("k u t", "n.e.g.e.r", "i-d-i-o-o-t")."""
    out: list[tuple[str, int, int, bool]] = []
    i = 0
    while i < len(raw):
        j = i
        while (
            j + 1 < len(raw)
            and len(raw[j][0]) == 1
            and len(raw[j + 1][0]) == 1
            and raw[j + 1][1] - raw[j][2] == 1
            and text[raw[j][2]] in _SINGLE_SEPARATORS
            and raw[j][0] not in EMOJI_WORDS
            and raw[j + 1][0] not in EMOJI_WORDS
        ):
            j += 1
        if j - i + 1 >= 3:
            first, last = i, j
            # "Sch.w.u.c.h.t.e.l.n", "n.e.g.e.rs": a short piece glued to the run by a dot or a dash (no space)
            # belongs to the word; a space before it would make it a word of its own.
            if out and _glued_piece(raw[i - 1], raw[i], text) and not out[-1][3] and out[-1][1] == raw[i - 1][1]:
                out.pop()
                first = i - 1
            if j + 1 < len(raw) and _glued_piece(raw[j + 1], raw[j], text):
                last = j + 1
            word = "".join(r[0] for r in raw[first : last + 1])
            out.append((word, raw[first][1], raw[last][2], True))
            i = last + 1
        else:
            out.append((raw[i][0], raw[i][1], raw[i][2], False))
            i += 1
    return out


def emoji_full_stop(text: str, prev_end: int, start: int, previous: Token) -> bool:
    """Chat ends sentences with emoji: "Zurück in die Küche, Mädels 😂 Eerlijk is eerlijk" is two sentences.
    An emoji (a token or a symbol between the words) followed by a capitalised word starts a new one."""
    if not text[start : start + 1].isupper():
        return False
    return previous.emoji or any(unicodedata.category(c) == "So" for c in text[prev_end:start])


def normalize(text: str) -> NormalizedText:
    """Tokenise and normalise a comment. Pure and deterministic."""
    raw = _raw_tokens(text)
    tokens: list[Token] = []
    sentence = 0
    prev_end = 0
    for word, start, end, joined in _join_spaced_letters(raw, text):
        if tokens and (
            _SENTENCE_END_RE.search(text, prev_end, start) or emoji_full_stop(text, prev_end, start, tokens[-1])
        ):
            sentence += 1
        prev_end = end
        if word in EMOJI_WORDS:
            tokens.append(Token(EMOJI_WORDS[word], start, end, emoji=True, index=len(tokens), sentence=sentence))
            continue
        norm, masked, stretched = _normalise_word(word)
        if not norm:
            continue
        tokens.append(
            Token(
                norm,
                start,
                end,
                masked=masked,
                joined=joined,
                stretched=stretched,
                index=len(tokens),
                sentence=sentence,
            )
        )
    return NormalizedText(text, tuple(tokens))


def normalize_phrase(phrase: str) -> tuple[str, ...]:
    """Normalise a lexicon term into the token sequence it must match."""
    return tuple(t.norm for t in normalize(phrase).tokens)
