"""Context rules on the shipped lexicons: what a hit means depends on how it is used."""

from __future__ import annotations

import pytest

from hierniet.domain import Label, Target
from triage_helpers import rules_on_whole


def score(text: str, language: str, label: Label) -> float:
    return rules_on_whole(text, language).scores.get(label, 0.0)


@pytest.mark.parametrize(
    ("text", "language", "target"),
    [
        ("Moslims zijn ratten", "nl", Target.RELIGION),
        ("Homo's zijn geen mensen", "nl", Target.SEXUAL_ORIENTATION),
        ("Les musulmans sont des rats", "fr", Target.RELIGION),
        ("Les immigrés ne sont pas les bienvenus ici", "fr", None),
        ("Refugees are vermin", "en", Target.NATIONALITY),
        ("I hate Muslims", "en", Target.RELIGION),
        ("Ausländer raus", "de", None),
    ],
)
def test_group_derogation_is_hate(text: str, language: str, target: Target | None) -> None:
    result = rules_on_whole(text, language)
    assert result.scores.get(Label.HATE, 0.0) >= 0.7, result.reasons
    if target is not None:
        assert result.target == target


@pytest.mark.parametrize(
    ("text", "language", "flag"),
    [
        ("Moslims zijn geen ratten", "nl", "negation"),
        ("I don't hate Muslims", "en", "negation"),
        ("Les musulmans ne sont pas des rats", "fr", "negation"),
        ("Wie moslims ratten noemt, is zelf een racist", "nl", "counter_speech"),
        ("Calling refugees vermin is racism", "en", "counter_speech"),
        ("Als flikkers met een kindje zijn we hier superblij", "nl", "reclaimed"),
        ("Trotse flikker hier, fijne Pride iedereen", "nl", "reclaimed"),
        ("Fière gouine, et alors ?", "fr", "reclaimed"),
    ],
)
def test_negation_counter_speech_and_reclaimed_use_are_not_hate(text: str, language: str, flag: str) -> None:
    result = rules_on_whole(text, language)
    assert result.scores.get(Label.HATE, 0.0) < 0.5, result.reasons
    assert flag in result.flags
    if flag != "reclaimed":
        assert result.damp.get(Label.HATE, 1.0) < 1.0  # the model is damped too


@pytest.mark.parametrize(
    ("text", "language"),
    [("Those proud dykes are disgusting", "en"), ("Trotse flikkers, walgelijk volk", "nl")],
)
def test_pride_does_not_reclaim_a_word_used_with_contempt(text: str, language: str) -> None:
    result = rules_on_whole(text, language)
    assert result.scores.get(Label.HATE, 0.0) >= 0.7, result.reasons
    assert "reclaimed" not in result.flags


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Hen ratten noemen zegt meer over jou dan over hen", "nl"),
        ("Les traiter de rats en dit long sur toi", "fr"),
        ("Calling them rats says everything about you", "en"),
    ],
)
def test_a_slur_turned_back_on_its_speaker_is_counter_speech(text: str, language: str) -> None:
    result = rules_on_whole(text, language)
    assert "counter_speech" in result.flags, result.reasons
    assert result.scores.get(Label.HATE, 0.0) < 0.5


def test_disclaimer_is_not_counter_speech() -> None:
    result = rules_on_whole("Ik ben geen racist, maar moslims zijn ratten", "nl")
    assert result.scores.get(Label.HATE, 0.0) >= 0.7


def test_neutral_group_mention_is_no_rule_evidence() -> None:
    # The model reads the clause with the group's name masked, so a bare mention needs no damping;
    # a mention with a positive word is damped all the same.
    result = rules_on_whole("Als moslima ben ik blij met deze markt", "nl")
    assert result.scores.get(Label.HATE, 0.0) == 0.0
    assert "identity_mention" in result.flags
    praised = rules_on_whole("Wij zijn allemaal mensen, joden en moslims, en welkom hier", "nl")
    assert praised.damp.get(Label.HATE, 1.0) < 1.0


def test_insults_of_non_protected_targets_are_insults_not_hate() -> None:
    result = rules_on_whole("Die scheidsrechter is een vuile klootzak", "nl")
    assert result.scores.get(Label.INSULT, 0.0) >= 0.7
    assert result.scores.get(Label.HATE, 0.0) < 0.5


def test_one_person_of_a_group_insulted_is_an_insult() -> None:
    result = rules_on_whole("De vrouw aan het loket is een trut", "nl")
    assert result.scores.get(Label.HATE, 0.0) < 0.5


def test_reported_speech_is_not_the_commenters_insult() -> None:
    assert score("On m'a traité de sale arabe dans le tram, que fait la STIB ?", "fr", Label.HATE) < 0.5
    assert score("Hij noemde me een idioot aan het loket", "nl", Label.INSULT) < 0.5


def test_swearing_at_a_situation_is_not_abuse() -> None:
    result = rules_on_whole("Putain encore en retard, c'est la troisième fois", "fr")
    assert all(result.scores.get(label, 0.0) < 0.5 for label in (Label.INSULT, Label.HATE, Label.THREAT))
    assert "profanity" in result.flags
    # "retard" is a Dutch/German slur entry but an ordinary French word: never hate here.
    assert result.scores.get(Label.HATE, 0.0) == 0.0


def test_threats_direct_and_veiled() -> None:
    assert score("Ik weet waar je woont", "nl", Label.THREAT) >= 0.7
    assert score("Je sais où tu habites", "fr", Label.THREAT) >= 0.7
    assert score("ik weet wie gij zijt, dan zien we wel wie er weent", "nl", Label.THREAT) >= 0.7
    assert score("Go kill yourself", "en", Label.THREAT) >= 0.5
    assert score("Go kill yourself", "en", Label.SELF_HARM) < 0.5


def test_doxxing_and_own_data() -> None:
    assert score("Zijn adres is Kerkstraat 12, 9000 Gent", "nl", Label.DOXXING) >= 0.8
    assert score("Quelqu'un a l'adresse de ce chauffeur ?", "fr", Label.DOXXING) >= 0.8
    mine = rules_on_whole("Bel me gerust terug op 0472 12 34 56 voor mijn klacht", "nl")
    assert mine.scores.get(Label.DOXXING, 0.0) < 0.5 and "own_data" in mine.flags


def test_self_harm_and_spam() -> None:
    assert score("Ik wil niet meer leven", "nl", Label.SELF_HARM) >= 0.8
    assert score("Ik zie het echt niet meer zitten, alles is kapot", "nl", Label.SELF_HARM) >= 0.8
    assert score("Gagnez 500€ par jour avec la crypto, cliquez ici", "fr", Label.SPAM) >= 0.7


def test_evidence_spans_point_into_the_original_text() -> None:
    text = "Die   M0SL1MS zijn k@kkerlakken!!"
    result = rules_on_whole(text, "nl")
    assert result.evidence
    for evidence in result.evidence:
        assert text[evidence.start : evidence.end] == evidence.text
    assert {e.text for e in result.evidence} >= {"M0SL1MS", "k@kkerlakken"}
