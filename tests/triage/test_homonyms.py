"""Slurs that are also ordinary words (nicht = niece, pot, tapette = fly swatter, fag = cigarette): the ordinary
word after an article or a possessive is no insult and no hate; the slur aimed at someone still is. Sentences
written for this test, not taken from the development set or the frozen split."""

from __future__ import annotations

import pytest

from hierniet.domain import Label
from hierniet.triage.pipeline import Triage
from triage_helpers import classify_one


@pytest.mark.parametrize(
    "text",
    [
        "Mijn nicht komt morgen op bezoek met haar kinderen.",
        "De pot soep staat al op het vuur.",
        "Die nicht van mij studeert geneeskunde in Leuven.",
        "Achète une tapette à mouches, il y en a partout cet été.",
        "Just nipping out for a fag, back in five.",
    ],
)
def test_the_ordinary_word_is_no_abuse(triage: Triage, text: str) -> None:
    verdict = classify_one(triage, text)
    assert not verdict.is_abuse, (verdict.labels, verdict.reasons)


@pytest.mark.parametrize(
    "text",
    [
        "Vuile flikkers, blijf uit onze buurt.",
        "Die potten moeten van onze kinderen afblijven.",
        "Sale gouine, retourne dans ta cuisine.",
        "Keep those fags away from our kids.",
    ],
)
def test_the_slur_aimed_at_people_stays_hate(triage: Triage, text: str) -> None:
    verdict = classify_one(triage, text)
    assert Label.HATE in verdict.labels, (verdict.labels, verdict.reasons)


def test_an_ambiguous_slur_at_the_reader_is_an_insult(triage: Triage) -> None:
    verdict = classify_one(triage, "Ge zijt een vuile aap, weet ge dat?")
    assert verdict.is_abuse, (verdict.labels, verdict.reasons)
