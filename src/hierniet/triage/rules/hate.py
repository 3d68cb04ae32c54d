"""Hate: a protected group attacked in a clause (predicate, slur, exclusion, dehumanising emoji), referred
back to, or held back where the clause negates, condemns, quotes or reclaims."""

from __future__ import annotations

import re

from hierniet.domain import Label, Reason, Target
from hierniet.triage.lexicons import Flag, LexCategory
from hierniet.triage.matcher import Hit
from hierniet.triage.normalize import fold_aligned, fold_pattern
from hierniet.triage.rules.common import (
    called_by_others,
    group_in_span,
    hate_against,
    hit_evidence,
    mentioned_not_used,
    near_in_phrase,
    negated_in_phrase,
    overlaps,
    particular,
    pattern_evidence,
    treated_as,
)
from hierniet.triage.rules.context import (
    DEHUMANISING_EMOJI,
    THREAT_EMOJI,
    Context,
    RuleResult,
    phrase_at,
    phrase_starts,
    vocab,
)


def group_rules(ctx: Context, result: RuleResult) -> None:
    """Group name + hostile / dehumanising / insulting / violent words -> hate."""
    identities = [h for h in ctx.hits(LexCategory.IDENTITY)]
    if not identities:
        return
    predicates = ctx.hits(
        LexCategory.HOSTILE, LexCategory.DEHUMANIZING, LexCategory.INSULT, LexCategory.THREAT, LexCategory.SLUR
    )
    emoji = [t.index for t in ctx.nt.tokens if t.norm in DEHUMANISING_EMOJI | THREAT_EMOJI]
    positives = ctx.hits(LexCategory.POSITIVE)
    for ident in identities:
        if particular(ctx, ident):
            continue
        target = ident.entry.target
        sentence = ctx.sentence(ident.first)
        self_reference = _speaker_is(ctx, ident) and not near_in_phrase(ctx, ctx.second_person, ident.first, 5)
        # "As a Black man, I am tired of this", "Als moslima walg ik van ...": the speaker's own feeling after
        # naming their group is about something else, not a verdict on the group.
        own_group = _self_identified(ctx, ident)
        for pred in predicates:
            inside = ident.first <= pred.first and pred.last <= ident.last
            if inside or ctx.sentence(pred.first) != sentence:
                continue
            if own_group and pred.first > ident.last and pred.entry.category in _FEELINGS:
                continue
            # "zijn allemaal", "sont une menace", "are a threat" say something of their subject: the group
            # must come first ("wij zijn allemaal mensen, joden en moslims" says nothing against them).
            if pred.entry.tokens[0] in vocab().copulas and ident.first > pred.first:
                continue
            distance = 0 if overlaps(pred, ident) else max(pred.first - ident.last, ident.first - pred.last)
            # An ambiguous word ("ik haat", "hate", "clowns") needs the group name right next to it.
            if pred.entry.has(Flag.AMBIGUOUS) and pred.entry.category != LexCategory.DEHUMANIZING and distance > 3:
                continue
            plural = ident.entry.has(Flag.PLURAL)
            # "de vrouw aan het loket is een trut" insults one person; only a group is hated.
            if pred.entry.category == LexCategory.INSULT and not plural:
                continue
            if distance > (8 if plural else 3) and not (plural and _pointed_back(ctx, ident, pred)):
                continue
            floor = min(pred.first, ident.first)
            own = (pred.first, pred.last)
            # A predicate negative in itself ("ne supporte pas", "can't stand") carries its own "ne": no denial.
            inherent = any(own[0] <= p <= own[1] for p in ctx.negator_positions)
            denied = not inherent and ctx.negated(pred.first, floor=max(0, floor - 3))
            # "Niet alle moslims zijn ...": a negator before the group denies what follows it; in "they're vermin,
            # not refugees" the predicate came first and the "not" only corrects the name.
            group_denied = ident.first < pred.first and ctx.negated(ident.first, window=2, skip=own)
            if denied or group_denied:
                result.flags.add("negation")
                result.damp_model(Label.HATE, 0.5)
                words = ctx.nt.original_text(pred.first, pred.last)
                group = ctx.nt.original_text(ident.first, ident.last)
                result.reasons.append(
                    Reason(
                        "triage.negated_hate",
                        f"'{words}' about '{group}' is negated: not counted as hate",
                        words=words,
                        group=group,
                    )
                )
                continue
            if (
                mentioned_not_used(ctx, pred)
                or ctx.counter
                or ctx.reported_near(pred.first)
                or treated_as(ctx, pred.first)
                or called_by_others(ctx, pred.first)
                or _someone_else_acts(ctx, pred, ident)
                # "I hate how immigrants are treated", "Je déteste la façon dont on traite les migrants": the
                # feeling is about what is done to them.
                or (pred.last < ident.first and _manner_between(ctx, pred.last + 1, ident.first))
            ):
                result.flags.add("counter_speech")
                result.damp_model(Label.HATE, 0.35)
                result.damp_model(Label.INSULT, 0.6)
                result.reasons.append(
                    Reason(
                        "triage.counter_speech",
                        "hostile words about a group are quoted or condemned (counter-speech): not counted as hate",
                    )
                )
                continue
            if self_reference and (pred.entry.category is LexCategory.INSULT or pred.entry.has(Flag.RECLAIMABLE)):
                # "Moi, vieux pédé de 60 ans": the speaker's words about themselves.
                continue
            category = pred.entry.category
            score = {
                LexCategory.DEHUMANIZING: 0.92,
                LexCategory.SLUR: 0.92,
                LexCategory.THREAT: 0.9,
                LexCategory.HOSTILE: 0.85,
                LexCategory.INSULT: 0.8,
            }[category]
            severity = 4 if category == LexCategory.THREAT else 3 if category != LexCategory.INSULT else 2
            severity = max(severity, min(pred.entry.severity, 4)) if category != LexCategory.INSULT else severity
            words = ctx.nt.original_text(pred.first, pred.last)
            group = ctx.nt.original_text(ident.first, ident.last)
            result.raise_score(
                Label.HATE,
                score,
                severity,
                Reason(
                    "triage.group_hate",
                    f"'{words}' ({category.value}) about the group '{group}' ({target.value if target else '?'})",
                    words=words,
                    category=category.value,
                    group=group,
                    target=target.value if target else None,
                ),
            )
            if target:
                result.targets[target] += 2
            result.evidence.append(hit_evidence(ctx, pred, Label.HATE))
            result.evidence.append(hit_evidence(ctx, ident, Label.HATE))
            if category == LexCategory.THREAT:
                result.raise_score(Label.THREAT, 0.85, 4, Reason("triage.group_violence", "violence against a group"))
                result.evidence.append(hit_evidence(ctx, pred, Label.THREAT))
        # "X zijn geen mensen", "X ne sont pas les bienvenus": a negated positive derogates.
        for pos in positives:
            if ctx.sentence(pos.first) != sentence or overlaps(pos, ident) or pos.first < ident.first:
                continue
            if negated_in_phrase(ctx, pos.first, 5, ident.last + 1) and not (ctx.counter or self_reference):
                group = ctx.nt.original_text(ident.first, ident.last)
                words = ctx.nt.original_text(pos.first, pos.last)
                result.raise_score(
                    Label.HATE,
                    0.8,
                    3,
                    Reason("triage.denies_group", f"denies '{group}' '{words}'", group=group, words=words),
                )
                if target:
                    result.targets[target] += 1
                result.evidence.append(hit_evidence(ctx, pos, Label.HATE))
                result.evidence.append(hit_evidence(ctx, ident, Label.HATE))
        for index in emoji:
            if ctx.sentence(index) == sentence and not ctx.counter:
                token = ctx.nt.tokens[index]
                words = ctx.nt.original[token.start : token.end]
                result.raise_score(
                    Label.HATE,
                    0.85,
                    3,
                    Reason("triage.group_emoji", f"emoji {words} next to a group name", words=words),
                )
                if target:
                    result.targets[target] += 1
                result.evidence.append(pattern_evidence(ctx, token.start, token.end, Label.HATE, "emoji"))


