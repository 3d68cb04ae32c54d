"""Where hostile words about a group are, and are not, the speaker's verdict on it: words run together, a
comment the language detector cannot place, what others call a group, a claim denied or condemned, a feeling
about how people are treated, a pronoun that points back within the sentence, the speaker's own group.

Sentences written for these tests (not from the devset or the frozen split)."""

from __future__ import annotations

import pytest

from hierniet.domain import Label, Language
from hierniet.triage.language import closest_languages, detect_language
from hierniet.triage.normalize import normalize
from hierniet.triage.pipeline import Triage
from triage_helpers import classify_one, labels_of


@pytest.mark.parametrize(
    "text",
    [
        "Gaysare disgusting.",  # the space before "are" left out
        "Refugeesare vermin.",
        "Ihate immigrants.",
        "Jedéteste les juifs.",
    ],
)
def test_words_run_together_are_still_read(triage: Triage, text: str) -> None:
    assert Label.HATE in labels_of(triage, text)


def test_a_word_glued_to_a_short_word_is_found_only_in_languages_without_compounds(triage: Triage) -> None:
    en = triage.indexes["en"].match(normalize("womenare"))
    assert [(h.entry.tokens, h.how) for h in en] == [(("women",), "glued")]
    nl = triage.indexes["nl"].match(normalize("homohaat"))
    assert all(h.how != "glued" for h in nl)


def test_a_comment_no_language_claims_is_read_in_the_closest_of_ours(triage: Triage) -> None:
    text = "Gaysare disgusting."
    language, confidence = detect_language(text)
    assert language is Language.OTHER and confidence < 0.6
    assert closest_languages([text]) == [Language.EN]
    verdict = classify_one(triage, text)
    assert verdict.language is Language.OTHER  # what the detector said stays on the verdict
    assert any(r.code == "triage.read_as" for r in verdict.reasons)


def test_an_unplaced_clause_beside_a_clear_one_is_read_in_its_own_closest_language(triage: Triage) -> None:
    alone = "J o d e n  =  k a n k e r."
    assert Label.HATE in labels_of(triage, alone)
    assert Label.HATE in labels_of(triage, "Bonne soirée à tous. " + alone)


@pytest.mark.parametrize(
    "text",
    [
        "If you call refugees rats, you are the problem here.",
        "Whoever calls Jews parasites has learnt nothing.",
        "Si vous traitez les juifs de parasites, vous n'avez rien compris.",
        "Als je vluchtelingen ratten noemt, ben je zelf het probleem.",
        "Wer Flüchtlinge Ratten nennt, hat nichts verstanden.",
    ],
)
def test_what_others_call_a_group_is_reported_not_asserted(triage: Triage, text: str) -> None:
    assert Label.HATE not in labels_of(triage, text)


@pytest.mark.parametrize(
    "text",
    ["I call refugees rats.", "Vluchtelingen noem ik ratten.", "Je traite les juifs de parasites."],
)
def test_what_the_speaker_calls_a_group_is_hate(triage: Triage, text: str) -> None:
    assert Label.HATE in labels_of(triage, text)


@pytest.mark.parametrize(
    "text",
    [
        '"Refugees are rats" is exactly the kind of hate this town must fight.',
        "« Les juifs sont des parasites » : c'est ce genre de haine qu'il faut combattre.",
        "“Vluchtelingen zijn ratten”: dat soort haat moeten we samen bestrijden.",
    ],
)
def test_a_quoted_claim_named_as_hate_is_counter_speech(triage: Triage, text: str) -> None:
    assert Label.HATE not in labels_of(triage, text)


@pytest.mark.parametrize(
    "text",
    [
        "Nobody should say that refugees are rats.",
        "Personne ne peut dire que les juifs sont des parasites.",
        "Je ne crois pas du tout que les réfugiés soient dangereux.",
        "It's disgusting to say refugees are rats.",
        "C'est honteux de dire que les juifs sont des parasites.",
    ],
)
def test_a_claim_denied_or_condemned_before_it_is_said_is_no_hate(triage: Triage, text: str) -> None:
    assert Label.HATE not in labels_of(triage, text)


