"""Coded hate: words that name their target themselves, so no group needs to be named beside them. The
replacement conspiracy ("omvolking", "grand remplacement", "Umvolkung"), "remigration", "islamisation" and
"Eurabia", the antisemitic "complot sioniste": in the hostile lexicons they carry the protected ground in their
target column, and this rule reads them alone ("Schepen voor diversiteit? Ge bedoelt schepen voor de omvolking.").
Quoted, reported, negated or condemned in the clause ("de omvolkingstheorie is racistische onzin", "X wil
remigratie, dat is schandalig"), they are not hate."""

from __future__ import annotations

from hierniet.domain import Label, Reason
from hierniet.triage.lexicons import Flag, LexCategory
from hierniet.triage.rules.common import hit_evidence, mentioned_not_used
from hierniet.triage.rules.context import Context, RuleResult, vocab


def coded_hate(ctx: Context, result: RuleResult) -> None:
    # "Het Vlaams Belang wil remigratie, dat is schandalig": a word of condemnation in the clause reports the
    # coded word to condemn it.
    if ctx.counter or any(n in vocab().condemning for n in ctx.norms):
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
