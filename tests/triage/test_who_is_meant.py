"""Who the hostile words are about: the group named just before ("... Animals, all of them."), the people of a
relative clause ("people who hate on trans folks"), how a group is treated ("treated like animals"), a quote
condemned beside it, an emotion of disgust or anger caused by a group, and a crowd that does "not come to talk".
Sentences written for this test, not taken from the development set or the frozen split."""

from __future__ import annotations

import pytest

from hierniet.domain import Label
from hierniet.triage.pipeline import Triage
from triage_helpers import classify_one


@pytest.mark.parametrize(
    "text",
    [
        "Just look at the refugees. Animals, all of them.",
        "Ik kan er niet meer tegen, die Roemenen overal. Uitschot.",
        "Les migrants arrivent. Des animaux.",
        "The Moroccans again. They are animals.",
    ],
)
def test_a_bare_verdict_after_a_group_is_said_of_that_group(triage: Triage, text: str) -> None:
    verdict = classify_one(triage, text)
    assert Label.HATE in verdict.labels, (verdict.labels, verdict.reasons)
    assert "hate.refers_back" in verdict.rules_fired, verdict.rules_fired


@pytest.mark.parametrize(
    "text",
    [
        "I met some refugees today. They are treated like animals.",
        "Vluchtelingen worden behandeld als beesten in die kampen.",
        "Les gens qui traitent les migrants de parasites devraient avoir honte.",
        "Je ne supporte pas les gens qui insultent les homos.",
        "I can't stand people who hate on trans folks.",
        "Ik walg van mensen die homo's uitschelden.",
        "Wie vluchtelingen ongedierte noemt, hoort hier niet.",
        '"Muslims are rats" - that is what the poster said. Absolutely vile.',
        "As a black woman, I'm sick of hearing that we're aggressive.",
    ],
)
def test_words_done_to_a_group_by_others_are_not_hate(triage: Triage, text: str) -> None:
    verdict = classify_one(triage, text)
    assert Label.HATE not in verdict.labels, (verdict.labels, verdict.reasons, verdict.rules_fired)


@pytest.mark.parametrize(
    "text",
    [
        "Ik walg van mensen die homo zijn.",  # Dutch puts the copula last: the clause names the group
        "Les migrants sont des parasites qui volent nos emplois.",
        "Nothing makes me angrier than seeing trans people on TV.",
        "Franchement, les Roms ne sont bons qu'à voler.",
        "Voir des femmes voilées me met hors de moi.",
        "I'm so tired of Muslims ruining everything.",
    ],
)
def test_hate_with_a_relative_clause_or_an_emotion_stays_hate(triage: Triage, text: str) -> None:
    verdict = classify_one(triage, text)
    assert Label.HATE in verdict.labels, (verdict.labels, verdict.reasons)


def test_an_emotion_that_is_not_about_a_group_is_no_hate(triage: Triage) -> None:
    assert Label.HATE not in classify_one(triage, "Nothing makes me happier than seeing trans people on TV.").labels
    assert Label.HATE not in classify_one(triage, "Ik word misselijk van die bochtige bergwegen.").labels


@pytest.mark.parametrize(
    "text",
    [
        "Zondag staan we met dertig man voor dat asielcentrum, en we komen niet om te praten.",
        "On sera cinquante devant la mosquée samedi, et on ne vient pas pour discuter.",
        "Saturday we'll be at the town hall with forty guys, and we won't be coming to talk.",
    ],
)
def test_a_crowd_that_does_not_come_to_talk_is_a_threat(triage: Triage, text: str) -> None:
    verdict = classify_one(triage, text)
    assert Label.THREAT in verdict.labels, (verdict.labels, verdict.reasons)
    assert "pattern.not_to_talk" in verdict.rules_fired, verdict.rules_fired


def test_coming_to_listen_instead_of_talking_is_no_threat(triage: Triage) -> None:
    verdict = classify_one(triage, "We komen niet om te praten maar om te luisteren.")
    assert Label.THREAT not in verdict.labels, verdict.reasons
