"""Criminal stereotypes: a protected group said to steal, deal, defraud, live off benefits or assault
("Die stelen alleen koperdraad", "ils volent et ils dealent", "they live off our taxes"), with no hostile word
for the lexicons to find. The verbs are data (words key `crimes`); a crime only becomes a stereotype when the
group as a whole does it:
- the group is named in the clause before the verb, not particular people ("mijn Roemeense buurman"), and no
  relative pronoun restricts it ("migranten die stelen": those who steal, not the group), or
- the clause refers back to a group named before ("Brochure voor zigeuners? Die stelen alleen ...").
Negated ("Niet alle Roma stelen"), quoted, reported or condemned, it is not hate. A stereotype is the charter's
low severity (2): hide, not report."""

from __future__ import annotations

from hierniet.domain import Label, Reason
from hierniet.triage.lexicons import LexCategory
from hierniet.triage.rules.common import hate_against, mentioned_not_used, particular, pattern_evidence
from hierniet.triage.rules.context import Context, RuleResult, phrase_starts, vocab

# How far (in tokens) the verb may follow the group's name in its sentence.
_REACH = 8


def crime_stereotype(ctx: Context, result: RuleResult) -> None:
    if ctx.counter or ctx.reporting:
        return
    v = vocab()
    norms = ctx.norms
    relative = v.relative.get(ctx.language, frozenset())
    for i in phrase_starts(v.crimes, norms):
        if ctx.negated(i, window=3) or i in ctx.quoted:
            continue
        token = ctx.nt.tokens[i]
        said = ctx.nt.original[token.start : token.end]
        for ident in ctx.hits(LexCategory.IDENTITY, LexCategory.SLUR):
            if not (0 < i - ident.last <= _REACH) or ctx.sentence(ident.first) != ctx.sentence(i):
                continue
            between = norms[ident.last + 1 : i]
            if (
                particular(ctx, ident)
                or mentioned_not_used(ctx, ident)
                or ctx.negated(ident.first, window=2)
                or any(n in relative for n in between)
            ):
                continue
            hate_against(
                ctx, result, ident, 0.75, 2, "triage.crime_stereotype", (f"'{said}' said of ", " as a whole"), said
            )
            result.evidence.append(pattern_evidence(ctx, token.start, token.end, Label.HATE, "criminal stereotype"))
            return
        if ctx.inherited and not ctx.hits(LexCategory.IDENTITY):
            targets = ", ".join(t.value for t in ctx.inherited)
            result.raise_score(
                Label.HATE,
                0.75,
                2,
                Reason(
                    "triage.crime_stereotype_back",
                    f"'{said}' said of the group named before ({targets}) as a whole",
                    words=said,
                    targets=[t.value for t in ctx.inherited],
                ),
            )
            for target in ctx.inherited:
                result.targets[target] += 2
            result.evidence.append(pattern_evidence(ctx, token.start, token.end, Label.HATE, "criminal stereotype"))
            return
