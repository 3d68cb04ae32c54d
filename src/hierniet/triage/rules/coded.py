"""Coded hate: words that name their target themselves, so no group needs to be named beside them. The
replacement conspiracy ("omvolking", "grand remplacement", "Umvolkung"), "remigration", "islamisation" and
"Eurabia", the antisemitic "complot sioniste": in the hostile lexicons they carry the protected ground in their
target column, and this rule reads them alone ("Schepen voor diversiteit? Ge bedoelt schepen voor de omvolking.").
Quoted, reported, negated or condemned in the clause ("de omvolkingstheorie is racistische onzin", "X wil
remigratie, dat is schandalig"), they are not hate."""

from __future__ import annotations

from hierniet.domain import Label, Reason, Target
from hierniet.triage.lexicons import Flag, LexCategory
from hierniet.triage.rules.common import hit_evidence, mentioned_not_used
from hierniet.triage.rules.context import Context, RuleResult, phrase_starts, vocab


def _condemned(ctx: Context) -> bool:
    """Counter-speech in the clause, or a word of condemnation in it: "Het Vlaams Belang wil remigratie, dat is
    schandalig" reports the coded word to condemn it."""
    return ctx.counter or any(n in vocab().condemning for n in ctx.norms)


def coded_hate(ctx: Context, result: RuleResult) -> None:
    if _condemned(ctx):
        return
    for hit in ctx.hits(LexCategory.HOSTILE):
        entry = hit.entry
        if entry.target is None or entry.has(Flag.AMBIGUOUS):
            continue
        if mentioned_not_used(ctx, hit) or ctx.reported_near(hit.first) or ctx.negated(hit.first, window=3):
            continue
        words = ctx.nt.original_text(hit.first, hit.last)
        result.raise_score(
            Label.HATE,
            0.8,
            max(2, min(entry.severity, 3)),
            Reason(
                "triage.coded_hate",
                f"'{words}' names its own target ({entry.target.value})",
                words=words,
                target=entry.target.value,
            ),
        )
        result.targets[entry.target] += 2
        result.evidence.append(hit_evidence(ctx, hit, Label.HATE))
        return


# How far apart (in tokens) the three parts of a control conspiracy may stand in one sentence.
_CONTROL_REACH = 6


def control_conspiracy(ctx: Context, result: RuleResult) -> None:
    """ "Ce sont les sionistes qui contrôlent les médias", "the globalists own the banks": Jews (or their codes)
    said to control the media, the banks or the world, the antisemitic conspiracy, with no hostile word.
    Quoted, reported, negated or condemned in the clause, it is not hate."""
    if _condemned(ctx):
        return
    v = vocab()
    norms = ctx.norms
    controls = phrase_starts(v.conspiracy_control, norms)
    domains = phrase_starts(v.conspiracy_domains, norms)
    for g in phrase_starts(v.conspiracy_groups, norms):
        verb = next((c for c in controls if 0 < c - g <= _CONTROL_REACH and ctx.sentence(c) == ctx.sentence(g)), None)
        if verb is None or ctx.negated(verb, window=3) or g in ctx.quoted:
            continue
        if not any(0 < d - verb <= _CONTROL_REACH and ctx.sentence(d) == ctx.sentence(g) for d in domains):
            continue
        words = ctx.nt.original_text(g, verb)
        result.raise_score(
            Label.HATE,
            0.8,
            3,
            Reason(
                "triage.control_conspiracy",
                f"'{words}': the conspiracy that a group controls the media, the banks or the world",
                words=words,
            ),
        )
        result.targets[Target.RELIGION] += 2
        return
