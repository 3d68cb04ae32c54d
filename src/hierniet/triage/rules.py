"""Rules: what lexicon hits, patterns and PII mean in context.

A lexicon hit is evidence, not a verdict. These rules turn evidence into
label scores the way a careful moderator reads a comment:

* a group name next to a hostile or dehumanising word in the same sentence is
  hate against that group; the same words aimed at a politician or a referee
  are an insult, and about a late tram they are criticism;
* negation flips it ("moslims zijn geen ratten" is not hate, "X zijn geen
  mensen" is), counter-speech and reported speech suspend it ("wie moslims
  ratten noemt is een racist");
* a reclaimable word used by the group about itself is not hate;
* personal data is doxxing unless the commenter offers their own.

The result is a `RuleResult`: scores per label from the rules, factors that
damp the model where the rules know better (negation, counter-speech), the
evidence with spans in the original text, and reasons a moderator can read.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cache

from hierniet.domain import Evidence, EvidenceSource, Label, PIIKind, PIIMatch, Reason, Target
from hierniet.triage.lexicons import Flag, LexCategory
from hierniet.triage.matcher import Hit
from hierniet.triage.normalize import NormalizedText, fold_aligned, fold_pattern
from hierniet.triage.patterns import PatternHit
from hierniet.triage.words import load_words, union, union_phrases

# Function words (pronouns, negators, copulas, verbs of saying, ...) are data: triage/words/<language>.yaml.


@dataclass(frozen=True, slots=True)
class Vocab:
    """The function words the rules read, from every language's words file, built once per process."""

    second_person: dict[str, frozenset[str]]
    first_person: dict[str, frozenset[str]]
    third_plural: frozenset[tuple[str, ...]]
    negators: frozenset[str]
    negator_phrases: frozenset[tuple[str, ...]]
    self_subject: frozenset[str]
    collectives: frozenset[tuple[str, ...]]
    demonstratives: frozenset[str]
    contrast: frozenset[str]
    not_a_negation_after: frozenset[tuple[str, ...]]
    saying: frozenset[str]
    that: frozenset[str]
    condemning: frozenset[str]
    stop: frozenset[tuple[str, ...]]
    copulas: frozenset[str]
    country_words: frozenset[str]
    possessives: frozenset[str]
    praise: frozenset[str]
    praise_pairs: frozenset[tuple[str, ...]]
    complaint_cues: frozenset[str]
    negative_judgements: frozenset[tuple[str, ...]]
    against: frozenset[str]
    pejoratives: frozenset[str]
    staff: frozenset[tuple[str, ...]]
    violence: frozenset[tuple[str, ...]]
    arson: frozenset[tuple[str, ...]]
    intent: frozenset[tuple[str, ...]]
    victims: frozenset[str]
    pride: frozenset[str]


@cache
def vocab() -> Vocab:
    table = load_words()
    languages = tuple(table)
    negators = union_phrases("negators")
    return Vocab(
        second_person={lang: table[lang].singles("second_person") for lang in languages},
        first_person={lang: table[lang].singles("first_person") for lang in languages},
        third_plural=union_phrases("third_plural"),
        negators=frozenset(p[0] for p in negators if len(p) == 1),
        negator_phrases=frozenset(p for p in negators if len(p) > 1),
        self_subject=union("self_subject"),
        collectives=union_phrases("collectives"),
        demonstratives=union("demonstratives"),
        contrast=union("contrast"),
        not_a_negation_after=union_phrases("not_a_negation_after"),
        saying=union("saying"),
        that=union("that"),
        condemning=union("condemning"),
        stop=union_phrases("stop"),
        copulas=union("copulas"),
        country_words=union("country_words"),
        possessives=union("possessives"),
        praise=union("praise"),
        praise_pairs=union_phrases("praise_pairs"),
        complaint_cues=union("complaint_cues"),
        negative_judgements=union_phrases("negative_judgements"),
        against=union("against"),
        pejoratives=union("pejoratives"),
        staff=union_phrases("staff"),
        violence=union_phrases("violence"),
        arson=union_phrases("arson"),
        intent=union_phrases("intent"),
        victims=union("victims"),
        pride=union("pride"),
    )


_QUOTES = "\"“”„«»‘’'‹›"
_THREAT_EMOJI = frozenset(
    {"emoji_knife", "emoji_gun", "emoji_bomb", "emoji_coffin", "emoji_skull", "emoji_axe", "emoji_rope"}
)
_DEHUMANISING_EMOJI = frozenset(
    {"emoji_ape", "emoji_pig", "emoji_rat", "emoji_cockroach", "emoji_virus", "emoji_banana"}
)
_SEXUAL_EMOJI = frozenset({"emoji_eggplant", "emoji_peach", "emoji_droplets", "emoji_tongue", "emoji_lips"})
_DOXXING_KINDS = frozenset(PIIKind)


