"""Sexual remarks, self-harm, adverts and personal data: the labels read on the words themselves or on
the whole comment."""

from __future__ import annotations

from hierniet.domain import Evidence, EvidenceSource, Label, PIIKind, Reason
from hierniet.triage.lexicons import Flag, LexCategory
from hierniet.triage.rules.common import hit_evidence, mentioned_not_used, pattern_evidence
from hierniet.triage.rules.context import DOXXING_KINDS, SEXUAL_EMOJI, Context, RuleResult, phrase_starts, vocab

#: Emoji that leer ("😏", "🤤"), as people write them beside a remark about someone's body. Read on the original
#: text (they are no tokens): beside a word of `innuendo` they make the remark sexual. 🥵 is left out: it is the
#: heat as often as the look.
_LEER = frozenset("😏🤤😈💦🍑🍆👅")


def innuendo(ctx: Context, result: RuleResult) -> None:
    """ "Die chauffeuse in dat strak uniform 🤤", "surtout son petit cul au marché 😏": a leer emoji beside a word
    about someone's body, clothes or the night is a sexual remark, with no sexual word for the lexicon."""
    if ctx.counter or not any(ch in _LEER for ch in ctx.nt.original):
        return
    found = phrase_starts(vocab().innuendo, ctx.norms)
    if not found or ctx.negated(found[0], window=2):
        return
    said = ctx.nt.original_text(found[0], found[0])
    result.raise_score(
        Label.SEXUAL, 0.7, 2, Reason("triage.innuendo", f"'{said}' beside a leering emoji: a sexual remark", words=said)
    )


def sexual_rules(ctx: Context, result: RuleResult) -> None:
    hits = ctx.hits(LexCategory.SEXUAL)
    plain = [h for h in hits if not h.entry.has(Flag.AMBIGUOUS)]
    emoji = [t for t in ctx.nt.tokens if t.norm in SEXUAL_EMOJI]
    if not plain and not (len(hits) >= 2 or (hits and (ctx.second_person or emoji))):
        if len(emoji) >= 2 and ctx.second_person:
            result.raise_score(Label.SEXUAL, 0.55, 2, Reason("triage.sexual_emoji", "sexual emoji aimed at someone"))
        return
    for hit in plain or hits:
        if mentioned_not_used(ctx, hit):
            continue
        directed = ctx.near(ctx.second_person, hit.first, 8)
        score = 0.85 if directed or len(hits) >= 2 else 0.7
        said = ctx.nt.original_text(hit.first, hit.last)
        result.raise_score(
            Label.SEXUAL,
            score,
            max(2, min(hit.entry.severity, 3)),
            Reason("triage.sexual", f"sexual '{said}'", words=said),
        )
        result.evidence.append(hit_evidence(ctx, hit, Label.SEXUAL))


def self_harm_rules(ctx: Context, result: RuleResult) -> None:
    for hit in ctx.hits(LexCategory.SELF_HARM):
        words = ctx.nt.original_text(hit.first, hit.last)
        if hit.entry.has(Flag.AMBIGUOUS) and not ctx.near(ctx.first_person, hit.first, 4):
            continue
        if ctx.near(ctx.second_person, hit.first, 4) and not ctx.near(ctx.first_person, hit.first, 3):
            # "ga zelfmoord plegen", "kill yourself": aimed at someone else, that is abuse.
            result.raise_score(
                Label.THREAT, 0.7, 3, Reason("triage.wished", f"'{words}' wished on someone", words=words)
            )
            result.raise_score(Label.INSULT, 0.7, 2)
            result.evidence.append(hit_evidence(ctx, hit, Label.THREAT))
            continue
        if ctx.counter or mentioned_not_used(ctx, hit):
            continue
        result.raise_score(
            Label.SELF_HARM, 0.85, 3, Reason("triage.distress", f"signs of distress: '{words}'", words=words)
        )
        result.evidence.append(hit_evidence(ctx, hit, Label.SELF_HARM))


def spam_rules(ctx: Context, result: RuleResult) -> None:
    cues = ctx.hits(LexCategory.SPAM)
    links = [p for p in ctx.patterns if p.pattern.name == "link"]
    strength = (
        sum(0.5 if h.entry.has(Flag.AMBIGUOUS) else 1.0 for h in {h.entry.id: h for h in cues}.values())
        + 1.5 * bool(links)
        + 0.5 * any(p.kind in (PIIKind.PHONE, PIIKind.EMAIL) for p in ctx.pii)
    )
    if strength >= 2.5:
        score = 0.9
    elif strength >= 2:
        score = 0.75
    elif strength >= 1.5:
        score = 0.45
    else:
        score = 0.2 if cues else 0.0
    # A scam asks for money, card or identity details: whether the rules or the model alone find the advert,
    # it is medium severity, so the default policy reports it to the platform; a plain advert stays low.
    scam = bool(phrase_starts(vocab().scam_cues, ctx.norms))
    if scam and not ctx.counter:
        result.severity[Label.SPAM] = max(result.severity.get(Label.SPAM, 0), 2)
    if score:
        # An advert that sends readers to a link or a phone number is how scams and phishing work too.
        baited = (
            bool(links)
            or strength >= 2.5
            or scam
            or any(p.kind in (PIIKind.PHONE, PIIKind.EMAIL, PIIKind.IBAN) for p in ctx.pii)
        )
        result.raise_score(
            Label.SPAM,
            score,
            2 if baited else 1,
            Reason("triage.spam_cues", "advertising or scam cues") if score >= 0.5 else None,
        )
        for hit in cues:
            result.evidence.append(hit_evidence(ctx, hit, Label.SPAM))
        for p in links:
            result.evidence.append(pattern_evidence(ctx, p.start, p.end, Label.SPAM, p.pattern.name))


def own_data(ctx: Context) -> bool:
    return any(p.pattern.name == "own_data" for p in ctx.patterns)


def doxxing_rules(ctx: Context, result: RuleResult) -> None:
    """Personal data in the comment is doxxing, unless it is the commenter's own or an advert's."""
    own = own_data(ctx)
    if own:
        result.flags.add("own_data")
        if ctx.pii:
            # The model reads any phone number as someone's data; the commenter's own or a service's is not.
            result.damp_model(Label.DOXXING, 0.5)
    spammy = result.scores.get(Label.SPAM, 0.0) >= 0.75
    for match in ctx.pii:
        if match.kind not in DOXXING_KINDS:
            continue
        if own or spammy:
            result.reasons.append(
                Reason(
                    "triage.own_data",
                    f"{match.kind.value} found, but it looks like the commenter's own or an advert's",
                    kind=match.kind.value,
                )
            )
            continue
        score = {
            PIIKind.NATIONAL_NUMBER: 0.95,
            PIIKind.ADDRESS: 0.85,
            PIIKind.IBAN: 0.8,
            PIIKind.PHONE: 0.85,
            PIIKind.EMAIL: 0.8,
            PIIKind.LICENCE_PLATE: 0.7,
        }[match.kind]
        result.raise_score(
            Label.DOXXING,
            score,
            4 if match.kind in (PIIKind.ADDRESS, PIIKind.NATIONAL_NUMBER) else 3,
            Reason("triage.personal_data", f"personal data in the comment: {match.kind.value}", kind=match.kind.value),
        )
        result.evidence.append(
            Evidence(match.start, match.end, Label.DOXXING, EvidenceSource.PII, match.kind.value, match.text)
        )
