"""The multi-word patterns (triage/patterns.py) as rules: each pattern raises its label, and violence
called for against a group named beside it is hate too."""

from __future__ import annotations

from hierniet.domain import Label, Reason
from hierniet.triage.lexicons import Flag
from hierniet.triage.patterns import PatternHit
from hierniet.triage.rules.care import own_data
from hierniet.triage.rules.common import group_in_span, hate_against, pattern_evidence
from hierniet.triage.rules.context import Context, RuleResult


def pattern_rules(ctx: Context, result: RuleResult) -> None:
    """Named patterns: calls to find someone's data, accusations, baiting, veiled threats (each its own id)."""
    own = own_data(ctx)
    rule = result.current
    for p in ctx.patterns:
        if p.pattern.label not in (Label.DOXXING, Label.DEFAMATION, Label.PROVOCATION, Label.THREAT):
            continue
        if p.pattern.label == Label.DOXXING and own:
            continue
        if p.pattern.label == Label.THREAT and ctx.counter:
            result.suppressed.append(f"pattern.{p.pattern.name}/counter_speech")
            continue
        if p.pattern.label == Label.DOXXING:
            result.flags.add("doxxing_pattern")
        result.current = f"pattern.{p.pattern.name}"
        severity = {Label.DOXXING: 3, Label.DEFAMATION: 2, Label.PROVOCATION: 1, Label.THREAT: 3}[p.pattern.label]
        result.raise_score(
            p.pattern.label,
            p.pattern.score,
            severity,
            Reason("triage.pattern", f"pattern {p.pattern.name}", pattern=p.pattern.name, label=p.pattern.label.value),
        )
        result.evidence.append(pattern_evidence(ctx, p.start, p.end, p.pattern.label, p.pattern.name))
        if p.pattern.label == Label.THREAT:
            _threatened_group(ctx, result, p)
        result.current = rule


def _threatened_group(ctx: Context, result: RuleResult, p: PatternHit) -> None:
    """Violence called for against a group named in the same sentence is hate as well as a threat."""
    ident = group_in_span(
        ctx,
        p.start,
        p.end,
        lambda i: i.entry.has(Flag.PLURAL) and not ctx.negated(i.first, window=2) and not ctx.reported_near(i.first),
    )
    if ident is not None:
        said = ctx.nt.original[p.start : p.end]
        hate_against(
            ctx,
            result,
            ident,
            0.88,
            4,
            "triage.violence_against_group",
            (f"violence called for ({p.pattern.name}) against the group ", ""),
            said,
        )
