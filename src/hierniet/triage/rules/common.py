"""Helpers the rules of several labels share: evidence spans, scope within a phrase, a group named in a
span, and raising hate against a group."""

from __future__ import annotations

from collections.abc import Callable

from hierniet.domain import Evidence, EvidenceSource, Label, Reason
from hierniet.triage.lexicons import LexCategory
from hierniet.triage.matcher import Hit
from hierniet.triage.rules.context import Context, RuleResult, vocab


def pattern_evidence(ctx: Context, start: int, end: int, label: Label, detail: str) -> Evidence:
    """Evidence from a named pattern or an emoji: a span of the original text."""
    return Evidence(start, end, label, EvidenceSource.PATTERN, detail, ctx.nt.original[start:end])


def hit_evidence(ctx: Context, hit: Hit, label: Label) -> Evidence:
    start, end = ctx.nt.span(hit.first, hit.last)
    detail = f"{hit.entry.id} ({hit.entry.source}{', ' + hit.how if hit.how != 'exact' else ''})"
    return Evidence(start, end, label, EvidenceSource.LEXICON, detail, ctx.nt.original[start:end])


def mentioned_not_used(ctx: Context, hit: Hit) -> bool:
    """The words are quoted or reported, by someone who reports or condemns them."""
    in_quote = hit.first in ctx.quoted
    return (in_quote and (ctx.reporting or ctx.counter)) or (ctx.reporting and ctx.counter)


def treated_as(ctx: Context, index: int) -> bool:
    """ "Ze worden behandeld als beesten", "they are treated like animals", "traités comme des chiens": how
    people are treated (or called), said to condemn it, not a verdict on them."""
    sentence = ctx.sentence(index)
    treated = vocab().treated
    return any(ctx.norms[j] in treated and ctx.sentence(j) == sentence for j in range(max(0, index - 3), index))


def called_by_others(ctx: Context, index: int) -> bool:
    """ "If you call immigrants parasites, you are the problem", "Si tu traites les immigrés de parasites",
    "Als je migranten parasieten noemt", "Wer Muslime Terroristen nennt": the word at `index` is what someone
    other than the speaker calls a group, reported to be condemned. "I call them parasites", "Migranten noem
    ik parasieten" (the speaker right before or after the verb) stay the speaker's own verdict."""
    v = vocab()
    sentence = ctx.sentence(index)
    norms = ctx.norms
    others = v.naming_others.get(ctx.language, frozenset())
    for j in range(max(0, index - 6), min(len(norms), index + 4)):
        if norms[j] not in v.naming or ctx.sentence(j) != sentence:
            continue
        if any(abs(p - j) <= 2 and ctx.sentence(p) == sentence for p in ctx.first_person):
            return False
        start = min(j, index)
        if any(norms[k] in others and ctx.sentence(k) == sentence for k in range(max(0, start - 5), start)):
            return True
    return False


def overlaps(a: Hit, b: Hit) -> bool:
    return not (a.last < b.first or b.last < a.first)


def near_in_phrase(ctx: Context, positions: frozenset[int], index: int, window: int) -> bool:
    """A position within `window` tokens of `index` with no comma between them: "t'es qu'un pédé" addresses
    the reader, "moi, vieux pédé de 60 ans, je vous dis merci" does not."""
    tokens = ctx.nt.tokens
    for p in positions:
        if abs(p - index) > window or ctx.sentence(p) != ctx.sentence(index):
            continue
        a, b = sorted((p, index))
        if "," not in ctx.nt.original[tokens[a].end : tokens[b].start]:
            return True
    return False


def negated_in_phrase(ctx: Context, index: int, window: int, floor: int) -> bool:
    """A negator before `index` with no comma between: "X zijn geen mensen" denies, but in "X zijn geen zieken,
    ze zijn gewoon mensen" the "geen" belongs to the phrase before the comma."""
    tokens = ctx.nt.tokens
    return any(
        p in ctx.negator_positions
        and ctx.sentence(p) == ctx.sentence(index)
        and "," not in ctx.nt.original[tokens[p].end : tokens[index].start]
        for p in range(max(floor, index - window), index)
    )


#: Words that make the next token a noun for one person: "nog een 🐒", "encore un 🐒", "another 🐒".
def particular(ctx: Context, ident: Hit) -> bool:
    """Particular people ("mijn Turkse buren", "ta femme"), not the group: a possessive right before the name.
    A Dutch question that opens with "Zijn" asks ("Zijn vrouwen wel slim genoeg?"): there it is the verb."""
    if ident.first == 0:
        return False
    v = vocab()
    before = ctx.nt.tokens[ident.first - 1]
    opens = before.norm in v.possessive_verbs and (
        before.index == 0 or ctx.sentence(before.index - 1) != before.sentence
    )
    if opens:
        return False
    return before.norm in v.possessives


def group_in_span(ctx: Context, start: int, end: int, eligible: Callable[[Hit], bool]) -> Hit | None:
    """The first group named, for particular people or quoted, in the sentence of the text span start:end."""
    at = [t.index for t in ctx.nt.tokens if start <= t.start < end]
    if not at:
        return None
    sentence = ctx.sentence(at[0])
    return next(
        (
            ident
            for ident in ctx.hits(LexCategory.IDENTITY)
            if ctx.sentence(ident.first) == sentence
            and not particular(ctx, ident)
            and not mentioned_not_used(ctx, ident)
            and eligible(ident)
        ),
        None,
    )


def hate_against(
    ctx: Context,
    result: RuleResult,
    ident: Hit,
    score: float,
    severity: int,
    code: str,
    why: tuple[str, str],
    words: str,
) -> None:
    """Hate against the group `ident` names; the reason (`code`) is why[0] + the group's words and target +
    why[1], with `words` the words that said it."""
    target = ident.entry.target
    named = ctx.nt.original_text(ident.first, ident.last)
    group = f"'{named}' ({target.value if target else '?'})"
    result.raise_score(
        Label.HATE,
        score,
        severity,
        Reason(code, why[0] + group + why[1], words=words, group=named, target=target.value if target else None),
    )
    if target:
        result.targets[target] += 1
    result.evidence.append(hit_evidence(ctx, ident, Label.HATE))