@dataclass
class RuleResult:
    scores: dict[Label, float] = field(default_factory=dict)
    damp: dict[Label, float] = field(default_factory=dict)  # multiply the model's score by this
    severity: dict[Label, int] = field(default_factory=dict)
    targets: Counter[Target] = field(default_factory=Counter)
    evidence: list[Evidence] = field(default_factory=list)
    reasons: list[Reason] = field(default_factory=list)
    flags: set[str] = field(default_factory=set)  # negation, counter_speech, quote, own_data, ...
    # The registry's bookkeeping: which rule is running, which rules raised a label (id -> labels), and which
    # rules held a label back ("hate.slur/counter_speech"). Stored with the verdict so the desk can show them.
    current: str = ""
    fired: dict[str, set[Label]] = field(default_factory=dict)
    suppressed: list[str] = field(default_factory=list)

    def raise_score(self, label: Label, score: float, severity: int, reason: Reason | None = None) -> None:
        if score > self.scores.get(label, 0.0):
            self.scores[label] = score
        if score >= 0.5:
            self.severity[label] = max(self.severity.get(label, 0), severity)
            self.fired.setdefault(self.current or "rules", set()).add(label)
        if reason and reason not in self.reasons:
            self.reasons.append(reason)

    def damp_model(self, label: Label, factor: float) -> None:
        self.damp[label] = min(self.damp.get(label, 1.0), factor)

    @property
    def target(self) -> Target | None:
        return self.targets.most_common(1)[0][0] if self.targets else None

    def fired_for(self, label: Label) -> bool:
        return any(label in raised for raised in self.fired.values())

    def merge(self, other: RuleResult) -> None:
        """Fold a unit's result into the comment's: highest scores and severities, everything else joined."""
        for label, score in other.scores.items():
            self.scores[label] = max(score, self.scores.get(label, 0.0))
        for label, sev in other.severity.items():
            self.severity[label] = max(sev, self.severity.get(label, 0))
        self.targets.update(other.targets)
        self.evidence.extend(other.evidence)
        self.reasons.extend(r for r in other.reasons if r not in self.reasons)
        self.flags |= other.flags
        for rule, labels in other.fired.items():
            self.fired.setdefault(rule, set()).update(labels)
        self.suppressed.extend(x for x in other.suppressed if x not in self.suppressed)


@dataclass(frozen=True, slots=True)
class Context:
    """Per-comment facts the rules share."""

    nt: NormalizedText
    language: str
    by_category: dict[LexCategory, list[Hit]]
    negator_positions: frozenset[int]
    second_person: frozenset[int]
    first_person: frozenset[int]
    quoted: frozenset[int]  # token indices inside quotation marks
    counter: bool
    reporting: bool
    patterns: tuple[PatternHit, ...] = ()
    pii: tuple[PIIMatch, ...] = ()
    # The protected grounds of a group named in an earlier clause that this one refers back to ("They are ...").
    inherited: tuple[Target, ...] = ()

    def hits(self, *categories: LexCategory) -> list[Hit]:
        out: list[Hit] = []
        for c in categories:
            out.extend(self.by_category.get(c, ()))
        return out

    def sentence(self, index: int) -> int:
        return self.nt.tokens[index].sentence

    def negated(self, first: int, window: int = 4, floor: int = 0, skip: tuple[int, int] | None = None) -> bool:
        """A negator in the same sentence within `window` tokens before position `first`.

        `skip` (first, last) leaves out a phrase whose own negation is part of its meaning ("can't stand",
        "supporte pas", "niet uitstaan"): it does not deny the words after it.
        """
        sentence = self.sentence(first)
        lo = max(floor, first - window)
        return any(
            p in self.negator_positions
            and self.sentence(p) == sentence
            and not (skip is not None and skip[0] <= p <= skip[1])
            for p in range(lo, first)
        )

    def reported_near(self, index: int) -> bool:
        """Someone else's words reported by the commenter ("hij noemde me ...", "on m'a traité de ...")."""
        if not self.reporting:
            return False
        sentence = self.sentence(index)
        # "werd uitgescholden voor vuile makak": the words come right after a reporting verb.
        after_verb = any(
            h.last < index <= h.last + 4 and self.sentence(h.last) == sentence
            for h in self.by_category.get(LexCategory.REPORTING, ())
        )
        return after_verb or self.near(self.first_person, index, 6)

    def near(self, positions: frozenset[int], index: int, window: int = 6) -> bool:
        sentence = self.sentence(index)
        return any(abs(p - index) <= window and self.sentence(p) == sentence for p in positions)


def _quoted_tokens(nt: NormalizedText) -> frozenset[int]:
    """Tokens between a pair of quotation marks (a quote is a mention, not a use)."""
    text = nt.original
    if not any(mark in text for mark in _QUOTES):
        # Most comments quote nothing; this runs for every clause, over the whole comment.
        return frozenset()
    spans: list[tuple[int, int]] = []
    opening: int | None = None
    for i, ch in enumerate(text):
        if ch not in _QUOTES:
            continue
        # An apostrophe inside a word (t'es, da's) is not a quote mark.
        if ch in "'’" and 0 < i < len(text) - 1 and text[i - 1].isalnum() and text[i + 1].isalnum():
            continue
        if opening is None:
            opening = i
        else:
            spans.append((opening, i))
            opening = None
    return frozenset(t.index for t in nt.tokens if any(a < t.start and t.end <= b for a, b in spans))


def _after_collective(ctx: Context, hit: Hit) -> bool:
    norms = [t.norm for t in ctx.nt.tokens]
    return any(tuple(norms[max(0, hit.first - len(c)) : hit.first]) == c for c in vocab().collectives)


def _counts_as_counter(hit: Hit, norms: list[str], negators: set[int], nt: NormalizedText) -> bool:
    """A counter-speech cue, unless it is the disclaimer of "ik ben geen racist, maar ..."."""
    if any(p in negators for p in range(max(0, hit.first - 2), hit.first)):
        return False
    sentence = nt.tokens[hit.first].sentence
    contrast = vocab().contrast
    return not any(norms[j] in contrast and nt.tokens[j].sentence == sentence for j in range(hit.last + 1, len(norms)))


