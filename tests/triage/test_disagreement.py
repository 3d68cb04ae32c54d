"""Disagreeing with the organisation's decision is criticism, which the charter answers with a reply; not when
the comment praises, disagrees with a negation, or is about a protected group. Sentences written for this
test, not taken from the development set or the frozen split."""

from __future__ import annotations

import pytest

from hierniet.domain import Label
from hierniet.triage.pipeline import Triage
from triage_helpers import classify_one


@pytest.mark.parametrize(
    "text",
    [
        "Ik ben het niet eens met het nieuwe circulatieplan, de Kerkstraat wordt een sluipweg.",
        "Je ne suis pas d'accord avec la fermeture de la piscine le dimanche.",
        "Closing the library on Saturdays is the wrong decision for students.",
        "Die Schließung der Bibliothek am Samstag ist eine falsche Entscheidung.",
    ],
)
def test_disagreeing_with_a_decision_is_criticism(triage: Triage, text: str) -> None:
    verdict = classify_one(triage, text)
    assert Label.CRITICISM in verdict.labels, (verdict.labels, verdict.reasons)
    assert not verdict.is_abuse, verdict.labels


@pytest.mark.parametrize(
    "text",
    [
        "Ik ben het helemaal eens met deze beslissing, goed zo.",
        "I disagree with the haters here, this is a brilliant project!",
        "Never a bad idea to ask the neighbours first.",
    ],
)
def test_agreement_and_praise_are_not_criticism(triage: Triage, text: str) -> None:
    verdict = classify_one(triage, text)
    assert "criticism.disagreement" not in verdict.rules_fired, verdict.rules_fired
