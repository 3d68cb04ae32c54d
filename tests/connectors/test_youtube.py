"""The YouTube connector against a local YouTube Data API v3 server: polling, moderation, replies, quota."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest

from connectors.fakes import FakeYouTube
from connectors.fakeserver import Reply
from hierniet.connectors.base import ChannelInfo, OutboxAction, OutcomeKind, RateLimited, connector_for
from hierniet.connectors.youtube import YouTubeConnector
from hierniet.services.connections import StoreQuota
from hierniet.store.repo import Store

SECRETS = {"access_token": "ya29.token"}


class Ledger:
    """An in-memory quota ledger (the store-backed one is tested below)."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.used = 0

    def spend(self, units: int) -> bool:
        if self.used + units > self.limit:
            return False
        self.used += units
        return True

    def exhaust(self) -> None:
        self.used = self.limit

    def seconds_until_reset(self) -> float:
        return 3600.0


@pytest.fixture
def http() -> Iterator[httpx.Client]:
    with httpx.Client(timeout=5) as client:
        yield client


def yt(youtube: FakeYouTube, http: httpx.Client, quota: Any = None, **config: Any) -> YouTubeConnector:
    info = ChannelInfo(3, "youtube", youtube.channel_id, {"base_url": youtube.url, **config})
    conn = connector_for("youtube", info, SECRETS, http, quota=quota)
    assert isinstance(conn, YouTubeConnector)
    return conn


def test_polling_reads_threads_and_replies_then_only_what_is_new(youtube: FakeYouTube, http: httpx.Client) -> None:
    youtube.add_thread("t1", "first", "2026-03-01T10:00:00Z")
    youtube.add_thread(
        "t2",
        "second",
        "2026-03-01T11:00:00Z",
        replies=[youtube.comment("t2.a", "a reply", "2026-03-01T11:30:00Z", author="UCother", parent="t2")],
    )
    youtube.add_thread("t3", "third", "2026-03-01T12:00:00Z")
    youtube.add_thread("t4", "the channel's own", "2026-03-01T12:30:00Z", author=youtube.channel_id)
    ledger = Ledger(100)
    conn = yt(youtube, http, ledger)
    comments, cursor = conn.poll(None)
    assert sorted(c.id for c in comments) == ["t1", "t2", "t2.a", "t3"]
    reply = next(c for c in comments if c.id == "t2.a")
    assert (reply.parent, reply.thread, reply.author, reply.author_name) == ("t2", "vid1", "UCother", "@UCother")
    assert cursor is not None and json.loads(cursor)["since"].startswith(
        "2026-03-01T12:30:00"
    )  # own comments move it too
    assert ledger.used == 2  # two pages of two threads, 1 unit each
    assert youtube.server.calls("GET", "/youtube/v3/commentThreads")[0].arg("allThreadsRelatedToChannelId") == "UCgent"

    youtube.add_thread("t5", "new one", "2026-03-01T13:00:00Z")
    comments, cursor2 = conn.poll(cursor)
    assert [c.id for c in comments] == ["t5"]
    assert ledger.used == 3  # the first page reached back past the cursor: no second page
    comments, cursor3 = conn.poll(cursor2)
    assert comments == [] and cursor3 == cursor2


def test_moderation_and_reply(youtube: FakeYouTube, http: httpx.Client) -> None:
    youtube.add_thread("t1", "insult: ...", "2026-03-01T10:00:00Z")
    youtube.add_thread("t2", "spam", "2026-03-01T10:00:00Z")
    ledger = Ledger(10_000)
    conn = yt(youtube, http, ledger)

    def act(name: str, cid: str, **payload: Any) -> Any:
        return conn.apply(OutboxAction(1, name, cid, payload))

    assert act("hold_for_review", "t1").kind is OutcomeKind.DONE and youtube.status["t1"] == "heldForReview"
    assert act("reject_and_ban_author", "t2").kind is OutcomeKind.DONE
    assert youtube.status["t2"] == "rejected" and youtube.banned == {"t2"}
    call = youtube.server.calls("POST", "/youtube/v3/comments/setModerationStatus")[-1]
    assert call.arg("banAuthor") == "true" and call.arg("moderationStatus") == "rejected"
    assert act("reject", "missing").kind is OutcomeKind.FAILED
    done = act("reply", "t1", text="Bedankt")
    assert done.kind is OutcomeKind.DONE and done.platform_ref == "t1.r1"
    assert youtube.server.calls("POST", "/youtube/v3/comments")[0].json == {
        "snippet": {"parentId": "t1", "textOriginal": "Bedankt"}
    }
    assert act("report", "t1").kind is OutcomeKind.FAILED  # no API: by hand
    assert ledger.used == 50 * 4  # three moderations (the refused one costs too), a reply; report calls nothing


