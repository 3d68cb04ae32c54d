"""Veiled threats in the shapes people make them (an ultimatum with a visit, harm foretold), and violence or
death words in figures of speech that are no threat. Sentences written for this test, not taken from the
development set or the frozen split."""

from __future__ import annotations

import pytest

from hierniet.domain import Label
from hierniet.triage.pipeline import Triage
from triage_helpers import classify_one


@pytest.mark.parametrize(
    "text",
    [
        "Nog één zo'n artikel en we komen eens langs op de redactie.",
        "Encore un article comme ça et on passera te rendre visite.",
        "Un jour quelqu'un va lui faire la peau, à ce bourgmestre.",
        "Ça finira mal pour toi si tu continues à écrire ces conneries.",
        "Keep talking and you'll end up in a ditch.",
    ],
)
def test_a_veiled_threat_is_a_threat(triage: Triage, text: str) -> None:
    verdict = classify_one(triage, text)
    assert Label.THREAT in verdict.labels, (verdict.labels, verdict.reasons)


@pytest.mark.parametrize(
    "text",
    [
        "Nog één week en we komen op bezoek bij oma!",
        "Nog één vertraging en ik zeg mijn abonnement op.",
    ],
)
def test_a_countdown_or_a_customers_ultimatum_is_no_threat(triage: Triage, text: str) -> None:
    verdict = classify_one(triage, text)
    assert Label.THREAT not in verdict.labels, (verdict.labels, verdict.reasons)


@pytest.mark.parametrize(
    "text",
    [
        "I'm going to kill it at the exam tomorrow.",
        "Je vais tuer le temps en lisant un livre.",
        "Ik lag dood van het lachen met die video.",
    ],
)
def test_a_figure_of_speech_is_no_threat_nor_self_harm(triage: Triage, text: str) -> None:
    verdict = classify_one(triage, text)
    assert Label.THREAT not in verdict.labels, (verdict.labels, verdict.reasons)
    assert Label.SELF_HARM not in verdict.labels, (verdict.labels, verdict.reasons)


def test_a_figure_of_speech_beside_a_real_threat_damps_nothing(triage: Triage) -> None:
    verdict = classify_one(triage, "Ik lag dood van het lachen. Maar ik steek je morgen neer met een mes.")
    assert Label.THREAT in verdict.labels, verdict.reasons
    assert "triage.idiom" not in {r.code for r in verdict.reasons}


@pytest.mark.parametrize(
    "text",
    [
        "Les juifs feraient mieux de partir avant qu'il ne soit trop tard.",
        "Si un autre réfugié s'installe dans la rue, on s'en occupe nous-mêmes.",
        "Als er nog meer asielzoekers komen, dan pakken we die zelf wel aan.",
    ],
)
def test_told_to_leave_or_else_and_vigilantes_are_threats_and_hate(triage: Triage, text: str) -> None:
    verdict = classify_one(triage, text)
    assert {Label.THREAT, Label.HATE} <= set(verdict.labels), (verdict.labels, verdict.reasons)


@pytest.mark.parametrize(
    "text",
    [
        "We vertrekken om acht uur, voor het te laat is voor de file.",
        "On s'en occupe nous-mêmes, pas besoin d'aide pour le déménagement.",
        "Reparez cette route avant qu'il ne soit trop tard.",
    ],
)
def test_leaving_early_or_doing_it_yourself_is_no_threat(triage: Triage, text: str) -> None:
    assert Label.THREAT not in classify_one(triage, text).labels


def test_a_kindness_told_about_neighbours_is_no_insult(triage: Triage) -> None:
    verdict = classify_one(triage, "Mijn buren zijn Marokkanen, ze hebben me geholpen met verhuizen.")
    assert verdict.labels == (Label.OK,), (verdict.labels, verdict.reasons)
