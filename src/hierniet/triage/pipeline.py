"""Comments in, verdicts out: the batch-first triage pipeline.

    language -> normalise -> lexicons + patterns + PII -> rules
             -> embeddings + char n-grams -> model
             -> combine (rules and damped model scores) -> labels, severity, target

One comment is a batch of one. Triage is pure with respect to the outside
world: no database, no web, no network; the model and lexicons come from the
package.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np

from hierniet.domain import (
    ABUSE_LABELS,
    Comment,
    Evidence,
    EvidenceSource,
    Label,
    Language,
    PIIMatch,
    Reason,
    Severity,
    Target,
    Verdict,
)
from hierniet.triage.features import Embedder, char_counts, model_texts
from hierniet.triage.language import closest_languages, detect_languages
from hierniet.triage.lexicons import LANGUAGES, Flag, LexCategory, LexEntry, LexiconSet, load_all
from hierniet.triage.matcher import Hit, LexiconIndex, is_common_in
from hierniet.triage.model import HOSTILITY, TriageModel
from hierniet.triage.normalize import NormalizedText, fold_aligned, normalize
from hierniet.triage.patterns import PatternHit, find_patterns
from hierniet.triage.pii import find_pii
from hierniet.triage.rules import RuleResult, Stage, build_context, joking, run_rules, vocab
from hierniet.triage.units import (
    Unit,
    alternative_units,
    bare_verdict,
    group_targets,
    masked_text,
    other_groups,
    quoted_spans,
    refers_back,
    split_units,
    unit_hits,
    unit_text,
)

#: The raw score an abuse label needs when no rule found a trace of it (the model alone). Threats weigh most
#: on a person and are the label the model over-reads most in everyday idioms ("mourir de rire", "hang ze op").
#: Hate from the model alone needs no more than the others (it was 0.6): on the held-back fifth of our own
#: examples hate F1 rose from 0.46 to 0.50 (with _BARE_MENTION at 0.85), and neutral and friendly mentions of
#: groups stay protected by the group-mention, self-identification and counter-speech rules; a hate label from
#: the model alone never runs an automatic step (the policy sends it to a person).
_MODEL_ONLY_DEFAULT = 0.5
MODEL_ONLY_MIN: dict[Label, float] = {Label.THREAT: 0.5, Label.HATE: 0.5, Label.INSULT: 0.6}
#: Labels a verdict scores (ok is what is left when none applies).
SCORED_LABELS: tuple[Label, ...] = tuple(label for label in Label if label != Label.OK)

#: Longest comment triage reads; beyond it the text is cut (and the verdict says so).
MAX_CHARS = 20_000
#: Below this confidence a comment the detector calls "other" is read with the lexicons of the closest of our
#: four languages: words run together or disguised ("Womenare disgusting", "Ihate Muslims") look like no
#: language, and a foreign comment rarely comes with so little confidence (3 of 3,387 of our own and devset
#: comments were "other", all of them Dutch or German).
_READ_AS_BELOW = 0.6
#: Below this confidence a clause's language was mostly the comment's hint: its words may say otherwise.
_CLAUSE_UNSURE = 0.45

_DEFAULT_SEVERITY = {
    Label.INSULT: 2,
    Label.HATE: 3,
    Label.THREAT: 3,
    Label.SEXUAL: 2,
    Label.DOXXING: 3,
    Label.PROVOCATION: 1,
    Label.DEFAMATION: 2,
    Label.SPAM: 1,
    Label.SELF_HARM: 3,
}
# Categories of another language's lexicon that still count in a comment
# (Brussels comments mix languages; English swearing is everywhere).
_CROSS_LANGUAGE = frozenset({LexCategory.INSULT, LexCategory.SLUR, LexCategory.PROFANITY, LexCategory.SEXUAL})


def _cross_language_ok(entry: LexEntry) -> bool:
    if len(entry.tokens) >= 3:
        return entry.category not in (LexCategory.SERVICE, LexCategory.NEGATOR, LexCategory.REPORTING)
    return (
        entry.category in _CROSS_LANGUAGE
        and len(entry.tokens[0]) >= 5
        and not entry.has(Flag.AMBIGUOUS)
        and not entry.has(Flag.EXACT)
    )


def find_hits(index: LexiconIndex, nt: NormalizedText, language: Language) -> list[Hit]:
    """Lexicon hits in a comment, less the false friends of other languages."""
    return [h for h in index.match(nt) if not _false_friend(h, language)]


def _false_friend(hit: Hit, language: Language) -> bool:
    """A word from another language's lexicon that is an ordinary word here ("retard" in French)."""
    entry = hit.entry
    if language == Language.OTHER or entry.language == language.value or len(entry.tokens) > 1:
        return False
    return is_common_in(entry.tokens[0], language.value)


