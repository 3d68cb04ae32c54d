"""Baiting other commenters: "kom maar af", "vas-y, explique-nous", "go on, tell me". Sentences written for this
test, not from the devset or the frozen split."""

from __future__ import annotations

import pytest

from hierniet.domain import Label
from hierniet.triage.pipeline import Triage
from triage_helpers import labels_of


@pytest.mark.parametrize(
    "text",
    [
        "Gentenaars kunnen gewoon niet parkeren, kom maar af in de comments 😂",
        "Les Liégeois savent pas ce qu'est un vrai carnaval. Vas-y, explique-moi le contraire.",
        "Cyclists think they own the road. Go on, tell me I'm wrong 🍿",
        "Alle Schalke-Fans sind Jammerlappen. Kommt nur, ich habe Zeit.",
    ],
)
def test_baiting_is_provocation(triage: Triage, text: str) -> None:
    assert Label.PROVOCATION in labels_of(triage, text)


@pytest.mark.parametrize(
    "text",
    [
        "Ik wacht al een uur op bus 5 aan het station, ik wacht.",
        "J'attends toujours votre réponse à mon mail du 3 mars.",
        "Kom maar af naar de opendeurdag zaterdag, iedereen welkom!",
    ],
)
def test_waiting_or_an_invitation_is_no_bait(triage: Triage, text: str) -> None:
    assert Label.PROVOCATION not in labels_of(triage, text)
