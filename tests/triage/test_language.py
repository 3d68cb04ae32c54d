"""Tests for hierniet.triage.language: short, informal Belgian comments above all."""

from __future__ import annotations

import pytest

from hierniet.domain import Language
from hierniet.triage.language import detect_language, detect_languages

FLEMISH = [
    "amai, zot goe!",
    "allez gij, da's nie waar",
    "ge zijt gij nie goe wijs",
    "'k weet het nie",
    "dikke merci!",
    "efkes wachten he",
    "da's echt schandalig",
    "wa is da hier allemaal",
    "awel merci",
    "goe bezig mannekes",
    "kheb het gezien",
    "nen dikke merci aan iedereen",
    "proficiat!",
    "ge moet da efkes checken",
    "@jan kzie u morgen",
    "tis wel schoon",
    "sorry maar da klopt nie",
    "gaat ge da oplossen of nie?",
    "SCHANDALIG GEWOON",
    "wanneer zijn jullie open?",
    "hahaha zalig",
]

BELGIAN_FRENCH = [
    "ça va pas non ?",
    "une fois que tu sais",
    "septante-cinq euros",
    "nonante pour cent",
    "tkt mdr",
    "c'est vraiment nul",
    "n'importe quoi",
    "ptdr le mec",
    "franchement c'est honteux",
    "pourquoi c'est fermé ?",
    "merci beaucoup !",
    "je sais pas",
    "bah non",
    "wsh frérot",
    "à tantôt",
    "il drache encore",
    "quel brol",
    "ta gueule",
    "bon courage",
    "MERCI POUR RIEN",
]

ENGLISH = [
    "wtf lol",
    "omg",
    "thank you so much",
    "lmao",
    "idk tbh",
    "great job guys",
    "you're an idiot",
    "I don't get it",
    "shame on you",
    "any update?",
    "can't believe this",
    "who cares",
]

GERMAN = [
    "danke",
    "bitte",
    "vielen Dank!",
    "Danke schön!",
    "das ist eine Frechheit",
    "genau so ist es",
    "was für ein Quatsch",
    "moin zusammen",
    "geht's noch?",
    "nicht schon wieder",
    "Mir reicht's",
]

SHORT_INFORMAL = (
    [(text, Language.NL) for text in FLEMISH]
    + [(text, Language.FR) for text in BELGIAN_FRENCH]
    + [(text, Language.EN) for text in ENGLISH]
    + [(text, Language.DE) for text in GERMAN]
)


def test_enough_short_examples() -> None:
    assert len(SHORT_INFORMAL) >= 40


@pytest.mark.parametrize(("text", "expected"), SHORT_INFORMAL)
def test_short_informal_comments(text: str, expected: Language) -> None:
    language, confidence = detect_language(text)
    assert language is expected, (text, language, confidence)
    assert 0.0 <= confidence <= 1.0


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Waarom is de winkel in Gent vandaag gesloten? Niemand heeft iets gecommuniceerd.", Language.NL),
        ("Ça fait trois semaines que j'attends une réponse, c'est inadmissible.", Language.FR),
        ("Still waiting for my refund after three weeks, this is unacceptable.", Language.EN),
        ("Seit drei Wochen warte ich auf eine Antwort, das ist unglaublich.", Language.DE),
        # Close relatives fold into the language a Belgian reader would name.
        ("Dit is baie mooi, dankie vir die hulp", Language.NL),  # Afrikaans
        ("Moien, ech sinn net averstan mat deem wat dir gesot hutt", Language.DE),  # Luxembourgish
        ("Bondjoû, kimint çki va avou vos?", Language.FR),  # Walloon
    ],
)
def test_ordinary_sentences_are_confident(text: str, expected: Language) -> None:
    language, confidence = detect_language(text)
    assert language is expected
    assert confidence > 0.8


