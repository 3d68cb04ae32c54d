"""Implicit derogation: hate with no hostile word (distrust, refusal, confinement to the kitchen), and the
harmless sentences of the same shape. Sentences written for this test, not taken from the development set
or the frozen split."""

from __future__ import annotations

import pytest

from hierniet.domain import Label
from hierniet.triage.pipeline import Triage
from triage_helpers import classify_one, labels_of


@pytest.mark.parametrize(
    "text",
    [
        "Moslims kun je gewoon niet vertrouwen.",
        "On ne peut pas faire confiance aux musulmans.",
        "You just can't trust Muslims.",
        "Muslimen kann man einfach nicht vertrauen.",
        "Je n'embaucherais jamais un Noir dans mon entreprise.",
        "Les femmes devraient rester à la maison avec les enfants.",
        "Vrouwen horen in de keuken, niet in de gemeenteraad.",
        "Women should stay at home and look after the kids.",
    ],
)
def test_implicit_derogation_of_a_group_is_hate(triage: Triage, text: str) -> None:
    verdict = classify_one(triage, text)
    assert Label.HATE in verdict.labels, (verdict.labels, verdict.reasons)
    assert "hate.implicit_derogation" in verdict.rules_fired, verdict.rules_fired


@pytest.mark.parametrize(
    "text",
    ["Liever dood dan met een Turk trouwen.", "I'd rather die than have a gay son.", "Women should stay at home."],
)
def test_a_refusal_or_a_role_is_hate_not_a_threat(triage: Triage, text: str) -> None:
    verdict = classify_one(triage, text)
    assert Label.HATE in verdict.labels and Label.THREAT not in verdict.labels, (verdict.labels, verdict.reasons)


@pytest.mark.parametrize(
    "text",
    [
        "Je kunt de weersvoorspelling in België gewoon niet vertrouwen.",
        "Ik zou nooit een andere kapper kiezen, de mijne is top.",
        "Women should stay at home when they are ill, says the doctor.",
        "Het is onzin dat je moslims niet kan vertrouwen.",
        "Mijn Turkse buurvrouw kan ik altijd vertrouwen met de sleutels.",
    ],
)
def test_the_same_shapes_without_a_group_or_condemned_are_not_hate(triage: Triage, text: str) -> None:
    verdict = classify_one(triage, text)
    assert Label.HATE not in verdict.labels, (verdict.labels, verdict.reasons)


@pytest.mark.parametrize(
    "text",
    [
        "Moslims en democratie, dat gaat gewoon niet samen.",
        "Les musulmans et la laïcité, c'est incompatible, point.",
        "Mijn dochter trouwt niet met een Marokkaan, over mijn lijk.",
    ],
)
def test_a_group_called_incompatible_or_refused_over_a_dead_body_is_hate(triage: Triage, text: str) -> None:
    verdict = classify_one(triage, text)
    assert Label.HATE in verdict.labels, (verdict.labels, verdict.reasons)
    assert Label.THREAT not in verdict.labels, verdict.reasons


@pytest.mark.parametrize(
    "text",
    [
        "Die nieuwe parkeerregels en onze cultuur, dat gaat niet samen.",
        "Democratie en moslims gaan prima samen, kijk maar naar Indonesië.",
        "Over my dead body will this park become a parking lot.",
    ],
)
def test_incompatible_rules_or_a_dead_body_for_a_park_are_no_hate(triage: Triage, text: str) -> None:
    verdict = classify_one(triage, text)
    assert Label.HATE not in verdict.labels and Label.THREAT not in verdict.labels, (verdict.labels, verdict.reasons)


@pytest.mark.parametrize(
    "text",
    [
        "Zijn vrouwen eigenlijk wel slim genoeg om te stemmen?",
        "Are black people even smart enough to run a country?",
        "Les femmes sont-elles assez intelligentes pour diriger ?",
        "Why do we even let gay people adopt children?",
        "Pourquoi on laisse encore les Roms s'installer ici ?",
    ],
)
def test_a_question_that_doubts_a_groups_mind_or_rights_is_hate(triage: Triage, text: str) -> None:
    verdict = classify_one(triage, text)
    assert Label.HATE in verdict.labels, (verdict.labels, verdict.reasons)


@pytest.mark.parametrize(
    "text", ["Waarom mogen moslims hier niet bidden?", "Zijn vrouwen zijn allebei dokter.", "Is het water warm genoeg?"]
)
def test_a_plain_question_or_his_wives_are_no_hate(triage: Triage, text: str) -> None:
    assert Label.HATE not in classify_one(triage, text).labels


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Vrouwen zijn gewoon te emotioneel om een land te besturen.", "triage.group_unfit"),
        ("Les femmes sont trop émotives pour arbitrer un match.", "triage.group_unfit"),
        ("Gay men are too weak to serve in the army.", "triage.group_unfit"),
        ("No Muslims allowed in my restaurant.", "triage.group_banned"),
        ("Geen zigeuners toegelaten op onze camping.", "triage.group_banned"),
        ("Les Roms, on sait comment ils sont.", "triage.group_known"),
        ("We all know what those refugees are like.", "triage.group_known"),
    ],
)
def test_more_implicit_shapes_are_hate(triage: Triage, text: str, code: str) -> None:
    verdict = classify_one(triage, text)
    assert Label.HATE in verdict.labels, (verdict.labels, verdict.reasons)
    assert code in {r.code for r in verdict.reasons}


@pytest.mark.parametrize(
    "text",
    [
        "No dogs allowed in the park after 10 pm.",
        "Geen fietsen binnen, aub.",
        "We weten hoe de bussen zijn in de winter.",
        "Het water is te koud om te zwemmen vandaag.",
    ],
)
def test_the_same_shapes_without_a_group_are_no_hate(triage: Triage, text: str) -> None:
    assert Label.HATE not in labels_of(triage, text)