def _condemned_claim(norms: list[str], nt: NormalizedText) -> bool:
    """A sentence that reports a claim to condemn it: "zeggen dat ... is walgelijk", "stop met beweren dat"."""
    v = vocab()
    stops = set(phrase_starts(v.stop, norms))
    if v.saying.isdisjoint(norms) and not stops:
        return False
    for i, norm in enumerate(norms):
        sentence = nt.tokens[i].sentence
        rest = [j for j in range(i + 1, min(len(norms), i + 25)) if nt.tokens[j].sentence == sentence]
        claim = norm in v.saying and any(norms[j] in v.that for j in rest[:2])
        if claim and (
            any(norms[j] in v.condemning for j in rest)
            or any(j in stops for j in range(max(0, i - 4), i) if nt.tokens[j].sentence == sentence)
        ):
            return True
        if i in stops and any(norms[j] in v.saying or norms[j] in v.condemning for j in rest[:5]):
            return True
    return False


def phrase_at(phrases: frozenset[tuple[str, ...]], norms: list[str], i: int) -> bool:
    """One of the phrases starts at token i."""
    return any(tuple(norms[i : i + len(p)]) == p for p in _by_first_word(phrases).get(norms[i], ()))


def phrase_starts(phrases: frozenset[tuple[str, ...]], norms: list[str]) -> list[int]:
    """Every token index where one of the phrases starts (one pass; most tokens cost one dict miss)."""
    table = _by_first_word(phrases)
    out = []
    for i, norm in enumerate(norms):
        candidates = table.get(norm)
        if candidates and any(tuple(norms[i : i + len(p)]) == p for p in candidates):
            out.append(i)
    return out


@cache
def _by_first_word(phrases: frozenset[tuple[str, ...]]) -> dict[str, tuple[tuple[str, ...], ...]]:
    # Phrases are looked up at every token: indexed by their first word, most tokens cost one dict miss.
    table: dict[str, list[tuple[str, ...]]] = {}
    for p in phrases:
        table.setdefault(p[0], []).append(p)
    return {k: tuple(v) for k, v in table.items()}


def _restrictive(norms: list[str], i: int) -> bool:
    return any(tuple(norms[i + 1 : i + 1 + len(words)]) == words for words in vocab().not_a_negation_after)


def _on_est(norms: list[str], language: str) -> frozenset[int]:
    """Spoken French "on est" is "we are" ("on est gouines et fières"): first person where it states who."""
    if language != "fr":
        return frozenset()
    return frozenset(
        i for i, n in enumerate(norms[:-1]) if n == "on" and norms[i + 1] in ("est", "etait", "sera", "reste")
    )


def build_context(
    nt: NormalizedText,
    language: str,
    hits: Sequence[Hit],
    patterns: Sequence[PatternHit] = (),
    pii: Sequence[PIIMatch] = (),
    inherited: Sequence[Target] = (),
) -> Context:
    by_category: dict[LexCategory, list[Hit]] = {}
    for hit in hits:
        by_category.setdefault(hit.entry.category, []).append(hit)
    v = vocab()
    lang = language if language in v.second_person else "en"
    norms = [t.norm for t in nt.tokens]
    negators = {i for h in by_category.get(LexCategory.NEGATOR, ()) for i in range(h.first, h.last + 1)}
    for i, norm in enumerate(norms):
        if norm in v.negators or phrase_at(v.negator_phrases, norms, i):
            negators.add(i)
    negators = {i for i in negators if not _restrictive(norms, i)}
    counter = any(_counts_as_counter(h, norms, negators, nt) for h in by_category.get(LexCategory.COUNTER, ()))
    counter = counter or _condemned_claim(norms, nt)
    second = frozenset(i for i, n in enumerate(norms) if n in v.second_person[lang])
    first = frozenset(i for i, n in enumerate(norms) if n in v.first_person[lang]) | _on_est(norms, lang)
    return Context(
        nt=nt,
        language=lang,
        by_category=by_category,
        negator_positions=frozenset(negators),
        second_person=second,
        first_person=first,
        quoted=_quoted_tokens(nt),
        counter=counter,
        reporting=bool(by_category.get(LexCategory.REPORTING)),
        patterns=tuple(patterns),
        pii=tuple(pii),
        inherited=tuple(inherited),
    )


def _pattern_evidence(ctx: Context, start: int, end: int, label: Label, detail: str) -> Evidence:
    """Evidence from a named pattern or an emoji: a span of the original text."""
    return Evidence(start, end, label, EvidenceSource.PATTERN, detail, ctx.nt.original[start:end])


def _evidence(ctx: Context, hit: Hit, label: Label) -> Evidence:
    start, end = ctx.nt.span(hit.first, hit.last)
    detail = f"{hit.entry.id} ({hit.entry.source}{', ' + hit.how if hit.how != 'exact' else ''})"
    return Evidence(start, end, label, EvidenceSource.LEXICON, detail, ctx.nt.original[start:end])


def _mentioned_not_used(ctx: Context, hit: Hit) -> bool:
    """The words are quoted or reported, by someone who reports or condemns them."""
    in_quote = hit.first in ctx.quoted
    return (in_quote and (ctx.reporting or ctx.counter)) or (ctx.reporting and ctx.counter)


def _overlaps(a: Hit, b: Hit) -> bool:
    return not (a.last < b.first or b.last < a.first)


