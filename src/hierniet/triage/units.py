"""Scope: a comment split into units (sentences and contrastive clauses), each read on its own.

Negation, quotation and counter-speech act on the clause they govern, never on the whole comment: "Ik heb
niets tegen moslims, maar ze zijn allemaal criminelen" has two units, and the "niets tegen" of the first
says nothing of the second. A comment's verdict is the maximum over its units, so adding a harmless
sentence before or after a comment can never lower it (tests/triage/test_scope.py proves it over our own
examples and the devset).

A unit ends at a sentence end (. ! ? ; : or a line break, outside quotation marks) and before a
contrastive conjunction (maar, mais, but, aber: `contrast` in triage/words). A quoted sentence stays
inside the sentence that quotes it ('"X zijn ratten." Wie dat zegt, is een racist' reads as one unit).

Who a unit is about: the protected groups it names; a unit that names none but refers back with a
pronoun ("They are vermin", "Ze horen hier niet") inherits the groups of the last unit that named one, and
so does a bare verdict right after the unit that named them ("Die Roemenen overal. Uitschot.").
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache

from hierniet.domain import Target
from hierniet.triage.lexicons import Flag, LexCategory
from hierniet.triage.matcher import Hit
from hierniet.triage.normalize import NormalizedText, Token, emoji_full_stop
from hierniet.triage.rules import phrase_at, vocab
from hierniet.triage.words import load_words

#: Most units one comment is read as; the rest of a very long comment is read as one last unit.
MAX_UNITS = 24
_QUOTES = '"“”„«»‹›'
_END = re.compile(r"[.!?;:\n…]|\s[-–—]\s")
# Categories that name a group of people (protected or not): what the model reads with the name masked.
_GROUP_CATEGORIES = frozenset({LexCategory.IDENTITY, LexCategory.OTHER_GROUP})


@dataclass(frozen=True, slots=True)
class Unit:
    """Tokens first..last (inclusive, indices of the whole comment) and their text span."""

    index: int
    first: int
    last: int
    start: int
    end: int
    quoted: bool  # the whole unit lies inside quotation marks
    alternative: bool = False  # a second reading of part of a unit (see `alternative_units`)


def quoted_spans(text: str) -> list[tuple[int, int]]:
    """The (opening, closing) positions of each pair of quotation marks."""
    spans: list[tuple[int, int]] = []
    opening: int | None = None
    for i, ch in enumerate(text):
        if ch not in _QUOTES:
            continue
        if opening is None:
            opening = i
        else:
            spans.append((opening, i))
            opening = None
    return spans


def split_units(nt: NormalizedText) -> list[Unit]:
    """The comment's units, in order; a comment without words is one empty unit."""
    tokens = nt.tokens
    if not tokens:
        return [Unit(0, 0, -1, 0, len(nt.original), False)]
    text = nt.original
    quoted = quoted_spans(text)

    def inside_quote(pos: int) -> bool:
        return any(a < pos < b for a, b in quoted)

    starts = [0]
    contrast = vocab().contrast
    for i in range(1, len(tokens)):
        gap_start, gap_end = tokens[i - 1].end, tokens[i].start
        boundary = any(not inside_quote(m.start()) for m in _END.finditer(text, gap_start, gap_end)) or (
            emoji_full_stop(text, gap_start, tokens[i].start, tokens[i - 1]) and not inside_quote(gap_start)
        )
        # A contrastive conjunction opens a clause of its own, unless the clause before it is one word.
        # "nothing but vermin", "niets dan ratten": after a negator the conjunction restricts, it opens nothing.
        if (
            not boundary
            and tokens[i].norm in contrast
            and i - starts[-1] >= 2
            and tokens[i - 1].norm not in vocab().negators
            and not inside_quote(tokens[i].start)
        ):
            boundary = True
        if boundary:
            starts.append(i)
    if len(starts) > MAX_UNITS:
        starts = starts[:MAX_UNITS]
    units: list[Unit] = []
    for k, first in enumerate(starts):
        last = starts[k + 1] - 1 if k + 1 < len(starts) else len(tokens) - 1
        start, end = tokens[first].start, tokens[last].end
        whole_quote = any(a < start and end <= b for a, b in quoted)
        units.append(Unit(k, first, last, start, end, whole_quote))
    return units


