"""Questions to the organisation: the verdict says a comment asks something, so the policy suggests a reply.
Sentences written for this test, not taken from the development set or the frozen split."""

from __future__ import annotations

import pytest

from hierniet.domain import CharterStep, Label, Platform
from hierniet.policy import default_policy, recommend
from hierniet.triage.pipeline import Triage
from triage_helpers import classify_one

QUESTIONS = [
    "Is het stadhuis open op tweede kerstdag?",
    "Vraagje: mag mijn hond mee op de tram of moet hij in een mand?",
    "Bravo pour l'initiative ! On peut s'inscrire jusqu'à quand ?",
    "Est-ce que le parking du centre est gratuit le dimanche ?",
    "Does the shuttle also stop at the park and ride?",
    "Gibt es die Broschüre auch auf Französisch? 🙏",
    "Kan ik mijn afval ook naar het containerpark in Wilrijk brengen? Ik woon net over de grens.",
]

NOT_TO_THE_ORGANISATION = [
    "@kobe_v ga je mee naar de markt zaterdag?",  # to the person it mentions
    "Qui vient avec moi ?? @lea.dm @tom_b",  # friends tagged
    "Tram 4? Eindelijk, daar hebben we lang op gewacht.",  # a topic echoed, then a remark
    "Wat een mooi project, proficiat aan het hele team.",  # no question at all
    "Mail me at jan@example.org if you want the photos.",  # an address is no mention, and no question either
]


def _asks(triage: Triage, text: str) -> bool:
    return "triage.asks" in {r.code for r in classify_one(triage, text).reasons}

@pytest.mark.parametrize("text", QUESTIONS)
def test_a_question_is_marked_and_gets_a_reply(triage: Triage, text: str) -> None:
    verdict = classify_one(triage, text)
    assert "triage.asks" in {r.code for r in verdict.reasons}, verdict.reasons
    assert not verdict.is_abuse, verdict.labels
    rec = recommend(verdict, (), default_policy(), Platform.FACEBOOK)
    assert rec.step is CharterStep.REPLY, rec.reasons
    assert rec.reply and not rec.auto


@pytest.mark.parametrize("text", NOT_TO_THE_ORGANISATION)
def test_no_question_to_the_organisation(triage: Triage, text: str) -> None:
    assert not _asks(triage, text)


def test_a_question_does_not_lower_abuse(triage: Triage) -> None:
    """A hostile comment put as a question keeps its label and its step; the question adds nothing."""
    verdict = classify_one(triage, "Waarom laten jullie die vuile makakken hier nog binnen?")
    assert Label.HATE in verdict.labels
    rec = recommend(verdict, (), default_policy(), Platform.FACEBOOK)
    assert rec.step not in (CharterStep.NONE, CharterStep.REPLY)
