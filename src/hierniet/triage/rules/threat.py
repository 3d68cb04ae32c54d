"""Threats: the threat lexicon, weapon emoji aimed at someone, and violence or arson said as an intent."""

from __future__ import annotations

import re

from hierniet.domain import Label, Reason
from hierniet.triage.lexicons import Flag, LexCategory
from hierniet.triage.rules.common import hit_evidence, mentioned_not_used, pattern_evidence
from hierniet.triage.rules.context import THREAT_EMOJI, Context, RuleResult, phrase_starts, vocab


def threat_rules(ctx: Context, result: RuleResult) -> None:
    for hit in ctx.hits(LexCategory.THREAT):
        words = ctx.nt.original_text(hit.first, hit.last)
        if mentioned_not_used(ctx, hit) or (ctx.reporting and ctx.counter):
            result.flags.add("reported")
            result.damp_model(Label.THREAT, 0.5)
            result.reasons.append(
                Reason("triage.threat_reported", f"threat words '{words}' are reported or condemned", words=words)
            )
            continue
        if ctx.negated(hit.first, window=2) and hit.entry.severity < 4:
            continue
        if hit.entry.has(Flag.AMBIGUOUS) and not (
            ctx.near(ctx.second_person, hit.first, 6) or ctx.hits(LexCategory.IDENTITY)
        ):
            # "ophangen", "na de match": everyday words unless aimed at someone or a group.
            continue
        multiword = hit.last > hit.first
        directed = ctx.near(ctx.second_person, hit.first, 8) or multiword
        score = 0.88 if directed else 0.6
        if ctx.reporting and not ctx.second_person:
            score = 0.4
        result.raise_score(
            Label.THREAT,
            score,
            max(3, hit.entry.severity),
            Reason("triage.threat", f"threat '{words}'", words=words),
        )
        result.evidence.append(hit_evidence(ctx, hit, Label.THREAT))
    for token in ctx.nt.tokens:
        if token.norm in THREAT_EMOJI and ctx.second_person and not ctx.counter:
            result.raise_score(Label.THREAT, 0.6, 3, Reason("triage.weapon_emoji", "weapon emoji aimed at someone"))
            result.evidence.append(pattern_evidence(ctx, token.start, token.end, Label.THREAT, "emoji"))


#: Laughter or "just kidding" in the clause: "ik vermoord mijn maat als hij dat nog eens zegt 😂" is banter.
# (💀, "I'm dead", is laughter in chat, as is "xD".)
_JOKING = re.compile(
    r"[😂🤣😆😹💀]|\b(haha+|hihi|lol|mdr|ptdr|jk|xd|just kidding|je rigole|grapje|spass)\b", re.IGNORECASE
)


def joking(text: str) -> bool:
    """Laughter or "just kidding" in the text: hyperbole ("ik vermoord hem 😂") rather than intent."""
    return bool(_JOKING.search(text))


#: Words that point an arson verb at a place (dat gemeentehuis, ce centre, this place).
_PLACE_POINTERS = frozenset(
    {"ce", "cet", "cette", "dat", "dit", "het", "heel", "this", "that", "das", "dieses", "diesen"}
)


