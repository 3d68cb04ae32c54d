"""Each signal of the raid detector on its own (hierniet.raids.signals)."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

import pytest

from hierniet.raids import signals


def test_words_and_shingles() -> None:
    assert signals.words("Wat een IDIOOT, #Schande!") == ["wat", "een", "idioot", "schande"]
    assert signals.shingles(["a", "b", "c"]) == ["a", "b", "c", "a b", "b c"]
    assert signals.shingles([]) == [""]


def test_tags_and_links() -> None:
    found = signals.tags_and_links("Kijk #DemostadSchande en https://example.org/x. of #schande")
    assert found == frozenset({"#demostadschande", "#schande", "https://example.org/x"})
    assert signals.tags_and_links("geen tags hier, 5 # niet") == frozenset()


@pytest.mark.parametrize(
    ("text", "phrase"),
    [
        ("Iedereen naar de pagina van de stad!", "iedereen naar"),
        ("Tous sur la page de Démoville !", "tous sur"),
        ("Everyone go to @stad and let them hear it", "everyone go to"),
        ("Alle zu dieser Seite!", "alle zu"),
        ("Ik ga met iedereen naar het festival", "iedereen naar"),  # the words, whatever the intent
        ("De toussaint is voorbij", None),  # 'tous' inside a word is no call
        ("Alle zusammen, schönes Fest", None),
        ("", None),
    ],
)
def test_call_to_arms(text: str, phrase: str | None) -> None:
    assert signals.call_to_arms(text) == phrase


def test_baseline_ewma() -> None:
    assert signals.ewma_step(0.0, 0.5, 10) == 5.0
    assert signals.ewma_advance(4.0, 0.5, 2) == 1.0
    assert signals.ewma_advance(4.0, 0.5, 0) == 4.0


def test_burst_against_baseline() -> None:
    # A quiet post: the floor decides.
    assert signals.burst_threshold(0.0, 5, 4.0, 8) == 8.0
    assert signals.is_burst(8, 6, 0.0, 5, 4.0, 8, 6)
    assert not signals.is_burst(7, 7, 0.0, 5, 4.0, 8, 6)
    assert not signals.is_burst(20, 5, 0.0, 5, 4.0, 8, 6)  # too few authors: one person ranting
    # A busy post (2 a minute, 10 a window) needs four times its usual rate.
    assert not signals.is_burst(30, 30, 2.0, 5, 4.0, 8, 6)
    assert signals.is_burst(40, 30, 2.0, 5, 4.0, 8, 6)


def test_share_and_new_accounts() -> None:
    assert signals.share(1, 4) == 0.25
    assert signals.share(1, 0) == 0.0
    now = datetime(2026, 3, 2, tzinfo=UTC)
    assert signals.is_new_account(now - timedelta(days=3), now, 30)
    assert not signals.is_new_account(now - timedelta(days=300), now, 30)
    assert not signals.is_new_account(None, now, 30)


def test_shared_markers_need_enough_authors() -> None:
    markers = {f"a{i}": {"#schande"} for i in range(4)} | {f"b{i}": set() for i in range(6)} | {"c": {"#other"}}
    assert signals.shared_markers(markers, 3, 0.2) == {"#schande"}
    # Four of forty authors is below a share of 20 %.
    markers |= {f"d{i}": set() for i in range(30)}
    assert signals.shared_markers(markers, 3, 0.2) == set()


def test_near_duplicates_group_edited_copies() -> None:
    texts = [
        "Schepen Claes is een corrupte idioot, weg met die clown #Schande",
        "Wat een mooi nieuw zwembad, ik ga zeker zwemmen met de kinderen",
        "Schepen Claes is een corrupte idioot, weg met die clown #Schande 🤡",
        "Schepen Claes is een corupte idioot weg met die clown #Schande",
        "Schepen Claes is een een corrupte idioot, weg met die clown",
        "Super!",
        "Super!",
        "Top",
    ]
    leaders = signals.near_duplicate_groups(texts, 0.5, 4)
    assert leaders[0] == leaders[2] == leaders[3] == leaders[4] == 0
    assert leaders[1] == 1
    assert leaders[5] == leaders[6] == 5  # an exact copy is a copy, however short
    assert leaders[7] == 7


def test_near_duplicates_are_incremental() -> None:
    texts = [f"Dit is bericht nummer {w} over iets heel anders dan de rest" for w in ("een", "twee")]
    groups = signals.NearDuplicates(0.5, 4)
    first = list(groups.add(texts[:1]))
    assert groups.add(texts[1:]) == signals.near_duplicate_groups(texts, 0.5, 4)
    assert first == [0]


def test_regexes_are_linear() -> None:
    # tests/security/test_redos.py runs every module-level pattern; this names the raid signals' own worst
    # shapes (long runs without the character a pattern waits for).
    for text in ("#" + "a" * 20_000, "http://" + "a" * 20_000, "a_" * 10_000, "iedereen " * 3_000):
        began = time.perf_counter()
        signals.tags_and_links(text)
        signals.call_to_arms(text)
        assert time.perf_counter() - began < 1.0