#: Languages whose words are not compounds, so a word of the lists inside a longer token was glued to another
#: by leaving the space out (see LexiconIndex).
_GLUED_LANGUAGES = frozenset({"en", "fr"})


def build_indexes(lexicons: LexiconSet) -> dict[str, LexiconIndex]:
    """One index per comment language: its own lexicons plus the safe part of the others."""
    indexes: dict[str, LexiconIndex] = {}
    for language in (*LANGUAGES, Language.OTHER.value):
        entries: list[LexEntry] = []
        for other in LANGUAGES:
            if other == language:
                entries.extend(lexicons.entries(other))
            else:
                entries.extend(e for e in lexicons.entries(other) if _cross_language_ok(e))
        indexes[language] = LexiconIndex(entries, glued=language if language in _GLUED_LANGUAGES else None)
    return indexes


@dataclass(frozen=True, slots=True)
class UnitAnalysis:
    """One clause of a comment: its rules, who it is about, and what the model reads of it."""

    unit: Unit
    rules: RuleResult
    targets: tuple[Target, ...]  # protected grounds it names, or refers back to ("... They are vermin")
    # Someone the clause aims at besides a protected group: the reader (je, tu, you), a handle, a group the
    # law does not protect (politicians, referees), or a word of name-calling. Hostility with no one aimed at
    # (a late tram, "what a mess") is a complaint's anger, not an insult.
    addressed: bool
    # A word of hostility, contempt or violence from the lexicons is in the clause (not only a group's name).
    cued: bool
    embed_text: str  # masked: group names replaced by a plain word; links and handles masked
    char_text: str


@dataclass(frozen=True, slots=True)
class Analysis:
    """Everything triage found about one comment before the model is consulted."""

    comment: Comment
    text: str  # possibly cut to MAX_CHARS
    language: Language
    language_confidence: float
    normalized: NormalizedText
    units: tuple[UnitAnalysis, ...]
    comment_rules: RuleResult  # personal data and adverts, read on the whole comment
    rules: RuleResult  # every unit's and the comment's rules, merged (evidence, reasons, fired, suppressed)
    pii: tuple[PIIMatch, ...]
    embed_text: str  # the whole comment as the model reads it (masked): row 0 of the model's scores
    char_text: str

    def rule_score(self, label: Label) -> float:
        """The highest score any rule gave the label, in a clause or on the whole comment."""
        return max([self.comment_rules.scores.get(label, 0.0)] + [u.rules.scores.get(label, 0.0) for u in self.units])


#: Lexicon categories that name people or their places: a capital there starts a name, not a sentence.
_NAME_CATEGORIES = frozenset({LexCategory.IDENTITY, LexCategory.SLUR, LexCategory.OTHER_GROUP, LexCategory.GROUP_PLACE})
#: Lexicon categories whose words carry hostility, contempt or violence by themselves.
_HOSTILE_CUES = (
    LexCategory.DEHUMANIZING,
    LexCategory.HOSTILE,
    LexCategory.INSULT,
    LexCategory.SLUR,
    LexCategory.THREAT,
    LexCategory.PROFANITY,
)
#: How much the model's hostility counts as hate in a clause that names a group but holds no hostile word:
#: implicit hate ("Die zitten daar enkel als excuus"), which has no word for the lexicons, needs the model.
_BARE_MENTION = 0.85
#: How much hostility aimed at no one in particular still counts as an insult (the rest is a complaint's anger).
_UNAIMED_HOSTILITY = 0.4
#: How much the model's threat counts, with no rule behind it, in a comment that laughs ("😂", "mdr", "grapje").
_JEST = 0.35
#: How much a fully quoted clause still counts when another clause of the comment condemns or reports it.
_QUOTED_MENTION = 0.35


def calibrate(score: float, threshold: float) -> float:
    """Map a raw score so that the label's threshold becomes 0.5: the verdict's scores are what the policy reads.

    Piecewise linear and monotone: 0 -> 0, threshold -> 0.5, 1 -> 1. A label is on the verdict exactly when
    its calibrated score is 0.5 or more, so the policy's default threshold of 0.5 agrees with triage.
    """
    t = min(max(threshold, 0.05), 0.95)
    if score < t:
        return 0.5 * score / t
    return 0.5 + 0.5 * (score - t) / (1.0 - t)


