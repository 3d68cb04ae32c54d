"""The reading of one clause the rules share: function words (`vocab`), who is addressed, negated,
quoted or reported (`Context`), and what the rules found (`RuleResult`)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache

from hierniet.domain import Evidence, Label, PIIKind, PIIMatch, Reason, Target
from hierniet.triage.lexicons import LexCategory
from hierniet.triage.matcher import Hit
from hierniet.triage.normalize import NormalizedText
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
    scam_cues: frozenset[tuple[str, ...]]
    benign_acts: frozenset[tuple[str, ...]]
    harm_words: frozenset[tuple[str, ...]]
    cleansing: frozenset[tuple[str, ...]]
    comitative: frozenset[tuple[str, ...]]
    disagreement: frozenset[tuple[str, ...]]
    beasts: frozenset[str]
    idioms: frozenset[tuple[str, ...]]
    insistence: frozenset[tuple[str, ...]]
    disruptions: frozenset[tuple[str, ...]]
    waiting: frozenset[tuple[str, ...]]
    time_units: frozenset[str]
    number_words: frozenset[tuple[str, ...]]
    payers: frozenset[tuple[str, ...]]
    info_openers: dict[str, frozenset[tuple[str, ...]]]  # per language: German "wie" asks how, Dutch "wie" who
    treated: frozenset[str]
    naming: frozenset[str]
    manner: frozenset[tuple[str, ...]]
    opinion: frozenset[str]
    naming_others: dict[str, frozenset[str]]  # per language: Dutch "als" is "if", German "als" is "as"
    relative: dict[str, frozenset[str]]  # per language: Dutch "die" is a relative, English "die" is not
    free_relative: dict[str, frozenset[str]]
    people_nouns: dict[str, frozenset[str]]
    self_as: dict[str, frozenset[tuple[str, ...]]]  # per language: Dutch and German "als"
    discussion: frozenset[tuple[str, ...]]
    crimes: frozenset[tuple[str, ...]]
    defending: frozenset[tuple[str, ...]]
    innuendo: frozenset[tuple[str, ...]]
    concession: frozenset[tuple[str, ...]]
    everyday_acts: frozenset[tuple[str, ...]]
    kind_wishes: frozenset[tuple[str, ...]]
    conspiracy_groups: frozenset[tuple[str, ...]]
    conspiracy_control: frozenset[tuple[str, ...]]
    conspiracy_domains: frozenset[tuple[str, ...]]
    demands: frozenset[tuple[str, ...]]
    pointing_back: frozenset[str]
    comparison: frozenset[str]
    articles: frozenset[str]
    of_mine: frozenset[tuple[str, ...]]
    pointing: frozenset[str]
    at_clock: frozenset[str]
    why: frozenset[str]
    thanks: frozenset[str]
    possessive_verbs: frozenset[str]
    # Per language, the possessives that do not address the reader in it ("mijn nicht", "sa tapette"): before an
    # ambiguous slur they make it the ordinary word, where the reader's ("jouw aap") aim it. Built once here, not
    # at every hit.
    possessives_not_yours: dict[str, frozenset[str]]


@cache
def vocab() -> Vocab:
    table = load_words()
    languages = tuple(table)
    negators = union_phrases("negators")
    possessives = union("possessives")
    second_person = {lang: table[lang].singles("second_person") for lang in languages}
    return Vocab(
        second_person=second_person,
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
        possessives=possessives,
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
        scam_cues=union_phrases("scam_cues"),
        benign_acts=union_phrases("benign_acts"),
        harm_words=union_phrases("harm_words"),
        cleansing=union_phrases("cleansing"),
        comitative=union_phrases("comitative"),
        disagreement=union_phrases("disagreement"),
        beasts=union("beasts"),
        idioms=union_phrases("idioms"),
        insistence=union_phrases("insistence"),
        disruptions=union_phrases("disruptions"),
        waiting=union_phrases("waiting"),
        time_units=union("time_units"),
        number_words=union_phrases("number_words"),
        payers=union_phrases("payers"),
        info_openers={lang: table[lang].phrases("info_openers") for lang in languages},
        treated=union("treated"),
        naming=union("naming"),
        manner=union_phrases("manner"),
        opinion=union("opinion"),
        naming_others={lang: table[lang].singles("naming_others") for lang in languages},
        relative={lang: table[lang].singles("relative") for lang in languages},
        free_relative={lang: table[lang].singles("free_relative") for lang in languages},
        people_nouns={lang: table[lang].singles("people_nouns") for lang in languages},
        self_as={lang: table[lang].phrases("self_as") for lang in languages},
        discussion=union_phrases("discussion"),
        crimes=union_phrases("crimes"),
        defending=union_phrases("defending"),
        innuendo=union_phrases("innuendo"),
        concession=union_phrases("concession"),
        everyday_acts=union_phrases("everyday_acts"),
        kind_wishes=union_phrases("kind_wishes"),
        conspiracy_groups=union_phrases("conspiracy_groups"),
        conspiracy_control=union_phrases("conspiracy_control"),
        conspiracy_domains=union_phrases("conspiracy_domains"),
        demands=union_phrases("demands"),
        pointing_back=union("pointing_back"),
        comparison=union("comparison"),
        articles=union("articles"),
        of_mine=union_phrases("of_mine"),
        pointing=union("pointing"),
        at_clock=union("at_clock"),
        why=union("why"),
        thanks=union("thanks"),
        possessive_verbs=union("possessive_verbs"),
        possessives_not_yours={lang: possessives - second_person[lang] for lang in languages},
    )


_QUOTES = "\"“”„«»‘’'‹›"
THREAT_EMOJI = frozenset(
    {"emoji_knife", "emoji_gun", "emoji_bomb", "emoji_coffin", "emoji_skull", "emoji_axe", "emoji_rope"}
)
DEHUMANISING_EMOJI = frozenset(
    {"emoji_ape", "emoji_pig", "emoji_rat", "emoji_cockroach", "emoji_virus", "emoji_banana"}
)
SEXUAL_EMOJI = frozenset({"emoji_eggplant", "emoji_peach", "emoji_droplets", "emoji_tongue", "emoji_lips"})
DOXXING_KINDS = frozenset(PIIKind)


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
    norms: tuple[str, ...]  # each token's normalised form, read by most rules (built once per clause)
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
            and not self._clause_break(p, first)
            for p in range(lo, first)
        )

    def _clause_break(self, before: int, after: int) -> bool:
        """A comma, semicolon or colon between two tokens: "als de politie niks doet, dan ..." ends the
        negation's clause before the main one starts."""
        tokens = self.nt.tokens
        between = self.nt.original[tokens[before].end : tokens[after].start]
        return any(c in between for c in ",;:")

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


