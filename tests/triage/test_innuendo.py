"""Sexual remarks with no sexual word: a leer emoji beside a word about someone's body, clothes or the night.
Sentences written for this test, not from the devset or the frozen split."""

from __future__ import annotations

import pytest

from hierniet.domain import Label
from hierniet.triage.pipeline import Triage
from triage_helpers import labels_of


@pytest.mark.parametrize(
    "text",
    [
        "Die nieuwe kassierster met haar strakke jeans 🤤 ik ga elke dag boodschappen doen.",
        "La stagiaire de l'accueil, surtout son petit cul 😏",
        "That nurse can check on me all night if you know what I mean 😏",
        "Die neue Schaffnerin, was für ein Hintern 🍑",
    ],
)
def test_a_leer_beside_a_body_word_is_sexual(triage: Triage, text: str) -> None:
    assert Label.SEXUAL in labels_of(triage, text)


@pytest.mark.parametrize(
    "text",
    [
        "Wat een hete dag op de markt 🥵 vergeet geen water mee te nemen!",
        "Mijn dochter draagt graag een rokje naar school 😊",
        "We hebben de hele nacht gedanst, wat een feest!",
        "Die Hose war zu eng, ich habe sie umgetauscht 😏 danke für den Service!",
    ],
)
def test_no_innuendo(triage: Triage, text: str) -> None:
    assert Label.SEXUAL not in labels_of(triage, text)
