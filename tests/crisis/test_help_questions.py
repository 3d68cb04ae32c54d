"""Two shapes of Belgian crisis posts the reader decides by rule (issue 15, second round):

* a question that asks for help ("Wie kan ons komen halen?", "Quelqu'un sait où trouver de l'eau ?") is a
  request, where the model reads news or chatter into a need put indirectly; a rhetorical question, a question
  about giving something away, a question about someone else's need, or a post saying what the poster has stay
  with the model and the offer-question rule;
* a repost ("RT @x: Wij hebben plaats ...") is read without its marker: it says what its original says.

The words are data (crisis/words/*.yaml, `help_questions`), validated like the other lists. These sentences were
written for the tests (none is taken from a frozen set).
"""

from __future__ import annotations

import numpy as np
import pytest

from hierniet.crisis.classify import CrisisModel
from hierniet.crisis.normalize import unprefixed
from hierniet.crisis.words import WordListError, build, need_words, parse

ASKS = [
    ("nl", "Wie kan ons morgen naar het containerpark rijden met een aanhangwagen?"),
    ("nl", "Weet iemand waar ze in Bree nog zandzakken uitdelen?"),
    ("nl", "Kan er iemand gaan kijken bij mijn tante in de Kerkstraat? Ze doet niet open."),
    ("nl", "Is er iemand die een bootje heeft in de buurt van Lier?"),
    ("fr", "Qui pourrait venir pomper notre cave à Tilff ce soir ?"),
    ("fr", "Quelqu'un sait où trouver du lait pour bébé à Huy ?"),
    ("fr", "Y a-t-il quelqu'un avec un tracteur près de Hamoir ?"),
    ("en", "Can anyone get a message to my grandmother's care home in Spa?"),
    ("en", "Does anyone know where the evacuees from the campsite were taken?"),
    ("en", "Is there anyone with a 4x4 near the main gate?"),
    ("de", "Kann uns jemand helfen, die Möbel aus dem Keller zu tragen?"),
    ("de", "Weiß jemand, wo man in Kelmis Trinkwasser abholen kann?"),
    ("de", "Wer kann meine Mutter in Eynatten abholen? Sie hat kein Auto mehr."),
]

NOT_ASKING = [
    # rhetorical, or about the news
    ("nl", "Waarom kan niemand ons vertellen wanneer de stroom terugkomt?"),
    ("fr", "Pourquoi personne ne peut nous dire quand l'eau revient ?"),
    ("en", "Why can nobody tell us when the trains will run again?"),
    ("de", "Warum kann uns niemand sagen, wann der Strom zurückkommt?"),
    # giving something away
    ("nl", "Ik heb twintig dekens over, wie kan ze gebruiken?"),
    ("en", "I've got a box of tinned food, can anyone use it?"),
    ("de", "Hat jemand Verwendung für Decken? Ich kann sie vorbeibringen."),
    # a question about someone else's need: an offer's shape
    ("nl", "Is er iemand die nog een slaapplaats nodig heeft?"),
    ("fr", "Quelqu'un a besoin d'un transport vers Huy ?"),
    # the poster says what they have
    ("en", "Does anyone have a dog that needs a home for a week? We have a big garden."),
    # no question at all
    ("en", "Can anyone believe this rain. Unreal."),
]


@pytest.mark.parametrize(("language", "text"), ASKS)
def test_a_question_asking_for_help_is_found(language: str, text: str) -> None:
    found = need_words().help_question(text)
    assert found is not None, text
    assert found.endswith("?") and found in text


@pytest.mark.parametrize(("language", "text"), NOT_ASKING)
def test_questions_that_do_not_ask_for_help(language: str, text: str) -> None:
    assert need_words().help_question(text) is None, text


def _model() -> CrisisModel:
    return CrisisModel(
        kind_weights=np.zeros((4, 514), np.float32),
        kind_bias=np.zeros(4, np.float32),
        need_weights=np.zeros((8, 512), np.float32),
        need_bias=np.zeros(8, np.float32),
        offer_threshold=0.5,
        request_threshold=0.5,
        need_thresholds=np.full(8, 0.5, np.float32),
    )


def test_a_help_question_makes_news_or_chatter_a_request_but_never_overrules_an_offer() -> None:
    news = np.array([0.2, 0.1, 0.6, 0.1], np.float32)
    chatter = np.array([0.2, 0.1, 0.1, 0.6], np.float32)
    offer = np.array([0.1, 0.7, 0.1, 0.1], np.float32)
    rows = np.stack([news, chatter, offer, news])
    model = _model()
    assert model.kinds(rows, None, None, [True, True, True, False]) == ["request", "request", "offer", "info"]
    assert model.kinds(rows) == ["info", "other", "offer", "info"]


def test_a_list_without_help_questions_reads_none() -> None:
    words = build({"nl": parse({"needs": {"shelter": ["opvang"]}}, "nl.yaml")})
    assert words.help_question("Wie kan ons komen halen?") is None


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"needs": {"shelter": ["opvang"]}, "help_questions": {"asks": ["wie kan"]}}, "exactly the lists asks, unless"),
        ({"needs": {"shelter": ["opvang"]}, "help_questions": ["wie kan"]}, "exactly the lists asks, unless"),
        (
            {"needs": {"shelter": ["opvang"]}, "help_questions": {"asks": [], "unless": ["waarom"]}},
            r"help_questions.asks must be",
        ),
        # YAML reads an unquoted `no` as False: the error names the entry to write as a word
        (
            {"needs": {"shelter": ["shelter"]}, "help_questions": {"asks": ["can anyone"], "unless": [False]}},
            r"help_questions.unless\[0\] is False",
        ),
    ],
)
def test_broken_help_question_lists_say_what_to_fix(data: object, message: str) -> None:
    with pytest.raises(WordListError, match=message):
        parse(data, "t.yaml")


@pytest.mark.parametrize(
    ("post", "body"),
    [
        ("RT @jeugdhuis_bree: Wij hebben nog 12 veldbedden vrij", "Wij hebben nog 12 veldbedden vrij"),
        ("RT @a: RT @b: On prête une remorque à Tilff", "On prête une remorque à Tilff"),
        ("Repost: spare sleeping bags at the town hall", "spare sleeping bags at the town hall"),
        ("Teilen bitte! Hund entlaufen in Eupen", "Hund entlaufen in Eupen"),
        ("Wij hebben plaats in Genk", "Wij hebben plaats in Genk"),
        ("RT @x:", "RT @x:"),  # only a marker: kept as written
    ],
)
def test_a_repost_is_read_without_its_marker(post: str, body: str) -> None:
    assert unprefixed(post) == body
