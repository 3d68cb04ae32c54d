"""Criticism: a negative judgement of the organisation or its service, which must be found so that every
complaint gets its reply."""

from __future__ import annotations

import re

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
    # Swearing at a protected group ("f*cking immigrants ruin every city") is read as hate, not as a complaint.
    group = bool(ctx.hits(LexCategory.IDENTITY, LexCategory.SLUR))
    if service and profanity and not group:
        result.raise_score(
            Label.CRITICISM, 0.55, 0, Reason("triage.swearing_service", "swearing about the service: a complaint")
        )
    if profanity and not service and not group:
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
    """ "Amai, wat een chaos weer bij De Lijn", "Merci la STIB, quelle honte", "le balisage pour les piétons est
    catastrophique": a bad judgement in a comment under the organisation's post is a complaint about what the
    post is about, which the charter answers, however mild its words, whether or not the service is named.
    Not when the judgement is negated, condemns what others say (counter-speech, or the discussion itself), the
    comment speaks to another commenter (a handle) or the clause is about a protected group (that is read as
    hate or not at all)."""
    if ctx.hits(LexCategory.IDENTITY, LexCategory.SLUR) or "praise" in result.flags or ctx.counter:
        return
    v = vocab()
    norms = ctx.norms
    if "@" in ctx.nt.original:
        return
    if phrase_starts(v.discussion, norms):
        # "Schandalig hoe sommigen hier reageren": judging what other commenters say takes the organisation's
        # side; unless the service is named too, the model's reading of it as a complaint is damped.
        judged = any(not ctx.negated(i, window=3) for i in phrase_starts(v.negative_judgements, norms))
        if judged and not ctx.hits(LexCategory.SERVICE) and not phrase_starts(v.staff, norms):
            result.damp_model(Label.CRITICISM, 0.5)
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


def _quiet(ctx: Context) -> bool:
    """A clause where the complaint shapes below must not fire: about a protected group (hate is read there),
    beside praise, or condemning hate."""
    return bool(ctx.hits(LexCategory.IDENTITY, LexCategory.SLUR)) or ctx.counter or _praised(ctx)


def _praised(ctx: Context) -> bool:
    v = vocab()
    norms = ctx.norms
    return any(
        (n in v.praise or tuple(norms[i : i + 2]) in v.praise_pairs) and not ctx.negated(i, window=2)
        for i, n in enumerate(norms)
    )


def _duration(norms: tuple[str, ...], i: int) -> bool:
    """A length of time at token i: "40 minuten", "drie uur", "2u", "anderhalf uur", "two hours"."""
    v = vocab()
    if _GLUED_DURATION.match(norms[i]):
        # "om 18u", "à 9h": a time of day, not a length of time.
        return i == 0 or norms[i - 1] not in v.at_clock
    if norms[i] not in v.time_units or i == 0:
        return False
    before = norms[max(0, i - 2) : i]
    return before[-1].isdigit() or any(tuple(before[k:]) in v.number_words for k in range(len(before)))


_GLUED_DURATION = re.compile(r"^\d+(u|h|min|mn)$")


def complaint_shapes(ctx: Context, result: RuleResult) -> None:
    """Complaints with no word of judgement, in the shapes people complain in (read on the whole comment): a
    disruption once more ("Alweer een staking", "Encore une panne"), a time spent waiting ("Anderhalf uur
    gewacht op de spoed", "j'ai attendu 40 minutes"), a question that insists ("Waarom altijd onze straat?",
    "Quand allez-vous enfin réparer ...?") and asking who pays ("Wie gaat dat betalen?"). Never beside praise
    ("we waited two hours but it was worth it"), about a protected group, or in counter-speech."""
    if _quiet(ctx):
        return
    v = vocab()
    norms = ctx.norms
    insist = [i for i in phrase_starts(v.insistence, norms) if not ctx.negated(i, window=2)]
    reason: Reason | None = None
    disruptions = phrase_starts(v.disruptions, norms)
    if disruptions and insist and not any(ctx.negated(i, window=3) for i in disruptions):
        words = ctx.nt.original_text(disruptions[0], disruptions[0])
        reason = Reason("triage.disruption_again", f"'{words}' once more: a complaint", words=words)
    waits = phrase_starts(v.waiting, norms)
    if reason is None and any(_duration(norms, i) and any(abs(i - w) <= 5 for w in waits) for i in range(len(norms))):
        words = ctx.nt.original_text(waits[0], waits[0])
        reason = Reason("triage.long_wait", f"'{words}' with a length of time: a complaint", words=words)
    asking = [i for i in _openers(ctx) + _why(norms) if _asks(ctx, i)]
    insisting = [i for i in insist if any(ctx.sentence(i) == ctx.sentence(a) for a in asking)]
    if reason is None and insisting:
        words = ctx.nt.original_text(insisting[0], insisting[0])
        reason = Reason("triage.insisting_question", f"a question with '{words}': a complaint", words=words)
    if reason is None and phrase_starts(v.payers, norms):
        reason = Reason("triage.who_pays", "asks who pays: a complaint")
    if reason is not None:
        result.raise_score(Label.CRITICISM, 0.6, 0, reason)


def _asks(ctx: Context, i: int) -> bool:
    """The sentence of token i is a question: a question mark right after its last token."""
    sentence = ctx.sentence(i)
    end = max(t.end for t in ctx.nt.tokens if t.sentence == sentence)
    return ctx.nt.original[end : end + 4].lstrip().startswith("?")


def _openers(ctx: Context) -> list[int]:
    return phrase_starts(vocab().info_openers.get(ctx.language, frozenset()), ctx.norms)


