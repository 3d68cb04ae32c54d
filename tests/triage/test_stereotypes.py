"""Criminal stereotypes said of a group as a whole, and a clause that points back to a group with a demonstrative
("Die zijn ..."). Sentences written for this test, not from the devset or the frozen split."""

from __future__ import annotations

import pytest

from hierniet.domain import Label
from hierniet.triage.pipeline import Triage
from triage_helpers import classify_one, labels_of


@pytest.mark.parametrize(
    "text",
    [
        "Asielzoekers stelen alles wat los en vast zit in onze gemeente.",
        "Nieuwe flyers voor de Roma-gemeenschap? Die stelen alleen maar.",
        "Les Roms volent dans les trains, tout le monde le sait.",
        "Refugees just live off benefits and do nothing.",
        "Die Zigeuner klauen doch überall.",
    ],
)
def test_a_crime_said_of_a_group_as_a_whole_is_hate_of_low_severity(triage: Triage, text: str) -> None:
    verdict = classify_one(triage, text)
    assert Label.HATE in verdict.labels, (verdict.labels, verdict.reasons)
    assert any(r.startswith("hate.crime_stereotype") for r in verdict.rules_fired), verdict.rules_fired


@pytest.mark.parametrize(
    "text",
    [
        "Niet alle asielzoekers stelen, dat is een vooroordeel.",
        "Mijn Marokkaanse buurman heeft gisteren mijn fiets gestolen.",
        "Jongeren die stelen in de supermarkt worden nu sneller gestraft.",  # not a protected group
        "Thieves steal bikes from refugees at the station.",  # the group is robbed, not robbing
        "Zeggen dat moslims stelen is gewoon racisme.",  # condemned
    ],
)
def test_no_stereotype(triage: Triage, text: str) -> None:
    verdict = classify_one(triage, text)
    assert not any(r.startswith("hate.crime_stereotype") for r in verdict.rules_fired), verdict.reasons


def test_a_demonstrative_opening_a_clause_points_back_to_the_group(triage: Triage) -> None:
    assert Label.HATE in labels_of(triage, "Ik zag gisteren moslims op de markt. Die zijn echt ratten.")
    # Before a noun it is a determiner: nothing points back.
    assert Label.HATE not in labels_of(triage, "Een nieuwe bus voor de Roma-kinderen. Die bus is prachtig.")