def _someone_else_acts(ctx: Context, pred: Hit, ident: Hit) -> bool:
    """ "I can't stand people who hate on trans folks", "les gens qui traitent les migrants de parasites",
    "mensen die moslims uitschelden": the hostile words are done to the group by others, whom the clause is
    about; a relative clause (people who, ceux qui, mensen die) opens between the predicate and the group, or
    before both. "People who are Muslims are ..." keeps its copula and stays about the group."""
    v = vocab()
    relative = v.relative.get(ctx.language, frozenset())
    # "Wie moslims uitscheldt, ...", "Quiconque insulte les juifs ...": a relative with no noun, opening the sentence.
    free_relative = v.free_relative.get(ctx.language, frozenset())
    people = v.people_nouns.get(ctx.language, frozenset())
    sentence = ctx.sentence(ident.first)
    lo = min(pred.first, ident.first)
    for j in range(max(0, lo - 4), ident.first):
        if ctx.norms[j] not in relative or ctx.sentence(j) != sentence or j in range(pred.first, pred.last + 1):
            continue
        # The hostile words are the relative clause's own ("people who hate ..."), or the stance taken right
        # before its people ("I can't stand people who ...").
        if not (pred.first > j or j - pred.last <= 3):
            continue
        free = ctx.norms[j] in free_relative and (j == 0 or ctx.sentence(j - 1) != sentence) and _main_clause(ctx, j)
        # "people who are gay", "mensen die homo zijn" (Dutch puts the verb last): the clause names the group.
        names_them = any(
            ctx.norms[k] in v.copulas and ctx.sentence(k) == sentence
            for k in range(j + 1, min(len(ctx.norms), ident.last + 3))
        )
        if (free or (j > 0 and ctx.norms[j - 1] in people)) and not names_them:
            return True
    return False