class Triage:
    """Loaded triage resources: lexicons, their indexes, the embedder and the model."""

    def __init__(self, model: TriageModel, lexicons: LexiconSet, embedder: Embedder | None = None) -> None:
        self.model = model
        self.lexicons = lexicons
        self.indexes = build_indexes(lexicons)
        self.embedder = embedder or Embedder()
        # Every verdict carries this; hashing the lexicons' versions per comment cost 5 % of triage.
        self._version = f"hierniet-triage {self.model.version} lexicons {self.lexicons.version}"

    @property
    def version(self) -> str:
        return self._version

    def analyse(self, comments: Sequence[Comment]) -> list[Analysis]:
        """Language, normalisation, lexicons, patterns, PII and rules, clause by clause: the explainable part."""
        texts = [c.text[:MAX_CHARS] for c in comments]
        languages = detect_languages(texts, [c.language_hint for c in comments])
        unsure = [i for i, (language, confidence) in enumerate(languages) if _unplaced(language, confidence)]
        read_as = dict(zip(unsure, closest_languages([texts[i] for i in unsure]), strict=True)) if unsure else {}
        readings = [
            self._read(comment, text, language, confidence, read_as.get(n))
            for n, (comment, text, (language, confidence)) in enumerate(zip(comments, texts, languages, strict=True))
        ]
        # Brussels comments switch language from one sentence to the next ("... Fijne dag nog."): the clauses of
        # every comment of the batch are identified in one call (one call per comment cost 9 % of triage).
        asked = [(n, u) for n, r in enumerate(readings) for u in r.asked]
        found = detect_languages(
            [readings[n].text[u.start : u.end] for n, u in asked],
            [readings[n].language.value if readings[n].language != Language.OTHER else None for n, _ in asked],
        )
        by_reading: list[dict[tuple[int, int], tuple[Language, float]]] = [{} for _ in readings]
        for (n, u), result in zip(asked, found, strict=True):
            by_reading[n][(u.start, u.end)] = result
        # A clause the detector could not place ("Bonne journée. M o s l i m s = k a n k e r."), or whose language
        # the comment's hint all but decided ("Schönen Tag noch. M u s e l s = K r e b s."), is read in the language
        # whose own lexicons know most of its words; on a tie it keeps what the detector said (or, for "other",
        # the closest of ours).
        unsure_clauses = [
            (n, key)
            for n, d in enumerate(by_reading)
            for key, (lang, conf) in d.items()
            if _unplaced(lang, conf) or 0.0 < conf < _CLAUSE_UNSURE  # 0: no letters to read ("#12", emoji)
        ]
        if unsure_clauses:
            closest = closest_languages([readings[n].text[a:b] for n, (a, b) in unsure_clauses])
            for (n, key), near in zip(unsure_clauses, closest, strict=True):
                detected, confidence = by_reading[n][key]
                fallback = near if detected is Language.OTHER else detected
                by_reading[n][key] = (self._best_known(readings[n].text[key[0] : key[1]], fallback), confidence)
        return [self._analyse_units(r, languages_of) for r, languages_of in zip(readings, by_reading, strict=True)]

    def _best_known(self, text: str, fallback: Language) -> Language:
        """The language whose own lexicons know most words of a short unsure clause (`fallback` on a tie)."""
        nt = normalize(text)
        known: dict[Language, int] = {}
        for language in (Language(code) for code in LANGUAGES):
            # Exact words only: this only weighs languages, and fuzzy matching is most of a match's cost.
            hits = self.indexes[language.value].match(nt, fuzzy=False)
            known[language] = len(
                {i for h in hits if h.entry.language == language.value for i in range(h.first, h.last + 1)}
            )
        best = max(known.values())
        return fallback if known.get(fallback, -1) == best else max(known, key=known.__getitem__)

    def _read(
        self, comment: Comment, text: str, language: Language, confidence: float, read_as: Language | None = None
    ) -> _Reading:
        """The comment as a whole: normalised, matched, its rules run, and cut into the clauses read next.

        `read_as`: the language whose lexicons read a comment the detector could not place (see _READ_AS_BELOW).
        """
        nt = normalize(text)
        reading = read_as or language
        lang = reading.value if reading != Language.OTHER else "en"
        index = self.indexes.get(reading.value, self.indexes[Language.OTHER.value])
        hits = find_hits(index, nt, reading)
        patterns = list(find_patterns(fold_aligned(text)))
        pii = tuple(find_pii(text))
        comment_ctx = build_context(nt, lang, hits, patterns, pii)
        comment_rules = run_rules(comment_ctx, Stage.COMMENT)
        if read_as is not None:
            comment_rules.reasons.append(
                Reason(
                    "triage.read_as",
                    f"the language is unclear (confidence {confidence:.2f}): read as {lang}, the closest of ours",
                    language=lang,
                )
            )
        primary = split_units(nt)
        names = frozenset(i for h in hits if h.entry.category in _NAME_CATEGORIES for i in range(h.first, h.last + 1))
        alternatives = alternative_units(nt, primary, names)
        readings = sorted([*primary, *alternatives], key=lambda u: (u.start, -u.end))
        # The clauses whose language is asked: the primary ones where there are several, else the second readings.
        if len(readings) == 1:
            asked: list[Unit] = []
        else:
            asked = primary if len(primary) > 1 else [u for u in readings if u.alternative]
        return _Reading(
            comment, text, language, confidence, nt, lang, hits, patterns, pii, comment_rules, primary, readings, asked
        )

    def _analyse_units(self, r: _Reading, found: dict[tuple[int, int], tuple[Language, float]]) -> Analysis:
        nt, text, language, lang, hits, patterns, pii = r.nt, r.text, r.language, r.lang, r.hits, r.patterns, r.pii
        merged = RuleResult()
        merged.merge(r.comment_rules)
        units: list[UnitAnalysis] = []
        earlier: tuple[Target, ...] = ()
        previous: tuple[Target, ...] = ()  # the groups the unit just before named
        unit_languages = _unit_languages(r, found)
        for unit, (unit_language, _) in zip(r.readings, unit_languages, strict=True):
            unt = unit_text(nt, unit)
            if unit_language in (language, Language.OTHER):
                u_lang, u_hits = lang, unit_hits(hits, unit)
            else:
                u_lang, u_hits = unit_language.value, find_hits(self.indexes[unit_language.value], unt, unit_language)
            u_patterns = [p for p in patterns if unit.start <= p.start < max(unit.end, unit.start + 1)]
            u_pii = [m for m in pii if unit.start <= m.start < max(unit.end, unit.start + 1)]
            targets = group_targets(u_hits)
            inherited = bool(not targets and earlier and (refers_back(unt) or (previous and bare_verdict(unt, u_hits))))
            if inherited:
                targets = earlier
            ctx = build_context(unt, u_lang, u_hits, u_patterns, u_pii, targets if inherited else ())
            rules = run_rules(ctx, Stage.UNIT)
            if inherited:
                words = text[unit.start : unit.end][:60]
                rules.reasons.append(
                    Reason(
                        "triage.refers_back",
                        f"'{words}' refers back to a group named before ({', '.join(t.value for t in targets)})",
                        words=words,
                        targets=[t.value for t in targets],
                    )
                )
            if targets and not inherited and not unit.alternative:
                earlier = targets
            if not unit.alternative:
                previous = targets if not inherited else ()
            addressed = bool(
                ctx.second_person
                or other_groups(u_hits)
                or ctx.hits(LexCategory.INSULT, LexCategory.SLUR)
                or "@" in text[unit.start : unit.end]
            )
            cued = bool(ctx.hits(*_HOSTILE_CUES)) or any(t.norm.startswith("emoji_") for t in unt.tokens)
            # The model reads a clause on its own only where it can make hate: a clause about a protected group.
            # The other labels read the whole comment, so other clauses cost no embedding (3x faster).
            embed_text, char_text = model_texts(masked_text(unt, u_hits, u_lang)) if targets else ("", "")
            units.append(UnitAnalysis(unit, rules, targets, addressed, cued, embed_text, char_text))
            merged.merge(rules)
        if len(r.comment.text) > MAX_CHARS:
            merged.reasons.append(
                Reason("triage.truncated", f"only the first {MAX_CHARS} characters were read", limit=MAX_CHARS)
            )
        embed_text, char_text = _whole_model_texts(nt, hits, lang)
        return Analysis(
            r.comment,
            text,
            language,
            r.confidence,
            nt,
            tuple(units),
            r.comment_rules,
            merged,
            pii,
            embed_text,
            char_text,
        )

    def model_inputs(self, text: str, language: str | None = None) -> tuple[str, str]:
        """What the model reads of a whole text (training examples): group names masked, links and handles too."""
        lang = language if language in LANGUAGES else "en"
        nt = normalize(text[:MAX_CHARS])
        hits = find_hits(self.indexes[lang], nt, Language(lang))
        return model_texts(masked_text(nt, hits, lang))

    def model_scores(self, analyses: Sequence[Analysis]) -> list[np.ndarray]:
        """The model's head probabilities per comment: row 0 reads the whole comment, row 1 + k its unit k.

        A unit the model does not read (no protected group in it: empty `embed_text`) gets a row of zeros.
        """
        read = [(n, None) for n in range(len(analyses))] + [
            (n, k) for n, a in enumerate(analyses) for k, u in enumerate(a.units) if u.embed_text
        ]
        order = [analyses[n].embed_text if k is None else analyses[n].units[k].embed_text for n, k in read]
        chars = [analyses[n].char_text if k is None else analyses[n].units[k].char_text for n, k in read]
        unique: dict[str, int] = {}
        for embed in order:
            unique.setdefault(embed, len(unique))
        # Identical clauses (copy-paste floods, "Bedankt!", a one-clause comment read whole) are embedded once.
        embeddings = self.embedder.encode(list(unique))
        probabilities = self.model.predict_proba(embeddings[[unique[t] for t in order]], char_counts(chars))
        out = [np.zeros((len(a.units) + 1, len(self.model.heads)), dtype=np.float32) for a in analyses]
        for row, (n, k) in enumerate(read):
            out[n][0 if k is None else k + 1] = probabilities[row]
        return out

    def classify(self, comments: Sequence[Comment]) -> list[Verdict]:
        analyses = self.analyse(comments)
        probabilities = self.model_scores(analyses)
        return [self.decide(a, probabilities[i]) for i, a in enumerate(analyses)]

    def _scores(self, analysis: Analysis, model_p: np.ndarray) -> tuple[dict[Label, float], dict[Label, int | None]]:
        """The comment's raw score per label, and the unit that carried it (None: the whole comment).

        Hate is read clause by clause: hostility in a unit about a protected group (named there or referred
        back to), the highest unit winning, so a harmless sentence before or after never hides it. The other
        labels read the whole comment (a complaint, an insult or a threat needs its context; read clause by
        clause, short fragments out of context cried wolf), with the rules of every unit: a rule that fires in
        one clause counts for the comment, and the model is damped only where every clause says so.
        """
        heads = {head: j for j, head in enumerate(self.model.heads)}
        units = analysis.units
        zeros = np.zeros(len(heads), np.float32)
        whole = model_p[0] if len(model_p) else zeros

        def damp(label: Label) -> float:
            # Clauses damp only where every clause says so; a rule of the whole comment (the commenter's own
            # data) damps the whole comment.
            unit = max([u.rules.damp.get(label, 1.0) for u in units] or [1.0])
            return unit * analysis.comment_rules.damp.get(label, 1.0)

        raw: dict[Label, float] = {}
        carrier: dict[Label, int | None] = {}
        hostility = float(whole[heads[HOSTILITY]]) if HOSTILITY in heads else 0.0
        aimed = 1.0 if any(u.addressed for u in units) else _UNAIMED_HOSTILITY
        jest = joking(analysis.text)
        for label in SCORED_LABELS:
            if label is Label.HATE:
                continue
            if label is Label.INSULT:
                m = hostility * damp(label) * aimed
            else:
                m = float(whole[heads[label.value]]) * damp(label) if label.value in heads else 0.0
            unit_rules = [u.rules.scores.get(label, 0.0) for u in units]
            rule = analysis.rule_score(label)
            if label is Label.THREAT and rule < 0.2 and jest:
                # "Ik vermoord mijn maat als hij dat nog eens zegt 😂": the model alone reads hyperbole as a
                # threat; with laughter beside it, it must be surer (a rule's threat is never damped).
                m *= _JEST
            raw[label] = 1.0 - (1.0 - m) * (1.0 - rule)
            carrier[label] = unit_rules.index(rule) if rule > 0.0 and rule in unit_rules else None
        condemned = any(u.rules.flags & {"counter_speech", "reported"} for u in units) or any(
            _bare_condemnation(analysis.normalized, u) for u in units
        )
        quotes = quoted_spans(analysis.text) if condemned else []
        raw[Label.HATE], carrier[Label.HATE] = analysis.comment_rules.scores.get(Label.HATE, 0.0), None
        for k, u in enumerate(units):
            p = model_p[k + 1] if len(model_p) > k + 1 else zeros
            m = 0.0
            if u.targets:
                m = float(p[heads[HOSTILITY]]) * u.rules.damp.get(Label.HATE, 1.0)
                if not u.cued:
                    # A group named with no hostile word at all: implicit hate is real, but most such clauses
                    # are neutral or friendly mentions the model over-reads.
                    m *= _BARE_MENTION
                # Violence toward a protected group is hate as well as a threat.
                m = max(m, 0.95 * float(p[heads[Label.THREAT.value]]) * u.rules.damp.get(Label.THREAT, 1.0))
                # A rule's threat in a clause about a group ("elke moskee mag platgebrand worden") is hate too,
                # and so is one in the clause right after, that names no one ("Zaterdag trekken we naar het
                # asielcentrum. Breng je knuppel mee.").
                m = max(m, 0.95 * u.rules.scores.get(Label.THREAT, 0.0))
                following = units[k + 1] if k + 1 < len(units) else None
                if following is not None and not following.targets:
                    m = max(m, 0.9 * following.rules.scores.get(Label.THREAT, 0.0))
            score = 1.0 - (1.0 - m) * (1.0 - u.rules.scores.get(Label.HATE, 0.0))
            if condemned and len(units) > 1 and (u.unit.quoted or _hate_in_quotes(u, quotes)):
                score *= _QUOTED_MENTION
            if score > raw[Label.HATE]:
                raw[Label.HATE], carrier[Label.HATE] = score, k
        return raw, carrier

    def _effective_thresholds(self, analysis: Analysis) -> dict[Label, float]:
        """The tuned thresholds, raised for an abuse label that no rule found a trace of.

        The thresholds are tuned on our own held-back examples, whose writers' style the model knows; on
        comments nobody tuned for, the model alone cried abuse at complaints. A label with no rule behind it
        waits for the model to be sure (MODEL_ONLY_MIN), and the verdict's score is calibrated on that.
        """
        out = dict(self.model.thresholds)
        for label in ABUSE_LABELS:
            if analysis.rule_score(label) < 0.2:
                out[label] = max(out.get(label, 0.5), MODEL_ONLY_MIN.get(label, _MODEL_ONLY_DEFAULT))
        return out

    def combined_scores(self, analysis: Analysis, model_p: np.ndarray) -> dict[Label, float]:
        """The comment's raw score per label, before calibration (what the thresholds are tuned on)."""
        return self._scores(analysis, model_p)[0]

    def decide(self, analysis: Analysis, model_p: np.ndarray) -> Verdict:
        rules = analysis.rules
        raw, best_unit = self._scores(analysis, model_p)
        thresholds = self._effective_thresholds(analysis)
        scores = {label: calibrate(s, thresholds.get(label, 0.5)) for label, s in raw.items()}
        labels = [label for label, s in scores.items() if s >= 0.5]
        if Label.SPAM in labels and Label.DOXXING in labels and "doxxing_pattern" not in rules.flags:
            # A phone number or IBAN in an advert is the advertiser's own, not someone else's data.
            labels.remove(Label.DOXXING)
            scores[Label.DOXXING] = min(scores[Label.DOXXING], 0.49)
            rules.reasons.append(
                Reason("triage.advert_data", "the personal data belongs to an advert (spam), not to a third person")
            )
        # An insult beside hate or a threat is usually their own hostility, not a second offence:
        # - name-calling of a group read as hate ("ces femmes sont idiotes") is part of the hate; it is an insult
        #   too only where a clause that names no protected group aims hostile words at someone (the reader, a
        #   handle, a politician);
        # - a threat reads hostile as a whole and the model then also calls it an insult; without an abusive word
        #   found by a rule ("que quelqu'un lui mette une balle") the insult would only add the charter's reply
        #   for name-calling beside the threat's report.
        if Label.INSULT in labels and (
            (Label.HATE in labels and not _insulted_beside_hate(analysis.units))
            or (Label.THREAT in labels and analysis.rule_score(Label.INSULT) < thresholds.get(Label.INSULT, 0.5))
        ):
            labels.remove(Label.INSULT)
            scores[Label.INSULT] = min(scores[Label.INSULT], 0.49)
        if (
            Label.INSULT in labels
            and Label.CRITICISM not in labels
            and "staff_named" in analysis.comment_rules.flags
            and not {Label.HATE, Label.THREAT, Label.SEXUAL, Label.DEFAMATION, Label.DOXXING} & set(labels)
        ):
            # An insult in a comment about the service's staff or the service ("Die bibliothecaris aan de balie
            # ... Arrogante kwast.") is a complaint too, wherever in the comment the insult sits: the charter
            # answers the complaint and acts on the insult.
            scores[Label.CRITICISM] = max(scores.get(Label.CRITICISM, 0.0), 0.6)
            labels.append(Label.CRITICISM)
            rules.fired.setdefault("criticism.staff_insulted", set()).add(Label.CRITICISM)
            rules.reasons.append(
                Reason("triage.staff_insult_complaint", "an insult in a comment about the service: a complaint too")
            )
        evidence = list(rules.evidence)
        reasons: list[str] = list(rules.reasons)
        for label in labels:
            if analysis.rule_score(label) >= thresholds.get(label, 0.5):
                continue
            best = best_unit.get(label)
            if best is None:
                start, end = 0, len(analysis.text)
                what = "the whole comment"
            else:
                start, end = analysis.units[best].unit.start, analysis.units[best].unit.end
                what = "this clause"
            said = analysis.text[start:end]
            # The figure in words is the verdict's own (rounded as stored), so "0.895" reads 0.90 everywhere.
            shown = round(scores[label], 4)
            evidence.append(
                Evidence(
                    start,
                    end,
                    label,
                    EvidenceSource.MODEL,
                    f"model reading of {what}: score {shown:.2f}",
                    said,
                )
            )
            reasons.append(
                Reason(
                    "triage.model",
                    f"the model reads '{_clip(said)}' as {label.value} ({shown:.2f})",
                    words=_clip(said),
                    label=label.value,
                    score=shown,
                )
            )
        targets: Counter[Target] = Counter(rules.targets)
        carried = best_unit.get(Label.HATE)
        if Label.HATE in labels and carried is not None:
            for t in analysis.units[carried].targets:
                targets[t] += 2
        abuse = [label for label in labels if label in ABUSE_LABELS]
        if not labels:
            labels = [Label.OK]
        ordered = sorted(labels, key=lambda label: -scores.get(label, 1.0))
        severity = max(
            (rules.severity.get(label, _DEFAULT_SEVERITY[label]) for label in abuse),
            default=0,
        )
        if Label.THREAT in labels and severity < 4:
            concrete = _concrete_threat(analysis, labels)
            if concrete:
                # A threat that says when, where, with what or that the author knows who: the charter's police step.
                severity = 4
                code, said = _CONCRETE[concrete]
                reasons.append(Reason(code, f"the threat is concrete: {said}"))
        target: Target | None = targets.most_common(1)[0][0] if Label.HATE in labels and targets else None
        scores_out: dict[Label, float] = {label: round(s, 4) for label, s in scores.items()}
        scores_out[Label.OK] = round(1.0 - max((scores[label] for label in ABUSE_LABELS), default=0.0), 4)
        evidence.sort(key=lambda e: (e.start, e.end))
        on_verdict = set(labels)
        fired = tuple(sorted(rule for rule, raised in rules.fired.items() if raised & on_verdict))
        return Verdict(
            comment_id=analysis.comment.id,
            language=analysis.language,
            language_confidence=analysis.language_confidence,
            labels=tuple(ordered),
            scores=scores_out,
            severity=Severity(min(4, severity)),
            target=target,
            evidence=tuple(_dedupe(evidence)),
            pii=analysis.pii,
            model_version=self.version,
            reasons=tuple(dict.fromkeys(reasons)),
            rules_fired=fired,
            suppressed_by=tuple(rules.suppressed),
        )


