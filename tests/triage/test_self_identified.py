"""A speaker who names a group as their own ("Als moslima ...", "En tant que femme, je ...") mentions it; the
model's hate and threat are damped there. Sentences written for this test, not from the devset or frozen split."""

from __future__ import annotations

import pytest

from hierniet.domain import Comment, Label
from hierniet.triage.pipeline import Triage
from triage_helpers import classify_one, labels_of


@pytest.mark.parametrize(
    "text",
    [
        "Als moslima en oud-leerling ben ik hier echt blij mee.",
        "Als jonge moslima durf ik niet naar het zwembad als er alleen mannen zijn.",
        "En tant que musulmane, je trouve cette initiative formidable.",
        "As a gay man I am still treated as a risk when I want to give blood.",
        "Als Muslimin freue ich mich sehr über diesen Raum.",
    ],
)
def test_the_speaker_naming_their_own_group_is_no_hate(triage: Triage, text: str) -> None:
    verdict = classify_one(triage, text)
    assert not verdict.is_abuse, (verdict.labels, verdict.scores)


def test_self_identification_is_found_only_right_before_the_name_with_the_first_person(triage: Triage) -> None:
    analysis = triage.analyse([Comment(id="s", text="Als moslima durf ik niet te gaan zwemmen.", language_hint="nl")])
    assert any("self_identified" in u.rules.flags for u in analysis[0].units)
    # Dutch "als" is also "if": no first person, no self-identification.
    analysis = triage.analyse([Comment(id="s", text="Als moslims hier komen, moeten ze zich aanpassen.")])
    assert not any("self_identified" in u.rules.flags for u in analysis[0].units)


@pytest.mark.parametrize(
    "text",
    [
        "Als homo vind ik dat homo's vuile viezeriken zijn.",  # the group named again, with hostile words
        "En tant que femme je dis que les musulmans sont des rats.",  # another group
    ],
)
def test_hate_beside_a_self_identification_stays_hate(triage: Triage, text: str) -> None:
    assert Label.HATE in labels_of(triage, text)


@pytest.mark.parametrize(
    "text",
    [
        "Die vluchtelingen zijn gevlucht voor oorlog en bommen, geef ze een kans.",
        "Ce sont des familles syriennes qui fuient la guerre, un peu d'humanité.",
        "These refugees fled violence; they deserve a warm welcome here.",
    ],
)
def test_a_group_defended_by_what_it_fled_is_no_hate(triage: Triage, text: str) -> None:
    assert Label.HATE not in labels_of(triage, text)


def test_denying_what_a_group_fled_is_no_defence(triage: Triage) -> None:
    text = "Die moslims zijn niet gevlucht voor oorlog, het zijn parasieten."
    analysis = triage.analyse([Comment(id="s", text=text)])
    assert not any("positive_mention" in u.rules.flags for u in analysis[0].units)
