"""Insults: name-calling aimed at a person or a non-protected group, and staff insulted (also a complaint)."""

from __future__ import annotations

from hierniet.domain import Label, Reason
from hierniet.triage.lexicons import Flag, LexCategory
from hierniet.triage.matcher import Hit
from hierniet.triage.rules.common import hit_evidence, mentioned_not_used, overlaps
from hierniet.triage.rules.context import Context, RuleResult, after_collective, phrase_starts, vocab


def insult_rules(ctx: Context, result: RuleResult) -> None:
    services = ctx.hits(LexCategory.SERVICE)
    for hit in ctx.hits(LexCategory.INSULT):
        words = ctx.nt.original_text(hit.first, hit.last)
        qualified = _qualified(ctx, hit)
        if hit.entry.has(Flag.AMBIGUOUS) and not (ctx.second_person or hit.first == 0 or qualified):
            continue
        if any(s.first in (hit.last + 1, hit.last + 2) for s in services):
            # "jullie achterlijke dienstregeling": the word qualifies a thing, not a person.
            continue
        if mentioned_not_used(ctx, hit) or ctx.reported_near(hit.first):
            result.flags.add("reported")
            result.damp_model(Label.INSULT, 0.5)
            result.reasons.append(
                Reason(
                    "triage.insult_reported",
                    f"'{words}' is reported speech, not the commenter's own insult",
                    words=words,
                )
            )
            continue
        if ctx.negated(hit.first, window=3):
            result.flags.add("negation")
            result.damp_model(Label.INSULT, 0.6)
            continue
        # "ik ben zo'n idioot": the speaker, as subject, names themselves.
        self_talk = any(
            hit.first - 4 <= p < hit.first and ctx.nt.tokens[p].norm in vocab().self_subject for p in ctx.first_person
        ) and not ctx.near(ctx.second_person, hit.first, 6)
        if self_talk:
            result.reasons.append(
                Reason("triage.insult_self", f"'{words}' is said by the commenter about themselves", words=words)
            )
            continue
        # A bare "Idioot!" or "Connard." is said to someone: a short comment starting with the word.
        vocative = (hit.first == 0 and len(ctx.nt.tokens) <= 4) or after_collective(ctx, hit) or qualified
        directed = ctx.near(ctx.second_person, hit.first, 6) or vocative
        if directed:
            score = 0.88 if hit.entry.severity >= 2 else 0.7
        else:
            # "Absolutely useless", "wat een amateurs": about the service, an insult word
            # alone is weak evidence; the model and the other rules decide.
            score = 0.7 if hit.entry.severity >= 2 else 0.4
            if ctx.hits(LexCategory.SERVICE) and hit.entry.severity < 3:
                score -= 0.15
        if hit.how in ("fuzzy", "substring"):
            score -= 0.1
        result.raise_score(
            Label.INSULT,
            score,
            min(hit.entry.severity, 3),
            Reason(
                "triage.insult_directed" if directed else "triage.insult",
                f"insult '{words}'" + (" aimed at someone" if directed else ""),
                words=words,
            ),
        )
        result.evidence.append(hit_evidence(ctx, hit, Label.INSULT))
    for token in ctx.nt.tokens:
        if token.norm in ("emoji_middle_finger", "emoji_clown") and ctx.second_person:
            result.raise_score(Label.INSULT, 0.55, 1, Reason("triage.mocking_emoji", "mocking emoji aimed at someone"))


def _qualified(ctx: Context, hit: Hit) -> bool:
    """ "Arrogante kwast", "the rudest cow", "nen echte luie zwijn": a pejorative adjective before a word makes
    it name-calling of a person, where the word alone may be an animal or a thing."""
    pejoratives = vocab().pejoratives
    before = [ctx.nt.tokens[i].norm for i in range(max(0, hit.first - 2), hit.first)]
    return bool(before) and _pejorative(before[-1], pejoratives) and not ctx.negated(hit.first, window=3)


def _pejorative(norm: str, pejoratives: frozenset[str]) -> bool:
    """A pejorative adjective, its superlative included (onbeschoftste, rudest, dümmste)."""
    stems = {norm}
    if norm.endswith(("ste", "est")):
        stems |= {norm[:-3], norm[:-2]}
    return not stems.isdisjoint(pejoratives)


def staff_insulted(ctx: Context, result: RuleResult) -> None:
    """An insult of the organisation's staff ("die van de klantendienst is de domste koe") is a complaint about
    the service as well: the charter answers the complaint and acts on the insult."""
    if result.scores.get(Label.INSULT, 0.0) < 0.4 or result.flags & {"reported", "negation"}:
        return
    # A threat, a sexual remark or an accusation is not a complaint, and neither is a row with another
    # commenter (a handle); elected politicians are not the service's staff (an insult there is only an insult).
    if any(result.scores.get(label, 0.0) >= 0.4 for label in (Label.THREAT, Label.SEXUAL, Label.DEFAMATION)):
        return
    if "@" in ctx.nt.original:
        return
    norms = ctx.norms
    staff = vocab().staff
    named = next(iter(phrase_starts(staff, norms)), None)
    if named is None:
        return
    words = ctx.nt.original_text(named, named)
    result.raise_score(
        Label.CRITICISM,
        0.6,
        0,
        Reason(
            "triage.staff_insulted",
            f"'{words}': the insult is aimed at the service's staff, a complaint too",
            words=words,
        ),
    )


def staff_named(ctx: Context, result: RuleResult) -> None:
    """The comment names the organisation's staff or service and speaks to no other commenter (read on the whole
    comment): the pipeline then reads an insult found anywhere in it, by a rule or by the model, as aimed at
    the service too ("Die bibliothecaris aan de balie ... Arrogante kwast."), so the complaint gets its reply."""
    if "@" in ctx.nt.original:
        return
    # The service lexicon also names elected office (burgemeester, schepen), which the non-protected groups
    # name too: an insult of a politician is no complaint about the service.
    roles = ctx.hits(LexCategory.OTHER_GROUP)
    service = [h for h in ctx.hits(LexCategory.SERVICE) if not any(overlaps(h, r) for r in roles)]
    if service or phrase_starts(vocab().staff, ctx.norms):
        result.flags.add("staff_named")
