"""/hooks/{platform}/{channel_id}: every answer a webhook can get, and nothing stored for the bad ones."""

from __future__ import annotations

import hashlib
import hmac
import json
import warnings
from collections.abc import Iterator

import pytest

from connectors.fakes import FakeGraph
from hierniet.services import connections
from hierniet.services.removals import CANCEL_REASON
from hierniet.settings import Settings
from hierniet.store.tables import AuditEntry, Comment, CommentRevision, QueuedAction, WebhookEvent
from hierniet.web.app import create_app
from store.dbfixtures import Desk, FakeTriage

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

SECRET = "app-secret"


@pytest.fixture
def client(desk: Desk, settings: Settings, graph: FakeGraph, fake_triage: FakeTriage) -> Iterator[TestClient]:
    connections.connect_channel(
        desk.store,
        settings,
        desk.actors["admin"],
        platform="facebook",
        external_id="gent",
        secrets={"access_token": "t", "app_secret": SECRET, "verify_token": "verify-me"},
        config={"base_url": graph.url},
    )
    app = create_app(settings.model_copy(update={"webhook_max_bytes": 4096}), store=desk.store, triage=fake_triage)
    with TestClient(app) as c:
        yield c


def body(*comments: tuple[str, str], obj: str = "page") -> bytes:
    changes = [
        {
            "field": "feed",
            "value": {
                "from": {"id": "u1", "name": "Jan"},
                "post_id": "gent_p1",
                "comment_id": cid,
                "created_time": 1772366400,
                "item": "comment",
                "parent_id": "gent_p1",
                "verb": "add",
                "message": text,
            },
        }
        for cid, text in comments
    ]
    return json.dumps({"object": obj, "entry": [{"id": "gent", "time": 1772366400, "changes": changes}]}).encode()


def sign(raw: bytes, secret: str = SECRET) -> dict[str, str]:
    return {
        "X-Hub-Signature-256": "sha256=" + hmac.new(secret.encode(), raw, hashlib.sha256).hexdigest(),
        "Content-Type": "application/json",
    }


def stored(desk: Desk) -> tuple[int, int]:
    with desk.store.session() as s:
        return s.query(Comment).count(), s.query(WebhookEvent).count()


def test_handshake(client: TestClient, desk: Desk) -> None:
    ok = client.get(
        f"/hooks/facebook/{desk.channel_id}",
        params={"hub.mode": "subscribe", "hub.challenge": "1158201444", "hub.verify_token": "verify-me"},
    )
    assert ok.status_code == 200 and ok.text == "1158201444"
    wrong = client.get(
        f"/hooks/facebook/{desk.channel_id}",
        params={"hub.mode": "subscribe", "hub.challenge": "1", "hub.verify_token": "nope"},
    )
    assert wrong.status_code == 403


def test_a_valid_call_stores_its_comments_and_a_replay_stores_nothing(client: TestClient, desk: Desk) -> None:
    raw = body(("p1_c1", "Wanneer gaat het zwembad open?"), ("p1_c2", "insult: jullie zijn idioten"))
    first = client.post(f"/hooks/facebook/{desk.channel_id}", content=raw, headers=sign(raw))
    assert first.status_code == 200 and first.json()["created"] == 2
    assert stored(desk) == (2, 1)
    replay = client.post(f"/hooks/facebook/{desk.channel_id}", content=raw, headers=sign(raw))
    assert replay.status_code == 200 and replay.json() == {"replayed": True}
    assert stored(desk) == (2, 1)
    with desk.store.session() as s:
        comment = s.query(Comment).filter(Comment.external_id == "p1_c2").one()
    assert comment.channel_id == desk.channel_id and comment.thread_external_id == "gent_p1"


@pytest.mark.parametrize(
    ("headers", "status"),
    [({}, 401), (sign(b"something else"), 403), (sign(body(("c", "x")), secret="wrong"), 403)],
)
def test_bad_signatures_are_refused_and_store_nothing(
    client: TestClient, desk: Desk, headers: dict[str, str], status: int
) -> None:
    raw = body(("p1_c1", "hallo"))
    answer = client.post(f"/hooks/facebook/{desk.channel_id}", content=raw, headers=headers)
    assert answer.status_code == status
    assert SECRET not in answer.text
    assert stored(desk) == (0, 0)


def test_malformed_oversized_and_unknown(client: TestClient, desk: Desk) -> None:
    url = f"/hooks/facebook/{desk.channel_id}"
    bad = b"{not json"
    assert client.post(url, content=bad, headers=sign(bad)).status_code == 400
    shapeless = json.dumps({"object": "page", "entry": "nope"}).encode()
    assert client.post(url, content=shapeless, headers=sign(shapeless)).status_code == 400
    big = body(("p1_c1", "x" * 5000))
    assert client.post(url, content=big, headers=sign(big)).status_code == 413
    other = body(("p1_c9", "hallo"), obj="user")
    unknown = client.post(url, content=other, headers=sign(other))
    assert unknown.status_code == 200 and unknown.json()["ignored"] == 1 and unknown.json()["created"] == 0
    assert stored(desk)[0] == 0


