"""Coded hate: words that name their own target (the replacement conspiracy, remigration, Eurabia) are hate with
no group named; reported to be condemned, they are not. Sentences written for this test."""

from __future__ import annotations

import pytest

from hierniet.domain import Label, Target
from hierniet.triage.pipeline import Triage
from triage_helpers import classify_one, labels_of


@pytest.mark.parametrize(
    ("text", "target"),
    [
        ("Binnenkort is dit geen Vlaanderen meer, de omvolking gaat gewoon door.", Target.ETHNICITY),
        ("Remigration maintenant, avant qu'il ne soit trop tard pour nos enfants.", Target.ETHNICITY),
        ("Welcome to Eurabia, this city is lost.", Target.RELIGION),
        ("Die Umvolkung läuft, und keiner sagt etwas.", Target.ETHNICITY),
    ],
)
def test_a_coded_word_alone_is_hate_with_its_target(triage: Triage, text: str, target: Target) -> None:
    verdict = classify_one(triage, text)
    assert Label.HATE in verdict.labels, (verdict.labels, verdict.reasons)
    assert "hate.coded" in verdict.rules_fired
    assert verdict.target is target


@pytest.mark.parametrize(
    "text",
    [
        "De omvolkingstheorie is racistische onzin.",
        "Die Partei fordert Remigration, das ist eine Schande.",
        "Le « grand remplacement » est un mensonge raciste.",
    ],
)
def test_a_coded_word_reported_to_condemn_it_is_not_hate(triage: Triage, text: str) -> None:
    assert Label.HATE not in labels_of(triage, text)


@pytest.mark.parametrize(
    "text",
    [
        "De joden beheersen de media en de banken.",
        "Ce sont les sionistes qui contrôlent les médias, tout le monde le sait.",
        "The globalists own the banks and the press.",
        "Die Zionisten kontrollieren die Medien.",
    ],
)
def test_the_control_conspiracy_is_hate(triage: Triage, text: str) -> None:
    verdict = classify_one(triage, text)
    assert Label.HATE in verdict.labels, (verdict.labels, verdict.reasons)
    assert "hate.control_conspiracy" in verdict.rules_fired


@pytest.mark.parametrize(
    "text",
    [
        "Zeggen dat joden de media controleren is een antisemitische leugen.",
        "Les banques ne contrôlent pas les médias, c'est faux.",
        "De Joodse gemeenschap organiseert zondag een herdenking.",
        "Jewish students organised a book fair at the university.",
    ],
)
def test_no_control_conspiracy(triage: Triage, text: str) -> None:
    assert Label.HATE not in labels_of(triage, text)
