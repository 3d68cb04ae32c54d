"""Every rule of the registry, tested in isolation on its own examples (one parametrised test)."""

from __future__ import annotations

from functools import cache

import pytest

from hierniet.domain import Comment
from hierniet.triage.lexicons import load_all
from hierniet.triage.model import TriageModel
from hierniet.triage.pipeline import Triage
from hierniet.triage.rules import RULES, Rule, RuleResult
from triage_helpers import rules_on_whole


@cache
def reader() -> Triage:
    """The pipeline without a model: clauses, who they are about, and the rules (what the rules see in use)."""
    return Triage(TriageModel.empty(), load_all())


def run(text: str, language: str) -> RuleResult:
    """The rules as the pipeline runs them: clause by clause, with what each clause refers back to."""
    return reader().analyse([Comment(id="rule", text=text, language_hint=language)])[0].rules


CASES = [
    pytest.param(rule, language, text, expected, id=f"{rule.id}-{'pos' if expected else 'neg'}-{n}")
    for rule in RULES
    for expected, examples in ((True, rule.positive), (False, rule.negative))
    for n, (language, text) in enumerate(examples)
]


@pytest.mark.parametrize(("rule", "language", "text", "expected"), CASES)
def test_rule_examples(rule: Rule, language: str, text: str, expected: bool) -> None:
    result = run(text, language)
    fired = rule.label in result.fired.get(rule.id, set())
    assert fired == expected, f"{rule.id} on {text!r}: fired={result.fired} reasons={result.reasons}"


def test_every_rule_is_named_documented_and_unique() -> None:
    ids = [r.id for r in RULES]
    assert len(ids) == len(set(ids))
    for rule in RULES:
        assert rule.id.count(".") <= 1 and rule.id == rule.id.lower(), rule.id
        assert rule.doc.endswith("."), f"{rule.id}: the doc is one sentence ending with a full stop"
        # A rule that raises a label proves it with at least one example each way; context rules only damp.
        if not rule.id.startswith(("context.", "pattern")):
            assert rule.positive and rule.negative, f"{rule.id} needs positive and negative examples"


def test_suppression_is_recorded_with_the_rule_that_held_back() -> None:
    result = rules_on_whole("Moslims zijn geen ratten.", "nl")
    assert any(s.startswith("hate.group_predicate/negation") for s in result.suppressed), result.suppressed
