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


@pytest.mark.parametrize(
    ("text", "pattern"),
    [
        ("Mooie zaal. Het zou zonde zijn moest die ne keer in de fik vliegen.", "shame_if"),
        ("Jolie terrasse. Ce serait dommage qu'il lui arrive quelque chose cette nuit.", "shame_if"),
        ("Lovely shopfront. Would be a pity if it caught fire one night.", "shame_if"),
        ("Schönes Auto, Herr Schöffe. Wäre schade, wenn da mal was passiert.", "shame_if"),
        ("Ik weet wie ge zijt. Ge gaat hier spijt van krijgen.", "regret_foretold"),
        ("Le contrôleur de ce matin, je le recroise vendredi, il va voir.", "regret_foretold"),
        ("Du wirst das noch bereuen, Kollege.", "regret_foretold"),
        ("Ik hoop dat die directeur zelf ne keer ziek wordt, dan weet hij hoe het is.", "illness_wish"),
        ("J'espère qu'il tombera malade, ce ministre.", "illness_wish"),
        ("Zijn adres is Stationsstraat 4. Wie zin heeft kan daar eens gaan 'groeten'.", "visit_call"),
        ("Elle habite à Namur, rue de Fer. Allez lui rendre une petite visite.", "visit_call"),
    ],
)
def test_a_veiled_threat_shape_is_a_threat(triage: Triage, text: str, pattern: str) -> None:
    verdict = classify_one(triage, text)
    assert Label.THREAT in verdict.labels, (verdict.labels, verdict.reasons)
    assert f"pattern.{pattern}" in verdict.rules_fired, verdict.rules_fired


@pytest.mark.parametrize(
    "text",
    [
        "Het zou jammer zijn als de bus op zondag niet meer rijdt.",  # a pity with no harm: a complaint
        "Ce serait dommage que le marché de Noël s'arrête.",
        "It would be a shame if the library closed on Saturdays.",
        "Je gaat er spijt van krijgen als je dit concert mist!",  # advice, with a condition
        "Ik hoop dat je niet ziek wordt van dat eten.",  # a hope against illness
        "Kom gerust eens langs in onze winkel, we zijn open tot 18u.",
    ],
)
def test_no_veiled_threat_pattern(triage: Triage, text: str) -> None:
    verdict = classify_one(triage, text)
    fired = {r for r in verdict.rules_fired if r.startswith("pattern.")}
    assert not fired & {"pattern.shame_if", "pattern.regret_foretold", "pattern.illness_wish", "pattern.visit_call"}


@pytest.mark.parametrize(
    "text",
    [
        "Ik hoop dat je een fijne dag hebt, en veel succes morgen!",
        "J'espère que tu passes une bonne journée, bon courage.",
        "I hope you have a great day, get well soon!",
        "Ich hoffe, ihr habt ein schönes Wochenende. Gute Besserung an Tom!",
    ],
)
def test_a_kind_wish_is_no_threat(triage: Triage, text: str) -> None:
    assert Label.THREAT not in classify_one(triage, text).labels


def test_a_kind_wish_beside_a_weapon_stays_a_threat(triage: Triage) -> None:
    verdict = classify_one(triage, "Ik hoop dat je een fijne dag hebt in het ziekenhuis, met een mes in je rug.")
    assert Label.THREAT in verdict.labels


@pytest.mark.parametrize("text", ["Dat ze allemaal verrekken.", "Weer een staking. Dat ze allemaal creperen."])
def test_a_wish_of_death_opening_a_sentence_is_a_threat(triage: Triage, text: str) -> None:
    assert "pattern.death_wish_nl" in classify_one(triage, text).rules_fired


@pytest.mark.parametrize(
    "text", ["Het is erg dat ze doodgaan in de Middellandse Zee.", "Ik denk dat ze verrekken van de kou daar."]
)
def test_regret_or_cold_is_no_death_wish(triage: Triage, text: str) -> None:
    assert "pattern.death_wish_nl" not in classify_one(triage, text).rules_fired