#: When a threat says when: a day, a part of the day, an hour.
_WHEN = re.compile(
    r"\b(morgen|vanavond|vannacht|straks|maandag|dinsdag|woensdag|donderdag|vrijdag|zaterdag|zondag|demain|ce soir|"
    r"cette nuit|lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche|tomorrow|tonight|monday|tuesday|wednesday|"
    r"thursday|friday|saturday|sunday|heute abend|montag|dienstag|mittwoch|donnerstag|freitag|samstag|sonntag)\b"
    r"|\b\d{1,2} ?(u|h|:) ?\d{0,2}\b",
    re.IGNORECASE,
)
#: With what: weapons named.
_WEAPON = re.compile(
    r"\b(mes|messen|messer|couteau|couteaux|knife|knives|pistool|geweer|flingue|pistolet|gun|waffe|pistole|"
    r"barre de fer|ijzeren staaf|honkbalknuppel|batte|baseball bat|knuppel|jerrycan|molotov|bom|bombe|bomb)\b",
    re.IGNORECASE,
)
#: The patterns that say the author knows who or where the person is (besides every veiled_threat_*), as fired.
_KNOWS = frozenset(
    f"pattern.{name}"
    for name in ("veiled_family_threat", "doxx_named_whereabouts", "doxx_schedule_time", "doxx_whereabouts_time")
)