def _is_symbol(ch: str) -> bool:
    return unicodedata.category(ch) in ("So", "Sk") or 0x1F000 <= ord(ch) <= 0x1FAFF


#: The shortest leading piece a second reading keeps: two words out of context ("Vlamingen en") read as
#: anything. The trailing piece may be two words ("Bonne journée"): it is the harmless one.
_MIN_PIECE = 3
#: Most cuts one unit is read at (each gives two readings).
_MAX_CUTS = 3


@cache
def _function_words() -> frozenset[str]:
    """Words a sentence rarely ends on: a capital after them starts a name ("in Eupen", "bij De Lijn")."""
    v = vocab()
    return frozenset().union(
        v.possessives, v.demonstratives, v.copulas, v.against, v.that, v.negators, *v.second_person.values()
    )


def alternative_units(nt: NormalizedText, units: list[Unit], names: frozenset[int] = frozenset()) -> list[Unit]:
    """Second readings of units that may hold two sentences written without a full stop.

    Comments often drop the full stop: "Moslims zijn ratten Fijne dag nog" is two sentences, and an emoji
    between words ("... 🤮 Bonne journée") ends one as often as not. A capital letter after a lower-case
    word starts a sentence as often as it starts a name ("bij De Lijn"), so the pieces are read beside the
    whole unit, never instead of it, and the stronger reading counts (German capitalises its nouns: more second
    readings there, never fewer first ones). Dutch capitalises the names of peoples (Vlamingen, Marokkanen):
    `names`, the token indices of group names, never start a piece.
    """
    tokens = nt.tokens
    text = nt.original
    out: list[Unit] = []
    for unit in units:
        cuts: list[int] = []
        for i in range(unit.first + 1, unit.last + 1):
            prev, tok = tokens[i - 1], tokens[i]
            gap = text[prev.end : tok.start]
            raw = text[tok.start : tok.end]
            emoji = any(_is_symbol(c) for c in gap) or (prev.emoji and not tok.emoji)
            capital = (
                i not in names
                and len(prev.norm) > 2
                and prev.norm not in _function_words()
                and raw[:1].isupper()
                and not raw.isupper()
                and text[prev.start : prev.end][-1:].islower()
                and "," not in gap
            )
            if (emoji or capital) and i - unit.first >= _MIN_PIECE and unit.last - i >= 1:
                cuts.append(i)
        # Each cut gives the words before it and the words after it, read apart; German capitalises every noun,
        # so a partition into pieces would break the clause itself apart. The last cuts are kept: a sentence
        # added without a full stop is added at the end.
        for i in cuts[-_MAX_CUTS:]:
            for a, b in ((unit.first, i), (i, unit.last + 1)):
                out.append(Unit(len(units) + len(out), a, b - 1, tokens[a].start, tokens[b - 1].end, unit.quoted, True))
    return out


def unit_text(nt: NormalizedText, unit: Unit) -> NormalizedText:
    """The unit as a text of its own: its tokens re-numbered from 0, spans still in the comment's text."""
    # Built directly rather than with dataclasses.replace: this runs for every token of every clause, and
    # replace() cost 3 % of triage.
    tokens: tuple[Token, ...] = tuple(
        Token(t.norm, t.start, t.end, t.masked, t.joined, t.emoji, t.stretched, k, 0)
        for k, t in enumerate(nt.tokens[unit.first : unit.last + 1])
    )
    return NormalizedText(nt.original, tokens)


def unit_hits(hits: list[Hit], unit: Unit) -> list[Hit]:
    """The hits inside the unit, with token indices relative to it (a phrase across a boundary is dropped)."""
    return [
        Hit(h.entry, h.first - unit.first, h.last - unit.first, h.how)
        for h in hits
        if unit.first <= h.first and h.last <= unit.last
    ]


_PROTECTED = frozenset({LexCategory.IDENTITY, LexCategory.SLUR, LexCategory.GROUP_PLACE})


