"""Collapse: exact reposts, edited reposts and distinct posts, counted by hand."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from hierniet.crisis.collapse import Post, collapse

T0 = datetime(2021, 7, 15, 8, 0, tzinfo=UTC)
OFFER = "Wij bieden opvang voor 4 personen in Pepinster, water en eten aanwezig, bel 0471 12 34 56"
REQUEST = "Dringend: gezin van 5 zoekt onderdak in Verviers, alles is weggespoeld, wie kan helpen? 0478 99 88 77"


def _posts(texts: list[str]) -> list[Post]:
    return [Post(id=f"p{i}", text=t, at=T0 + timedelta(minutes=i)) for i, t in enumerate(texts)]


def test_exact_and_edited_reposts_make_one_card_with_counts_and_times() -> None:
    texts = [
        OFFER,  # p0
        "RT @jan: " + OFFER,  # p1: prefix
        OFFER.replace("0471 12 34 56", "+32 471 12.34.56"),  # p2: phone written otherwise
        OFFER + " 🙏 #Vesdre",  # p3: tail
        OFFER.replace("water en eten aanwezig", "water en warm eten aanwezig"),  # p4: a word added
        OFFER.replace("opvang", "opvnag"),  # p5: a typo
        REQUEST,  # p6
        "Partagé : " + REQUEST,  # p7
        "Iemand nieuws over de treinen tussen Gent en Brugge vandaag?",  # p8: distinct
    ]
    result = collapse(_posts(texts))
    assert result.assignment[:6] == [0] * 6
    assert result.assignment[6:] == [1, 1, 2]
    offer = result.clusters[0]
    assert offer.count == 6 and offer.text == OFFER
    assert offer.post_ids == ["p0", "p1", "p2", "p3", "p4", "p5"]
    assert offer.first_seen == T0 and offer.last_seen == T0 + timedelta(minutes=5)
    assert len(offer.variants) == 6 and offer.variants[OFFER] == 1
    assert result.clusters[1].count == 2 and result.clusters[2].count == 1
    record = offer.as_dict(max_variants=2)
    assert record["count"] == 6 and record["variant_count"] == 6 and len(record["variants"]) == 2  # type: ignore[arg-type]
    assert record["first_seen"] == "2021-07-15T08:00:00+00:00"


@pytest.mark.parametrize(
    "other",
    [
        OFFER.replace("0471 12 34 56", "0499 65 43 21"),  # another phone number: another offer
        OFFER.replace("4 personen", "2 personen"),  # another count
        OFFER.replace("Wij bieden", "Wij zoeken"),  # a request, not the offer
    ],
)
def test_near_identical_but_different_messages_stay_apart(other: str) -> None:
    result = collapse(_posts([OFFER, other]))
    assert result.assignment == [0, 1]


def test_distinct_posts_on_one_topic_stay_apart() -> None:
    texts = [
        "Het water in de Vesder stijgt snel in Pepinster",
        "De brug in Pepinster is afgesloten door het water",
        "Wie heeft nieuws over de Vesder in Verviers",
        "In Pepinster is de stroom uitgevallen",
    ]
    assert collapse(_posts(texts)).assignment == [0, 1, 2, 3]


def test_same_input_same_clusters_and_no_times() -> None:
    texts = [OFFER, "RT @a: " + OFFER, REQUEST, OFFER.replace("opvang", "onderdak")]
    posts = [Post(id=str(i), text=t) for i, t in enumerate(texts)]
    first, second = collapse(posts), collapse(posts)
    assert first.assignment == second.assignment
    assert first.clusters[0].first_seen is None and first.clusters[0].last_seen is None


def test_a_wrong_threshold_is_refused() -> None:
    with pytest.raises(ValueError, match="not a similarity"):
        collapse(_posts([OFFER, REQUEST]), threshold=1.5)