#: What can make a threat concrete: the reason's code, and how the API and the CLI say it.
_CONCRETE = {
    "data": ("triage.concrete_threat_data", "it names personal data"),
    "knows": ("triage.concrete_threat_knows", "the author says they know who or where the person is"),
    "weapon": ("triage.concrete_threat_weapon", "it names a weapon"),
    "time": ("triage.concrete_threat_time", "it says when"),
}


def _concrete_threat(analysis: Analysis, labels: Sequence[Label]) -> str:
    """What makes a threat concrete (a key of _CONCRETE), or "" when nothing does."""
    text = analysis.text
    if Label.DOXXING in labels or analysis.pii:
        return "data"
    fired = analysis.rules.fired
    if not _KNOWS.isdisjoint(fired) or any(rule.startswith("pattern.veiled_threat") for rule in fired):
        return "knows"
    if _WEAPON.search(text) or any(
        t.norm in ("emoji_knife", "emoji_gun", "emoji_bomb", "emoji_axe") for t in analysis.normalized.tokens
    ):
        return "weapon"
    # A day or an hour ("demain matin", "zaterdag om 10u") makes a threat found concrete: the speaker has a
    # moment in mind. Everyday plans with a day ("hopefully buses run again on Sunday") are kept out of the
    # threat label itself (the model's hard negatives, the idiom and benign-act rules), not here.
    if _WHEN.search(text):
        return "time"
    return ""


