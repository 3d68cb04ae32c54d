"""Complaints without a word of judgement, in the shapes people complain in, and the questions that ask for
information only. Sentences written for this test, not taken from the development set or the frozen split."""

from __future__ import annotations

import pytest

from hierniet.domain import Label
from hierniet.triage.pipeline import Triage
from triage_helpers import classify_one


@pytest.mark.parametrize(
    ("text", "rule_reason"),
    [
        ("Weer file door de werken aan de Leien.", "triage.disruption_again"),
        ("Schon wieder eine Umleitung, und keiner sagt Bescheid.", "triage.disruption_again"),
        ("Anderhalf uur gewacht op de spoed, niemand die iets zei.", "triage.long_wait"),
        ("We waited two hours at the counter for nothing.", "triage.long_wait"),
        ("Waarom wordt onze straat altijd als laatste geveegd?", "triage.insisting_question"),
        ("Quand est-ce que vous allez enfin réparer l'éclairage de la rue ?", "triage.insisting_question"),
        ("Wie gaat dat betalen? Wij, de belastingbetaler.", "triage.who_pays"),
    ],
)
def test_a_complaint_shape_is_criticism(triage: Triage, text: str, rule_reason: str) -> None:
    verdict = classify_one(triage, text)
    assert Label.CRITICISM in verdict.labels, (verdict.labels, verdict.reasons)
    assert "criticism.complaint_shape" in verdict.rules_fired, verdict.rules_fired
    assert rule_reason in {r.code for r in verdict.reasons}, verdict.reasons


@pytest.mark.parametrize(
    "text",
    [
        "Wanneer opent het zwembad terug?",
        "Quand est-ce que le marché de Noël commence ?",
        "Super Nachricht! Muss man dafür einen neuen Vertrag abschließen?",
        "We waited two hours but the concert was absolutely worth it!",
        "Jana komt om 18u, ik wacht op haar aan de ingang.",
        "Weer een prachtige zonsondergang boven de Schelde.",
    ],
)
def test_asking_praising_or_a_time_of_day_is_no_complaint(triage: Triage, text: str) -> None:
    verdict = classify_one(triage, text)
    assert Label.CRITICISM not in verdict.labels, (verdict.labels, verdict.reasons, verdict.rules_fired)
    assert "criticism.complaint_shape" not in verdict.rules_fired


def test_a_question_beside_a_statement_of_loss_is_not_damped(triage: Triage) -> None:
    verdict = classify_one(triage, "Ik verlies hierdoor echt geld. Is er een compensatie voorzien?")
    assert not any(s.startswith("context.info_question") for s in verdict.suppressed_by), verdict.suppressed_by


@pytest.mark.parametrize(
    "text",
    [
        "Respect voor die chauffeurs, wat die allemaal moeten meemaken.",
        "Ik ben al tien jaar klant en nooit problemen gehad, top!",
    ],
)
def test_support_and_satisfaction_are_neither_complaint_nor_insult(triage: Triage, text: str) -> None:
    verdict = classify_one(triage, text)
    assert verdict.labels == (Label.OK,), (verdict.labels, verdict.reasons)


def test_swearing_at_a_group_is_no_complaint(triage: Triage) -> None:
    verdict = classify_one(triage, "F*cking immigrants ruin every city they touch.")
    assert Label.HATE in verdict.labels and Label.CRITICISM not in verdict.labels, verdict.labels


def test_a_satisfied_customer_turned_angry_is_a_complaint(triage: Triage) -> None:
    verdict = classify_one(triage, "Nooit problemen gehad, tot vandaag: al drie uur geen internet.")
    assert Label.CRITICISM in verdict.labels, verdict.reasons


@pytest.mark.parametrize(
    "text",
    [
        "Mooi initiatief, maar waarom alleen op weekdagen? Wij werken ook.",
        "Je soutiens la grève, mais prévenez-nous au moins la veille.",
        "Thanks for the update, but the app still doesn't show the new times.",
        "Danke für die Info, aber das hätte man früher sagen müssen.",
    ],
)
def test_praise_then_a_but_that_denies_demands_or_asks_is_a_complaint(triage: Triage, text: str) -> None:
    verdict = classify_one(triage, text)
    assert Label.CRITICISM in verdict.labels, (verdict.labels, verdict.reasons)


@pytest.mark.parametrize(
    "text",
    [
        "Great concert, but the rain could not stop us dancing, we loved it!",
        "Bedankt aan alle vrijwilligers, tot volgend jaar!",
        "Super initiatief, maar ik kan er zelf niet bij zijn, veel succes!",
    ],
)
def test_praise_with_no_complaint_after_the_but_is_no_concession(triage: Triage, text: str) -> None:
    assert "criticism.concession" not in classify_one(triage, text).rules_fired