def violence_intended(ctx: Context, result: RuleResult) -> None:
    """ "Als hij weer doorrijdt, sla ik zijn kop tegen het stuur", "on les aide à partir à coups de batte",
    "Ik steek dat gemeentehuis in brand": violence (or arson) done to a person, a group or a place, said as
    an intent (first person, future, a modal, a condition, a day), not negated, reported or condemned. The
    fixed phrases of the threat lexicon name the second person; this reads any person, so conditional,
    collective and third-person threats are caught the same way in every language."""
    if ctx.counter or (ctx.reporting and not ctx.second_person):
        return
    v = vocab()
    norms = ctx.norms
    violent = phrase_starts(v.violence, norms)
    arsons = set(phrase_starts(v.arson, norms))
    if not (violent or arsons) or not phrase_starts(v.intent, norms) or joking(ctx.nt.original):
        return
    people = {h.first for h in ctx.hits(LexCategory.IDENTITY, LexCategory.SLUR, LexCategory.OTHER_GROUP)}
    places = {h.first for h in ctx.hits(LexCategory.GROUP_PLACE)}
    staff = set(phrase_starts(v.staff, norms))
    figurative = idiom_tokens(ctx)
    for i in sorted(arsons.union(violent)):
        arson = i in arsons
        if ctx.negated(i, window=3) or i in ctx.quoted or i in figurative:
            continue
        window = range(max(0, i - 5), min(len(norms), i + 6))
        aimed = any(norms[j] in v.victims for j in window) or bool(people | staff) or ctx.near(ctx.second_person, i)
        if arson:
            aimed = aimed or bool(places) or any(norms[j] in _PLACE_POINTERS | v.demonstratives for j in window)
        if not aimed:
            continue
        words = ctx.nt.original_text(i, i)
        result.raise_score(
            Label.THREAT,
            0.75,
            3,
            Reason("triage.violence_intended", f"'{words}': violence said as an intent", words=words),
        )
        result.evidence.append(
            pattern_evidence(
                ctx, ctx.nt.tokens[i].start, ctx.nt.tokens[i].end, Label.THREAT, "violence said as an intent"
            )
        )
        return


def idiom_tokens(ctx: Context) -> frozenset[int]:
    """The tokens of figures of speech made of violence or death ("kill time", "tuer le temps")."""
    idioms = vocab().idioms
    norms = ctx.norms
    found: set[int] = set()
    for i in phrase_starts(idioms, norms):
        length = max(len(p) for p in idioms if tuple(norms[i : i + len(p)]) == p)
        found.update(range(i, i + length))
    return frozenset(found)


def _violence_anywhere(ctx: Context, *categories: LexCategory, skip: frozenset[int] = frozenset()) -> bool:
    """A word of the lexicon `categories`, of violence, arson or harm, or a threat emoji anywhere in the comment,
    outside the tokens in `skip`: what keeps a figure of speech or a kind wish from damping the model's threat."""
    v = vocab()
    norms = ctx.norms
    hits = [h for h in ctx.hits(*categories) if h.first not in skip]
    violent = [
        i
        for i in phrase_starts(v.violence, norms) + phrase_starts(v.arson, norms) + phrase_starts(v.harm_words, norms)
        if i not in skip
    ]
    return bool(hits or violent or any(n in THREAT_EMOJI for n in norms))


def idiom(ctx: Context, result: RuleResult) -> None:
    """ "I'm going to kill it at the exam", "je vais tuer le temps", "ik lag dood van het lachen": violence or
    death words in a figure of speech. The model reads them as threats or self-harm; with no threat word,
    violence or weapon outside the figure anywhere in the comment, the model's threat and self-harm are damped
    (read on the whole comment; a rule's threat is never damped)."""
    figurative = idiom_tokens(ctx)
    if not figurative:
        return
    if _violence_anywhere(ctx, LexCategory.THREAT, LexCategory.SELF_HARM, skip=figurative):
        return
    first = min(figurative)
    words = ctx.nt.original_text(first, max(j for j in figurative if ctx.sentence(j) == ctx.sentence(first)))
    result.flags.add("idiom")
    result.damp_model(Label.THREAT, 0.4)
    result.damp_model(Label.SELF_HARM, 0.3)
    result.reasons.append(Reason("triage.idiom", f"'{words}' is a figure of speech, not a threat", words=words))