def _bare_condemnation(nt: NormalizedText, unit: UnitAnalysis) -> bool:
    """A clause that only condemns ("Absolutely vile.", "Walgelijk!", "Honteux."): beside a quoted clause, it
    says what the commenter thinks of the quote."""
    if unit.targets:
        return False
    words = [t.norm for t in nt.tokens[unit.unit.first : unit.unit.last + 1] if any(c.isalnum() for c in t.norm)]
    return 0 < len(words) <= 4 and any(w in vocab().condemning for w in words)


def _hate_in_quotes(unit: UnitAnalysis, quotes: list[tuple[int, int]]) -> bool:
    """ "'Terug naar je land' roepen naar een kind?": every word the rules read as hate is inside quotation
    marks, so the clause quotes the hate (another clause condemns it) rather than says it."""
    found = [e for e in unit.rules.evidence if e.label is Label.HATE]
    return bool(found) and all(any(a < e.start and e.end <= b for a, b in quotes) for e in found)


@dataclass(frozen=True, slots=True)
class _Reading:
    """A comment read as a whole, before its clauses are: what Triage._read hands to Triage._analyse_units."""

    comment: Comment
    text: str
    language: Language
    confidence: float
    nt: NormalizedText
    lang: str  # the lexicons' language ("en" for a comment in no language of ours)
    hits: list[Hit]
    patterns: list[PatternHit]
    pii: tuple[PIIMatch, ...]
    comment_rules: RuleResult
    primary: list[Unit]
    readings: list[Unit]  # the primary clauses and the second readings, in order
    asked: list[Unit]  # the clauses whose own language is identified