def _group_rules(ctx: Context, result: RuleResult) -> None:
    """Group name + hostile / dehumanising / insulting / violent words -> hate."""
    identities = [h for h in ctx.hits(LexCategory.IDENTITY)]
    if not identities:
        return
    predicates = ctx.hits(
        LexCategory.HOSTILE, LexCategory.DEHUMANIZING, LexCategory.INSULT, LexCategory.THREAT, LexCategory.SLUR
    )
    emoji = [t.index for t in ctx.nt.tokens if t.norm in _DEHUMANISING_EMOJI | _THREAT_EMOJI]
    positives = ctx.hits(LexCategory.POSITIVE)
    for ident in identities:
        if _particular(ctx, ident):
            continue
        target = ident.entry.target
        sentence = ctx.sentence(ident.first)
        self_reference = ctx.near(ctx.first_person, ident.first, window=3) and not _near_in_phrase(
            ctx, ctx.second_person, ident.first, 5
        )
        for pred in predicates:
            inside = ident.first <= pred.first and pred.last <= ident.last
            if inside or ctx.sentence(pred.first) != sentence:
                continue
            # "zijn allemaal", "sont une menace", "are a threat" say something of their subject: the group
            # must come first ("wij zijn allemaal mensen, joden en moslims" says nothing against them).
            if pred.entry.tokens[0] in vocab().copulas and ident.first > pred.first:
                continue
            distance = 0 if _overlaps(pred, ident) else max(pred.first - ident.last, ident.first - pred.last)
            # An ambiguous word ("ik haat", "hate", "clowns") needs the group name right next to it.
            if pred.entry.has(Flag.AMBIGUOUS) and pred.entry.category != LexCategory.DEHUMANIZING and distance > 3:
                continue
            plural = ident.entry.has(Flag.PLURAL)
            # "de vrouw aan het loket is een trut" insults one person; only a group is hated.
            if pred.entry.category == LexCategory.INSULT and not plural:
                continue
            if distance > (8 if plural else 3):
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
            if _mentioned_not_used(ctx, pred) or ctx.counter or ctx.reported_near(pred.first):
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
            result.evidence.append(_evidence(ctx, pred, Label.HATE))
            result.evidence.append(_evidence(ctx, ident, Label.HATE))
            if category == LexCategory.THREAT:
                result.raise_score(Label.THREAT, 0.85, 4, Reason("triage.group_violence", "violence against a group"))
                result.evidence.append(_evidence(ctx, pred, Label.THREAT))
        # "X zijn geen mensen", "X ne sont pas les bienvenus": a negated positive derogates.
        for pos in positives:
            if ctx.sentence(pos.first) != sentence or _overlaps(pos, ident) or pos.first < ident.first:
                continue
            if _negated_in_phrase(ctx, pos.first, 5, ident.last + 1) and not (ctx.counter or self_reference):
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
                result.evidence.append(_evidence(ctx, pos, Label.HATE))
                result.evidence.append(_evidence(ctx, ident, Label.HATE))
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
                result.evidence.append(_pattern_evidence(ctx, token.start, token.end, Label.HATE, "emoji"))


def _near_in_phrase(ctx: Context, positions: frozenset[int], index: int, window: int) -> bool:
    """A position within `window` tokens of `index` with no comma between them: "t'es qu'un pédé" addresses
    the reader, "moi, vieux pédé de 60 ans, je vous dis merci" does not."""
    tokens = ctx.nt.tokens
    for p in positions:
        if abs(p - index) > window or ctx.sentence(p) != ctx.sentence(index):
            continue
        a, b = sorted((p, index))
        if "," not in ctx.nt.original[tokens[a].end : tokens[b].start]:
            return True
    return False


def _negated_in_phrase(ctx: Context, index: int, window: int, floor: int) -> bool:
    """A negator before `index` with no comma between: "X zijn geen mensen" denies, but in "X zijn geen zieken,
    ze zijn gewoon mensen" the "geen" belongs to the phrase before the comma."""
    tokens = ctx.nt.tokens
    return any(
        p in ctx.negator_positions
        and ctx.sentence(p) == ctx.sentence(index)
        and "," not in ctx.nt.original[tokens[p].end : tokens[index].start]
        for p in range(max(floor, index - window), index)
    )


#: Words that make the next token a noun for one person: "nog een 🐒", "encore un 🐒", "another 🐒".
_ONE_OF = frozenset({"een", "ne", "nen", "un", "une", "a", "an", "another", "ein", "eine", "einen", "noch"})


def _ape_emoji(ctx: Context, result: RuleResult) -> None:
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
    result.evidence.append(_pattern_evidence(ctx, token.start, token.end, Label.HATE, "emoji"))


def _exclusion_rules(ctx: Context, result: RuleResult) -> None:
    """ "Terug naar je land", "retourne dans ton pays", "go back to your country": exclusion by origin."""
    for hit in ctx.hits(LexCategory.HOSTILE):
        words = set(hit.entry.tokens)
        if not words & vocab().country_words or ctx.counter or _mentioned_not_used(ctx, hit):
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
        result.evidence.append(_evidence(ctx, hit, Label.HATE))


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


def _negated_permission(ctx: Context, result: RuleResult) -> None:
    if ctx.counter or not ctx.hits(LexCategory.IDENTITY):
        return
    for match in _EXCLUSION_RX.finditer(fold_aligned(ctx.nt.original)):
        ident = _group_in_span(ctx, match.start(), match.end(), lambda _i: True)
        if ident is None:
            continue
        said = ctx.nt.original[match.start() : match.end()]
        why = (f"'{said}': the group ", " is excluded")
        _hate_against(ctx, result, ident, 0.85, 3, "triage.group_excluded", why, said)
        result.evidence.append(
            _pattern_evidence(ctx, match.start(), match.end(), Label.HATE, "exclusion by negated permission")
        )
        return


#: Lexicon categories whose words, in the same clause, show a group word is used with contempt.
_DESPISING = (LexCategory.HOSTILE, LexCategory.DEHUMANIZING, LexCategory.THREAT, LexCategory.INSULT)


