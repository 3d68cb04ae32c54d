"""What the triage tests need in many files: one comment classified by the shipped engine, its labels, and the
rules run on a whole comment with the shipped lexicons (no model, no clauses)."""

from __future__ import annotations

from functools import cache

from hierniet.domain import Comment, Label, Language, Verdict
from hierniet.triage.lexicons import load_all
from hierniet.triage.matcher import LexiconIndex
from hierniet.triage.normalize import fold_aligned, normalize
from hierniet.triage.patterns import find_patterns
from hierniet.triage.pii import find_pii
from hierniet.triage.pipeline import Triage, build_indexes, find_hits
from hierniet.triage.rules import RuleResult, apply_rules


def classify_one(triage: Triage, text: str) -> Verdict:
    """The verdict on one comment, its language detected as in production."""
    return triage.classify([Comment(id="1", text=text)])[0]


def labels_of(triage: Triage, text: str) -> set[Label]:
    return set(classify_one(triage, text).labels)


@cache
def lexicon_indexes() -> dict[str, LexiconIndex]:
    """The shipped lexicons, indexed once per test session (building them takes seconds)."""
    return build_indexes(load_all())


def rules_on_whole(text: str, language: str) -> RuleResult:
    """The rules on the whole comment in one go, in the given language: what one rule does, without the
    clause splitting and referring back the pipeline adds."""
    nt = normalize(text)
    hits = find_hits(lexicon_indexes()[language], nt, Language(language))
    return apply_rules(nt, language, hits, list(find_patterns(fold_aligned(text))), find_pii(text))