def _main_clause(ctx: Context, j: int) -> bool:
    """A free relative is followed, after a comma, by the main clause that judges its people ("Wie moslims
    uitscheldt, hoort hier niet"); "Wie wil die ... hier nog?" is a question, with no comma."""
    sentence = ctx.sentence(j)
    last = max(t.index for t in ctx.nt.tokens if t.sentence == sentence)
    between = ctx.nt.original[ctx.nt.tokens[j].end : ctx.nt.tokens[last].start]
    return "," in between


def _aimed_homonym(ctx: Context, hit: Hit) -> bool:
    """An ambiguous slur aimed at someone: a pejorative right before it or the reader near it, a pointing word
    right before it, or the word alone; not after an article or a possessive of the speaker or a third person,
    nor before "of mine"."""
    v = vocab()
    norms = ctx.norms
    before = norms[hit.first - 1] if hit.first > 0 else ""
    own = v.possessives_not_yours.get(ctx.language, v.possessives)
    if before in v.pejoratives or ctx.near(ctx.second_person, hit.first, 4):
        return True  # "een vuile makak", "sale singe", "ge zijt een aap"
    # "de pot", "une tapette", "a fag", "een nicht van mij": the ordinary word.
    of_mine = hit.last + 1 < len(norms) and phrase_at(v.of_mine, norms, hit.last + 1)
    if before in own or before in v.articles or of_mine:
        return False
    alone = hit.first == 0 and (hit.last + 1 >= len(norms) or not any(c.isalnum() for c in norms[hit.last + 1]))
    # Pointing at one person: "die aap", "cette guenon", "that ape", "dieser Affe".
    return before in v.pointing or alone


_ONE_OF = frozenset({"een", "ne", "nen", "un", "une", "a", "an", "another", "ein", "eine", "einen", "noch"})


