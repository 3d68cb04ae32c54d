"""The desk's crisis pages (issue 15): the list and opening form, the board's order (requests waiting, then
pairs, then offers by need), its buttons with CSRF, the words in nl/fr/de, and who may do what.
SQLite and PostgreSQL (tests/store/dbfixtures.py)."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta
from urllib.parse import urlencode

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
        "nl": (
            "Hulpvragen die op hulp wachten",
            "Beide gaan over onderdak.",
            "Paren om te bevestigen",
            "Kaart van hulpvragen en aanbiedingen",
            "Filter het bord",
            "Hasselt: aanbod, 40 berichten",
        ),
        "fr": (
            "Demandes en attente d'aide",
            "Les deux concernent : hébergement.",
            "Paires à confirmer",
            "Carte des demandes et des offres",
            "Filtrer le tableau",
            "Hasselt : offre, 40 messages",
        ),
        "de": (
            "Anfragen, die auf Hilfe warten",
            "Beide betreffen Unterkunft.",
            "Zu bestätigende Paare",
            "Karte der Anfragen und Angebote",
            "Tafel filtern",
            "Hasselt: Angebot, 40 Beiträge",
        ),
    }
    for locale, words in expected.items():
        pages.post("/desk/language", {"locale": locale, "next": f"/desk/crisis/{crisis_id}"})
        text = text_of(pages.get(f"/desk/crisis/{crisis_id}").text)
        for word in words:
            assert word in text, (locale, word)
        assert "shelter" not in text and "Requests waiting" not in text and "Map of" not in text, locale


SVG = "{http://www.w3.org/2000/svg}"


def _map(html: str) -> ET.Element:
    """The board's map, parsed (it is well-formed SVG inside the page)."""
    start = html.index("<svg", html.index('id="map"'))
    return ET.fromstring(html[start : html.index("</svg>", start) + len("</svg>")])


def _map_table(html: str) -> list[list[str]]:
    section = html[html.index('id="map"') : html.index('id="pairs"')]
    table = section[section.index("<table") : section.index("</table>")]
    return [
        [text_of(c).replace(" ,", ",") for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)]
        for row in re.findall(r"<tr>(.*?)</tr>", table[table.index("<tbody>") :], re.S)
    ]


def test_the_map_links_each_located_card_and_a_table_says_the_same(pages: Pages) -> None:
    crisis_id = _crisis(pages)
    pages.login("moderator")
    html = pages.get(f"/desk/crisis/{crisis_id}").text
    board = service.board(pages.desk.store, pages.desk.actors["moderator"], crisis_id)
    by_text = {c.text: c for c in [*board.requests, *(c for g in board.offers for c in g.cards)]}
    shelter, charge, offer = by_text[REQUEST_SHELTER], by_text[OFFER_CHARGE], by_text[OFFER_SHELTER]
    svg = _map(html)
    links = {a.get("href"): a for a in svg.iter(f"{SVG}a")}
    # One marker per card with a place (the missing person names none), each a link to its card on the board.
    assert set(links) == {f"#card-{c.id}" for c in (shelter, charge, offer)}
    for href in links:
        assert html.count(f'id="{href[1:]}"') == 1  # the card's own place, once (not beside its pair)
    # Requests and offers differ by shape and colour; the count of posts is written on the marker.
    request_marker, offer_marker = links[f"#card-{shelter.id}"], links[f"#card-{charge.id}"]
    assert request_marker.find(f"{SVG}circle") is not None and offer_marker.find(f"{SVG}rect") is not None
    assert request_marker.find(f"{SVG}circle").get("fill") != offer_marker.find(f"{SVG}rect").get("fill")  # type: ignore[union-attr]
    assert offer_marker.find(f"{SVG}text").text == "40"  # type: ignore[union-attr]
    # Each marker says what it is in words: its <title> (and name).
    assert offer_marker.find(f"{SVG}title").text == "Hasselt: offer, 40 posts, waiting"  # type: ignore[union-attr]
    assert "pair suggested" in (request_marker.get("aria-label") or "")
    # The table beside the map lists the same cards, places and counts, with the same links.
    rows = _map_table(html)
    assert sorted(rows) == sorted(
        [
            ["Genk", f"offer #{offer.id}, pair suggested", "1"],
            ["Hasselt", f"offer #{charge.id}, waiting", "40"],
            ["Hasselt", f"request #{shelter.id}, pair suggested", "1"],
        ]
    )
    table = html[html.index("<table", html.index('id="map"')) : html.index("</table>", html.index('id="map"'))]
    assert set(re.findall(r'href="(#card-\d+)"', table)) == set(links)


