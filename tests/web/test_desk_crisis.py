"""The desk's crisis pages (issue 15): the list and opening form, the board's order (requests waiting, then
pairs, then offers by need), its buttons with CSRF, the words in nl/fr/de, and who may do what.
SQLite and PostgreSQL (tests/store/dbfixtures.py)."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from crisis.crisis_fixtures import WordReader, reposts
from hierniet.services import crisis as service
from hierniet.services.audit import audit_log
from hierniet.store.tables import QueuedAction
from hierniet.web.deps import CrisisReaderHolder
from web import desk_fixtures
from web.desk_fixtures import Pages, text_of

T0 = datetime(2026, 8, 18, 18, 0, tzinfo=UTC)
pages = desk_fixtures.pages

REQUEST_SHELTER = "Wij zoeken dringend onderdak voor 4 personen in Hasselt, bel 0471 12 34 56"
REQUEST_MISSING = "We zoeken onze vader, vermist sinds het onweer op de wei. Wie heeft hem gezien? Hij is 74."
OFFER_SHELTER = "Ik bied onderdak aan voor 2 personen in Genk, bel 0472 11 22 33"
OFFER_CHARGE = "Gratis gsm opladen bij ons in de Kapelstraat in Hasselt"


def _crisis(pages: Pages) -> int:
    lead = pages.desk.actors["lead"]
    crisis = service.open_crisis(
        pages.desk.store, lead, name="Storm Pukkelpop", registration_url="https://help.example/r"
    )
    rows = [
        *reposts(OFFER_CHARGE, 40, "c"),
        {"id": "r1", "text": REQUEST_SHELTER},
        {"id": "r2", "text": REQUEST_MISSING},
        {"id": "o1", "text": OFFER_SHELTER},
    ]
    posts = [
        service.CrisisPostIn(external_id=str(r["id"]), text=str(r["text"]), posted_at=T0 + timedelta(seconds=i))
        for i, r in enumerate(rows)
    ]
    service.add_posts(pages.desk.store, lead, crisis.id, posts, WordReader())
    return crisis.id


def test_the_board_shows_requests_first_then_pairs_then_offers(pages: Pages) -> None:
    crisis_id = _crisis(pages)
    pages.login("moderator")
    page = pages.get(f"/desk/crisis/{crisis_id}")
    assert page.status_code == 200
    html = page.text
    waiting, pairs, offers = (html.index(f'id="{s}"') for s in ("requests", "pairs", "offers"))
    assert waiting < pairs < offers
    # Both requests wait on top, oldest first: the shelter request (a pair suggested, linked) and the missing
    # person (no offer answers it); the pair is shown again below, request beside offer.
    assert waiting < html.index(REQUEST_SHELTER[:30]) < html.index("We zoeken onze vader") < pairs
    assert html.index('href="#pairs"', waiting) < pairs
    assert pairs < html.index(REQUEST_SHELTER[:30], pairs) < html.index(OFFER_SHELTER[:30]) < offers
    assert html.index('data-kind="offer"') > pairs
    # The flood of 40 reposts is one offer card that says how often it was posted.
    assert html.count(OFFER_CHARGE[:30]) == 1
    assert "40 posts" in text_of(html[offers:])
    # The pair says why, in words.
    assert "Both are about shelter." in text_of(html)
    assert re.search(r"Hasselt and Genk are \d+ km apart", text_of(html))
    # A moderator may not export or close: those buttons are a lead's.
    assert "/export?format=csv" not in html and f"/crisis/{crisis_id}/close" not in html
    assert pages.get(f"/desk/crisis/{crisis_id}/export?format=csv").status_code == 403


def test_people_mark_confirm_and_reply_with_csrf(pages: Pages) -> None:
    crisis_id = _crisis(pages)
    pages.login("moderator")
    board = service.board(pages.desk.store, pages.desk.actors["moderator"], crisis_id)
    (pair,) = board.pairs
    pages.get(f"/desk/crisis/{crisis_id}")
    # Without the CSRF token nothing happens.
    refused = pages.post(f"/desk/crisis/{crisis_id}/matches/{pair.id}", {"decision": "confirm"}, csrf=False)
    assert refused.status_code == 403
    r = pages.post(f"/desk/crisis/{crisis_id}/matches/{pair.id}", {"decision": "confirm"})
    assert r.status_code == 200 and "The pair is confirmed." in r.text
    board = service.board(pages.desk.store, pages.desk.actors["moderator"], crisis_id)
    assert [m.id for m in board.confirmed] == [pair.id] and board.pairs == []
    (missing,) = board.requests
    r = pages.post(f"/desk/crisis/{crisis_id}/cards/{missing.id}/status", {"status": "helped"})
    assert "The card is marked." in r.text
    r = pages.post(f"/desk/crisis/{crisis_id}/cards/{missing.id}/status", {"status": "full"})
    assert "flash-error" in r.text  # a request is not "full": said, nothing changed
    assert service.board(pages.desk.store, pages.desk.actors["lead"], crisis_id).helped[0].id == missing.id
    # Imported posts have no comment to answer: the reply is refused with the reason.
    offer = next(c for g in board.offers for c in g.cards)
    with pages.desk.store.session() as s:
        queued = s.query(QueuedAction).count()
    r = pages.post(f"/desk/crisis/{crisis_id}/cards/{offer.id}/reply", {"text": "Dank je!"})
    assert "imported" in r.text
    with pages.desk.store.session() as s:
        assert s.query(QueuedAction).count() == queued
    actions = {e.action for e in audit_log(pages.desk.store, pages.desk.actors["lead"]).items}
    assert {"crisis.match_confirmed", "crisis.card_marked"} <= actions


def test_a_lead_opens_fetches_exports_and_closes(pages: Pages) -> None:
    pages.client.app.state.crisis_reader = CrisisReaderHolder(WordReader())  # type: ignore[attr-defined]
    pages.login("lead")
    page = pages.get("/desk/crisis")
    assert "Open a crisis" in page.text
    r = pages.post("/desk/crisis", {"name": "  ", "keywords": "#x"})
    assert r.status_code == 422 and "give the crisis a name" in r.text
    r = pages.post(
        "/desk/crisis", {"name": "Overstroming", "keywords": "#hasselthelpt, storm", "registration_url": "https://h.be"}
    )
    assert r.status_code == 200 and "Overstroming" in r.text and "/pull" in r.text
    crisis_id = int(r.url.path.rsplit("/", 1)[1])
    r = pages.post(f"/desk/crisis/{crisis_id}/pull")
    assert "0 new posts, 0 new cards." in r.text
    export = pages.get(f"/desk/crisis/{crisis_id}/export?format=geojson")
    assert export.status_code == 200 and export.json()["type"] == "FeatureCollection"
    r = pages.post(f"/desk/crisis/{crisis_id}/close")
    assert "The crisis is closed." in r.text and "/pull" not in r.text
    assert "Overstroming" in pages.get("/desk/crisis").text


def test_the_board_in_dutch_french_and_german(pages: Pages) -> None:
    crisis_id = _crisis(pages)
    pages.login("moderator")
    expected = {
        "nl": ("Hulpvragen die op hulp wachten", "Beide gaan over onderdak.", "Paren om te bevestigen"),
        "fr": ("Demandes en attente d'aide", "Les deux concernent : hébergement.", "Paires à confirmer"),
        "de": ("Anfragen, die auf Hilfe warten", "Beide betreffen Unterkunft.", "Zu bestätigende Paare"),
    }
    for locale, words in expected.items():
        pages.post("/desk/language", {"locale": locale, "next": f"/desk/crisis/{crisis_id}"})
        text = text_of(pages.get(f"/desk/crisis/{crisis_id}").text)
        for word in words:
            assert word in text, (locale, word)
        assert "shelter" not in text and "Requests waiting" not in text, locale