def _slur_rules(ctx: Context, result: RuleResult) -> None:
    for hit in ctx.hits(LexCategory.SLUR):
        entry = hit.entry
        if _mentioned_not_used(ctx, hit) or ctx.reported_near(hit.first) or (ctx.counter and not ctx.second_person):
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
            and not any(ctx.hits(category) for category in _DESPISING)
        )
        if (
            entry.has(Flag.RECLAIMABLE)
            and (proud or ctx.near(ctx.first_person, hit.first, window=8))
            and not _near_in_phrase(ctx, ctx.second_person, hit.first, 5)
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
            result.evidence.append(_evidence(ctx, hit, Label.HATE))
            continue
        if entry.has(Flag.AMBIGUOUS):
            # "aap", "mongool", "singe": an insult at a person; hate only next to a group name.
            if ctx.second_person or hit.first <= 1:
                words = ctx.nt.original_text(hit.first, hit.last)
                result.raise_score(
                    Label.INSULT, 0.75, 2, Reason("triage.slur_insult", f"'{words}' used as an insult", words=words)
                )
                result.evidence.append(_evidence(ctx, hit, Label.INSULT))
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
        result.evidence.append(_evidence(ctx, hit, Label.HATE))


def _insult_rules(ctx: Context, result: RuleResult) -> None:
    services = ctx.hits(LexCategory.SERVICE)
    for hit in ctx.hits(LexCategory.INSULT):
        words = ctx.nt.original_text(hit.first, hit.last)
        qualified = _qualified(ctx, hit)
        if hit.entry.has(Flag.AMBIGUOUS) and not (ctx.second_person or hit.first == 0 or qualified):
            continue
        if any(s.first in (hit.last + 1, hit.last + 2) for s in services):
            # "jullie achterlijke dienstregeling": the word qualifies a thing, not a person.
            continue
        if _mentioned_not_used(ctx, hit) or ctx.reported_near(hit.first):
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
        vocative = (hit.first == 0 and len(ctx.nt.tokens) <= 4) or _after_collective(ctx, hit) or qualified
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
        result.evidence.append(_evidence(ctx, hit, Label.INSULT))
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


def _staff_insulted(ctx: Context, result: RuleResult) -> None:
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
    norms = [t.norm for t in ctx.nt.tokens]
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


def _threat_rules(ctx: Context, result: RuleResult) -> None:
    for hit in ctx.hits(LexCategory.THREAT):
        words = ctx.nt.original_text(hit.first, hit.last)
        if _mentioned_not_used(ctx, hit) or (ctx.reporting and ctx.counter):
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
        result.evidence.append(_evidence(ctx, hit, Label.THREAT))
    for token in ctx.nt.tokens:
        if token.norm in _THREAT_EMOJI and ctx.second_person and not ctx.counter:
            result.raise_score(Label.THREAT, 0.6, 3, Reason("triage.weapon_emoji", "weapon emoji aimed at someone"))
            result.evidence.append(_pattern_evidence(ctx, token.start, token.end, Label.THREAT, "emoji"))


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


def _violence_intended(ctx: Context, result: RuleResult) -> None:
    """ "Als hij weer doorrijdt, sla ik zijn kop tegen het stuur", "on les aide à partir à coups de batte",
    "Ik steek dat gemeentehuis in brand": violence (or arson) done to a person, a group or a place, said as
    an intent (first person, future, a modal, a condition, a day), not negated, reported or condemned. The
    fixed phrases of the threat lexicon name the second person; this reads any person, so conditional,
    collective and third-person threats are caught the same way in every language."""
    if ctx.counter or (ctx.reporting and not ctx.second_person):
        return
    v = vocab()
    norms = [t.norm for t in ctx.nt.tokens]
    violent = phrase_starts(v.violence, norms)
    arsons = set(phrase_starts(v.arson, norms))
    if not (violent or arsons) or not phrase_starts(v.intent, norms) or joking(ctx.nt.original):
        return
    people = {h.first for h in ctx.hits(LexCategory.IDENTITY, LexCategory.SLUR, LexCategory.OTHER_GROUP)}
    places = {h.first for h in ctx.hits(LexCategory.GROUP_PLACE)}
    staff = set(phrase_starts(v.staff, norms))
    for i in sorted(arsons.union(violent)):
        arson = i in arsons
        if ctx.negated(i, window=3) or i in ctx.quoted:
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
            _pattern_evidence(
                ctx, ctx.nt.tokens[i].start, ctx.nt.tokens[i].end, Label.THREAT, "violence said as an intent"
            )
        )
        return


def _sexual_rules(ctx: Context, result: RuleResult) -> None:
    hits = ctx.hits(LexCategory.SEXUAL)
    plain = [h for h in hits if not h.entry.has(Flag.AMBIGUOUS)]
    emoji = [t for t in ctx.nt.tokens if t.norm in _SEXUAL_EMOJI]
    if not plain and not (len(hits) >= 2 or (hits and (ctx.second_person or emoji))):
        if len(emoji) >= 2 and ctx.second_person:
            result.raise_score(Label.SEXUAL, 0.55, 2, Reason("triage.sexual_emoji", "sexual emoji aimed at someone"))
        return
    for hit in plain or hits:
        if _mentioned_not_used(ctx, hit):
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
        result.evidence.append(_evidence(ctx, hit, Label.SEXUAL))


def _self_harm_rules(ctx: Context, result: RuleResult) -> None:
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
            result.evidence.append(_evidence(ctx, hit, Label.THREAT))
            continue
        if ctx.counter or _mentioned_not_used(ctx, hit):
            continue
        result.raise_score(
            Label.SELF_HARM, 0.85, 3, Reason("triage.distress", f"signs of distress: '{words}'", words=words)
        )
        result.evidence.append(_evidence(ctx, hit, Label.SELF_HARM))


