"""Offers put as questions (issue 15): "Iemand opvang nodig? Wij hebben plaats in Genk." asks about someone else's
need and then says what the poster has, so it is an offer, though its question reads like a request; a question
about having ("Wie heeft er nog plaats?") or about the poster's own need stays a request.

The rule's words are data (crisis/words/*.yaml, `offer_questions`), validated like the need lists. These
sentences were written for the tests; the end-to-end reading by the shipped model is in test_model.py.
"""

from __future__ import annotations

import numpy as np
import pytest

from hierniet.crisis.classify import CrisisModel
from hierniet.crisis.words import WordListError, build, need_words, parse

OFFERS = [
    # nl: "iemand ... nodig?", "wie heeft ... nodig?", "zonder ...?", a one-word question, "bij ons", "ik kan"
    ("nl", "Nog iemand een droge slaapzak nodig? Wij hebben er tien in het jeugdhuis van Tessenderlo."),
    ("nl", "Wie heeft er vervoer nodig naar het station van Genk? Ik kan om 8 uur vertrekken met mijn busje."),
    ("nl", "Zitten jullie zonder drinkwater in Dilsen? Bij ons in de sporthal liggen flessen klaar."),
    ("nl", "Dorst? Op de markt van Maaseik hebben we 500 liter water, kom gerust."),
    ("nl", "Gestrande festivalgangers hier? Ik heb een grote tent en vier matjes in Kiewit."),
    ("nl", "Iemand een lift nodig naar Luik? Wij hebben pas om 5 uur plaats, maar dan wel voor drie."),
    # fr: "besoin de ...?", "qui a besoin ...?", "sans ...?", "chez nous", "on peut"
    ("fr", "Besoin d'une douche chaude à Chaudfontaine ? Chez nous la porte est ouverte toute la journée."),
    ("fr", "Qui a besoin de couches pour bébé ? Nous avons deux paquets neufs à Verviers."),
    ("fr", "Des voisins sans chauffage à Esneux ? On peut prêter deux radiateurs électriques."),
    ("fr", "Votre chien a besoin d'un abri ? J'ai un grand jardin clôturé à Ans."),
    # en: "anyone need ...?", "need ...?", "without ...?", "we can", "room for"
    ("en", "Does anybody need a hot meal tonight? We can cook for twenty at the scout hall in Bree."),
    ("en", "Need a phone charger near the main stage? I've got three power banks, find me at the info tent."),
    ("en", "Families without a roof in Pepinster? Our house in Spa has room for five."),
    ("en", "Hungry after the evacuation? We have sandwiches at the Red Cross tent."),
    # de: "braucht jemand ...?", "wer braucht ...?", "ohne ...?", "bei mir", "ich kann"
    ("de", "Braucht jemand Gummistiefel in Eupen? Ich habe fünf Paar in Größe 42 übrig."),
    ("de", "Wer braucht eine Fahrt nach Sankt Vith? Ich kann morgen früh zwei Leute mitnehmen."),
    ("de", "Familien ohne Strom in Kelmis? Bei mir kann man Handys laden und Kaffee trinken."),
    ("de", "Benötigt ihr Hilfe beim Schlamm schippen? Wir haben sechs Helfer und Schaufeln."),
]

REQUESTS = [
    # a question about having, not needing, alone or followed by the poster's trouble
    ("nl", "Wie heeft er nog plaats om te slapen?"),
    ("nl", "Wie heeft er nog een boot? Wij zitten met drie kinderen op de eerste verdieping."),
    # someone else's need, but what the poster "has" is nothing or a need of their own
    ("nl", "Iemand medicijnen nodig? Wij hebben zelf ook niets meer in huis."),
    ("nl", "Heeft er iemand nog een generator nodig? Wij hebben er dringend een nodig in Theux."),
    # the poster's own need ("we") in the question
    ("nl", "Hebben we nog zandzakken nodig? We hebben nog maar tien zakken aan de voordeur."),
    ("fr", "Quelqu'un a de la place pour une famille de quatre ce soir à Liège ?"),
    ("fr", "Besoin d'aide à Trooz ? Oui, nous n'avons plus rien, la maison est sous l'eau."),
    ("fr", "De quoi avons-nous besoin ? Nous avons besoin de pelles et de seaux à Limbourg."),
    ("en", "Does anyone have a spare room for tonight in Hasselt?"),
    ("en", "Anyone need to know? We have no power and no water since yesterday in Verviers."),
    ("en", "Do I need a doctor? I have a deep cut on my leg and the road to the hospital is closed."),
    ("de", "Hat jemand einen Schlafplatz für eine Familie in Eupen?"),
    ("de", "Braucht noch jemand Hilfe? Wir haben alles verloren und suchen eine Wohnung."),
    ("de", "Brauchen wir Sandsäcke? Wir haben nur noch drei vor der Tür."),
    # no question at all: the rule needs a "?"
    ("en", "We need blankets. We have three small children with us in Tongeren."),
]


