"""Criticism: a negative judgement of the organisation or its service, which must be found so that every
complaint gets its reply."""

from __future__ import annotations

from hierniet.domain import Label, Reason
from hierniet.triage.lexicons import LexCategory
from hierniet.triage.rules.context import Context, RuleResult, phrase_starts, vocab


def criticism_rules(ctx: Context, result: RuleResult) -> None:
    service = ctx.hits(LexCategory.SERVICE)
    profanity = ctx.hits(LexCategory.PROFANITY)
    norms = ctx.norms
    praise = [
        t.index
        for t in ctx.nt.tokens
        if (t.norm in vocab().praise or tuple(norms[t.index : t.index + 2]) in vocab().praise_pairs)
        and not ctx.negated(t.index, window=2)
    ]
    complaint = "?" in ctx.nt.original or any(n in vocab().complaint_cues for n in norms)
    if profanity and praise and not complaint and not ctx.hits(LexCategory.INSULT, LexCategory.HOSTILE):
        result.flags.add("praise")
        result.damp_model(Label.CRITICISM, 0.3)
        result.reasons.append(Reason("triage.swearing_praise", "swearing with praise: enthusiasm, not a complaint"))
        return
    if service and profanity:
        result.raise_score(
            Label.CRITICISM, 0.55, 0, Reason("triage.swearing_service", "swearing about the service: a complaint")
        )
    if profanity and not service:
        cued = any(n in vocab().complaint_cues for n in norms)
        # "Bravo, verdomme, weer te laat": swearing beside a complaint cue is a complaint, service named or not.
        result.raise_score(
            Label.CRITICISM,
            0.55 if cued else 0.3,
            0,
            Reason("triage.swearing_cue", "swearing beside a complaint cue") if cued else None,
        )
    if profanity:
        # Swearing at a situation is emotion, not abuse: keep the model from reading it as an insult.
        if not ctx.hits(LexCategory.INSULT, LexCategory.SLUR):
            result.damp_model(Label.INSULT, 0.75)
        result.flags.add("profanity")


def service_judged(ctx: Context, result: RuleResult) -> None:
    """ "Amai, wat een chaos weer bij De Lijn", "Merci la STIB, quelle honte": the service (or its staff) and a
    bad judgement in one clause is a complaint, which the charter answers, however mild its words. Not when
    the judgement is negated or the clause is about a protected group (that is read as hate or not at all)."""
    if ctx.hits(LexCategory.IDENTITY, LexCategory.SLUR) or "praise" in result.flags:
        return
    v = vocab()
    norms = ctx.norms
    service = ctx.hits(LexCategory.SERVICE)
    staff = bool(phrase_starts(v.staff, norms))
    if not service and not staff:
        return
    for i in phrase_starts(v.negative_judgements, norms):
        if ctx.negated(i, window=3):
            continue
        words = ctx.nt.original_text(i, i)
        result.raise_score(
            Label.CRITICISM,
            0.6,
            0,
            Reason("triage.service_judged", f"'{words}' about the service: a complaint", words=words),
        )
        return


def disagreement(ctx: Context, result: RuleResult) -> None:
    """ "Ik ben het hier totaal niet mee eens", "je ne suis pas d'accord avec votre action", "honestly I think this
    is the wrong choice": disagreeing with a decision is criticism, which the charter answers. Not beside praise
    ("I disagree with the haters, well done!") nor about a protected group (read as hate or not at all)."""
    if ctx.hits(LexCategory.IDENTITY, LexCategory.SLUR) or "praise" in result.flags or ctx.counter:
        return
    v = vocab()
    norms = ctx.norms
    if any(n in v.praise for n in norms):
        return
    for i in phrase_starts(v.disagreement, norms):
        # A negator inside the phrase ("niet mee eens") or French "ne" ("je ne suis pas d'accord") is the
        # phrase's own; another one before it ("never a bad idea") denies it.
        own = norms[i] in v.negators or any(norms[j] in ("ne", "n") for j in range(max(0, i - 2), i))
        if not own and ctx.negated(i, window=2):
            continue
        words = ctx.nt.original_text(i, i)
        result.raise_score(
            Label.CRITICISM,
            0.6,
            0,
            Reason("triage.disagreement", f"'{words}': disagreement with a decision, a complaint", words=words),
        )
        return