def _spam_rules(ctx: Context, result: RuleResult) -> None:
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
    if score:
        # An advert that sends readers to a link or a phone number is how scams and phishing work: medium
        # severity, so the default policy also reports it to the platform; a bare advert stays low.
        baited = (
            bool(links)
            or strength >= 2.5
            or any(p.kind in (PIIKind.PHONE, PIIKind.EMAIL, PIIKind.IBAN) for p in ctx.pii)
        )
        result.raise_score(
            Label.SPAM,
            score,
            2 if baited else 1,
            Reason("triage.spam_cues", "advertising or scam cues") if score >= 0.5 else None,
        )
        for hit in cues:
            result.evidence.append(_evidence(ctx, hit, Label.SPAM))
        for p in links:
            result.evidence.append(_pattern_evidence(ctx, p.start, p.end, Label.SPAM, p.pattern.name))


def _own_data(ctx: Context) -> bool:
    return any(p.pattern.name == "own_data" for p in ctx.patterns)


def _doxxing_rules(ctx: Context, result: RuleResult) -> None:
    """Personal data in the comment is doxxing, unless it is the commenter's own or an advert's."""
    own = _own_data(ctx)
    if own:
        result.flags.add("own_data")
        if ctx.pii:
            # The model reads any phone number as someone's data; the commenter's own or a service's is not.
            result.damp_model(Label.DOXXING, 0.5)
    spammy = result.scores.get(Label.SPAM, 0.0) >= 0.75
    for match in ctx.pii:
        if match.kind not in _DOXXING_KINDS:
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


def _pattern_rules(ctx: Context, result: RuleResult) -> None:
    """Named patterns: calls to find someone's data, accusations, baiting, veiled threats (each its own id)."""
    own = _own_data(ctx)
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
        result.evidence.append(_pattern_evidence(ctx, p.start, p.end, p.pattern.label, p.pattern.name))
        if p.pattern.label == Label.THREAT:
            _threatened_group(ctx, result, p)
        result.current = rule


def _particular(ctx: Context, ident: Hit) -> bool:
    return ident.first > 0 and ctx.nt.tokens[ident.first - 1].norm in vocab().possessives


def _group_in_span(ctx: Context, start: int, end: int, eligible: Callable[[Hit], bool]) -> Hit | None:
    """The first group named, for particular people or quoted, in the sentence of the text span start:end."""
    at = [t.index for t in ctx.nt.tokens if start <= t.start < end]
    if not at:
        return None
    sentence = ctx.sentence(at[0])
    return next(
        (
            ident
            for ident in ctx.hits(LexCategory.IDENTITY)
            if ctx.sentence(ident.first) == sentence
            and not _particular(ctx, ident)
            and not _mentioned_not_used(ctx, ident)
            and eligible(ident)
        ),
        None,
    )


def _hate_against(
    ctx: Context,
    result: RuleResult,
    ident: Hit,
    score: float,
    severity: int,
    code: str,
    why: tuple[str, str],
    words: str,
) -> None:
    """Hate against the group `ident` names; the reason (`code`) is why[0] + the group's words and target +
    why[1], with `words` the words that said it."""
    target = ident.entry.target
    named = ctx.nt.original_text(ident.first, ident.last)
    group = f"'{named}' ({target.value if target else '?'})"
    result.raise_score(
        Label.HATE,
        score,
        severity,
        Reason(code, why[0] + group + why[1], words=words, group=named, target=target.value if target else None),
    )
    if target:
        result.targets[target] += 1
    result.evidence.append(_evidence(ctx, ident, Label.HATE))


def _threatened_group(ctx: Context, result: RuleResult, p: PatternHit) -> None:
    """Violence called for against a group named in the same sentence is hate as well as a threat."""
    ident = _group_in_span(
        ctx,
        p.start,
        p.end,
        lambda i: i.entry.has(Flag.PLURAL) and not ctx.negated(i.first, window=2) and not ctx.reported_near(i.first),
    )
    if ident is not None:
        said = ctx.nt.original[p.start : p.end]
        _hate_against(
            ctx,
            result,
            ident,
            0.88,
            4,
            "triage.violence_against_group",
            (f"violence called for ({p.pattern.name}) against the group ", ""),
            said,
        )


def _criticism_rules(ctx: Context, result: RuleResult) -> None:
    service = ctx.hits(LexCategory.SERVICE)
    profanity = ctx.hits(LexCategory.PROFANITY)
    norms = [t.norm for t in ctx.nt.tokens]
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


def _service_judged(ctx: Context, result: RuleResult) -> None:
    """ "Amai, wat een chaos weer bij De Lijn", "Merci la STIB, quelle honte": the service (or its staff) and a
    bad judgement in one clause is a complaint, which the charter answers, however mild its words. Not when
    the judgement is negated or the clause is about a protected group (that is read as hate or not at all)."""
    if ctx.hits(LexCategory.IDENTITY, LexCategory.SLUR) or "praise" in result.flags:
        return
    v = vocab()
    norms = [t.norm for t in ctx.nt.tokens]
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


def _refers_back(ctx: Context, result: RuleResult) -> None:
    """ "I met some Muslims yesterday. They are vermin.": dehumanising or hostile words in a clause that refers
    back to a group named before are hate against that group."""
    if not ctx.inherited or ctx.counter or ctx.hits(LexCategory.IDENTITY):
        return
    for hit in ctx.hits(LexCategory.DEHUMANIZING, LexCategory.HOSTILE):
        if hit.entry.has(Flag.AMBIGUOUS) or _mentioned_not_used(ctx, hit) or ctx.negated(hit.first, window=4):
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
        result.evidence.append(_evidence(ctx, hit, Label.HATE))
        return