@pytest.mark.parametrize(("language", "text"), OFFERS)
def test_a_question_about_someone_elses_need_then_what_the_poster_has_is_an_offer(language: str, text: str) -> None:
    found = need_words().offer_question(text)
    assert found is not None, text
    assert found.language == language
    assert found.question.endswith("?") and found.question in text and found.has in text
    assert text.index(found.has) > text.index(found.question)  # the offer follows the question


@pytest.mark.parametrize(("language", "text"), REQUESTS)
def test_questions_that_stay_requests(language: str, text: str) -> None:
    assert need_words().offer_question(text) is None, text


def test_the_evidence_is_the_question_and_the_sentence_after_it() -> None:
    found = need_words().offer_question("Iemand opvang nodig? Wij hebben plaats in Genk. Bel 0471 12 34 56.")
    assert found is not None
    assert found.as_dict() == {
        "language": "nl",
        "question": "Iemand opvang nodig?",
        "has": "Wij hebben plaats in Genk.",
    }


def test_each_language_is_matched_with_its_own_lists() -> None:
    # French "pas" (not) is Dutch "pas" (only): with the lists merged, this Dutch offer would be refused.
    words = build(
        {
            "nl": parse(_questions(need=["nodig"], speaker=["wij"], has=["hebben"], lacks=["geen"]), "nl.yaml"),
            "fr": parse(_questions(need=["besoin"], speaker=["nous"], has=["avons"], lacks=["pas"]), "fr.yaml"),
        }
    )
    assert words.offer_question("Iemand een lift nodig? Ze hebben pas om 5 uur plaats.") is not None
    assert words.offer_question("Besoin d'un lift ? Ils avons pas de place.") is None
    assert words.offer_question("Iemand een lift nodig? Ze hebben geen plaats.") is None


def test_a_list_without_offer_questions_reads_none() -> None:
    words = build({"nl": parse({"needs": {"shelter": ["opvang"]}}, "nl.yaml")})
    assert words.offer_question("Iemand opvang nodig? Wij hebben plaats in Genk.") is None


def _questions(**lists: list[object]) -> dict[str, object]:
    return {"needs": {"shelter": ["opvang"]}, "offer_questions": lists}


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (_questions(need=["nodig"], speaker=["wij"], has=["hebben"]), "exactly the lists need, speaker, has, lacks"),
        (
            _questions(need=["nodig"], speaker=["wij"], has=["hebben"], lacks=["geen"], lists=["x"]),
            "exactly the lists",
        ),
        (_questions(need=[], speaker=["wij"], has=["hebben"], lacks=["geen"]), r"offer_questions.need must be"),
        # YAML reads an unquoted `no` or `on` as a boolean: the error says which entry to write as a word
        (
            _questions(need=["need"], speaker=["we"], has=["have"], lacks=[False]),
            r"offer_questions.lacks\[0\] is False",
        ),
        ({"needs": {"shelter": ["opvang"]}, "offer_question": {}}, "unknown section offer_question"),
    ],
)
def test_broken_offer_question_lists_say_what_to_fix(data: object, message: str) -> None:
    with pytest.raises(WordListError, match=message):
        parse(data, "t.yaml")


def test_an_offer_question_is_an_offer_whatever_the_scores() -> None:
    model = CrisisModel(
        kind_weights=np.zeros((4, 514), np.float32),
        kind_bias=np.zeros(4, np.float32),
        need_weights=np.zeros((8, 512), np.float32),
        need_bias=np.zeros(8, np.float32),
        offer_threshold=0.5,
        request_threshold=0.4,
        need_thresholds=np.full(8, 0.5, np.float32),
    )
    requests = np.array([[0.9, 0.05, 0.03, 0.02], [0.9, 0.05, 0.03, 0.02]], np.float32)
    assert model.kinds(requests, [False, False], [True, False]) == ["offer", "request"]
    assert model.kinds(requests, [False, False]) == ["request", "request"]