def ape_emoji(ctx: Context, result: RuleResult) -> None:
    """The ape emoji used for a person ("nog een 🐒 in de ploeg", "encore un 🐒"), or the ape with the banana:
    the racist trope aimed at Black people, whether or not a group is named."""
    if ctx.counter or ctx.reporting:
        return
    tokens = ctx.nt.tokens
    norms = [t.norm for t in tokens]
    apes = [i for i, n in enumerate(norms) if n == "emoji_ape"]
    if not apes:
        return
    # "Mijn dochter is een 🐒, ze klimt overal op": a parent's pet name for their own child.
    as_person = any(i > 0 and norms[i - 1] in _ONE_OF and not ctx.near(ctx.first_person, i, 6) for i in apes)
    if not (as_person or "emoji_banana" in norms):
        return
    token = tokens[apes[0]]
    words = ctx.nt.original[token.start : token.end]
    result.raise_score(
        Label.HATE, 0.85, 3, Reason("triage.ape_trope", f"the ape emoji {words} aimed at a person", words=words)
    )
    result.targets[Target.ETHNICITY] += 2
    result.evidence.append(pattern_evidence(ctx, token.start, token.end, Label.HATE, "emoji"))


def exclusion_rules(ctx: Context, result: RuleResult) -> None:
    """ "Terug naar je land", "retourne dans ton pays", "go back to your country": exclusion by origin."""
    for hit in ctx.hits(LexCategory.HOSTILE):
        words = set(hit.entry.tokens)
        if not words & vocab().country_words or ctx.counter or mentioned_not_used(ctx, hit):
            continue
        if ctx.negated(hit.first, window=2):
            continue
        directed = bool(words & vocab().second_person[ctx.language]) or ctx.near(ctx.second_person, hit.first, 6)
        said = ctx.nt.original_text(hit.first, hit.last)
        result.raise_score(
            Label.HATE,
            0.85 if directed else 0.7,
            3,
            Reason("triage.exclusion_origin", f"'{said}': exclusion because of origin", words=said),
        )
        result.targets[Target.NATIONALITY] += 1
        result.evidence.append(hit_evidence(ctx, hit, Label.HATE))


# Exclusion said through a negated permission: "no X should be allowed to live here", "geen enkele X mag hier
# wonen", "aucun X ne devrait vivre ici", "X haben hier nichts verloren". The "no" belongs to the phrase, so
# the negation rules would read it as harmless; a group named in the same sentence makes it hate.
_EXCLUSION_RX = re.compile(
    fold_pattern(
        r"\bno (\w+ ){0,3}(should|must|may|can) (ever )?be (allowed|permitted) to (live|stay|settle|work|come) "
        r"(here|in this country)\b"
        r"|\b(geen|geen enkele|geen enkel) (\w+ ){0,4}(mag|mogen) (hier|in dit land|in ons land) (nog )?"
        r"(wonen|blijven|komen)\b"
        r"|\baucun(e|s)? (\w+ ){0,5}ne (devrait|doit|devraient|doivent) (avoir le droit de )?"
        r"(vivre|rester|habiter|venir) "
        r"(ici|dans ce pays|chez nous)\b|\bn'?ont rien a faire (ici|chez nous|dans ce pays)\b"
        r"|\bhaben hier nichts (zu suchen|verloren)\b"
        r"|\bgehoren nicht (hierher|hierhin|zu uns|nach deutschland|nach belgien)\b"
    )
)


def negated_permission(ctx: Context, result: RuleResult) -> None:
    if ctx.counter or not ctx.hits(LexCategory.IDENTITY):
        return
    for match in _EXCLUSION_RX.finditer(fold_aligned(ctx.nt.original)):
        ident = group_in_span(ctx, match.start(), match.end(), lambda _i: True)
        if ident is None:
            continue
        said = ctx.nt.original[match.start() : match.end()]
        why = (f"'{said}': the group ", " is excluded")
        hate_against(ctx, result, ident, 0.85, 3, "triage.group_excluded", why, said)
        result.evidence.append(
            pattern_evidence(ctx, match.start(), match.end(), Label.HATE, "exclusion by negated permission")
        )
        return


#: Lexicon categories whose words, in the same clause, show a group word is used with contempt.
_DESPISING = (LexCategory.HOSTILE, LexCategory.DEHUMANIZING, LexCategory.THREAT, LexCategory.INSULT)