def test_check_applied_finds_the_channels_reply(youtube: FakeYouTube, http: httpx.Client) -> None:
    youtube.add_thread("t1", "vraag", "2026-03-01T10:00:00Z")
    conn = yt(youtube, http)
    reply = OutboxAction(1, "reply", "t1", {"text": "Antwoord"})
    assert conn.check_applied(reply) is False
    conn.apply(reply)
    assert conn.check_applied(reply) is True
    # A reply to a reply goes to the thread's top-level comment.
    nested = OutboxAction(2, "reply", "t1.x", {"text": "Antwoord"}, parent_external_id="t1")
    assert conn.check_applied(nested) is True


def test_quota_exceeded_and_rate_limits_are_retries(youtube: FakeYouTube, http: httpx.Client) -> None:
    youtube.add_thread("t1", "x", "2026-03-01T10:00:00Z")
    ledger = Ledger(10_000)
    conn = yt(youtube, http, ledger)
    youtube.server.fail(
        "POST",
        "/youtube/v3/comments/setModerationStatus",
        [
            Reply(403, {"error": {"code": 403, "message": "rate", "errors": [{"reason": "rateLimitExceeded"}]}}),
            Reply(503, {"error": {"code": 503, "message": "backend", "errors": [{"reason": "backendError"}]}}),
            Reply(403, {"error": {"code": 403, "message": "quota", "errors": [{"reason": "quotaExceeded"}]}}),
        ],
    )
    with pytest.raises(RateLimited):
        conn.apply(OutboxAction(1, "reject", "t1"))
    from hierniet.connectors.base import PlatformDown

    with pytest.raises(PlatformDown):
        conn.apply(OutboxAction(1, "reject", "t1"))
    with pytest.raises(RateLimited) as quota:
        conn.apply(OutboxAction(1, "reject", "t1"))
    assert quota.value.retry_after == 3600.0 and ledger.used == ledger.limit
    # The local ledger now refuses before any call is made.
    before = len(youtube.server.requests)
    with pytest.raises(RateLimited, match="quota"):
        conn.poll(None)
    assert len(youtube.server.requests) == before


def test_an_expired_token_is_refreshed_once(youtube: FakeYouTube, http: httpx.Client) -> None:
    youtube.add_thread("t1", "x", "2026-03-01T10:00:00Z")
    youtube.server.route("POST", "/token", lambda req: Reply(200, {"access_token": "ya29.token", "expires_in": 3599}))
    info = ChannelInfo(3, "youtube", youtube.channel_id, {"base_url": youtube.url, "token_url": youtube.url + "/token"})
    secrets = {"access_token": "expired", "refresh_token": "1//r", "client_id": "cid", "client_secret": "cs"}
    conn = connector_for("youtube", info, secrets, http)
    comments, _ = conn.poll(None)
    assert [c.id for c in comments] == ["t1"]
    assert b"grant_type=refresh_token" in youtube.server.calls("POST", "/token")[0].body


def test_the_store_quota_counts_per_pacific_day(store: Store) -> None:
    clock = [datetime(2026, 3, 2, 7, 59, tzinfo=UTC)]  # 23:59 in Los Angeles on 1 March
    quota = StoreQuota(store, "youtube:project", 100, clock=lambda: clock[0])
    assert quota.spend(60) and not quota.spend(50) and quota.spend(40)
    assert quota.used() == 100 and not quota.spend(1)
    assert quota.seconds_until_reset() == 60.0
    clock[0] = datetime(2026, 3, 2, 8, 1, tzinfo=UTC)  # a new day in Los Angeles
    assert quota.used() == 0 and quota.spend(100)
    quota.exhaust()
    assert not quota.spend(1)


def test_a_comment_updated_after_it_was_published_is_an_edit() -> None:
    from hierniet.connectors.youtube import _comment

    def raw(updated: str) -> dict[str, Any]:
        snippet = {"textOriginal": "t", "videoId": "v1", "publishedAt": "2026-03-01T10:00:00Z", "updatedAt": updated}
        return {"id": "Ugx1", "snippet": snippet}

    same = _comment(raw("2026-03-01T10:00:00Z"), None, None)
    later = _comment(raw("2026-03-01T11:30:00Z"), None, None)
    assert same is not None and later is not None
    assert (same.edited, later.edited) == (False, True)
    assert later.as_ingest(channel_id=1, platform="youtube")["edited"] is True
