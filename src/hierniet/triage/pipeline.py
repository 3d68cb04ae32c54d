"""Comments in, verdicts out: the batch-first triage pipeline.

    language -> normalise -> lexicons + patterns + PII -> rules
             -> embeddings + char n-grams -> model
             -> combine (rules and damped model scores) -> labels, severity, target

One comment is a batch of one. Triage is pure with respect to the outside
world: no database, no web, no network; the model and lexicons come from the
package.
"""

from __future__ import annotations

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
    Severity,
    Target,
    Verdict,
)
from hierniet.triage.features import Embedder, char_counts, model_texts
from hierniet.triage.language import detect_languages
from hierniet.triage.lexicons import LANGUAGES, Flag, LexCategory, LexEntry, LexiconSet, load_all
from hierniet.triage.matcher import Hit, LexiconIndex, is_common_in
from hierniet.triage.model import TriageModel
from hierniet.triage.normalize import NormalizedText, fold_aligned, normalize
from hierniet.triage.patterns import find_patterns
from hierniet.triage.pii import find_pii
from hierniet.triage.rules import RuleResult, apply_rules

#: Lowest combined score at which the model alone (no rule evidence) may apply an abuse label.
MODEL_ONLY_MIN = 0.5
#: The same for hate when no protected group is named at all.
HATE_WITHOUT_TARGET_MIN = 0.7

#: Longest comment triage reads; beyond it the text is cut (and the verdict says so).
MAX_CHARS = 20_000

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
        indexes[language] = LexiconIndex(entries)
    return indexes


@dataclass(frozen=True, slots=True)
class Analysis:
    """Everything triage found about one comment before the model is consulted."""

    comment: Comment
    text: str  # possibly cut to MAX_CHARS
    language: Language
    language_confidence: float
    normalized: NormalizedText
    rules: RuleResult
    pii: tuple[PIIMatch, ...]
    embed_text: str  # what the model reads: links and handles masked (textclean.clean_text)
    char_text: str


