"""Matching requests with offers (hierniet.crisis.matching): pure, every part of the score a Reason."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hierniet.crisis.matching import CardFacts, Spot, distance_km, score_pair, spots_of, suggest

HASSELT = Spot("Hasselt", 50.93106, 5.33781)
GENK = Spot("Genk", 50.965, 5.50082)
ARLON = Spot("Arlon", 49.68333, 5.81667)
T0 = datetime(2026, 8, 18, 18, tzinfo=UTC)


def _card(i: int, needs: set[str], *spots: Spot, at: datetime = T0) -> CardFacts:
    return CardFacts(i, frozenset(needs), spots, first_seen=at, last_seen=at)


def test_distance_and_places_with_coordinates_only() -> None:
    assert 11 <= distance_km(HASSELT, GENK) <= 13
    assert 140 <= distance_km(HASSELT, ARLON) <= 150
    places = [{"name": "Hasselt", "lat": 50.9, "lon": 5.3}, {"name": "Pajottegem", "lat": None, "lon": None}]
    assert spots_of(places) == (Spot("Hasselt", 50.9, 5.3),)


def test_a_pair_needs_a_shared_need_and_a_place_within_reach() -> None:
    request = _card(1, {"shelter"}, HASSELT)
    assert score_pair(request, _card(2, {"transport"}, HASSELT)) is None
    assert score_pair(request, _card(3, {"shelter"}, ARLON)) is None
    near = score_pair(request, _card(4, {"shelter"}, GENK))
    assert near is not None and near.score > 0.95
    assert [r.code for r in near.reasons] == ["crisis.match_need", "crisis.match_distance"]
    assert near.reasons[1].params == {"request_place": "Hasselt", "offer_place": "Genk", "km": 12}
    # No place known on one side: worth a look, but less than a pair known to be near.
    unknown = score_pair(request, _card(5, {"shelter"}))
    assert unknown is not None and unknown.score < near.score
    assert [r.code for r in unknown.reasons] == ["crisis.match_need", "crisis.match_no_place"]
    # An offer last seen two days before the request counts less, and says why.
    old = score_pair(request, _card(6, {"shelter"}, GENK, at=T0 - timedelta(hours=48)))
    assert old is not None and old.score < near.score and old.reasons[-1].params == {"hours": 48}


def test_suggest_keeps_the_best_few_and_never_a_refused_pair() -> None:
    request = _card(1, {"shelter", "transport"}, HASSELT)
    offers = [_card(10 + i, {"shelter"}, GENK) for i in range(5)] + [_card(20, {"shelter", "transport"}, GENK)]
    found = suggest([request], offers)
    assert [s.offer_id for s in found] == [20, 10, 11]  # both needs first, then ties by the older offer
    found = suggest([request], offers, refused=frozenset({(1, 20), (1, 10)}))
    assert [s.offer_id for s in found] == [11, 12, 13]