def benign_act(ctx: Context, result: RuleResult) -> None:
    """ "On va aller danser avec nos amis gays samedi soir, qui vient ?", "Zondag verwelkomen we de nieuwe
    buren": a friendly act done with or for people (welcoming, celebrating, dancing, an open day) is a plan,
    not a threat. The model has seen many threats made of "we" + a day + a group or its place, and reads such
    plans as threats against the group; in a clause with a friendly act and no word of violence, contempt or
    expulsion it is damped there (a rule's threat is never damped). "Visit" and "meet" are not friendly
    acts here: "we'll pay them a visit" and "meet me outside" are the classic veiled threats."""
    v = vocab()
    norms = ctx.norms
    acts = [i for i in phrase_starts(v.benign_acts, norms) if not ctx.negated(i, window=3)]
    if not acts or ctx.counter:
        return
    hostile = ctx.hits(
        LexCategory.THREAT, LexCategory.SLUR, LexCategory.HOSTILE, LexCategory.DEHUMANIZING, LexCategory.INSULT
    )
    # "help them back to their country" is an expulsion, "a warm welcome with baseball bats" irony.
    if (
        hostile
        or phrase_starts(v.violence, norms)
        or phrase_starts(v.arson, norms)
        or phrase_starts(v.harm_words, norms)
        or any(n in v.country_words or n in THREAT_EMOJI for n in norms)
    ):
        return
    words = ctx.nt.original_text(acts[0], acts[0])
    result.flags.add("benign_act")
    result.damp_model(Label.THREAT, 0.4)
    result.damp_model(Label.HATE, 0.5)
    # "Mijn buren zijn Marokkanen, ze hebben me geholpen met verhuizen": no one is insulted by a kindness told.
    result.damp_model(Label.INSULT, 0.6)
    result.reasons.append(
        Reason("triage.benign_act", f"'{words}' is a friendly act: a plan, not a threat", words=words)
    )


def group_cleansed(ctx: Context, result: RuleResult) -> None:
    """ "Dan ruimen wij die Roma zelf wel op", "on va nettoyer la cité de ces Roms", "wir säubern das Viertel
    von den Ausländern": cleaning, clearing or getting rid of a group of people, said as the speaker's intent,
    is the vocabulary of expulsion and violence. Streets, attics and beaches are cleaned every day, so a group
    must be named in the clause; the speaker must be the one acting ("de vluchtelingen ruimen morgen het park
    op" is volunteering); and a group the speaker acts with ("met de nieuwkomers het park opruimen") is no
    object of it."""
    if ctx.counter or ctx.reporting:
        return
    v = vocab()
    norms = ctx.norms
    speaker = set(ctx.first_person) | ({i for i, n in enumerate(norms) if n == "on"} if ctx.language == "fr" else set())
    # The speaker is the verb's subject: "on va nettoyer", "ruimen wij", "we will clean out" (not "la Belgique
    # devrait se débarrasser des X qui nous pompent", where "nous" is an object elsewhere).
    cleans = [
        i
        for i in phrase_starts(v.cleansing, norms)
        if not ctx.negated(i, window=3) and i not in ctx.quoted and any(-3 <= s - i <= 2 for s in speaker)
    ]
    if not cleans or not phrase_starts(v.intent, norms) or joking(ctx.nt.original):
        return
    together = phrase_starts(v.comitative, norms)
    groups = [
        h
        for h in ctx.hits(LexCategory.IDENTITY, LexCategory.SLUR)
        # "met de vluchtelingen", "samen met onze Syrische buren": an article or two between.
        if not any(0 < h.first - i <= 4 for i in together)
    ]
    if not groups:
        return
    words = ctx.nt.original_text(cleans[0], cleans[0])
    group = ctx.nt.original_text(groups[0].first, groups[0].last)
    result.raise_score(
        Label.THREAT,
        0.75,
        3,
        Reason(
            "triage.group_cleansed",
            f"'{words}' done to '{group}': a group of people cleared away",
            words=words,
            group=group,
        ),
    )
    result.evidence.append(
        pattern_evidence(
            ctx, ctx.nt.tokens[cleans[0]].start, ctx.nt.tokens[cleans[0]].end, Label.THREAT, "a group cleared away"
        )
    )


def kind_wish(ctx: Context, result: RuleResult) -> None:
    """ "Ik hoop dat je een fijne dag hebt", "je te souhaite bon courage": a wish of good things. The model reads
    "I hope that you ..." as the start of a wish of harm; with a kind wish and no threat word, violence, weapon
    or threat emoji anywhere in the comment, its threat is damped (read on the whole comment; a rule's threat is
    never damped)."""
    wished = [i for i in phrase_starts(vocab().kind_wishes, ctx.norms) if not ctx.negated(i, window=2)]
    if not wished or _violence_anywhere(ctx, LexCategory.THREAT):
        return
    words = ctx.nt.original_text(wished[0], wished[0])
    result.damp_model(Label.THREAT, 0.4)
    result.reasons.append(Reason("triage.kind_wish", f"'{words}' wishes good things, not harm", words=words))
