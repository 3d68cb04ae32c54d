"""The crisis desk's service (issue 15): open and close, posts collapsed into cards incrementally, matching,
people's marks that the machine never undoes, replies through the outbox, the export, and the audit of it all.
SQLite and PostgreSQL (tests/store/dbfixtures.py)."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from crisis.crisis_fixtures import WordReader, reposts
from hierniet.services import crisis as service
from hierniet.services.audit import audit_log
from hierniet.services.errors import Conflict, Forbidden, InvalidInput, NotFound
from hierniet.services.ingest import ingest
from hierniet.store.tables import CrisisPost, QueuedAction
from store.dbfixtures import Desk, FakeTriage, item

T0 = datetime(2026, 8, 18, 18, 0, tzinfo=UTC)

REQUEST_TRANSPORT = "Need a lift from Kiewit to Hasselt station for 3 people"
OFFER_TRANSPORT = "We offer free transport with our van from Genk to Hasselt tonight, call 0473 22 33 44"
REQUEST_SHELTER = "Wij zoeken dringend onderdak voor 4 personen in Hasselt, bel 0471 12 34 56"
OFFER_SHELTER_FAR = "Je propose un hébergement gratuit pour deux personnes à Arlon"
OFFER_SHELTER = "Ik bied onderdak aan voor 2 personen in Genk, bel 0472 11 22 33"
INFO = "De E314 is afgesloten tussen Lummen en Genk door omgevallen bomen"


def _posts(rows: list[dict[str, object]], start: datetime = T0) -> list[service.CrisisPostIn]:
    return [
        service.CrisisPostIn(external_id=str(r["id"]), text=str(r["text"]), posted_at=start + timedelta(seconds=i))
        for i, r in enumerate(rows)
    ]


def _open(desk: Desk, **kw: object) -> service.CrisisView:
    args: dict[str, object] = {"name": "Storm Pukkelpop", "registration_url": "https://help.example/register"}
    args.update(kw)
    return service.open_crisis(desk.store, desk.actors["lead"], **args)  # type: ignore[arg-type]


def test_only_leads_open_and_close_and_each_sees_only_their_own(desk: Desk) -> None:
    with pytest.raises(Forbidden):
        _open_as(desk, "moderator")
    crisis = _open(desk, keywords=["#hasselthelpt", "storm, pukkelpop"])
    assert crisis.keywords == ["#hasselthelpt", "storm", "pukkelpop"] and crisis.status == "open"
    assert crisis.organisation_id == desk.organisation_id
    with pytest.raises(Conflict):
        _open(desk)  # the same name twice
    with pytest.raises(InvalidInput, match="web address"):
        _open(desk, name="other", registration_url="javascript:alert(1)")
    with pytest.raises(InvalidInput, match="not the organisation's"):
        _open(desk, name="other", channel_ids=[desk.other_channel_id])
    root = desk.actors["root"]
    with pytest.raises(InvalidInput, match="which organisation"):
        service.open_crisis(desk.store, root, name="anywhere")
    # Another organisation's crisis does not exist for this one's people.
    theirs = service.open_crisis(desk.store, root, name="elsewhere", organisation_id=desk.other_organisation_id)
    assert [c.id for c in service.list_crises(desk.store, desk.actors["moderator"])] == [crisis.id]
    with pytest.raises(NotFound):
        service.board(desk.store, desk.actors["moderator"], theirs.id)
    with pytest.raises(Forbidden):
        service.close_crisis(desk.store, desk.actors["moderator"], crisis.id)
    closed = service.close_crisis(desk.store, desk.actors["lead"], crisis.id)
    assert closed.status == "closed" and closed.closed_by == desk.actors["lead"].user_id
    with pytest.raises(Conflict):
        service.close_crisis(desk.store, desk.actors["lead"], crisis.id)
    with pytest.raises(Conflict, match="closed"):
        service.add_posts(desk.store, desk.actors["lead"], crisis.id, _posts([{"id": 1, "text": INFO}]), WordReader())
    actions = [e.action for e in audit_log(desk.store, desk.actors["lead"]).items]
    assert actions.count("crisis.opened") == 1 and "crisis.closed" in actions


def _cards(board: service.Board) -> dict[str, service.CardView]:
    """Every card on the board by its text, wherever it stands."""
    found = [*board.requests, *(c for g in board.offers for c in g.cards), *board.info, *board.helped, *board.full]
    found += [c for m in [*board.pairs, *board.confirmed] for c in (m.request, m.offer)]
    return {c.text: c for c in found}


def _open_as(desk: Desk, role: str) -> None:
    service.open_crisis(desk.store, desk.actors[role], name="x")


def test_a_flood_of_reposts_becomes_one_card_and_later_batches_join_it(desk: Desk) -> None:
    crisis = _open(desk)
    reader = WordReader()
    lead = desk.actors["lead"]
    first = [*reposts(OFFER_TRANSPORT, 300), {"id": "r1", "text": REQUEST_TRANSPORT}]
    report = service.add_posts(desk.store, lead, crisis.id, _posts(first), reader)
    assert (report.added, report.new_cards, report.duplicates) == (301, 2, 0)
    assert sum(len(c) for c in reader.calls) == 2  # each card read once, not each repost
    # A second batch: the same posts again (skipped), an edited repost and a new request.
    edited = OFFER_TRANSPORT.replace("tonight", "tonight!!") + " Delen!"
    again = [*first[:5], {"id": "e1", "text": edited}, {"id": "r2", "text": REQUEST_SHELTER}]
    report = service.add_posts(desk.store, lead, crisis.id, _posts(again, T0 + timedelta(hours=1)), reader)
    assert (report.added, report.duplicates, report.new_cards, report.joined) == (2, 5, 1, 1)
    board = service.board(desk.store, lead, crisis.id)
    offers = [c for g in board.offers for c in g.cards] + [p.offer for p in board.pairs]
    flood = next(c for c in offers if c.text.startswith(OFFER_TRANSPORT[:20]))
    assert flood.count == 301 and flood.variant_count > 3
    assert flood.first_seen == T0 and flood.last_seen == T0 + timedelta(hours=1, seconds=5)
    assert flood.contact == {"kind": "phone", "value": "+32473223344", "text": "0473 22 33 44"}
    with desk.store.session() as s:
        assert s.scalar(select(CrisisPost.kind).where(CrisisPost.external_id == "e1")) == "offer"


def test_matching_by_need_place_and_people_decide(desk: Desk) -> None:
    crisis = _open(desk)
    lead, mod = desk.actors["lead"], desk.actors["moderator"]
    rows = [
        {"id": "r-transport", "text": REQUEST_TRANSPORT},
        {"id": "r-shelter", "text": REQUEST_SHELTER},
        {"id": "o-shelter-far", "text": OFFER_SHELTER_FAR},
        {"id": "o-transport", "text": OFFER_TRANSPORT},
        {"id": "info", "text": INFO},
    ]
    service.add_posts(desk.store, lead, crisis.id, _posts(rows), WordReader())
    board = service.board(desk.store, mod, crisis.id)
    # Arlon is ~170 km from Hasselt: no pair for shelter. Both requests stay on top, oldest first, the one with a
    # suggested pair saying so (a suggestion is not help yet).
    assert [(c.text, c.status) for c in board.requests] == [(REQUEST_TRANSPORT, "matched"), (REQUEST_SHELTER, "open")]
    (pair,) = board.pairs
    assert pair.request.text == REQUEST_TRANSPORT and pair.offer.text == OFFER_TRANSPORT
    assert {r.code for r in pair.reasons} == {"crisis.match_need", "crisis.match_distance"}
    assert pair.request.status == "matched" and pair.score > 0.9
    assert [c.text for c in board.info] == [INFO]
    # A shelter offer nearby (Genk, ~17 km) arrives: the waiting request gets its pair.
    service.add_posts(desk.store, lead, crisis.id, _posts([{"id": "o-shelter", "text": OFFER_SHELTER}]), WordReader())
    board = service.board(desk.store, mod, crisis.id)
    assert [c.status for c in board.requests] == ["matched", "matched"]
    shelter = next(p for p in board.pairs if p.request.text == REQUEST_SHELTER)
    assert shelter.offer.text == OFFER_SHELTER
    distance = next(r for r in shelter.reasons if r.code == "crisis.match_distance")
    assert 10 <= distance.params["km"] <= 25
    # A person rejects the shelter pair: it is never suggested again, and the request waits again.
    service.decide_match(desk.store, mod, crisis.id, shelter.id, confirm=False)
    with pytest.raises(Conflict, match="decision stands"):
        service.decide_match(desk.store, mod, crisis.id, shelter.id, confirm=True)
    board = service.board(desk.store, mod, crisis.id)
    assert [(c.text, c.status) for c in board.requests] == [(REQUEST_TRANSPORT, "matched"), (REQUEST_SHELTER, "open")]
    # A person confirms the transport pair: both cards are theirs now; new posts never undo it.
    transport = board.pairs[0]
    service.decide_match(desk.store, mod, crisis.id, transport.id, confirm=True)
    service.add_posts(desk.store, lead, crisis.id, _posts(reposts(OFFER_TRANSPORT, 3, "late")), WordReader())
    board = service.board(desk.store, mod, crisis.id)
    assert board.pairs == [] and [m.request.text for m in board.confirmed] == [REQUEST_TRANSPORT]
    assert board.confirmed[0].request.status == board.confirmed[0].offer.status == "confirmed"
    # Marks: a request helped, an offer full; an info card is not marked; "open" takes a mark back.
    request_id = board.requests[0].id
    service.mark_card(desk.store, mod, crisis.id, request_id, "helped")
    assert [c.id for c in service.board(desk.store, mod, crisis.id).helped] == [request_id]
    with pytest.raises(InvalidInput, match="helped or open"):
        service.mark_card(desk.store, mod, crisis.id, request_id, "full")
    with pytest.raises(InvalidInput):
        service.mark_card(desk.store, mod, crisis.id, board.info[0].id, "helped")
    offer_id = next(c.id for g in board.offers for c in g.cards if c.text == OFFER_SHELTER)
    service.mark_card(desk.store, mod, crisis.id, offer_id, "full")
    board = service.board(desk.store, mod, crisis.id)
    assert [c.id for c in board.full] == [offer_id] and all(c.id != offer_id for g in board.offers for c in g.cards)
    service.mark_card(desk.store, mod, crisis.id, request_id, "open")
    board = service.board(desk.store, mod, crisis.id)
    assert [c.id for c in board.requests] == [request_id]  # the full offer and the rejected one stay out of pairs
    actions = {e.action for e in audit_log(desk.store, lead, action="crisis", limit=500).items}
    assert actions >= {"crisis.opened", "crisis.posts_added", "crisis.match_rejected", "crisis.match_confirmed"}
    assert "crisis.card_marked" in actions


def test_suggested_replies_in_the_posters_language_go_through_the_outbox(desk: Desk, fake_triage: FakeTriage) -> None:
    crisis = _open(desk, keywords=["#hasselthelpt"])
    mod = desk.actors["moderator"]
    # Comments on the organisation's channel: only those with the keyword, posted since the crisis opened.
    now = datetime.now(UTC)
    comments = [
        item("c1", f"{OFFER_SHELTER} #hasselthelpt", channel_id=desk.channel_id, author="a1"),
        item("c2", f"{REQUEST_TRANSPORT} #HasseltHelpt", channel_id=desk.channel_id, author="a2"),
        item("c3", "Wanneer opent het zwembad weer?", channel_id=desk.channel_id, author="a3"),
        item("c4", f"{OFFER_SHELTER} #hasselthelpt", channel_id=desk.other_channel_id, author="a4"),
    ]
    for c in comments:
        c["posted_at"] = (now + timedelta(seconds=1)).isoformat()
    result = ingest(desk.store, fake_triage, comments, actor=desk.actors["root"])
    assert not result.rejected
    report = service.pull_comments(desk.store, mod, crisis.id, WordReader())
    assert (report.added, report.new_cards) == (2, 2)
    assert service.pull_comments(desk.store, mod, crisis.id, WordReader()).added == 0  # taken in once
    board = service.board(desk.store, mod, crisis.id)
    offer = next(c for g in board.offers for c in g.cards)
    assert offer.language == "nl" and offer.reply is not None
    assert offer.reply.startswith("Bied je opvang aan?") and "https://help.example/register" in offer.reply
    action_id = service.send_reply(desk.store, mod, crisis.id, offer.id)
    with desk.store.session() as s:
        action = s.get(QueuedAction, action_id)
        assert action is not None and action.action == "reply" and action.status == "queued"
        assert action.payload == {"text": offer.reply}
    request = board.requests[0] if board.requests else board.pairs[0].request
    assert request.reply is not None and "112" in request.reply and request.language == "en"
    # An imported card has no comment to answer: said so, nothing queued.
    service.add_posts(desk.store, mod, crisis.id, _posts([{"id": "f1", "text": REQUEST_SHELTER}]), WordReader())
    imported = _cards(service.board(desk.store, mod, crisis.id))[REQUEST_SHELTER]
    with pytest.raises(InvalidInput, match="imported"):
        service.send_reply(desk.store, mod, crisis.id, imported.id)
    with pytest.raises(InvalidInput, match="no reply"):
        service.send_reply(desk.store, mod, crisis.id, offer.id, text="   ")
    assert "crisis.reply_queued" in {e.action for e in audit_log(desk.store, desk.actors["lead"]).items}


def test_export_csv_and_geojson_for_the_emergency_services(desk: Desk) -> None:
    crisis = _open(desk)
    lead = desk.actors["lead"]
    rows = [{"id": "r", "text": REQUEST_SHELTER}, {"id": "o", "text": OFFER_SHELTER}, {"id": "i", "text": INFO}]
    service.add_posts(desk.store, lead, crisis.id, _posts(rows), WordReader())
    with pytest.raises(Forbidden):
        service.export(desk.store, desk.actors["moderator"], crisis.id, "csv")
    with pytest.raises(InvalidInput, match="csv or geojson"):
        service.export(desk.store, lead, crisis.id, "xlsx")
    table = list(csv.DictReader(io.StringIO(service.export(desk.store, lead, crisis.id, "csv"))))
    assert [(r["kind"], r["status"], r["place"]) for r in table] == [
        ("request", "matched", "Hasselt"),
        ("offer", "matched", "Genk"),
    ]
    assert table[0]["contact"] == "+32471123456" and float(table[0]["lat"]) == pytest.approx(50.93, abs=0.01)
    geo = json.loads(service.export(desk.store, lead, crisis.id, "geojson"))
    assert geo["type"] == "FeatureCollection" and len(geo["features"]) == 2
    lon, lat = geo["features"][1]["geometry"]["coordinates"]
    assert (round(lat, 1), round(lon, 1)) == (51.0, 5.5)  # Genk
    assert geo["features"][1]["properties"]["kind"] == "offer"
    exported = [e for e in audit_log(desk.store, lead).items if e.action == "crisis.exported"]
    assert [e.detail["format"] for e in exported] == ["geojson", "csv"]


def test_bad_posts_are_refused_whole_and_lose_nothing(desk: Desk) -> None:
    crisis = _open(desk)
    lead = desk.actors["lead"]
    service.add_posts(desk.store, lead, crisis.id, _posts([{"id": "a", "text": REQUEST_SHELTER}]), WordReader())
    naive = service.CrisisPostIn(external_id="n", text=INFO, posted_at=datetime(2026, 8, 18, 18))
    with pytest.raises(InvalidInput, match="time zone"):
        service.add_posts(desk.store, lead, crisis.id, [*_posts([{"id": "b", "text": INFO}]), naive], WordReader())
    with pytest.raises(InvalidInput, match="no text"):
        service.add_posts(desk.store, lead, crisis.id, _posts([{"id": "c", "text": "  "}]), WordReader())
    assert service.get_crisis(desk.store, lead, crisis.id).counts == {"request": 1, "posts": 1}


def test_the_real_reader_end_to_end(desk: Desk) -> None:
    """The shipped crisis model, through the service: cards read, a request matched with an offer."""
    crisis = _open(desk)
    lead = desk.actors["lead"]
    rows = [*reposts(OFFER_TRANSPORT, 50), {"id": "r", "text": REQUEST_TRANSPORT}]
    report = service.add_posts(desk.store, lead, crisis.id, _posts(rows), service.default_reader())
    assert (report.added, report.new_cards) == (51, 2)
    cards = _cards(service.board(desk.store, lead, crisis.id))
    assert cards[REQUEST_TRANSPORT].kind == "request" and "transport" in cards[REQUEST_TRANSPORT].needs
    assert cards[OFFER_TRANSPORT].count == 50 and cards[OFFER_TRANSPORT].places[0]["name"] == "Genk"


def test_the_worker_takes_new_comments_into_open_crises_each_round(desk: Desk, fake_triage: FakeTriage) -> None:
    """Every round of `hierniet worker` pulls what arrived since the last one (by polls, webhooks or imports)."""
    from hierniet.services.outbox import Worker, WorkerOptions
    from hierniet.settings import Settings

    crisis = _open(desk, keywords=["hasselthelpt"])
    reader = WordReader()
    worker = Worker(
        desk.store,
        Settings(database_url="sqlite://"),  # type: ignore[arg-type]
        WorkerOptions(poll=False, retention=False),
        crisis_reader=reader,
    )
    assert worker.run_once().crisis_posts == 0

    def arrive(ref: str, text: str) -> None:
        comment = item(ref, text, channel_id=desk.channel_id, author=ref)
        comment["posted_at"] = (datetime.now(UTC) + timedelta(seconds=1)).isoformat()
        assert not ingest(desk.store, fake_triage, [comment], actor=desk.actors["root"]).rejected

    arrive("w1", f"{REQUEST_SHELTER} #hasselthelpt")
    arrive("w2", "Wanneer opent het zwembad weer?")  # no keyword: not a crisis post
    assert worker.run_once().crisis_posts == 1
    assert worker.run_once().crisis_posts == 0  # read once: the crisis remembers where it stopped
    assert sum(len(c) for c in reader.calls) == 1
    arrive("w3", f"{OFFER_SHELTER} #HasseltHelpt")
    assert worker.run_once().crisis_posts == 1
    assert service.get_crisis(desk.store, desk.actors["lead"], crisis.id).counts["posts"] == 2
    service.close_crisis(desk.store, desk.actors["lead"], crisis.id)
    arrive("w4", f"{OFFER_TRANSPORT} #hasselthelpt")
    assert worker.run_once().crisis_posts == 0  # a closed crisis takes nothing in
