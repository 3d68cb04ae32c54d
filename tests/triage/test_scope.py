"""Scope: negation and counter-speech act on their own clause, and a harmless sentence never hides abuse.

The property is checked over our own labelled examples and, where ../shared/devset is present, the
development set (read to report, never trained on): every comment the engine reads as hate is still read
so when a harmless sentence is added before or after it. Hate is read clause by clause, the highest clause
winning, so this holds by construction; threats rest on per-clause rules and on the model's reading of the
whole comment (read clause by clause, threats cried wolf at complaints), so a threat the model alone found
can move with the context, and the property is not claimed for it.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hierniet.domain import Comment, Label
from hierniet.training.own import load_own
from hierniet.triage.normalize import normalize
from hierniet.triage.pipeline import Triage, default_triage
from hierniet.triage.units import split_units
from triage_helpers import classify_one

DEVSET = Path(__file__).resolve().parents[3] / "shared" / "devset"
HARMLESS = (
    "Fijne dag nog.",
    "Bonne journée.",
    "Have a nice day.",
    "Schönen Tag noch.",
    "Let's be honest:",
    "Eerlijk is eerlijk:",
    "Soyons honnêtes :",
    "Stop the lies.",
    "Just saying.",
    "Merci pour l'info.",
    "Bedankt voor de info!",
    "Allez, goeienavond.",
    "😊",
)
WATCHED = (Label.HATE,)


def _texts() -> list[str]:
    texts = [e.text for e in load_own() if set(e.labels) & {Label.HATE, Label.THREAT}]
    for name in ("belgian_comments_dev.jsonl", "belgian_comments_dev2.jsonl"):
        path = DEVSET / name
        if path.is_file():
            for line in path.read_text(encoding="utf-8").splitlines():
                row = json.loads(line)
                if set(row["labels"]) & {"hate", "threat"}:
                    texts.append(row["text"])
    return texts


@cache
def caught() -> list[tuple[str, frozenset[Label]]]:
    """The hateful (or threatening) examples the engine reads as hate."""
    engine: Triage = default_triage()
    texts = _texts()
    verdicts = engine.classify([Comment(id=str(i), text=t) for i, t in enumerate(texts)])
    return [
        (t, frozenset(v.labels) & frozenset(WATCHED))
        for t, v in zip(texts, verdicts, strict=True)
        if set(v.labels) & set(WATCHED)
    ]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), harmless=st.sampled_from(HARMLESS), before=st.booleans())
def test_a_harmless_sentence_never_lowers_the_verdict(data: st.DataObject, harmless: str, before: bool) -> None:
    examples = caught()
    if not examples:
        pytest.skip("no hateful example is caught")
    text, labels = data.draw(st.sampled_from(examples))
    combined = f"{harmless} {text}" if before else f"{text} {harmless}"
    verdict = classify_one(default_triage(), combined)
    assert labels <= set(verdict.labels), f"{combined!r}: {labels} lost, got {verdict.labels} {verdict.reasons}"


def test_no_harmless_sentence_lowers_any_caught_example() -> None:
    # The property above, exhaustively: every caught example with every harmless sentence, before and after,
    # in one batch, so a failure is found on every run and not only when the random draw hits it.
    combos = [
        (text, labels, f"{h} {text}" if before else f"{text} {h}")
        for text, labels in caught()
        for h in HARMLESS
        for before in (True, False)
    ]
    verdicts = default_triage().classify([Comment(id=str(i), text=c[2]) for i, c in enumerate(combos)])
    lost = [c[2] for c, v in zip(combos, verdicts, strict=True) if not c[1] <= set(v.labels)]
    assert lost == [], f"{len(lost)} of {len(combos)} lose their label, e.g. {lost[:5]}"


def test_most_hateful_examples_are_caught() -> None:
    # The property above is only worth something if it runs over many caught examples.
    assert len(caught()) >= 100


@pytest.mark.parametrize(
    ("text", "units"),
    [
        ("Ik heb niets tegen moslims, maar ze zijn allemaal criminelen.", 2),
        ('"Moslims zijn ratten." Wie dat zegt is een racist.', 1),
        ("Fijne dag nog. Moslims zijn ratten.", 2),
        ("Let's be honest: gays disgust me.", 2),
    ],
)
def test_units(text: str, units: int) -> None:
    assert len(split_units(normalize(text))) == units


def test_negation_stays_in_its_clause(triage: Triage) -> None:
    verdict = classify_one(triage, "Ik heb niets tegen moslims, maar het zijn allemaal ratten.")
    assert Label.HATE in verdict.labels, verdict.reasons
    verdict = classify_one(triage, "Ik heb niets tegen moslims.")
    assert Label.HATE not in verdict.labels, verdict.reasons


def test_counter_speech_stays_in_its_clause(triage: Triage) -> None:
    verdict = classify_one(triage, "Stop the lies. Muslims are vermin.")
    assert Label.HATE in verdict.labels, verdict.reasons
    verdict = classify_one(triage, "Stop spreading lies that Muslims are vermin.")
    assert Label.HATE not in verdict.labels, verdict.reasons


def test_hate_in_a_following_sentence_refers_back(triage: Triage) -> None:
    verdict = classify_one(triage, "I met some Muslims at the market. They are vermin.")
    assert Label.HATE in verdict.labels and verdict.target is not None, verdict.reasons


def test_two_sentences_without_a_full_stop_are_also_read_apart() -> None:
    from hierniet.triage.units import alternative_units

    text = "Die mensen horen hier niet thuis Stop met de leugens"
    nt = normalize(text)
    primary = split_units(nt)
    pieces = [text[u.start : u.end] for u in alternative_units(nt, primary)]
    assert pieces == ["Die mensen horen hier niet thuis", "Stop met de leugens"]
    # German capitalises nouns: each cut is read as before/after, so the clause itself stays whole somewhere.
    german = "Schwule sind eine Krankheit für unser Land Hört auf mit den Lügen"
    nt = normalize(german)
    readings = [german[u.start : u.end] for u in alternative_units(nt, split_units(nt))]
    assert "Schwule sind eine Krankheit für unser Land" in readings
    # A group's name is never cut off as the start of a sentence (Dutch and German capitalise them).
    named = normalize("Ik haat echt alle Marokkanen hier")
    assert alternative_units(named, split_units(named), frozenset({4})) == []


def test_hostility_toward_a_protected_group_is_hate_toward_others_an_insult(triage: Triage) -> None:
    hate, insult = triage.classify(
        [Comment(id="1", text="Gays disgust me."), Comment(id="2", text="Politicians disgust me.")]
    )
    assert Label.HATE in hate.labels and hate.target is not None, hate.reasons
    assert Label.HATE not in insult.labels, insult.reasons


def test_an_emoji_before_a_capital_ends_a_sentence() -> None:
    # Chat writes emoji as full stops: the harmless sentence after it is a unit of its own.
    assert len(split_units(normalize("Zurück in die Küche, Mädels 😂 Eerlijk is eerlijk:"))) == 2
    assert len(split_units(normalize("Super leuk 😂 echt waar"))) == 1