def test_filters_come_from_the_address_and_narrow_the_board_and_the_map(pages: Pages) -> None:
    crisis_id = _crisis(pages)
    pages.login("moderator")
    query = urlencode({"kind": "offer", "place": "Hasselt", "need": "", "status": "open"})
    page = pages.get(f"/desk/crisis/{crisis_id}?{query}")
    assert page.status_code == 200
    html = page.text
    # Only the open offer in Hasselt: the shelter request, the missing person and the Genk offer are gone.
    assert OFFER_CHARGE[:30] in html
    assert REQUEST_SHELTER[:30] not in html and "We zoeken onze vader" not in html and OFFER_SHELTER[:30] not in html
    assert [a.get("href") for a in _map(html).iter(f"{SVG}a")] == [
        f"#card-{c}" for c in re.findall(r'id="card-(\d+)"', html)
    ]
    assert len(_map_table(html)) == 1
    # The form shows what is chosen, and offers every place a card names; a link takes the filters off.
    assert '<option value="offer" selected>' in html and '<option value="open" selected>' in html
    assert '<option value="Hasselt" selected>' in html and '<option value="Genk">' in html
    assert "1 of 4 cards shown." in text_of(html)
    assert f'href="/desk/crisis/{crisis_id}">Show every card' in html
    # A place by another of its names; a request filter keeps the unmatched requests on top.
    requests = pages.get(f"/desk/crisis/{crisis_id}?kind=request").text
    assert requests.index(REQUEST_SHELTER[:30]) < requests.index("We zoeken onze vader") < requests.index('id="pairs"')
    assert 'data-kind="offer"' in requests[requests.index('id="pairs"') :]  # the pair, beside its request
    assert "No open offer." in text_of(requests)
    # A hand-made address with a wrong value gets the reason, in the person's words.
    bad = pages.get(f"/desk/crisis/{crisis_id}?place=Atlantis")
    assert bad.status_code == 422 and "No Belgian municipality or place is named “Atlantis”" in text_of(bad.text)
    assert pages.get(f"/desk/crisis/{crisis_id}?status=gone").status_code == 422


def test_a_person_acting_on_a_filtered_board_comes_back_to_it(pages: Pages) -> None:
    crisis_id = _crisis(pages)
    pages.login("moderator")
    html = pages.get(f"/desk/crisis/{crisis_id}?kind=request&status=open").text
    assert '<input type="hidden" name="back" value="kind=request&amp;status=open">' in html
    first = service.board(pages.desk.store, pages.desk.actors["moderator"], crisis_id).requests[0]
    r = pages.post(
        f"/desk/crisis/{crisis_id}/cards/{first.id}/status", {"status": "helped", "back": "kind=request&status=open"}
    )
    assert r.status_code == 200 and "The card is marked." in r.text
    assert r.url.path == f"/desk/crisis/{crisis_id}" and r.url.query == b"kind=request&status=open"
    # What comes back is read as filters again, never as an address: a wrong one gives the whole board.
    for back in ("place=Atlantis", "https://evil.example/", "//evil.example", "kind=request&next=/x"):
        r = pages.post(f"/desk/crisis/{crisis_id}/cards/{first.id}/status", {"status": "open", "back": back})
        assert r.url.host == "testserver" and r.url.path == f"/desk/crisis/{crisis_id}", back
        assert r.url.query in (b"", b"kind=request"), back