def _unplaced(language: Language, confidence: float) -> bool:
    """A comment with letters that the detector could not place in a language (see _READ_AS_BELOW)."""
    return language is Language.OTHER and 0.0 < confidence < _READ_AS_BELOW


def _unit_languages(r: _Reading, found: dict[tuple[int, int], tuple[Language, float]]) -> list[tuple[Language, float]]:
    """Each reading's language: the primary units' own where there are several, a second reading's its
    primary unit's (or its own when the comment is one unit read twice)."""
    whole = (r.language, r.confidence)
    if len(r.readings) == 1:
        return [whole]
    out: list[tuple[Language, float]] = []
    for u in r.readings:
        if (u.start, u.end) in found:
            out.append(found[(u.start, u.end)])
        else:
            parent = next((p for p in r.primary if p.start <= u.start and u.end <= p.end), None)
            out.append(found.get((parent.start, parent.end), whole) if parent else whole)
    return out


def _whole_model_texts(nt: NormalizedText, hits: list[Hit], language: str) -> tuple[str, str]:
    """What the model reads of the whole comment. Where no group name was masked, the comment's normalised
    text is the char n-grams' text already: normalising it again cost 5 % of triage."""
    masked = masked_text(nt, hits, language)
    unmasked = bool(nt.tokens) and masked == nt.original[nt.tokens[0].start : nt.tokens[-1].end]
    return model_texts(masked, nt.text if unmasked else None)


def _insulted_beside_hate(units: Sequence[UnitAnalysis]) -> bool:
    """Whether a clause about no protected group insults someone (hostile words aimed at a person)."""
    return any(
        u.addressed and (u.cued or u.rules.scores.get(Label.INSULT, 0.0) > 0.0)
        for u in units
        if not u.targets and not u.unit.alternative
    )


def _clip(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _dedupe(evidence: list[Evidence]) -> list[Evidence]:
    """One piece of evidence per span and label (several lexicons may name the same word)."""
    seen: set[tuple[int, int, Label]] = set()
    out = []
    for e in evidence:
        key = (e.start, e.end, e.label)
        if key not in seen:
            seen.add(key)
            out.append(e)
    return out


def load_triage(model_dir: Path | None = None) -> Triage:
    """Load the model and lexicons (seconds); reuse the result for many batches."""
    return Triage(TriageModel.load(model_dir), load_all())


@cache
def default_triage() -> Triage:
    """The shipped model, loaded once per process on first use."""
    return load_triage()


def classify(comments: Sequence[Comment]) -> list[Verdict]:
    """Triage a batch of comments with the shipped model."""
    return default_triage().classify(comments)