class Triage:
    """Loaded triage resources: lexicons, their indexes, the embedder and the model."""

    def __init__(self, model: TriageModel, lexicons: LexiconSet, embedder: Embedder | None = None) -> None:
        self.model = model
        self.lexicons = lexicons
        self.indexes = build_indexes(lexicons)
        self.embedder = embedder or Embedder()
        # The own examples that tune thresholds share their writers' style, so held-back
        # scores flatter the model; a label resting on the model alone waits for this score.
        self.model_only_min = MODEL_ONLY_MIN
        # Every verdict carries this; hashing the lexicons' versions per comment cost 5 % of triage.
        self._version = f"hierniet-triage {self.model.version} lexicons {self.lexicons.version}"

    @property
    def version(self) -> str:
        return self._version

    def analyse(self, comments: Sequence[Comment]) -> list[Analysis]:
        """Language, normalisation, lexicons, patterns, PII and rules: the explainable part."""
        texts = [c.text[:MAX_CHARS] for c in comments]
        languages = detect_languages(texts, [c.language_hint for c in comments])
        out: list[Analysis] = []
        for comment, text, (language, confidence) in zip(comments, texts, languages, strict=True):
            nt = normalize(text)
            index = self.indexes.get(language.value, self.indexes[Language.OTHER.value])
            hits = find_hits(index, nt, language)
            patterns = list(find_patterns(fold_aligned(text)))
            pii = tuple(find_pii(text))
            rules = apply_rules(nt, language.value if language != Language.OTHER else "en", hits, patterns, pii)
            if len(comment.text) > MAX_CHARS:
                rules.reasons.append(f"only the first {MAX_CHARS} characters were read")
            embed_text, char_text = model_texts(text, nt.text)
            out.append(Analysis(comment, text, language, confidence, nt, rules, pii, embed_text, char_text))
        return out

    def model_scores(self, analyses: Sequence[Analysis]) -> np.ndarray:
        if not analyses:
            return np.zeros((0, len(self.model.labels)), dtype=np.float32)
        # Identical texts (copy-paste floods) are embedded once.
        unique: dict[str, int] = {}
        for a in analyses:
            unique.setdefault(a.embed_text, len(unique))
        embeddings = self.embedder.encode(list(unique))
        rows = [unique[a.embed_text] for a in analyses]
        counts = char_counts([a.char_text for a in analyses])
        return self.model.predict_proba(embeddings[rows], counts)

    def classify(self, comments: Sequence[Comment]) -> list[Verdict]:
        analyses = self.analyse(comments)
        probabilities = self.model_scores(analyses)
        return [self.decide(a, probabilities[i]) for i, a in enumerate(analyses)]

    def combined_scores(self, analysis: Analysis, model_p: np.ndarray) -> dict[Label, float]:
        """Noisy-OR of the rules' score and the model's score (damped where the rules know better)."""
        scores: dict[Label, float] = {}
        for j, label in enumerate(self.model.labels):
            if label == Label.OK:
                continue
            m = float(model_p[j]) * analysis.rules.damp.get(label, 1.0)
            r = analysis.rules.scores.get(label, 0.0)
            scores[label] = 1.0 - (1.0 - m) * (1.0 - r)
        return scores

    def threshold(self, label: Label, rules: RuleResult) -> float:
        """The label's tuned threshold; an abuse label the rules found no trace of needs the model at even odds."""
        base = self.model.thresholds.get(label, 0.5)
        if label == Label.HATE and rules.targets:
            # A protected group is named: implicit hate ("die mensen passen zich nooit aan") has no
            # hostile word for the rules to find, so the model's (already damped) score stands.
            return base
        if label in ABUSE_LABELS and rules.scores.get(label, 0.0) < 0.2:
            if label == Label.HATE:
                # Hate is aimed at a protected group; with none named, the model's reading of a form alone
                # ("no dogs should be allowed to live here") needs more than even odds.
                return max(base, HATE_WITHOUT_TARGET_MIN)
            return max(base, self.model_only_min)
        return base

    def decide(self, analysis: Analysis, model_p: np.ndarray) -> Verdict:
        rules = analysis.rules
        scores = self.combined_scores(analysis, model_p)
        thresholds = self.model.thresholds
        labels = [label for label, s in scores.items() if s >= self.threshold(label, rules)]
        if Label.SPAM in labels and Label.DOXXING in labels and "doxxing_pattern" not in rules.flags:
            # A phone number or IBAN in an advert is the advertiser's own, not someone else's data.
            labels.remove(Label.DOXXING)
            rules.reasons.append("the personal data belongs to an advert (spam), not to a third person")
        evidence = list(rules.evidence)
        reasons = list(rules.reasons)
        model_index = {label: j for j, label in enumerate(self.model.labels)}
        for label in labels:
            m = float(model_p[model_index[label]])
            if rules.scores.get(label, 0.0) < thresholds.get(label, 0.5) and m >= 0.2:
                evidence.append(
                    Evidence(0, len(analysis.text), label, EvidenceSource.MODEL, f"model score {m:.2f}", "")
                )
                reasons.append(f"the model reads the comment as {label.value} ({m:.2f})")
        abuse = [label for label in labels if label in ABUSE_LABELS]
        if not labels:
            labels = [Label.OK]
        ordered = sorted(labels, key=lambda label: -scores.get(label, 1.0))
        severity = max(
            (rules.severity.get(label, _DEFAULT_SEVERITY[label]) for label in abuse),
            default=0,
        )
        target: Target | None = rules.target if Label.HATE in labels else None
        scores_out: dict[Label, float] = {
            label: round(scores.get(label, 0.0), 4) for label in self.model.labels if label != Label.OK
        }
        scores_out[Label.OK] = round(
            1.0 - max((scores[label] for label in ABUSE_LABELS if label in scores), default=0.0), 4
        )
        evidence.sort(key=lambda e: (e.start, e.end))
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
        )


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