def _counter_context(ctx: Context, result: RuleResult) -> None:
    if ctx.counter:
        # Condemning hate uses the same words as hate; the model cannot tell them apart.
        result.flags.add("counter_speech")
        result.damp_model(Label.HATE, 0.5)
        result.damp_model(Label.INSULT, 0.7)


def _group_mention(ctx: Context, result: RuleResult) -> None:
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
            not ctx.negated(h.first, window=3) and not any(_overlaps(h, n) for n in names)
            for h in ctx.hits(LexCategory.POSITIVE)
        ):
            result.flags.add("positive_mention")
        if result.flags & {"negation", "counter_speech", "positive_mention"}:
            result.damp_model(Label.HATE, 0.35)
        result.flags.add("identity_mention")
    if not result.targets:
        for hit in ctx.hits(LexCategory.IDENTITY):
            if hit.entry.target:
                result.targets[hit.entry.target] += 1


#: Flags that say a rule held a label back; recorded as `suppressed_by` ("hate.slur/counter_speech").
SUPPRESSING_FLAGS = frozenset({"negation", "counter_speech", "reported", "reclaimed", "own_data", "praise"})


class Stage(StrEnum):
    UNIT = "unit"  # read on one clause: negation and counter-speech stay in it
    COMMENT = "comment"  # read on the whole comment: personal data, adverts


@dataclass(frozen=True, slots=True)
class Rule:
    """A named rule of the registry: what it raises, where it reads, and examples that prove it.

    `positive` examples must make it fire (raise `label` to 0.5 or more); `negative` ones must not.
    tests/triage/test_rule_registry.py runs every rule's examples.
    """

    id: str
    label: Label
    stage: Stage
    doc: str
    run: Callable[[Context, RuleResult], None]
    positive: tuple[tuple[str, str], ...] = ()
    negative: tuple[tuple[str, str], ...] = ()


