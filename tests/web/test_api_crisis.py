"""/api/v1/crises (issue 15): the same crisis service as the desk's board and the CLI, over JSON.
SQLite and PostgreSQL (tests/store/dbfixtures.py)."""

from __future__ import annotations

import csv
import io

from crisis.crisis_fixtures import WordReader, reposts
from hierniet.web.deps import CrisisReaderHolder
from web.conftest import Api

REQUEST = "Need a lift from Kiewit to Hasselt station for 3 people"
OFFER = "We offer free transport with our van from Genk to Hasselt tonight, call 0473 22 33 44"


def _posts() -> list[dict[str, object]]:
    rows = [*reposts(OFFER, 30), {"id": "r1", "text": REQUEST}]
    return [{**r, "created_at": f"2026-08-18T20:{i % 60:02d}:00+02:00"} for i, r in enumerate(rows)]


def test_open_take_posts_in_and_read_the_board(api: Api) -> None:
    # The crisis model is retrained in parallel (see tests/crisis/crisis_fixtures.py): kinds read from words here.
    api.client.app.state.crisis_reader = CrisisReaderHolder(WordReader())  # type: ignore[attr-defined]
    body = {"name": "Storm", "keywords": ["#hasselthelpt"], "registration_url": "https://help.example/r"}
    assert api.post("/crises", json=body).status_code == 403  # a moderator may not open one
    r = api.post("/crises", json=body, as_="lead")
    assert r.status_code == 201, r.text
    crisis = r.json()
    assert crisis["status"] == "open" and crisis["keywords"] == ["#hasselthelpt"]
    assert api.post("/crises", json=body, as_="lead").status_code == 409
    assert api.post("/crises", json={**body, "name": "x", "colour": "red"}, as_="lead").status_code == 422
    r = api.post(f"/crises/{crisis['id']}/posts", json=_posts())
    assert r.status_code == 200, r.text
    assert r.json() == {"received": 31, "added": 31, "duplicates": 0, "new_cards": 2, "joined": 0, "suggested": 1}
    assert api.post(f"/crises/{crisis['id']}/posts", json=_posts()).json()["duplicates"] == 31
    bad = api.post(f"/crises/{crisis['id']}/posts", json=[{"id": "n", "text": "x", "created_at": "yesterday"}])
    assert bad.status_code == 422
    board = api.get(f"/crises/{crisis['id']}").json()
    assert board["crisis"]["counts"] == {"offer": 1, "request": 1, "posts": 31}
    (pair,) = board["pairs"]
    assert pair["request"]["text"] == REQUEST and pair["offer"]["count"] == 30
    assert [r["code"] for r in pair["reasons"]] == ["crisis.match_need", "crisis.match_distance"]
    assert pair["offer"]["reply"].startswith("Offering a lift?")
    # The pair confirmed, once: a second decision is refused.
    path = f"/crises/{crisis['id']}/matches/{pair['id']}"
    assert api.post(path, json={"decision": "confirm"}).status_code == 204
    assert api.post(path, json={"decision": "reject"}).status_code == 409
    board = api.get(f"/crises/{crisis['id']}").json()
    assert board["pairs"] == [] and board["confirmed"][0]["request"]["status"] == "confirmed"
    # The export is a lead's; it carries the coordinates and the confirmed partner.
    assert api.get(f"/crises/{crisis['id']}/export").status_code == 403
    r = api.get(f"/crises/{crisis['id']}/export?format=csv", as_="lead")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(r.text)))
    assert {row["kind"]: row["matched_with"] for row in rows} == {
        "request": str(pair["offer"]["id"]),
        "offer": str(pair["request"]["id"]),
    }
    geo = api.get(f"/crises/{crisis['id']}/export?format=geojson", as_="lead").json()
    assert all(f["geometry"]["type"] == "Point" for f in geo["features"])
    # Another organisation's moderator does not see it; closing is a lead's.
    assert api.post(f"/crises/{crisis['id']}/close").status_code == 403
    assert api.post(f"/crises/{crisis['id']}/close", as_="lead").json()["status"] == "closed"
    assert api.post(f"/crises/{crisis['id']}/posts", json=_posts()).status_code == 409