def slur_rules(ctx: Context, result: RuleResult) -> None:
    for hit in ctx.hits(LexCategory.SLUR):
        entry = hit.entry
        if mentioned_not_used(ctx, hit) or ctx.reported_near(hit.first) or (ctx.counter and not ctx.second_person):
            result.flags.add("counter_speech")
            result.damp_model(Label.HATE, 0.4)
            words = ctx.nt.original_text(hit.first, hit.last)
            result.reasons.append(
                Reason("triage.slur_quoted", f"slur '{words}' is quoted or condemned, not used", words=words)
            )
            continue
        # "Moi, vieux pédé de 60 ans, je vous dis merci": the reader addressed elsewhere in the clause does not
        # make the speaker's word about themselves a slur at the reader; only a "you" right beside it does.
        # "Proud dyke, see you at Pride": a word of pride right before it makes the word a self-designation too,
        # unless it points at others ("those proud dykes") or the clause despises them ("... disgust me").
        proud = (
            hit.first > 0
            and ctx.nt.tokens[hit.first - 1].norm in vocab().pride
            and not (hit.first > 1 and ctx.nt.tokens[hit.first - 2].norm in vocab().demonstratives)
            and not ctx.hits(*_DESPISING)
        )
        if (
            entry.has(Flag.RECLAIMABLE)
            and (proud or ctx.near(ctx.first_person, hit.first, window=8))
            and not near_in_phrase(ctx, ctx.second_person, hit.first, 5)
        ):
            result.flags.add("reclaimed")
            words = ctx.nt.original_text(hit.first, hit.last)
            result.reasons.append(
                Reason("triage.reclaimed", f"'{words}' is used by the speaker about themselves", words=words)
            )
            continue
        if ctx.negated(hit.first, window=3):
            result.flags.add("negation")
            continue
        grouped = hit.first > 0 and ctx.nt.tokens[hit.first - 1].norm in vocab().demonstratives
        if entry.has(Flag.AMBIGUOUS) and entry.has(Flag.PLURAL) and grouped:
            words = ctx.nt.original_text(hit.first - 1, hit.last)
            result.raise_score(
                Label.HATE, 0.75, 3, Reason("triage.group_slur", f"'{words}' names a group by a slur", words=words)
            )
            if entry.target:
                result.targets[entry.target] += 2
            result.evidence.append(hit_evidence(ctx, hit, Label.HATE))
            continue
        if entry.has(Flag.AMBIGUOUS):
            # "aap", "mongool", "singe": an insult at a person; hate only next to a group name. Only where it is
            # aimed: at the reader, pointed at ("die aap aan het loket"), or alone ("Aap!"); "mijn nicht", "de
            # pot soep", "een nicht van mij" use the ordinary word (niece, pot).
            if _aimed_homonym(ctx, hit):
                words = ctx.nt.original_text(hit.first, hit.last)
                result.raise_score(
                    Label.INSULT, 0.75, 2, Reason("triage.slur_insult", f"'{words}' used as an insult", words=words)
                )
                result.evidence.append(hit_evidence(ctx, hit, Label.INSULT))
            elif not entry.has(Flag.PLURAL):
                # The ordinary word: what the model reads as a slur in it is held back too. A plural ("twee
                # janetten", "keep the fags away") names a group: the model reads it.
                result.flags.add("homonym")
                result.damp_model(Label.HATE, 0.4)
                result.damp_model(Label.INSULT, 0.6)
                words = ctx.nt.original_text(hit.first, hit.last)
                result.reasons.append(
                    Reason("triage.homonym", f"'{words}' is used here as an ordinary word, not a slur", words=words)
                )
            continue
        words = ctx.nt.original_text(hit.first, hit.last)
        result.raise_score(
            Label.HATE,
            0.9 if hit.how != "fuzzy" else 0.8,
            max(3, entry.severity),
            Reason(
                "triage.slur",
                f"slur '{words}' ({entry.target.value if entry.target else '?'})",
                words=words,
                target=entry.target.value if entry.target else None,
            ),
        )
        if entry.target:
            result.targets[entry.target] += 3
        result.evidence.append(hit_evidence(ctx, hit, Label.HATE))


