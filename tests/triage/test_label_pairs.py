"""Which labels go together: name-calling of a group is hate (not also an insult), an insult of the service's
staff is a complaint too. Sentences written for this test, not taken from the development set."""

from __future__ import annotations

import pytest

from hierniet.domain import Label
from hierniet.triage.pipeline import Triage
from triage_helpers import classify_one, labels_of


@pytest.mark.parametrize(
    "text",
    [
        "Die moslims zijn allemaal vuile profiteurs en idioten.",
        "Les homosexuels sont des malades et des abrutis.",
    ],
)
def test_name_calling_of_a_group_is_hate_only(triage: Triage, text: str) -> None:
    labels = labels_of(triage, text)
    assert Label.HATE in labels and Label.INSULT not in labels, labels


def test_an_insult_of_a_person_beside_hate_stays(triage: Triage) -> None:
    labels = labels_of(triage, "Moslims zijn ratten. En jij bent een vuile klootzak.")
    assert {Label.HATE, Label.INSULT} <= labels, labels


@pytest.mark.parametrize(
    "text",
    [
        "De chauffeur van lijn 12 gisteren was de onbeschoftste kwast die ik ooit tegenkwam.",
        "The clerk at the town hall desk was a rude cow, she laughed at my form.",
    ],
)
def test_an_insulted_staff_member_is_a_complaint_too(triage: Triage, text: str) -> None:
    labels = labels_of(triage, text)
    assert {Label.CRITICISM, Label.INSULT} <= labels, labels


def test_an_elected_politician_insulted_is_not_a_service_complaint_by_rule(triage: Triage) -> None:
    verdict = classify_one(triage, "Die burgemeester is een arrogante kwast.")
    assert Label.INSULT in verdict.labels
    assert "criticism.staff_insulted" not in verdict.rules_fired


@pytest.mark.parametrize(
    "text",
    [
        '"Ga terug naar je land" schreeuwen naar een meisje op de bus? Schaam je.',
        "Homo's zijn geen zieken, ze zijn gewoon mensen.",
    ],
)
def test_quoted_hate_condemned_elsewhere_and_a_negation_before_a_comma_are_not_hate(triage: Triage, text: str) -> None:
    assert Label.HATE not in labels_of(triage, text)


def test_a_group_denied_humanity_is_still_hate(triage: Triage) -> None:
    assert Label.HATE in labels_of(triage, "Homo's zijn geen mensen.")


@pytest.mark.parametrize("text", ["They're parasites, not refugees.", "Ce sont des rats, pas des réfugiés."])
def test_a_correction_after_the_predicate_does_not_deny_it(triage: Triage, text: str) -> None:
    assert Label.HATE in labels_of(triage, text)


@pytest.mark.parametrize("text", ["Not all refugees are parasites.", "Niet alle vluchtelingen zijn parasieten."])
def test_a_negated_generalisation_is_not_hate(triage: Triage, text: str) -> None:
    assert Label.HATE not in labels_of(triage, text)


@pytest.mark.parametrize(
    "text",
    [
        "Wij mietjes van het koor hebben de wedstrijd gewonnen!",
        "Moi, vieille gouine de 58 ans, je vous remercie pour cette belle soirée.",
    ],
)
def test_a_reclaimed_word_about_oneself_is_not_hate_even_when_the_reader_is_thanked(triage: Triage, text: str) -> None:
    assert Label.HATE not in labels_of(triage, text)


@pytest.mark.parametrize(
    "text", ["T'es qu'un pédé, moi je suis normal.", "Jij bent een vuile flikker, ik ben normaal."]
)
def test_a_reclaimable_slur_aimed_at_the_reader_is_hate(triage: Triage, text: str) -> None:
    assert Label.HATE in labels_of(triage, text)


@pytest.mark.parametrize(
    "text",
    [
        "Que quelqu'un lui mette une balle, à ce ministre.",
        "I hope someone pushes that alderman under a tram.",
    ],
)
def test_a_threat_with_no_abusive_word_is_not_also_an_insult(triage: Triage, text: str) -> None:
    labels = labels_of(triage, text)
    assert Label.THREAT in labels and Label.INSULT not in labels, labels


def test_a_threat_with_name_calling_keeps_the_insult(triage: Triage) -> None:
    labels = labels_of(triage, "Ik maak je af, vuile klootzak.")
    assert {Label.THREAT, Label.INSULT} <= labels, labels


@pytest.mark.parametrize("text", ["Bravo les filles, quelle finale !", "Proficiat aan alle vrouwen van het team!"])
def test_congratulations_to_a_group_are_not_hate(triage: Triage, text: str) -> None:
    assert Label.HATE not in labels_of(triage, text)


@pytest.mark.parametrize(
    "text",
    [
        "De baliemedewerkster van het containerpark, die met de rode jas, liet ons een uur staan. Domme trut.",
        "Les agents à l'entrée du parc hier soir, quelle bande d'abrutis. Aucune info, rien.",
    ],
)
def test_an_insult_in_another_sentence_than_the_staff_is_a_complaint_too(triage: Triage, text: str) -> None:
    labels = labels_of(triage, text)
    assert {Label.CRITICISM, Label.INSULT} <= labels, labels


def test_an_insult_of_another_commenter_beside_the_staff_is_no_complaint(triage: Triage) -> None:
    labels = labels_of(triage, "@kevin_b87 die chauffeur deed gewoon zijn werk, domme trut dat ge zijt.")
    assert Label.CRITICISM not in labels, labels


@pytest.mark.parametrize(
    "text",
    [
        "Het nieuwe fietspad is mooi, maar de bewegwijzering is een ramp, ik ben twee keer verloren gereden.",
        "Le parcours est joli, mais l'éclairage du tunnel est catastrophique.",
    ],
)
def test_a_bad_judgement_without_the_service_named_is_a_complaint(triage: Triage, text: str) -> None:
    assert Label.CRITICISM in labels_of(triage, text)


def test_a_bad_judgement_of_what_others_say_is_no_complaint(triage: Triage) -> None:
    assert Label.CRITICISM not in labels_of(triage, "Schandalig hoe sommigen hier reageren, echt een schande.")