def test_the_disclaimer_with_a_but_still_asserts(triage: Triage) -> None:
    assert Label.HATE in labels_of(triage, "I'm not saying refugees are rats, but they are all parasites.")


@pytest.mark.parametrize(
    "text",
    [
        "I hate how refugees are treated at the border.",
        "Je déteste la façon dont on parle des juifs ici.",
        "Ik haat hoe vluchtelingen hier behandeld worden.",
    ],
)
def test_a_feeling_about_how_a_group_is_treated_is_no_hate(triage: Triage, text: str) -> None:
    assert Label.HATE not in labels_of(triage, text)


@pytest.mark.parametrize(
    "text",
    [
        "I've worked with lots of refugees and every one of them was a parasite.",
        "J'ai croisé plein de réfugiés et ils étaient tous des parasites.",
        "Ik heb met veel vluchtelingen gewerkt en het waren allemaal parasieten.",
    ],
)
def test_a_pronoun_pointing_back_in_the_same_sentence_carries_the_group(triage: Triage, text: str) -> None:
    assert Label.HATE in labels_of(triage, text)


@pytest.mark.parametrize(
    "text",
    ["As a Jewish woman, I am sick of this.", "Als vluchteling walg ik van die reacties."],
)
def test_the_speakers_feeling_after_naming_their_own_group_is_no_hate(triage: Triage, text: str) -> None:
    assert Label.HATE not in labels_of(triage, text)


def test_a_speaker_naming_their_group_can_still_hate_another(triage: Triage) -> None:
    assert Label.HATE in labels_of(triage, "As a Christian, I think Muslims are vermin.")


@pytest.mark.parametrize(
    "text",
    [
        "Onze stad zou veel veiliger zijn zonder al die vluchtelingen.",
        "La Belgique serait bien meilleure sans les juifs.",
        "This country would be so much better off without refugees.",
    ],
)
def test_a_place_better_off_without_a_group_is_hate(triage: Triage, text: str) -> None:
    assert Label.HATE in labels_of(triage, text)


def test_better_without_something_else_is_not(triage: Triage) -> None:
    assert not classify_one(triage, "De stad is veel mooier zonder al die files.").is_abuse


def test_every_member_of_a_group_warned_is_a_threat_and_hate(triage: Triage) -> None:
    labels = labels_of(triage, "Every refugee who comes to my street will regret it.")
    assert {Label.THREAT, Label.HATE} <= labels


@pytest.mark.parametrize(
    "text",
    ["Refugees like you make me furious.", "Vluchtelingen doen me kotsen.", "Les juifs me font vomir."],
)
def test_disgust_or_anger_at_a_group_is_hate(triage: Triage, text: str) -> None:
    assert Label.HATE in labels_of(triage, text)


def test_disgust_at_a_thing_is_not(triage: Triage) -> None:
    assert not classify_one(triage, "Die wegenwerken doen me kotsen.").is_abuse


@pytest.mark.parametrize(
    "text",
    [
        "Refugees are only good for cleaning toilets.",
        "Vluchtelingen zijn alleen goed om te poetsen.",
        "Les réfugiés ne sont bons qu'à faire le ménage.",
    ],
)
def test_a_group_said_to_be_good_for_one_thing_only_is_hate(triage: Triage, text: str) -> None:
    assert Label.HATE in labels_of(triage, text)


def test_a_thing_good_for_one_thing_only_is_not(triage: Triage) -> None:
    assert not classify_one(triage, "Deze printer is alleen goed om papier vast te laten lopen.").is_abuse


@pytest.mark.parametrize(
    "text",
    [
        "Refugees are brave and talented people.",
        "Vluchtelingen zijn moedige en getalenteerde mensen.",
        "Les réfugiés sont courageux et talentueux.",
        "Geflüchtete sind mutig und fleißig.",
    ],
)
def test_praise_of_a_group_is_a_friendly_mention(triage: Triage, text: str) -> None:
    assert Label.HATE not in labels_of(triage, text)


def test_praise_denied_to_a_group_is_hate(triage: Triage) -> None:
    assert Label.HATE in labels_of(triage, "Refugees are not talented at anything.")