def refers_back(ctx: Context, result: RuleResult) -> None:
    """ "I met some Muslims yesterday. They are vermin.": dehumanising or hostile words in a clause that refers
    back to a group named before are hate against that group."""
    if not ctx.inherited or ctx.counter or ctx.hits(LexCategory.IDENTITY):
        return
    for hit in ctx.hits(LexCategory.DEHUMANIZING, LexCategory.HOSTILE):
        if (
            hit.entry.has(Flag.AMBIGUOUS)
            or mentioned_not_used(ctx, hit)
            or ctx.negated(hit.first, window=4)
            or treated_as(ctx, hit.first)
        ):
            continue
        words = ctx.nt.original_text(hit.first, hit.last)
        result.raise_score(
            Label.HATE,
            0.85,
            3,
            Reason(
                "triage.inherited_hate",
                f"'{words}' ({hit.entry.category.value}) about the group named before "
                f"({', '.join(t.value for t in ctx.inherited)})",
                words=words,
                category=hit.entry.category.value,
                targets=[t.value for t in ctx.inherited],
            ),
        )
        for target in ctx.inherited:
            result.targets[target] += 2
        result.evidence.append(hit_evidence(ctx, hit, Label.HATE))
        return
    beast = _beast_said_of_them(ctx)
    if beast is not None:
        token = ctx.nt.tokens[beast]
        words = ctx.nt.original[token.start : token.end]
        result.raise_score(
            Label.HATE,
            0.85,
            3,
            Reason(
                "triage.inherited_hate",
                f"'{words}' (dehumanizing) about the group named before ({', '.join(t.value for t in ctx.inherited)})",
                words=words,
                category=LexCategory.DEHUMANIZING.value,
                targets=[t.value for t in ctx.inherited],
            ),
        )
        for target in ctx.inherited:
            result.targets[target] += 2
        result.evidence.append(pattern_evidence(ctx, token.start, token.end, Label.HATE, "beast"))


def _beast_said_of_them(ctx: Context) -> int | None:
    """An animal word said of the people referred back to: the head of a bare verdict ("... Animals, all of
    them.") or after a copula ("They are animals", "Ce sont des animaux"); never in a comparison of how they
    are treated ("they are treated like animals") nor when negated."""
    v = vocab()
    words = [t for t in ctx.nt.tokens if any(c.isalnum() for c in t.norm)]
    for k, t in enumerate(words):
        if t.norm not in v.beasts or ctx.negated(t.index, window=4) or treated_as(ctx, t.index):
            continue
        before = [w.norm for w in words[max(0, k - 2) : k]]
        # "Ze worden behandeld als beesten": a comparison of how people are treated, not a verdict on them.
        if (k < 2 or any(b in v.copulas for b in before)) and not any(w.norm in v.comparison for w in words[:k]):
            return t.index
    return None


def counter_context(ctx: Context, result: RuleResult) -> None:
    if ctx.counter:
        # Condemning hate uses the same words as hate; the model cannot tell them apart.
        result.flags.add("counter_speech")
        result.damp_model(Label.HATE, 0.5)
        result.damp_model(Label.INSULT, 0.7)


