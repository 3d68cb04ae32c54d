"""The LinkedIn connector: its webhook (challenge, X-LI-Signature, notifications) and the Comments API against
a local HTTP server; and the webhook end to end through /hooks/linkedin/{channel} into the store."""

from __future__ import annotations

import hashlib
import hmac
import json
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx
import pytest
from sqlalchemy import select

from connectors.fakeserver import FakePlatform, Reply, Request
from hierniet.connectors.base import (
    BadSignature,
    ChannelInfo,
    MalformedPayload,
    OutboxAction,
    OutcomeKind,
    PermanentError,
    PlatformDown,
    RateLimited,
    WebhookRequest,
    connector_for,
)
from hierniet.connectors.linkedin import LinkedInConnector, challenge_response, signature, split_comment_urn
from hierniet.services.connections import connect_channel
from hierniet.services.ingest import CommentIn
from hierniet.settings import Settings
from hierniet.store.tables import Comment, CommentRevision
from hierniet.web.app import create_app
from store.dbfixtures import Desk, FakeTriage

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

FIXTURES = Path(__file__).parent / "fixtures" / "linkedin"
SECRET = "li-client-secret"
ORG = "urn:li:organization:2414183"
COMMENT = "urn:li:comment:(urn:li:activity:7094637247890620418,7094977717598625792)"
ACTIVITY = "urn:li:activity:7094637247890620418"


def fixture(name: str) -> Any:
    return json.loads((FIXTURES / name).read_text())


@pytest.fixture
def platform() -> Iterator[FakePlatform]:
    with FakePlatform() as fake:
        fake.route(
            "GET",
            rf"/rest/socialActions/{quote(ACTIVITY, safe='')}/comments/7094977717598625810",
            lambda r: Reply(200, fixture("comment_7094977717598625810.json")),
        )
        yield fake



def connector(http: httpx.Client, platform: FakePlatform) -> LinkedInConnector:
    channel = ChannelInfo(id=6, platform="linkedin", external_id="2414183", config={"base_url": platform.url + "/rest"})
    conn = connector_for("linkedin", channel, {"client_secret": SECRET, "access_token": "li-token"}, http)
    assert isinstance(conn, LinkedInConnector)
    return conn


def signed(body: bytes, secret: str = SECRET) -> WebhookRequest:
    return WebhookRequest("POST", {"x-li-signature": signature(body, secret), "content-type": "application/json"}, body)


def test_signature_and_challenge_follow_the_documented_formulas() -> None:
    body = b'{"type":"ORGANIZATION_SOCIAL_ACTION_NOTIFICATIONS","notifications":[]}'
    # X-LI-Signature signs "hmacsha256=" + the raw body; the challenge signs the code itself.
    assert signature(body, SECRET) == hmac.new(SECRET.encode(), b"hmacsha256=" + body, hashlib.sha256).hexdigest()
    code = "890e4d4b-1d1d-4b65-a1c4-96a1b2ef0f1a"
    assert challenge_response(code, SECRET) == hmac.new(SECRET.encode(), code.encode(), hashlib.sha256).hexdigest()
    assert split_comment_urn(COMMENT) == (ACTIVITY, "7094977717598625792")


def test_challenge_is_answered_in_json(platform: FakePlatform, http: httpx.Client) -> None:
    conn = connector(http, platform)
    code = "890e4d4b-1d1d-4b65-a1c4-96a1b2ef0f1a"
    result = conn.parse_webhook(WebhookRequest("GET", {}, b"", {"challengeCode": code}))
    assert result.response is not None and result.response.media_type == "application/json"
    assert json.loads(result.response.body) == {
        "challengeCode": code,
        "challengeResponse": challenge_response(code, SECRET),
    }
    with pytest.raises(MalformedPayload):
        conn.parse_webhook(WebhookRequest("GET", {}, b"", {}))


