"""Doom foretold to people, often a whole group ("jullie dagen zijn geteld", "votre tour viendra", "open season
on ...", "no ... will feel safe here", "clean the streets of ...") and knowing where a person named by what they
are lives: threats with no violent word for the lexicons. Sentences written for this test."""

from __future__ import annotations

import pytest

from hierniet.domain import Label
from hierniet.triage.pipeline import Triage
from triage_helpers import classify_one, labels_of


@pytest.mark.parametrize(
    "text",
    [
        "Hun dagen zijn geteld, die vuile asielzoekers.",
        "Wacht maar, jullie beurt komt nog, joden.",
        "Straks wordt het echt jacht op transgenders hier.",
        "We gaan die hele buurt schoonvegen van dat Roma-tuig.",
        "Leurs jours sont comptés, à ces sales migrants.",
        "Les musulmans, votre tour va venir.",
        "Bientôt la chasse aux gays sera ouverte à Charleroi.",
        "Their days are numbered, those refugee scum.",
        "It's open season on trans people in this town now.",
        "We will make sure no Jew ever feels safe in this street.",
        "Wir wissen genau wo diese Kopftuchfrau vom Rathaus wohnt.",
        "Ik weet precies waar die moslima van de bib woont.",
    ],
)
def test_doom_foretold_is_a_threat(triage: Triage, text: str) -> None:
    assert Label.THREAT in labels_of(triage, text)


@pytest.mark.parametrize(
    "text",
    [
        "My turn will come to win the quiz, mark my words.",
        "De dagen zijn al korter, de winter komt eraan.",
        "Ik weet waar de bakker zijn brood haalt, bij de molen.",
        "Les jours de soldes sont comptés, profitez-en.",
        "The hunting season for mushrooms opens in October.",
    ],
)
def test_the_same_words_about_nothing_threatening_are_not(triage: Triage, text: str) -> None:
    assert Label.THREAT not in labels_of(triage, text), classify_one(triage, text).scores