def protected_groups(hits: list[Hit]) -> list[Hit]:
    """Names of protected groups, their places (moskee, asielcentrum) and slurs (which carry their group)."""
    # An identity word with an everyday meaning ("blinde", "noir", "black") names no group on its own.
    return [
        h
        for h in hits
        if h.entry.category in _PROTECTED
        and h.entry.target
        and not (
            h.entry.category == LexCategory.IDENTITY and h.entry.has(Flag.AMBIGUOUS) and not h.entry.has(Flag.PLURAL)
        )
    ]


def other_groups(hits: list[Hit]) -> list[Hit]:
    """Names of groups the law does not protect (politicians, referees, supporters of a club)."""
    return [h for h in hits if h.entry.category == LexCategory.OTHER_GROUP]


def refers_back(nt: NormalizedText) -> bool:
    """The unit refers to people named before with a pronoun or 'those people' ("They are vermin")."""
    norms = [t.norm for t in nt.tokens]
    v = vocab()
    if any(phrase_at(v.third_plural, norms, i) for i in range(len(norms))):
        return True
    # "Die zijn ratten", "die stelen alleen ...": a demonstrative opening the clause (or a part after a comma) right
    # before a verb stands for people named before; before a noun ("die bus") it is a determiner, so only a
    # copula, a negator or a crime said of a group may follow.
    for i, norm in enumerate(norms[:-1]):
        # Punctuation between the word before and this one ("niet, die ...") opens a part of the clause.
        opens = i == 0 or bool(nt.original[nt.tokens[i - 1].end : nt.tokens[i].start].strip())
        if norm in v.pointing_back and opens:
            following = norms[i + 1]
            if following in v.copulas or following in v.negators or phrase_at(v.crimes, norms, i + 1):
                return True
    return False


#: Longest bare verdict ("Animals, all of them.", "Uitschot!") read as said of the group named just before.
_VERDICT_TOKENS = 5


def bare_verdict(nt: NormalizedText, hits: list[Hit]) -> bool:
    """A unit that is only a verdict on people, with no subject of its own: "Animals, all of them.",
    "Uitschot.", "Des parasites." Right after a clause that names a group, it is said of that group."""
    words = [t for t in nt.tokens if any(c.isalnum() for c in t.norm)]
    if not words or len(words) > _VERDICT_TOKENS:
        return False
    head = {t.index for t in words[:2]}
    beasts = vocab().beasts
    return any(t.norm in beasts for t in words[:2]) or any(
        h.first in head and h.entry.category in (LexCategory.DEHUMANIZING, LexCategory.SLUR) for h in hits
    )


def masked_text(nt: NormalizedText, hits: list[Hit], language: str) -> str:
    """The unit's original text with every group name replaced by a plain word (mensen, gens, people, Leute).

    The model reads hostility on the masked text, so what it learns about one group carries over to every
    group and language, and a group's name alone never reads as hate.
    """
    if not nt.tokens:
        return ""
    table = load_words()
    words = table.get(language) or table["en"]
    start, end = nt.tokens[0].start, nt.tokens[-1].end
    spans: list[tuple[int, int, str]] = []
    for h in sorted(hits, key=lambda h: (h.first, -h.last)):
        if h.entry.category not in _GROUP_CATEGORIES:
            continue
        a, b = nt.span(h.first, h.last)
        if spans and a < spans[-1][1]:
            continue
        word = words.texts["group_placeholder" if h.entry.has(Flag.PLURAL) else "person_placeholder"]
        spans.append((a, b, word))
    out: list[str] = []
    pos = start
    for a, b, word in spans:
        out.append(nt.original[pos:a])
        out.append(word)
        pos = b
    out.append(nt.original[pos:end])
    return "".join(out)


def group_targets(hits: list[Hit]) -> tuple[Target, ...]:
    """The protected grounds named in a unit, most named first."""
    counts: dict[Target, int] = {}
    for h in protected_groups(hits):
        if h.entry.target is not None:
            counts[h.entry.target] = counts.get(h.entry.target, 0) + 1
    return tuple(sorted(counts, key=lambda t: -counts[t]))