def test_notifications_become_comments_removals_and_ignored_events(platform: FakePlatform, http: httpx.Client) -> None:
    body = (FIXTURES / "notifications.json").read_bytes()
    result = connector(http, platform).parse_webhook(signed(body))

    assert result.event_ids == [str(n) for n in range(5603453321, 5603453326)]
    assert [c.id for c in result.comments] == [COMMENT, COMMENT.replace("625792", "625810")]
    insult, fetched = result.comments
    assert insult.author == "urn:li:person:zLqTygBP8S" and insult.thread == ACTIVITY
    assert insult.text.startswith("Weer geld over de balk")
    assert insult.posted_at is not None and insult.posted_at.timestamp() == 1763892000
    # Not decorated: read through the Comments API, with its parent.
    assert fetched.text == "Wanneer gaat de balie in de Zuid open?" and fetched.parent == COMMENT
    assert fetched.author == "urn:li:person:Ab12Cd34"
    [read] = platform.requests
    assert read.headers["linkedin-version"] == "202511" and read.headers["x-restli-protocol-version"] == "2.0.0"
    assert result.removed == ["urn:li:comment:(urn:li:activity:7094637247890620418,7094977717598625700)"]
    assert len(result.ignored) == 2  # the like and the organisation's own comment
    CommentIn.model_validate(insult.as_ingest(channel_id=6, platform="linkedin"))


def test_signature_is_checked_before_parsing(platform: FakePlatform, http: httpx.Client) -> None:
    conn = connector(http, platform)
    body = (FIXTURES / "notifications.json").read_bytes()
    with pytest.raises(BadSignature) as missing:
        conn.parse_webhook(WebhookRequest("POST", {}, body))
    assert missing.value.missing
    with pytest.raises(BadSignature) as wrong:
        conn.parse_webhook(signed(body, secret="someone-else"))
    assert not wrong.value.missing
    # A body changed after signing (even one byte of whitespace) is refused, and never parsed.
    with pytest.raises(BadSignature):
        conn.parse_webhook(WebhookRequest("POST", {"x-li-signature": signature(body, SECRET)}, body + b" "))
    with pytest.raises(BadSignature):  # a signature of the bare body, without the documented prefix
        bare = hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()
        conn.parse_webhook(WebhookRequest("POST", {"x-li-signature": bare}, body))
    with pytest.raises(MalformedPayload):
        conn.parse_webhook(signed(b"{not json"))
    with pytest.raises(MalformedPayload):
        conn.parse_webhook(signed(b'{"type": "ORGANIZATION_SOCIAL_ACTION_NOTIFICATIONS"}'))
    other = conn.parse_webhook(signed(b'{"type": "LEAD_ACTION", "leadAction": "CREATED"}'))
    assert other.comments == [] and other.ignored
    assert platform.requests == []


def test_delete_and_reply_through_the_comments_api(platform: FakePlatform, http: httpx.Client) -> None:
    encoded_activity = quote(ACTIVITY, safe="")
    deleted: list[Request] = []

    def delete(request: Request) -> Reply:
        deleted.append(request)
        return Reply(204) if len(deleted) == 1 else Reply(404, {"status": 404, "message": "Not found"})

    platform.route("DELETE", rf"/rest/socialActions/{encoded_activity}/comments/7094977717598625792", delete)
    platform.route(
        "POST",
        rf"/rest/socialActions/{quote(COMMENT, safe='')}/comments",
        lambda r: Reply(201, None, {"x-restli-id": COMMENT.replace("625792", "625999")}),
    )
    conn = connector(http, platform)

    action = OutboxAction(id=1, action="delete", comment_external_id=COMMENT)
    assert conn.apply(action).detail == "deleted on LinkedIn"
    assert conn.apply(action).detail == "already gone from LinkedIn"  # deleted twice: still done
    assert deleted[0].arg("actor") == ORG
    assert deleted[0].headers["authorization"] == "Bearer li-token"
    assert deleted[0].headers["x-restli-protocol-version"] == "2.0.0"

    reply = conn.apply(
        OutboxAction(
            id=2, action="reply", comment_external_id=COMMENT, payload={"text": "Hier niet. Lees onze gedragscode."}
        )
    )
    assert reply.kind is OutcomeKind.DONE and reply.platform_ref == COMMENT.replace("625792", "625999")
    sent = platform.calls("POST", rf"/rest/socialActions/{quote(COMMENT, safe='')}/comments")[0]
    assert sent.json == {
        "actor": ORG,
        "object": ACTIVITY,
        "message": {"text": "Hier niet. Lees onze gedragscode."},
        "parentComment": COMMENT,
    }
    for name in ("hide", "block", "report"):
        outcome = conn.apply(OutboxAction(id=3, action=name, comment_external_id=COMMENT))
        assert outcome.kind is OutcomeKind.FAILED and "by hand" in outcome.detail