def group_mention(ctx: Context, result: RuleResult) -> None:
    # "Ik heb niets tegen moslims", "nothing against", "rien contre", "nichts gegen": a stated absence of hostility.
    if any(t.norm in vocab().against and ctx.negated(t.index, window=3) for t in ctx.nt.tokens):
        result.flags.add("negation")
    # A group named with nothing hostile, in a clause that negates, condemns or praises: the model reads the
    # clause with the group's name masked, but the clause's own cues still weigh ("wij zijn allemaal mensen,
    # joden en moslims").
    if result.scores.get(Label.HATE, 0.0) < 0.5 and ctx.hits(LexCategory.IDENTITY) and not ctx.hits(LexCategory.SLUR):
        names = ctx.hits(LexCategory.IDENTITY)
        # "people" in "gay people" is part of the name, not a positive word about it.
        if any(
            not ctx.negated(h.first, window=3) and not any(overlaps(h, n) for n in names)
            for h in ctx.hits(LexCategory.POSITIVE)
        ) or any(
            not ctx.negated(i, window=3)
            for i in phrase_starts(vocab().defending, ctx.norms) + phrase_starts(vocab().everyday_acts, ctx.norms)
        ):
            # Praise, what the group suffered or fled said in its defence ("Dat zijn mensen die vluchten voor
            # oorlog", "des familles qui fuient la guerre"), or its members doing ordinary things ("De Joodse
            # gemeenschap organiseert een herdenking"): the model over-reads such clauses.
            result.flags.add("positive_mention")
        if all(_self_identified(ctx, h) for h in names):
            # The speaker speaks as one of the group ("Als moslima durf ik niet te gaan zwemmen"): their fear or
            # wish is no threat either, unless a rule finds violence in it.
            result.flags.add("self_identified")
            result.damp_model(Label.THREAT, 0.5)
        if result.flags & {"negation", "counter_speech", "positive_mention", "self_identified"}:
            result.damp_model(Label.HATE, 0.35)
        result.flags.add("identity_mention")
    if not result.targets:
        for hit in ctx.hits(LexCategory.IDENTITY):
            if hit.entry.target:
                result.targets[hit.entry.target] += 1


def _pointed_back(ctx: Context, ident: Hit, pred: Hit) -> bool:
    """ "I have met many Muslims and every single one of them was a parasite", "... et ils étaient tous des rats": a
    pronoun between the group and the words, close to the words, refers back to the group in the same sentence."""
    if pred.first <= ident.last:
        return False
    back = vocab().third_plural
    return any(phrase_at(back, ctx.norms, k) for k in range(max(ident.last + 1, pred.first - 5), pred.first))


def _manner_between(ctx: Context, start: int, end: int) -> bool:
    return any(phrase_at(vocab().manner, ctx.norms, j) for j in range(start, end))


def _speaker_is(ctx: Context, ident: Hit) -> bool:
    """The speaker says they are of the group: "ik ben een trotse flikker", "moi, vieux pédé", "wij homo's",
    "flikker ben ik". Only copulas, articles, words of pride or scorn and commas stand between the first person
    and the group's name: "Ik heb veel moslims ontmoet" or "I have met many Muslims" says nothing of the speaker."""
    v = vocab()
    between_ok = v.copulas | v.articles | v.pride | v.pejoratives  # commas are no tokens: nothing stands there
    sentence = ctx.sentence(ident.first)
    for p in ctx.first_person:
        if ctx.sentence(p) != sentence:
            continue
        if p < ident.first:
            gap = range(p + 1, ident.first)
        elif p > ident.last:
            gap = range(ident.last + 1, p)
        else:
            continue
        if len(gap) <= 3 and all(ctx.norms[k] in between_ok for k in gap):
            return True
    return False


#: What a speaker may say they feel or call things after naming their own group.
_FEELINGS = frozenset({LexCategory.HOSTILE, LexCategory.INSULT})


def _self_identified(ctx: Context, hit: Hit) -> bool:
    """ "Als moslima durf ik ...", "En tant que femme, je ...", "As a gay man I ...": the speaker names the group
    as their own, right before its name, and speaks in the first person in the same sentence. Dutch and German
    "als" is also "if" ("als moslims hier komen"): the first person makes it the speaker's own."""
    norms = ctx.norms
    # "als (jonge) moslima": the phrase ends right before the group's name or one word before it.
    before = any(
        end - len(p) >= 0 and tuple(norms[end - len(p) : end]) == p
        for p in vocab().self_as.get(ctx.language, frozenset())
        for end in (hit.first, hit.first - 1)
    )
    if not before:
        return False
    sentence = ctx.sentence(hit.first)
    return any(ctx.sentence(p) == sentence for p in ctx.first_person)


#: Flags that say a rule held a label back; recorded as `suppressed_by` ("hate.slur/counter_speech").