def _why(norms: tuple[str, ...]) -> list[int]:
    why = vocab().why
    return [i for i, n in enumerate(norms) if n in why]


def _complaint_cued(ctx: Context, ignore: frozenset[int] = frozenset()) -> bool:
    """A complaint cue anywhere in the comment: insistence, a negative judgement, a disruption, a complaint
    word, a negator, swearing, an insult or hostility. `ignore` holds positions whose complaint word or negator
    belongs to praise (the "nooit" of "nooit problemen gehad")."""
    v = vocab()
    norms = ctx.norms
    return bool(
        phrase_starts(v.insistence, norms)
        or phrase_starts(v.negative_judgements, norms)
        or phrase_starts(v.disruptions, norms)
        or any(n in v.complaint_cues for i, n in enumerate(norms) if i not in ignore)
        or ctx.negator_positions - ignore
        or ctx.hits(LexCategory.PROFANITY, LexCategory.INSULT, LexCategory.HOSTILE)
    )


def info_question(ctx: Context, result: RuleResult) -> None:
    """ "Hoe kan ik mijn abonnement koppelen?", "Quand commence le marché de Noël ?": a comment that asks for
    information, with no insistence, disruption, judgement, negation or swearing anywhere in it, is no complaint
    however the model reads its service words; the model's criticism is damped (read on the whole comment)."""
    if "?" not in ctx.nt.original or result.scores.get(Label.CRITICISM, 0.0) > 0.0:
        return
    v = vocab()
    norms = ctx.norms
    if not _openers(ctx) or _why(norms):
        return
    # Every sentence asks, or only greets or praises ("Super Nachricht! Muss man ...?"): a statement beside the
    # question ("Ik verlies hierdoor geld.") may be the complaint the question comes with.
    for sentence in {t.sentence for t in ctx.nt.tokens}:
        first = min(t.index for t in ctx.nt.tokens if t.sentence == sentence)
        said = [t.norm for t in ctx.nt.tokens if t.sentence == sentence and any(c.isalnum() for c in t.norm)]
        if not _asks(ctx, first) and not (len(said) <= 3 and any(w in v.praise or w in v.thanks for w in said)):
            return
    if _complaint_cued(ctx):
        return
    result.flags.add("info_question")
    result.damp_model(Label.CRITICISM, 0.4)


def praise_only(ctx: Context, result: RuleResult) -> None:
    """ "We waited two hours but the concert was absolutely worth it!": praise, with no judgement, complaint cue,
    disruption, insistence, negation, swearing or question anywhere in the comment, is no complaint and no
    insult; the model's criticism and insult are damped (read on the whole comment). Sarcastic praise comes
    with a cue ("Bravo, weer te laat")."""
    if not _praised(ctx) or "?" in ctx.nt.original or result.scores.get(Label.CRITICISM, 0.0) > 0.0:
        return
    v = vocab()
    norms = ctx.norms
    # The "nooit" of "nooit problemen gehad" praises: only a negator outside such a pair denies.
    satisfied = frozenset(i + k for i in range(len(norms)) if tuple(norms[i : i + 2]) in v.praise_pairs for k in (0, 1))
    if _complaint_cued(ctx, ignore=satisfied):
        return
    result.flags.add("praise")
    result.damp_model(Label.CRITICISM, 0.5)
    # "Respect voor die chauffeurs, wat die moeten meemaken": support for the staff is no insult either.
    result.damp_model(Label.INSULT, 0.6)


def concession(ctx: Context, result: RuleResult) -> None:
    """ "Bravo pour le tram, mais les quais ne sont pas accessibles", "Ik steun de chauffeurs, maar verwittig ons
    vroeger", "Would love to donate, but ...": praise or support granted, then a "but" that denies, demands or
    asks is a complaint, politely put (read on the whole comment). Not after a disclaimer ("niets tegen X,
    maar"), not to another commenter, not in counter-speech, not when praise comes back after the "but"."""
    if ctx.counter or "@" in ctx.nt.original or ctx.hits(LexCategory.SLUR):
        return
    v = vocab()
    norms = ctx.norms
    # "Ik heb niets tegen moslims, maar ...": the disclaimer before hate grants nothing.
    if any(n in v.against and ctx.negated(i, window=3) for i, n in enumerate(norms)):
        return
    granted = sorted(phrase_starts(v.concession, norms) + [i for i, n in enumerate(norms) if n in v.praise])
    if not granted:
        return
    for c in (i for i, n in enumerate(norms) if n in v.contrast and i > granted[0]):
        after = range(c + 1, len(norms))
        if any(norms[i] in v.praise for i in after):
            continue  # "..., but we loved it": the praise comes back after the "but"
        if any(h.first > c for h in ctx.hits(LexCategory.IDENTITY)):
            continue  # "..., mais les Roumains ...": what follows is about a group, read as hate or not at all
        start = ctx.nt.tokens[c].end
        # "..., maar ik kan er zelf niet bij zijn": the speaker's own "not" is no complaint.
        denied = any(
            i in ctx.negator_positions and not any(norms[j] in v.self_subject for j in range(max(c, i - 5), i))
            for i in after
        )
        demanded = any(i > c for i in phrase_starts(v.demands, norms))
        asked = "?" in ctx.nt.original[start:]
        if denied or demanded or asked:
            words = ctx.nt.original_text(c, c)
            result.raise_score(
                Label.CRITICISM,
                0.6,
                0,
                Reason("triage.concession", f"praise or support, then '{words}' and a complaint", words=words),
            )
            return