def test_errors_map_to_retry_or_a_clear_failure(platform: FakePlatform, http: httpx.Client) -> None:
    path = rf"/rest/socialActions/{quote(ACTIVITY, safe='')}/comments/7094977717598625792"
    platform.fail(
        "DELETE",
        path,
        [
            Reply(429, {"status": 429, "message": "Resource level throttle limit reached"}, {"Retry-After": "60"}),
            Reply(500, {"status": 500, "message": "Internal Server Error"}),
            Reply(403, fixture("error_403.json")),
        ],
    )
    conn = connector(http, platform)
    action = OutboxAction(id=1, action="delete", comment_external_id=COMMENT)
    with pytest.raises(RateLimited) as limited:
        conn.apply(action)
    assert limited.value.retry_after == 60
    with pytest.raises(PlatformDown):
        conn.apply(action)
    with pytest.raises(PermanentError) as refused:
        conn.apply(action)
    assert "administrator of the page" in str(refused.value) and "li-token" not in str(refused.value)
    with pytest.raises(PermanentError, match="not a LinkedIn comment URN"):
        conn.apply(OutboxAction(id=2, action="delete", comment_external_id="12345"))


def test_check_applied_looks_on_linkedin(platform: FakePlatform, http: httpx.Client) -> None:
    platform.route(
        "GET", rf"/rest/socialActions/{quote(COMMENT, safe='')}/comments", lambda r: Reply(200, fixture("replies.json"))
    )
    platform.route(
        "GET",
        rf"/rest/socialActions/{quote(ACTIVITY, safe='')}/comments/7094977717598625792",
        lambda r: Reply(404, {"status": 404, "message": "Not found"}),
    )
    conn = connector(http, platform)
    text = "Hier niet. Lees onze gedragscode: https://www.hierniet.be/nl/code-of-conduct"
    assert (
        conn.check_applied(OutboxAction(id=1, action="reply", comment_external_id=COMMENT, payload={"text": text}))
        is True
    )
    assert (
        conn.check_applied(
            OutboxAction(id=2, action="reply", comment_external_id=COMMENT, payload={"text": "iets anders"})
        )
        is False
    )
    assert conn.check_applied(OutboxAction(id=3, action="delete", comment_external_id=COMMENT)) is True


# ------------------------------------------------------------------------------- through the webhook route


@pytest.fixture
def client(desk: Desk, fake_triage: FakeTriage, settings: Settings) -> Iterator[TestClient]:
    app = create_app(settings, store=desk.store, triage=fake_triage)
    with TestClient(app) as test_client:
        yield test_client