RULES: tuple[Rule, ...] = (
    Rule(
        "context.counter_speech",
        Label.HATE,
        Stage.UNIT,
        "A clause that condemns, quotes or reports hate damps the model's hate and insult for that clause only.",
        _counter_context,
        negative=(("en", "Saying that Muslims are vermin is disgusting."),),
    ),
    Rule(
        "hate.slur",
        Label.HATE,
        Stage.UNIT,
        "A slur for a protected group, used (not quoted, reported, negated or reclaimed).",
        _slur_rules,
        positive=(("nl", "Vuile makakken allemaal."), ("fr", "Sale bougnoule."), ("en", "Go away, you f4ggot.")),
        negative=(("en", "Calling someone a faggot is hateful."), ("fr", "On est pédés et fiers.")),
    ),
    Rule(
        "hate.group_predicate",
        Label.HATE,
        Stage.UNIT,
        "A protected group named next to a hostile, dehumanising, insulting or violent word in the same clause.",
        _group_rules,
        positive=(("nl", "Moslims zijn ratten."), ("fr", "Les musulmans sont des rats."), ("en", "I hate Muslims.")),
        negative=(("nl", "Moslims zijn geen ratten."), ("en", "I don't hate Muslims."), ("en", "Referees are rats.")),
    ),
    Rule(
        "hate.refers_back",
        Label.HATE,
        Stage.UNIT,
        "Dehumanising or hostile words in a clause that refers back to a protected group named before.",
        _refers_back,
        positive=(
            ("en", "I met some Muslims at the market. They are vermin."),
            ("nl", "Ik zag moslims. Ze zijn ratten."),
        ),
        negative=(("en", "I met some Muslims at the market. They are not vermin."),),
    ),
    Rule(
        "hate.ape_trope",
        Label.HATE,
        Stage.UNIT,
        "The ape emoji used for a person, or with a banana: the racist trope, with or without a group named.",
        _ape_emoji,
        positive=(("nl", "Alweer een 🐒 in de ploeg."), ("fr", "Il retourne à son arbre 🐒🍌")),
        negative=(
            ("nl", "Vandaag naar de zoo geweest 🐒🦁"),
            ("nl", "Mijn dochter is een echte 🐒, ze klimt overal op!"),
        ),
    ),
    Rule(
        "hate.exclusion_by_origin",
        Label.HATE,
        Stage.UNIT,
        "A call to go back to one's country: exclusion because of origin.",
        _exclusion_rules,
        positive=(("nl", "Ga terug naar je eigen land."), ("fr", "Retourne dans ton pays.")),
        negative=(("nl", "Ik ga volgende week terug naar mijn land op vakantie."),),
    ),
    Rule(
        "hate.negated_permission",
        Label.HATE,
        Stage.UNIT,
        "Exclusion said through a negated permission (no X should be allowed to live here) when a group is named.",
        _negated_permission,
        positive=(("en", "No Muslims should be allowed to live here."), ("nl", "Geen enkele moslim mag hier wonen.")),
        negative=(("en", "No dogs should be allowed to live here."),),
    ),
    Rule(
        "insult.name_calling",
        Label.INSULT,
        Stage.UNIT,
        "Abusive name-calling aimed at someone (second person, a bare vocative, a collective noun).",
        _insult_rules,
        positive=(("nl", "Jij bent echt een vuile klootzak."), ("fr", "T'es qu'un connard."), ("en", "You idiot.")),
        negative=(("nl", "Ik ben zo'n idioot, ik vergat mijn abonnement."), ("en", "He called me an idiot.")),
    ),
    Rule(
        "criticism.staff_insulted",
        Label.CRITICISM,
        Stage.UNIT,
        "An insult aimed at the organisation's staff (a driver, the desk, customer service) is a complaint too.",
        _staff_insulted,
        positive=(
            ("nl", "Die van jullie klantendienst is de domste koe die ik ooit aan de lijn had."),
            ("en", "The driver on the 71 this morning was a rude prick."),
        ),
        negative=(("nl", "Jij bent echt een vuile klootzak."), ("en", "The driver was late again.")),
    ),
    Rule(
        "threat.words",
        Label.THREAT,
        Stage.UNIT,
        "Words of violence or harm, aimed at someone or a group, not negated, quoted or reported.",
        _threat_rules,
        positive=(("nl", "Ik maak je kapot."), ("fr", "Je vais te tuer."), ("en", "I will kill you.")),
        negative=(("en", "He said he would kill me, I reported it to the police."),),
    ),
    Rule(
        "threat.violence_intended",
        Label.THREAT,
        Stage.UNIT,
        "Violence or arson aimed at a person, a group or a place and said as an intent, conditional or collective.",
        _violence_intended,
        positive=(
            ("nl", "Als die controleur me nog eens beboet, sla ik hem op zijn muil."),
            ("fr", "Je vais brûler ce centre pour réfugiés ce week-end."),
            ("de", "Wenn der Schaffner das nochmal macht, werde ich ihn verprügeln."),
            ("en", "If he shows up tomorrow I'm going to punch him."),
        ),
        negative=(
            ("nl", "De chauffeur werd gisteren in elkaar geslagen, schandalig."),
            ("fr", "Je ne vais jamais le frapper, je ne suis pas violent."),
            ("en", "We will kill it at the concert tomorrow."),
        ),
    ),
    Rule(
        "sexual.words",
        Label.SEXUAL,
        Stage.UNIT,
        "Sexual terms and remarks, or sexual emoji aimed at someone.",
        _sexual_rules,
        positive=(("nl", "Wat een geile tieten heb jij."), ("en", "Send nudes babe.")),
        negative=(("nl", "De tram was weer te laat vanmorgen."),),
    ),
    Rule(
        "self_harm.distress",
        Label.SELF_HARM,
        Stage.UNIT,
        "The commenter signals suicidal thoughts or self-harm (aimed at someone else, it is a threat).",
        _self_harm_rules,
        positive=(("nl", "Ik wil niet meer leven."), ("en", "I want to kill myself.")),
        negative=(("en", "Go kill yourself."),),
    ),
    Rule(
        "pattern",
        Label.THREAT,
        Stage.UNIT,
        "Named patterns (doxxing calls, accusations, baiting, veiled threats); each fires as pattern.<name>.",
        _pattern_rules,
    ),
    Rule(
        "criticism.swearing",
        Label.CRITICISM,
        Stage.UNIT,
        "Swearing about a service is a complaint, not abuse; swearing with praise is enthusiasm.",
        _criticism_rules,
        positive=(("nl", "Kutservice van de trein weer."),),
        negative=(("en", "I fucking love this city."),),
    ),
    Rule(
        "criticism.service_judged",
        Label.CRITICISM,
        Stage.UNIT,
        "The service or its staff and a bad judgement (chaos, honte, disgrace) in one clause: a complaint.",
        _service_judged,
        positive=(
            ("nl", "Amai, wat een chaos weer bij De Lijn vandaag."),
            ("fr", "Trois heures d'attente au guichet, c'est une honte."),
            ("en", "The new timetable is a disaster for anyone who works nights."),
        ),
        negative=(
            ("nl", "De Lijn rijdt vanaf morgen weer normaal."),
            ("en", "The bus was not a disaster at all today."),
        ),
    ),
    Rule(
        "context.group_mention",
        Label.HATE,
        Stage.UNIT,
        "A group named in a clause that negates, condemns or praises: the model's hate is damped there.",
        _group_mention,
        negative=(("nl", "Ik heb niets tegen moslims."),),
    ),
    Rule(
        "spam.cues",
        Label.SPAM,
        Stage.COMMENT,
        "Advertising and scam cues, links and contact details together.",
        _spam_rules,
        positive=(("en", "Free iPhone giveaway! Click the link in my bio: https://win.example"),),
        negative=(("en", "Where can I buy a ticket?"),),
    ),
    Rule(
        "doxxing.personal_data",
        Label.DOXXING,
        Stage.COMMENT,
        "Someone's personal data (phone, address, national number, IBAN, e-mail, plate), unless the commenter's own.",
        _doxxing_rules,
        positive=(("nl", "Zijn nummer is 0472 12 34 56, bel hem maar allemaal."),),
        negative=(("nl", "Bel mij gerust op mijn nummer 0472 12 34 56."),),
    ),
)


def run_rules(ctx: Context, stage: Stage, result: RuleResult | None = None) -> RuleResult:
    """Run the registry's rules of one stage on a context, recording which fired and which held back."""
    result = result or RuleResult()
    for rule in RULES:
        if rule.stage != stage:
            continue
        result.current = rule.id
        before = set(result.flags)
        rule.run(ctx, result)
        for flag in sorted((result.flags - before) & SUPPRESSING_FLAGS):
            mark = f"{rule.id}/{flag}"
            if mark not in result.suppressed:
                result.suppressed.append(mark)
    result.current = ""
    return result


def apply_rules(
    nt: NormalizedText,
    language: str,
    hits: Iterable[Hit],
    patterns: Sequence[PatternHit],
    pii: Sequence[PIIMatch],
) -> RuleResult:
    """Every rule, both stages, on one text read as a single unit (what the pipeline does per clause)."""
    ctx = build_context(nt, language, list(hits), patterns, pii)
    result = run_rules(ctx, Stage.UNIT)
    return run_rules(ctx, Stage.COMMENT, result)
