"""The crisis board's filters and map points (issue 15): by kind, need, place (a municipality in any of its
languages) and status, together; the order rule kept (unmatched requests first); pairs shown when either card
gets through; one map point per located request or offer. SQLite and PostgreSQL (tests/store/dbfixtures.py)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from crisis.crisis_fixtures import WordReader, reposts
from hierniet.crisis.places import municipalities_named
from hierniet.services import crisis as service
from hierniet.services.errors import InvalidInput
from store.dbfixtures import Desk

T0 = datetime(2026, 8, 18, 18, 0, tzinfo=UTC)

REQUEST_TRANSPORT = "Need a lift from Genk to Hasselt station for 3 people"
OFFER_TRANSPORT = "We offer free transport with our van from Genk to Hasselt tonight, call 0473 22 33 44"
REQUEST_SHELTER = "Wij zoeken dringend onderdak voor 4 personen in Hasselt, bel 0471 12 34 56"
REQUEST_LIEGE = "Nous cherchons un hébergement pour 3 personnes à Liège, appelez le 0470 11 22 33"
OFFER_SHELTER_FAR = "Je propose un hébergement gratuit pour deux personnes à Arlon"
REQUEST_NOWHERE = "We zoeken onze vader, vermist sinds het onweer. Wie heeft hem gezien?"
INFO = "De E314 is afgesloten tussen Lummen en Genk door omgevallen bomen"


def _crisis(desk: Desk) -> int:
    lead = desk.actors["lead"]
    crisis = service.open_crisis(desk.store, lead, name="Storm", registration_url="https://help.example/r")
    rows = [
        {"id": "r-transport", "text": REQUEST_TRANSPORT},
        {"id": "r-shelter", "text": REQUEST_SHELTER},
        {"id": "r-liege", "text": REQUEST_LIEGE},
        {"id": "r-nowhere", "text": REQUEST_NOWHERE},
        *reposts(OFFER_TRANSPORT, 12, "o"),
        {"id": "o-far", "text": OFFER_SHELTER_FAR},
        {"id": "info", "text": INFO},
    ]
    posts = [
        service.CrisisPostIn(external_id=str(r["id"]), text=str(r["text"]), posted_at=T0 + timedelta(seconds=i))
        for i, r in enumerate(rows)
    ]
    service.add_posts(desk.store, lead, crisis.id, posts, WordReader())
    return crisis.id


def _shown(board: service.Board) -> set[str]:
    """The texts of every card the board lists, wherever it stands."""
    found = [*board.requests, *(c for g in board.offers for c in g.cards), *board.info, *board.helped, *board.full]
    found += [c for m in [*board.pairs, *board.confirmed] for c in (m.request, m.offer)]
    return {c.text for c in found}


def _board(desk: Desk, crisis_id: int, **filters: str) -> service.Board:
    return service.board(desk.store, desk.actors["moderator"], crisis_id, service.board_filter(**filters))


def test_a_place_is_read_in_any_of_its_languages() -> None:
    liege = municipalities_named("Liège")
    assert liege and municipalities_named("Luik") == liege == municipalities_named("lüttich")
    assert municipalities_named("Antwerpen / Anvers") == municipalities_named("Anvers")
    assert municipalities_named("Nergenshuizen") == frozenset() and municipalities_named("  ") == frozenset()


def test_filters_by_kind_need_place_and_status_keep_the_order(desk: Desk) -> None:
    crisis_id = _crisis(desk)
    everything = _board(desk, crisis_id)
    assert everything.total_cards == everything.shown_cards == 7 and everything.filters.as_dict() == {}
    assert [c.text for c in everything.requests] == [REQUEST_TRANSPORT, REQUEST_SHELTER, REQUEST_LIEGE, REQUEST_NOWHERE]
    # The place filter's choices: every municipality a card names (the information's Lummen too), by name.
    assert everything.places == ["Aarlen / Arlon", "Genk", "Hasselt", "Luik / Liège", "Lummen"]

    requests = _board(desk, crisis_id, kind="request")
    assert requests.shown_cards == 4 and requests.offers == [] and requests.info == []
    # The waiting requests keep their order (oldest first); the suggested pair is still shown, its request got in.
    assert [c.text for c in requests.requests] == [c.text for c in everything.requests]
    assert [(m.request.text, m.offer.text) for m in requests.pairs] == [(REQUEST_TRANSPORT, OFFER_TRANSPORT)]

    offers = _board(desk, crisis_id, kind="offer")
    assert offers.requests == [] and _shown(offers) == {OFFER_TRANSPORT, OFFER_SHELTER_FAR, REQUEST_TRANSPORT}

    shelter = _board(desk, crisis_id, need="shelter")
    assert _shown(shelter) == {REQUEST_SHELTER, REQUEST_LIEGE, OFFER_SHELTER_FAR}
    assert [c.text for c in shelter.requests] == [REQUEST_SHELTER, REQUEST_LIEGE]

    # Place: a municipality by any of its names; cards naming Genk only (the offer also names Hasselt) stay out.
    for name in ("Luik", "Liège", "LIEGE", "Luik / Liège"):
        assert _shown(_board(desk, crisis_id, place=name)) == {REQUEST_LIEGE}, name
    hasselt = _board(desk, crisis_id, place="Hasselt")
    assert {REQUEST_TRANSPORT, REQUEST_SHELTER, OFFER_TRANSPORT} <= _shown(hasselt)
    assert REQUEST_LIEGE not in _shown(hasselt) and REQUEST_NOWHERE not in _shown(hasselt)

    waiting = _board(desk, crisis_id, status="open")
    assert REQUEST_TRANSPORT not in _shown(waiting) and waiting.pairs == []
    assert [c.text for c in waiting.requests] == [REQUEST_SHELTER, REQUEST_LIEGE, REQUEST_NOWHERE]

    # Together they narrow: shelter requests in Hasselt that wait.
    both = _board(desk, crisis_id, kind="request", need="shelter", place="Hasselt", status="open")
    assert [c.text for c in both.requests] == [REQUEST_SHELTER] and both.shown_cards == 1
    assert both.filters.as_dict() == {"kind": "request", "need": "shelter", "place": "Hasselt", "status": "open"}


def test_a_person_s_marks_are_filtered_on_too(desk: Desk) -> None:
    crisis_id = _crisis(desk)
    board = _board(desk, crisis_id)
    liege = next(c for c in board.requests if c.text == REQUEST_LIEGE)
    service.mark_card(desk.store, desk.actors["moderator"], crisis_id, liege.id, "helped")
    helped = _board(desk, crisis_id, status="helped")
    assert [c.text for c in helped.helped] == [REQUEST_LIEGE] and helped.requests == []
    assert [p.status for p in helped.points] == ["helped"]
    assert REQUEST_LIEGE not in {c.text for c in _board(desk, crisis_id, status="open").requests}


def test_bad_filters_say_how_to_fix_them() -> None:
    with pytest.raises(InvalidInput, match="use one of request, offer"):
        service.board_filter(kind="requests")
    with pytest.raises(InvalidInput, match="shelter"):
        service.board_filter(need="beds")
    with pytest.raises(InvalidInput, match="open, matched"):
        service.board_filter(status="done")
    with pytest.raises(InvalidInput, match="no Belgian municipality") as caught:
        service.board_filter(place="Atlantis")
    assert caught.value.reason is not None and caught.value.reason.code == "error.crisis_place"
    # Empty values, as a form sends them, filter nothing.
    assert service.board_filter(kind="", need="", place=" ", status="") == service.BoardFilter()


def test_one_map_point_per_located_request_or_offer(desk: Desk) -> None:
    crisis_id = _crisis(desk)
    board = _board(desk, crisis_id)
    texts = {c.id: c.text for c in [*board.requests, *(c for g in board.offers for c in g.cards)]}
    points = {texts[p.card_id]: p for p in board.points}
    # Each card once (the pair's cards are not drawn twice); the request without a place and the information
    # are not on the map.
    assert len(board.points) == len(points) == 5
    assert set(points) == {REQUEST_TRANSPORT, REQUEST_SHELTER, REQUEST_LIEGE, OFFER_TRANSPORT, OFFER_SHELTER_FAR}
    flood = points[OFFER_TRANSPORT]
    assert (flood.kind, flood.count, flood.place) == ("offer", 12, "Genk") and flood.status == "matched"
    assert points[REQUEST_SHELTER].municipality == "Hasselt"
    assert 49.4 < points[REQUEST_LIEGE].lat < 51.6 and 2.5 < points[REQUEST_LIEGE].lon < 6.5
    # The map follows the filter, in the same order (by municipality).
    offers = [p.card_id for p in board.points if p.kind == "offer"]
    assert [p.card_id for p in _board(desk, crisis_id, kind="offer").points] == offers
    # By municipality: a card's first place ("from Genk to Hasselt": Genk).
    assert [p.municipality for p in board.points] == ["Aarlen / Arlon", "Genk", "Genk", "Hasselt", "Luik / Liège"]