def test_the_webhook_route_stores_linkedin_comments_once(
    desk: Desk, settings: Settings, client: TestClient, platform: FakePlatform
) -> None:
    view = connect_channel(
        desk.store,
        settings,
        desk.actors["root"],
        platform="linkedin",
        external_id="2414183",
        secrets={"client_secret": SECRET, "access_token": "li-token"},
        config={"base_url": platform.url + "/rest"},
        organisation_id=desk.organisation_id,
        name="Stad Gent op LinkedIn",
    )
    url = f"/hooks/linkedin/{view.id}"
    code = "2a1b6d1e-0f0e-4a39-9c62-1b1b1b1b1b1b"

    handshake = client.get(url, params={"challengeCode": code})
    assert handshake.status_code == 200
    assert handshake.json() == {"challengeCode": code, "challengeResponse": challenge_response(code, SECRET)}

    body = (FIXTURES / "notifications.json").read_bytes()
    assert client.post(url, content=body).status_code == 401
    assert client.post(url, content=body, headers={"X-LI-Signature": signature(body, "wrong")}).status_code == 403
    assert (
        client.post(url, content=b"{oops", headers={"X-LI-Signature": signature(b"{oops", SECRET)}).status_code == 400
    )
    with desk.store.session() as s:
        assert s.scalars(select(Comment).where(Comment.platform == "linkedin")).all() == []

    stored = client.post(url, content=body, headers={"X-LI-Signature": signature(body, SECRET)})
    assert stored.status_code == 200, stored.text
    assert stored.json()["created"] == 2 and stored.json()["removed"] == 1 and stored.json()["ignored"] == 2
    replayed = client.post(url, content=body, headers={"X-LI-Signature": signature(body, SECRET)})
    assert replayed.status_code == 200 and replayed.json() == {"replayed": True}
    with desk.store.session() as s:
        rows = s.scalars(select(Comment).where(Comment.platform == "linkedin").order_by(Comment.id)).all()
        assert [(r.external_id, r.thread_external_id) for r in rows] == [
            (COMMENT, ACTIVITY),
            (COMMENT.replace("625792", "625810"), ACTIVITY),
        ]

    # The member edits the first comment, then the second one is deleted: revision kept, queue left.
    def note(number: int, action: str, urn: str, text: str | None = None) -> dict[str, Any]:
        comment: dict[str, Any] = {"owner": "urn:li:person:zLqTygBP8S", "entity": urn, "object": ACTIVITY}
        if text is not None:
            comment["text"] = text
        return {
            "notificationId": number,
            "organizationalEntity": ORG,
            "action": action,
            "sourcePost": ACTIVITY,
            "generatedActivity": urn,
            "decoratedGeneratedActivity": {"comment": comment},
            "lastModifiedAt": 1763895600000,
        }

    second = COMMENT.replace("625792", "625810")
    edit = json.dumps(
        {
            "type": "ORGANIZATION_SOCIAL_ACTION_NOTIFICATIONS",
            "notifications": [
                note(5603453400, "COMMENT_EDIT", COMMENT, "insult: stelletje idioten"),
                note(5603453401, "COMMENT_DELETE", second),
            ],
        }
    ).encode()
    answer = client.post(url, content=edit, headers={"X-LI-Signature": signature(edit, SECRET)})
    assert answer.status_code == 200, answer.text
    assert (answer.json()["edited"], answer.json()["removed"], answer.json()["created"]) == (1, 1, 0)
    with desk.store.session() as s:
        rows = {r.external_id: r for r in s.scalars(select(Comment).where(Comment.platform == "linkedin"))}
        revisions = s.scalars(select(CommentRevision).where(CommentRevision.comment_id == rows[COMMENT].id)).all()
    assert rows[COMMENT].text == "insult: stelletje idioten" and rows[COMMENT].edited_at is not None
    assert [r.text[:40] for r in revisions] == ["Weer geld over de balk gegooid door dit "]
    assert rows[second].removed_at is not None and rows[second].status == "removed"


def test_a_comment_edit_is_marked_edited(platform: FakePlatform, http: httpx.Client) -> None:
    raw = json.loads((FIXTURES / "notifications.json").read_bytes())
    first = raw["notifications"][0]
    raw["notifications"] = [{**first, "action": "COMMENT_EDIT", "notificationId": 1}, first]
    result = connector(http, platform).parse_webhook(signed(json.dumps(raw).encode()))
    assert [(c.id, c.edited) for c in result.comments] == [(COMMENT, True), (COMMENT, False)]
    assert result.comments[0].as_ingest(channel_id=6, platform="linkedin")["edited"] is True
