"""The REST API on SQLite and PostgreSQL: ingestion (duplicates, malformed batches), the queue, one comment,
decisions, authors, the audit log, counts, administration, and who may do what."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from hierniet.policy import default_policy
from hierniet.store import repo
from hierniet.store.tables import AuditEntry
from store.dbfixtures import at, item

from .conftest import Api


def _comments(api: Api, *items: dict[str, object], as_: str = "moderator") -> dict[str, object]:
    r = api.post("/comments", json=list(items), as_=as_)
    assert r.status_code in (200, 201), r.text
    body: dict[str, object] = r.json()
    return body


def _seed(api: Api) -> dict[str, int]:
    ch = api.desk.channel_id
    body = _comments(
        api,
        item("ok", "Hoe laat open?", channel_id=ch, author="a1", day=1),
        item("ins", "insult: idioot", channel_id=ch, author="a2", day=2),
        item("spam", "spam: koop", channel_id=ch, author="a3", day=3),
        item("thr", "threat: pas op", channel_id=ch, author="a2", day=4),
    )
    return {c["external_id"]: c["comment_id"] for c in body["created"]}  # type: ignore[union-attr, index]


# --- authentication --------------------------------------------------------------------------------------


def test_every_route_needs_a_token(api: Api) -> None:
    for path in ("/queue", "/counts", "/authors", "/audit", "/comments/1", "/me", "/users", "/channels"):
        r = api.get(path, as_=None)
        assert r.status_code == 401, path
        assert "Authorization: Bearer" in r.json()["detail"]
        assert r.headers["www-authenticate"] == "Bearer"
    r = api.client.get("/api/v1/queue", headers={"Authorization": "Bearer hn_not-a-real-token"})
    assert r.status_code == 401 and "unknown or revoked" in r.json()["detail"]


def test_me(api: Api) -> None:
    body = api.get("/me", as_="lead").json()
    assert (body["name"], body["role"]) == ("lead1", "lead")
    assert "read_audit" in body["permissions"] and "manage_users" not in body["permissions"]


# --- ingestion -------------------------------------------------------------------------------------------


def test_post_one_comment(api: Api) -> None:
    one = item("c1", "insult: idioot", channel_id=api.desk.channel_id)
    r = api.post("/comments", json=one)
    assert r.status_code == 201
    created = r.json()["created"]
    assert [(c["index"], c["external_id"], c["step"], c["status"]) for c in created] == [(0, "c1", "refer", "open")]
    again = api.post("/comments", json=one)
    assert again.status_code == 200
    assert again.json()["duplicates"] == [{"index": 0, "comment_id": created[0]["comment_id"], "external_id": "c1"}]


def test_a_single_bad_comment_is_a_422_that_names_it(api: Api) -> None:
    r = api.post("/comments", json={"id": "c7", "channel_id": api.desk.channel_id})
    assert r.status_code == 422
    assert r.json()["detail"] == "comment 'c7': text: missing (every comment needs an id and a text)"
    assert r.json()["rejected"][0]["index"] == 0


def test_a_malformed_batch_keeps_the_good_items(api: Api) -> None:
    ch = api.desk.channel_id
    r = api.post(
        "/comments",
        json=[
            item("g1", "hallo", channel_id=ch),
            {"id": "b1", "text": 42, "channel_id": ch, "posted_at": "yesterday"},
            ["not", "an", "object"],
            item("g1", "repeat", channel_id=ch),
            item("g2", "insult: x", channel_id=ch),
        ],
    )
    assert r.status_code == 201
    body = r.json()
    assert [c["external_id"] for c in body["created"]] == ["g1", "g2"]
    # The same id with another text is a new version of g1 (an edit), applied after g1 is stored.
    assert body["duplicates"] == [] and [(e["index"], e["external_id"]) for e in body["edited"]] == [(3, "g1")]
    rejected = {x["index"]: x for x in body["rejected"]}
    assert sorted(rejected) == [1, 2]
    assert rejected[1]["external_id"] == "b1" and "posted_at" in rejected[1]["error"]
    assert rejected[2]["external_id"] is None


@pytest.mark.parametrize(
    ("body", "status", "message"),
    [
        ("not json", 422, "not JSON"),
        ("42", 422, "not a JSON int"),
        ("[]", 422, "empty"),
    ],
)
def test_bodies_that_are_not_comments(api: Api, body: str, status: int, message: str) -> None:
    r = api.post("/comments", content=body, headers={"Content-Type": "application/json"})
    assert r.status_code == status and message in r.json()["detail"]


def test_batches_have_a_size_limit(api: Api) -> None:
    items = [item(f"c{i}", "x", channel_id=api.desk.channel_id) for i in range(51)]
    r = api.post("/comments", json=items)
    assert r.status_code == 413 and "at most 50" in r.json()["detail"]


# --- reading the desk ------------------------------------------------------------------------------------


def test_queue_with_filters(api: Api) -> None:
    _seed(api)
    body = api.get("/queue").json()
    assert [i["external_id"] for i in body["items"]] == ["thr", "ins"] and body["total"] == 2
    assert [i["external_id"] for i in api.get("/queue", params={"status": "any"}).json()["items"]] == [
        "thr",
        "ins",
        "spam",
        "ok",
    ]
    params = {"status": ["auto", "clear"], "order": "newest"}
    assert [i["external_id"] for i in api.get("/queue", params=params).json()["items"]] == ["spam", "ok"]
    assert [i["external_id"] for i in api.get("/queue", params={"label": "insult"}).json()["items"]] == ["ins"]
    assert api.get("/queue", params={"min_severity": 4}).json()["total"] == 1
    window = {"status": "any", "since": at(2).isoformat(), "until": at(4).isoformat()}
    assert [i["external_id"] for i in api.get("/queue", params=window).json()["items"]] == ["ins", "spam"]
    page = api.get("/queue", params={"status": "any", "limit": 1, "offset": 1}).json()
    assert (page["total"], len(page["items"])) == (4, 1)


@pytest.mark.parametrize(
    "params",
    [{"label": "rude"}, {"status": "waiting"}, {"severity": 9}, {"limit": 0}, {"order": "random"}],
)
def test_bad_queue_filters_are_422(api: Api, params: dict[str, object]) -> None:
    assert api.get("/queue", params=params).status_code == 422


def test_naive_dates_are_refused(api: Api) -> None:
    r = api.get("/queue", params={"since": "2026-03-01T10:00:00"})
    assert r.status_code == 422 and "timezone" in r.json()["detail"]


def test_one_comment(api: Api) -> None:
    ids = _seed(api)
    body = api.get(f"/comments/{ids['thr']}").json()
    assert body["status"] == "escalated"
    assert body["verdict"]["labels"] == ["threat"] and body["verdict_versions"] == 1
    assert body["recommendation"]["step"] == "police" and body["recommendation"]["alert_lead"] is True
    assert body["author"]["external_id"] == "a2"
    assert body["author_history"]["window_days"] == 90
    assert body["channel"]["id"] == api.desk.channel_id
    assert body["revisions"] == [] and body["edited_at"] is None and body["removed_at"] is None
    assert api.get("/comments/999").status_code == 404


def test_an_edit_through_the_api_shows_the_revision(api: Api) -> None:
    ids = _seed(api)
    edit = item("ok", "insult: toch een idioot", channel_id=api.desk.channel_id, author="a1", day=1, edited=True)
    r = api.post("/comments", json=[edit])
    assert r.status_code == 201
    [edited] = r.json()["edited"]
    assert (edited["comment_id"], edited["status"], edited["previous_severity"]) == (ids["ok"], "open", 0)
    body = api.get(f"/comments/{ids['ok']}").json()
    assert body["text"] == "insult: toch een idioot" and body["verdict_versions"] == 2
    assert [(r["text"], r["labels"], r["verdict_version"]) for r in body["revisions"]] == [
        ("Hoe laat open?", ["ok"], 1)
    ]
    assert body["edited_at"] is not None and body["edited_after_decision"] is False
    [queued] = [i for i in api.get("/queue").json()["items"] if i["id"] == ids["ok"]]
    assert queued["edited_at"] is not None


def test_counts(api: Api) -> None:
    _seed(api)
    body = api.get("/counts").json()
    assert body["total"] == 4
    assert body["by_status"] == {"clear": 1, "open": 1, "auto": 1, "escalated": 1}
    assert api.get("/counts", params={"status": "open"}).json()["total"] == 1


def test_authors(api: Api) -> None:
    _seed(api)
    page = api.get("/authors").json()
    assert page["total"] == 3 and page["items"][0]["author"]["external_id"] == "a2"
    a2 = page["items"][0]["author"]["id"]
    body = api.get(f"/authors/{a2}").json()
    assert body["author"]["external_id"] == "a2" and len(body["histories"]) == 1
    assert api.get("/authors/999").status_code == 404


# --- decisions and roles -----------------------------------------------------------------------------------


def test_recording_a_decision(api: Api) -> None:
    ids = _seed(api)
    r = api.post(f"/comments/{ids['ins']}/decisions", json={"step": "refer"})
    assert r.status_code == 201
    assert (r.json()["kind"], r.json()["user"]) == ("accept", "moderator1")
    r = api.post(f"/comments/{ids['ins']}/decisions", json={"step": "hide"})
    assert r.status_code == 422 and "reason" in r.json()["detail"]
    r = api.post(f"/comments/{ids['ins']}/decisions", json={"step": "teleport"})
    assert r.status_code == 422
    r = api.post(f"/comments/{ids['ins']}/decisions", json={"step": "refer", "colour": "red"})
    assert r.status_code == 422  # misspelt fields are errors
    detail = api.get(f"/comments/{ids['ins']}").json()
    assert detail["status"] == "decided" and [d["kind"] for d in detail["decisions"]] == ["accept"]
    assert [a["action"] for a in detail["actions"]] == ["reply"]


@pytest.mark.parametrize(
    "decision",
    [
        {"step": "block", "reason": "persists"},
        {"step": "police", "reason": "credible"},
        {"step": "hide_report", "reason": "x", "reports": ["platform", "police"]},
    ],
)
def test_moderators_cannot_do_what_leads_do(api: Api, decision: dict[str, object]) -> None:
    ids = _seed(api)
    r = api.post(f"/comments/{ids['ins']}/decisions", json=decision, as_="moderator")
    assert r.status_code == 403 and "lead" in r.json()["detail"]
    assert api.post(f"/comments/{ids['ins']}/decisions", json=decision, as_="lead").status_code == 201


def test_escalations(api: Api) -> None:
    ids = _seed(api)
    r = api.post(f"/comments/{ids['ins']}/escalation", json={"reason": "sarcasm?"})
    assert r.status_code == 201 and r.json()["kind"] == "escalate"
    assert api.post(f"/comments/{ids['ins']}/escalation", json={}).status_code == 409
    assert api.post(f"/comments/{ids['ins']}/decisions", json={"step": "refer"}).status_code == 403
    # The threat arrived escalated: the police step is the lead's.
    assert api.post(f"/comments/{ids['thr']}/decisions", json={"step": "police"}).status_code == 403
    assert api.post(f"/comments/{ids['thr']}/decisions", json={"step": "police"}, as_="lead").status_code == 201


def test_audit_log_is_for_leads_and_admins(api: Api) -> None:
    ids = _seed(api)
    api.post(f"/comments/{ids['ins']}/decisions", json={"step": "refer"})
    assert api.get("/audit").status_code == 403
    body = api.get("/audit", as_="lead", params={"action": "decision"}).json()
    assert [(e["action"], e["actor"]) for e in body["items"]] == [("decision.accept", "moderator1")]
    assert api.get("/audit", as_="admin").status_code == 200


def test_retriage_is_for_leads(api: Api) -> None:
    ids = _seed(api)
    assert api.post("/comments/retriage", json={"comment_ids": [ids["ins"]]}).status_code == 403
    r = api.post("/comments/retriage", json={"comment_ids": [ids["ins"], ids["ins"]]}, as_="lead")
    assert r.status_code == 200 and r.json() == {"comment_ids": [ids["ins"]], "versions": [2]}


def test_clearing_an_author_is_for_leads(api: Api) -> None:
    _seed(api)
    a2 = api.get("/authors").json()["items"][0]["author"]["id"]
    assert api.post(f"/authors/{a2}/clear", json={"reason": "apologised"}).status_code == 403
    r = api.post(f"/authors/{a2}/clear", json={"reason": "apologised"}, as_="lead")
    assert r.status_code == 201 and r.json()["kind"] == "clear_author"


# --- administration --------------------------------------------------------------------------------------


def test_admins_manage_users_and_tokens(api: Api) -> None:
    for role in ("moderator", "lead"):
        assert api.get("/users", as_=role).status_code == 403
        assert api.post("/users", json={"name": "eve", "role": "moderator"}, as_=role).status_code == 403
    r = api.post("/users", json={"name": "eve", "role": "moderator"}, as_="admin")
    assert r.status_code == 201 and r.json()["organisation_id"] == api.desk.organisation_id
    eve = r.json()["id"]
    assert api.post("/users", json={"name": "eve", "role": "moderator"}, as_="admin").status_code == 409
    assert api.post("/users", json={"name": "zed", "role": "boss"}, as_="admin").status_code == 422
    made = api.post(f"/users/{eve}/tokens", json={"name": "laptop"}, as_="admin").json()
    token = made["token"]
    headers = {"Authorization": f"Bearer {token}"}
    assert api.client.get("/api/v1/me", headers=headers).json()["name"] == "eve"
    listed = api.get(f"/users/{eve}/tokens", as_="admin").json()
    assert [t["prefix"] for t in listed] == [made["info"]["prefix"]] and "token" not in listed[0]
    assert api.delete(f"/tokens/{made['info']['id']}", as_="admin").status_code == 200
    assert api.client.get("/api/v1/me", headers=headers).status_code == 401
    r = api.patch(f"/users/{eve}", json={"role": "lead"}, as_="admin")
    assert r.status_code == 200 and r.json()["role"] == "lead"


def test_a_persons_email_address_is_set_by_admins_and_shown_to_them_only(api: Api) -> None:
    body = {"name": "lea", "role": "lead", "email": " lea@example.org "}
    assert api.post("/users", json=body, as_="lead").status_code == 403
    r = api.post("/users", json=body, as_="admin")
    assert r.status_code == 201 and r.json()["email"] == "lea@example.org"
    lea = r.json()["id"]
    for bad in ("lea example.org", "a@b.org, c@d.org", "Lea <lea@example.org>", "x@y", "a" * 250 + "@x.org"):
        refused = api.patch(f"/users/{lea}", json={"email": bad}, as_="admin")
        assert refused.status_code == 422, bad
        assert "e-mail address" in str(refused.json()["detail"]) or "254" in str(refused.json()["detail"])
    assert api.post("/users", json={"name": "zoe", "role": "lead", "email": "zoe@"}, as_="admin").status_code == 422
    with api.desk.store.session() as s:
        assert repo.user_by_name(s, "zoe") is None  # a refused address makes no half a user
    # Left out, the address stays; a new role does not touch it.
    r = api.patch(f"/users/{lea}", json={"role": "moderator"}, as_="admin")
    assert r.status_code == 200 and r.json()["email"] == "lea@example.org"
    r = api.patch(f"/users/{lea}", json={"email": "Lea.New@example.org"}, as_="admin")
    assert r.status_code == 200 and r.json()["email"] == "Lea.New@example.org"
    listed = {u["name"]: u for u in api.get("/users", as_="admin").json()}
    assert listed["lea"]["email"] == "Lea.New@example.org" and listed["lead1"]["email"] is None
    r = api.patch(f"/users/{lea}", json={"email": None}, as_="admin")
    assert r.status_code == 200 and r.json()["email"] is None
    # Only those who manage users see another's address: /me carries the caller's own only (lead1 has none).
    assert api.get("/me", as_="lead").json()["email"] is None
    with api.desk.store.session() as s:
        details = [e.detail for e in s.scalars(select(AuditEntry).where(AuditEntry.subject_id == str(lea)))]
    # The audit log says an address was set or removed, never the address.
    assert "example.org" not in json.dumps(details)
    assert [d.get("email") for d in details] == [True, None, True, False]


def test_admins_manage_channels_and_organisations(api: Api) -> None:
    body = {"organisation_id": api.desk.organisation_id, "platform": "youtube", "external_id": "UC123"}
    assert api.post("/channels", json=body, as_="lead").status_code == 403
    r = api.post("/channels", json=body | {"credentials_ref": "env:YT_KEY"}, as_="admin")
    assert r.status_code == 201 and r.json()["platform"] == "youtube"
    channel = r.json()["id"]
    bad = api.patch(f"/channels/{channel}", json={"policy": "labels: [oops"}, as_="admin")
    assert bad.status_code == 422 and "line" in bad.json()["detail"]
    ok = api.patch(f"/channels/{channel}", json={"name": "Gent op YouTube"}, as_="admin")
    assert ok.status_code == 200 and ok.json()["name"] == "Gent op YouTube"
    assert len(api.get("/channels").json()) == 2  # the organisation's own; not the other organisation's
    assert api.post("/organisations", json={"slug": "new", "name": "New"}, as_="admin").status_code == 403
    r = api.post("/organisations", json={"slug": "new", "name": "New"}, as_="root")
    assert r.status_code == 201 and r.json()["policy_version"] == default_policy().version_tag


def test_openapi_documents_the_api(api: Api) -> None:
    schema = api.client.get("/openapi.json").json()
    paths = schema["paths"]
    for path in (
        "/api/v1/comments",
        "/api/v1/comments/{comment_id}",
        "/api/v1/comments/{comment_id}/decisions",
        "/api/v1/queue",
        "/api/v1/counts",
        "/api/v1/authors",
        "/api/v1/audit",
        "/api/v1/users",
    ):
        assert path in paths, path
    assert schema["components"]["securitySchemes"]["token"]["scheme"] == "bearer"
    body = paths["/api/v1/comments"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    assert body["oneOf"][0]["title"] == "CommentCreate" and body["oneOf"][1]["type"] == "array"
    queue_params = {p["name"] for p in paths["/api/v1/queue"]["get"]["parameters"]}
    assert {"channel_id", "label", "language", "severity", "status", "author_id", "since", "until"} <= queue_params