def after_collective(ctx: Context, hit: Hit) -> bool:
    norms = ctx.norms
    return any(tuple(norms[max(0, hit.first - len(c)) : hit.first]) == c for c in vocab().collectives)


def _counts_as_counter(hit: Hit, norms: list[str], negators: set[int], nt: NormalizedText) -> bool:
    """A counter-speech cue, unless it is the disclaimer of "ik ben geen racist, maar ..."."""
    if any(p in negators for p in range(max(0, hit.first - 2), hit.first)):
        return False
    sentence = nt.tokens[hit.first].sentence
    contrast = vocab().contrast
    return not any(norms[j] in contrast and nt.tokens[j].sentence == sentence for j in range(hit.last + 1, len(norms)))


def _condemned_claim(norms: list[str], nt: NormalizedText, negators: set[int]) -> bool:
    """A sentence that reports a claim to condemn it: "zeggen dat ... is walgelijk", "stop met beweren dat",
    "It's wrong to say ...", or forbids or denies it: "No one should say women are stupid", "Je ne pense pas
    que les musulmans soient dangereux" (not the disclaimer "I'm not saying ..., but ...", whose "but" asserts
    it)."""
    v = vocab()
    stops = set(phrase_starts(v.stop, norms))
    if v.saying.isdisjoint(norms) and v.opinion.isdisjoint(norms) and not stops:
        return False
    for i, norm in enumerate(norms):
        sentence = nt.tokens[i].sentence
        rest = [j for j in range(i + 1, min(len(norms), i + 25)) if nt.tokens[j].sentence == sentence]
        said, thought = norm in v.saying, norm in v.opinion
        # Only a verb of saying or of opinion opens a claim: the words before it are looked at for those alone.
        before = [j for j in range(max(0, i - 5), i) if nt.tokens[j].sentence == sentence] if said or thought else []
        # "It's wrong to say immigrants are criminals", "C'est faux de dire que ...": condemned before it is said.
        if said and any(norms[j] in v.condemning for j in before):
            return True
        if (
            (said or thought)
            and any(p in negators for p in before[-4:])
            and not any(norms[j] in v.contrast for j in rest)
            and not _next_sentence_opens_with(norms, nt, sentence, v.contrast)
        ):
            return True
        claim = norm in v.saying and any(norms[j] in v.that for j in rest[:2])
        if claim and (
            any(norms[j] in v.condemning for j in rest)
            or any(j in stops for j in range(max(0, i - 4), i) if nt.tokens[j].sentence == sentence)
        ):
            return True
        if i in stops and any(norms[j] in v.saying or norms[j] in v.condemning for j in rest[:5]):
            return True
    return False


def _next_sentence_opens_with(norms: list[str], nt: NormalizedText, sentence: int, words: frozenset[str]) -> bool:
    """ "I'm not saying women are stupid. But they are.": the next sentence opens with one of the words."""
    following = next((t.index for t in nt.tokens if t.sentence > sentence), None)
    return following is not None and norms[following] in words


def phrase_at(phrases: frozenset[tuple[str, ...]], norms: Sequence[str], i: int) -> bool:
    """One of the phrases starts at token i."""
    return any(tuple(norms[i : i + len(p)]) == p for p in _by_first_word(phrases).get(norms[i], ()))


def phrase_starts(phrases: frozenset[tuple[str, ...]], norms: Sequence[str]) -> list[int]:
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
    counter = counter or _condemned_claim(norms, nt, negators)
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
        norms=tuple(norms),
        patterns=tuple(patterns),
        pii=tuple(pii),
        inherited=tuple(inherited),
    )