def test_marks_and_replies_say_what_is_wrong(api: Api) -> None:
    api.client.app.state.crisis_reader = CrisisReaderHolder(WordReader())  # type: ignore[attr-defined]
    crisis = api.post("/crises", json={"name": "Storm"}, as_="lead").json()
    api.post(f"/crises/{crisis['id']}/posts", json=_posts())
    board = api.get(f"/crises/{crisis['id']}").json()
    request_id = board["pairs"][0]["request"]["id"]
    path = f"/crises/{crisis['id']}/cards/{request_id}"
    assert api.client.put(f"/api/v1{path}/status", json={"status": "gone"}, headers=_auth(api)).status_code == 422
    r = api.client.put(f"/api/v1{path}/status", json={"status": "full"}, headers=_auth(api))
    assert r.status_code == 422 and "helped or open" in r.json()["detail"]
    assert api.client.put(f"/api/v1{path}/status", json={"status": "helped"}, headers=_auth(api)).status_code == 204
    assert api.get(f"/crises/{crisis['id']}").json()["helped"][0]["id"] == request_id
    # No registration link: no reply suggested, and an imported card has no comment to answer anyway.
    r = api.post(f"{path}/reply", json={})
    assert r.status_code == 422 and "registration link" in r.json()["detail"]
    r = api.post(f"{path}/reply", json={"text": "We komen eraan"})
    assert r.status_code == 422 and "imported" in r.json()["detail"]
    assert api.get("/crises/999999").status_code == 404


def _auth(api: Api) -> dict[str, str]:
    return {"Authorization": f"Bearer {api.desk.tokens['moderator']}"}


def test_the_board_filters_by_query_like_the_desk(api: Api) -> None:
    api.client.app.state.crisis_reader = CrisisReaderHolder(WordReader())  # type: ignore[attr-defined]
    crisis = api.post("/crises", json={"name": "Storm"}, as_="lead").json()
    more = [{"id": "r2", "text": "Nous cherchons un hébergement pour 3 personnes à Liège"}]
    api.post(f"/crises/{crisis['id']}/posts", json=[*_posts(), *more])
    board = api.get(f"/crises/{crisis['id']}").json()
    assert board["filters"] == {} and board["total_cards"] == board["shown_cards"] == 3
    assert {p["kind"] for p in board["points"]} == {"request", "offer"} and len(board["points"]) == 3
    assert board["places"] == ["Genk", "Hasselt", "Luik / Liège"]
    # Liège by its Dutch name: only the French request there; the map's points follow.
    luik = api.get(f"/crises/{crisis['id']}?place=Luik&kind=request").json()
    assert [c["text"] for c in luik["requests"]] == [more[0]["text"]] and luik["pairs"] == []
    assert luik["filters"] == {"place": "Luik", "kind": "request"} and luik["shown_cards"] == 1
    assert [p["municipality"] for p in luik["points"]] == ["Luik / Liège"]
    offers = api.get(f"/crises/{crisis['id']}?kind=offer&need=transport&status=matched").json()
    assert offers["requests"] == [] and [g["need"] for g in offers["offers"]] == ["transport"]
    assert offers["pairs"][0]["request"]["text"] == REQUEST  # the pair its offer is in
    # Wrong values say what would do.
    r = api.get(f"/crises/{crisis['id']}?place=Atlantis")
    assert r.status_code == 422 and "no Belgian municipality" in r.json()["detail"]
    assert api.get(f"/crises/{crisis['id']}?need=beds").status_code == 422
    assert api.get(f"/crises/{crisis['id']}?status=done").status_code == 422