@pytest.mark.parametrize(
    "text",
    [
        "Este servicio es una vergüenza total",
        "Hola, ¿qué tal? Muchas gracias por todo amigo",
        "Questo è davvero inaccettabile",
        "Bugün hava çok güzel, teşekkürler",
        "To jest skandal, naprawdę",
        "مرحبا كيف حالك",
        "Привет, как дела?",
    ],
)
def test_other_languages_are_other(text: str) -> None:
    language, _ = detect_language(text)
    assert language is Language.OTHER


@pytest.mark.parametrize(
    "text", ["😂😂😂", "👍", "🤬🤬🤬 @Proximus", "https://example.com/x?y=1", "12/03/2026", "", "  "]
)
def test_no_letters_is_other_with_low_confidence(text: str) -> None:
    language, confidence = detect_language(text)
    assert language is Language.OTHER
    assert confidence < 0.5


def test_urls_mentions_and_emoji_are_ignored() -> None:
    language, confidence = detect_language(
        "@Proximus 😡😡 waarom is mijn internet weer plat? https://t.co/abc"
    )
    assert language is Language.NL
    assert confidence > 0.8


def test_hint_decides_ambiguous_short_text() -> None:
    # Flemish and French speakers both write "merci"; the organisation's language decides.
    assert detect_language("merci", hint="nl")[0] is Language.NL
    assert detect_language("merci", hint="fr")[0] is Language.FR
    assert detect_language("ok", hint="fr-BE")[0] is Language.FR
    assert detect_language("ok", hint="nl_BE")[0] is Language.NL
    assert detect_language("ok", hint="NL")[0] is Language.NL


def test_hint_does_not_override_clear_text() -> None:
    text = "Ik ben het daar helemaal niet mee eens, dit is echt belachelijk"
    assert detect_language(text, hint="fr")[0] is Language.NL
    assert detect_language("danke", hint="nl")[0] is Language.DE
    assert detect_language("c'est vraiment nul", hint="nl")[0] is Language.FR


def test_hint_for_a_language_we_do_not_serve_is_ignored() -> None:
    assert detect_language("c'est vraiment nul", hint="es") == detect_language("c'est vraiment nul")
    assert detect_language("merci", hint="") == detect_language("merci")


def test_bad_hint_says_what_to_pass() -> None:
    with pytest.raises(ValueError, match="'nl', 'fr', 'en' or 'de'"):
        detect_language("merci", hint="123")


def test_mixed_brussels_comment_keeps_dominant_language_with_lower_confidence() -> None:
    mixed = "Merci voor de info, maar c'est vraiment nul"
    language, confidence = detect_language(mixed)
    assert language in (Language.NL, Language.FR)
    assert confidence < 0.6
    assert confidence < detect_language("Merci voor de info, dat is echt goed")[1]
    assert confidence < detect_language("Merci pour l'info, mais c'est vraiment nul")[1]


def test_one_word_is_never_fully_certain() -> None:
    for word in ("merci", "danke", "omg", "proficiat"):
        assert detect_language(word)[1] < 0.8


def test_batch_matches_single_calls() -> None:
    texts = [text for text, _ in SHORT_INFORMAL] + ["😂", "", "Este servicio es una vergüenza total"]
    batch = detect_languages(texts)
    single = [detect_language(text) for text in texts]
    assert [language for language, _ in batch] == [language for language, _ in single]
    # The batch path sums in a different order (sparse product), so allow float noise.
    assert [confidence for _, confidence in batch] == pytest.approx(
        [confidence for _, confidence in single], abs=1e-4
    )


def test_batch_with_hints() -> None:
    result = detect_languages(["merci", "merci", "ok"], hints=["nl", "fr", None])
    assert [language for language, _ in result][:2] == [Language.NL, Language.FR]
    assert detect_languages([]) == []


def test_batch_rejects_mismatched_hints_and_bare_strings() -> None:
    with pytest.raises(ValueError, match="one hint per text"):
        detect_languages(["a", "b"], hints=["nl"])
    with pytest.raises(TypeError, match="detect_language"):
        detect_languages("merci")
    with pytest.raises(TypeError, match="position 1"):
        detect_languages(["merci", None])  # type: ignore[list-item]