def test_unknown_or_unconnected_channels(client: TestClient, desk: Desk) -> None:
    raw = body(("p1_c1", "hallo"))
    assert client.post("/hooks/facebook/9999", content=raw, headers=sign(raw)).status_code == 404
    assert client.post(f"/hooks/instagram/{desk.channel_id}", content=raw, headers=sign(raw)).status_code == 404
    # The other organisation's channel exists but has no credentials: answered like an unknown one (Meta retries
    # every non-2xx, so it comes again once the channel is connected; strangers learn nothing).
    assert client.post(f"/hooks/facebook/{desk.other_channel_id}", content=raw, headers=sign(raw)).status_code == 404
    assert stored(desk) == (0, 0)


def test_old_replay_guard_entries_are_forgotten(client: TestClient, desk: Desk, settings: Settings) -> None:
    from datetime import timedelta

    from hierniet.store.tables import utcnow

    raw = body(("p1_c1", "hallo"))
    client.post(f"/hooks/facebook/{desk.channel_id}", content=raw, headers=sign(raw))
    assert connections.forget_old_webhook_events(desk.store, settings) == 0
    later = utcnow() + timedelta(seconds=settings.webhook_replay_window_s + 1)
    assert connections.forget_old_webhook_events(desk.store, settings, now=later) == 1


def feed_body(*changes: tuple[str, str, str]) -> bytes:
    """A `feed` notification with (verb, comment id, text) changes: add, edited or remove."""
    values = [
        {
            "field": "feed",
            "value": {
                "from": {"id": "u1", "name": "Jan"},
                "post_id": "gent_p1",
                "comment_id": cid,
                "created_time": 1772366400,
                "item": "comment",
                "parent_id": "gent_p1",
                "verb": verb,
                **({"message": text} if verb != "remove" else {}),
            },
        }
        for verb, cid, text in changes
    ]
    return json.dumps({"object": "page", "entry": [{"id": "gent", "time": 1772366500, "changes": values}]}).encode()


def test_an_edited_comment_keeps_its_first_text_as_a_revision(client: TestClient, desk: Desk) -> None:
    url = f"/hooks/facebook/{desk.channel_id}"
    first = feed_body(("add", "p1_c1", "Bedankt voor de info"))
    assert client.post(url, content=first, headers=sign(first)).json()["created"] == 1
    edit = feed_body(("edited", "p1_c1", "insult: jullie zijn idioten"))
    answer = client.post(url, content=edit, headers=sign(edit))
    assert answer.status_code == 200 and answer.json()["edited"] == 1 and answer.json()["created"] == 0
    with desk.store.session() as s:
        comment = s.query(Comment).filter(Comment.external_id == "p1_c1").one()
        revisions = s.query(CommentRevision).filter(CommentRevision.comment_id == comment.id).all()
    assert (comment.text, comment.status, comment.verdict_version) == ("insult: jullie zijn idioten", "open", 2)
    assert [r.text for r in revisions] == ["Bedankt voor de info"]
    # Added and edited in one delivery: stored, then edited.
    both = feed_body(("add", "p1_c2", "Mooi"), ("edited", "p1_c2", "spam: koop nu"))
    assert client.post(url, content=both, headers=sign(both)).json() | {"ignored": 0} == {
        "created": 1,
        "edited": 1,
        "duplicates": 0,
        "rejected": 0,
        "removed": 0,
        "ignored": 0,
    }


def test_a_removed_comment_leaves_the_queue_and_its_hide_is_cancelled(client: TestClient, desk: Desk) -> None:
    url = f"/hooks/facebook/{desk.channel_id}"
    raw = feed_body(("add", "p1_c1", "spam: gratis iPhone"), ("add", "p1_c2", "insult: sukkels"))
    assert client.post(url, content=raw, headers=sign(raw)).json()["created"] == 2
    removal = feed_body(("remove", "p1_c1", ""), ("remove", "p1_c2", ""), ("remove", "p1_c9", ""))
    answer = client.post(url, content=removal, headers=sign(removal))
    assert answer.status_code == 200 and answer.json()["removed"] == 3
    with desk.store.session() as s:
        rows = {c.external_id: c for c in s.query(Comment).all()}
        actions = [(a.action, a.status, a.outcome) for a in s.query(QueuedAction).all()]
        [line] = s.query(AuditEntry).filter(AuditEntry.action == "comments.removed_on_platform").all()
    assert {(k, c.status) for k, c in rows.items()} == {("p1_c1", "removed"), ("p1_c2", "removed")}
    assert all(c.removed_at is not None for c in rows.values())
    assert actions == [("hide", "cancelled", CANCEL_REASON)]
    assert line.detail["unknown"] == ["p1_c9"] and line.detail["cancelled_actions"] == 1
