"""The X connector against a local HTTP server replaying the X API v2's documented answers."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest

from connectors.fakeserver import FakePlatform, Reply, Request
from hierniet.connectors.base import (
    ChannelInfo,
    OutboxAction,
    OutcomeKind,
    PermanentError,
    PlatformDown,
    RateLimited,
    connector_for,
    outcome_for_error,
)
from hierniet.connectors.x import XConnector
from hierniet.services.ingest import CommentIn

FIXTURES = Path(__file__).parent / "fixtures" / "x"
ORG = "1500000000000000001"


def fixture(name: str) -> Any:
    return json.loads((FIXTURES / name).read_text())




def connector(http: httpx.Client, platform: FakePlatform, **config: Any) -> XConnector:
    channel = ChannelInfo(id=4, platform="x", external_id=ORG, config={"base_url": platform.url, **config})
    conn = connector_for("x", channel, {"access_token": "user-token"}, http)
    assert isinstance(conn, XConnector)
    return conn


def test_mentions_become_comments_and_the_cursor_moves(platform: FakePlatform, http: httpx.Client) -> None:
    pages = {
        None: fixture("mentions_page1.json"),
        "7140dibdnow9c7btw3w29grvxfcgvpb9n9coehpk7xz5i": fixture("mentions_page2.json"),
    }

    def mentions(request: Request) -> Reply:
        assert request.headers["authorization"] == "Bearer user-token"
        if request.arg("since_id") == "1600000000000000300":
            return Reply(200, {"meta": {"result_count": 0}})
        return Reply(200, pages[request.arg("pagination_token")])

    platform.route("GET", rf"/2/users/{ORG}/mentions", mentions)
    conn = connector(http, platform)

    comments, cursor = conn.poll(json.dumps({"mentions": "1600000000000000100"}))

    first_call = platform.calls("GET", rf"/2/users/{ORG}/mentions")[0]
    assert first_call.arg("since_id") == "1600000000000000100"
    assert first_call.arg("expansions") == "author_id"
    assert "conversation_id" in (first_call.arg("tweet.fields") or "")
    # Oldest first; the organisation's own post is left out.
    assert [c.id for c in comments] == ["1600000000000000200", "1600000000000000250", "1600000000000000300"]
    troll = comments[0]
    assert troll.author == "2244994945" and troll.author_name == "trol_gent"
    # The account is three days old (users' created_at, asked for in user.fields): raids of new accounts.
    assert troll.author_created_at == datetime(2026, 11, 20, 8, 0, tzinfo=UTC)
    assert "created_at" in (first_call.arg("user.fields") or "")
    assert comments[1].author_created_at is None  # a user X gave no date for
    assert troll.thread == "1600000000000000001" and troll.parent == "1600000000000000001"
    assert troll.language == "nl" and troll.posted_at is not None
    assert comments[2].language is None  # "und": X could not tell
    assert json.loads(cursor or "{}") == {"mentions": "1600000000000000300"}
    CommentIn.model_validate(troll.as_ingest(channel_id=4, platform="x"))
    # Nothing new since.
    assert conn.poll(cursor) == ([], cursor)


def test_first_poll_reads_one_page_only(platform: FakePlatform, http: httpx.Client) -> None:
    platform.route("GET", rf"/2/users/{ORG}/mentions", lambda r: Reply(200, fixture("mentions_page1.json")))
    comments, cursor = connector(http, platform).poll(None)
    assert len(platform.requests) == 1 and "since_id" not in platform.requests[0].query
    assert json.loads(cursor or "{}") == {"mentions": "1600000000000000300"}
    assert len(comments) == 2


def test_listed_conversations_are_searched(platform: FakePlatform, http: httpx.Client) -> None:
    platform.route("GET", rf"/2/users/{ORG}/mentions", lambda r: Reply(200, {"meta": {"result_count": 0}}))
    platform.route("GET", r"/2/tweets/search/recent", lambda r: Reply(200, fixture("search_conversation.json")))
    comments, cursor = connector(http, platform, conversation_ids=["1600000000000000001"]).poll(None)
    [search] = platform.calls("GET", r"/2/tweets/search/recent")
    assert search.arg("query") == "conversation_id:1600000000000000001"
    assert [c.id for c in comments] == ["1600000000000000400"]
    assert json.loads(cursor or "{}") == {"conversation:1600000000000000001": "1600000000000000400"}


def test_hide_reply_and_its_refusals(platform: FakePlatform, http: httpx.Client) -> None:
    def hidden(request: Request) -> Reply:
        return Reply(200, {"data": {"hidden": request.json["hidden"]}})

    platform.route("PUT", r"/2/tweets/(?P<id>\d+)/hidden", hidden)
    conn = connector(http, platform)
    action = OutboxAction(id=1, action="hide_reply", comment_external_id="1600000000000000200")
    assert conn.apply(action).kind is OutcomeKind.DONE
    assert platform.requests[-1].json == {"hidden": True}
    assert "hide_reply" in XConnector.idempotent_actions
    assert conn.apply(OutboxAction(id=2, action="unhide", comment_external_id="1600000000000000200")).detail
    assert platform.requests[-1].json == {"hidden": False}

    platform.fail("PUT", r"/2/tweets/\d+/hidden", [Reply(403, fixture("error_not_own_conversation.json"))])
    with pytest.raises(PermanentError) as refused:
        conn.apply(action)
    assert "conversations it started" in str(refused.value)
    assert outcome_for_error(refused.value).kind is OutcomeKind.FAILED


def test_rate_limit_reset_and_outage_are_retried(platform: FakePlatform, http: httpx.Client) -> None:
    reset = int(time.time()) + 600
    platform.fail(
        "PUT",
        r"/2/tweets/\d+/hidden",
        [
            Reply(
                429,
                {"title": "Too Many Requests", "detail": "Too Many Requests", "type": "about:blank", "status": 429},
                {"x-rate-limit-limit": "50", "x-rate-limit-remaining": "0", "x-rate-limit-reset": str(reset)},
            ),
            Reply(503, {"title": "Service Unavailable"}),
        ],
    )
    platform.route("PUT", r"/2/tweets/\d+/hidden", lambda r: Reply(200, {"data": {"hidden": True}}))
    conn = connector(http, platform)
    action = OutboxAction(id=1, action="hide_reply", comment_external_id="1600000000000000200")
    with pytest.raises(RateLimited) as limited:
        conn.apply(action)
    outcome = outcome_for_error(limited.value)
    assert outcome.kind is OutcomeKind.RETRY and outcome.retry_after is not None
    assert 590 <= outcome.retry_after <= 600
    with pytest.raises(PlatformDown):
        conn.apply(action)
    assert conn.apply(action).kind is OutcomeKind.DONE


def test_reply_mute_block_report(platform: FakePlatform, http: httpx.Client) -> None:
    platform.route(
        "POST", r"/2/tweets", lambda r: Reply(201, {"data": {"id": "1600000000000000999", "text": r.json["text"]}})
    )
    platform.route("POST", rf"/2/users/{ORG}/muting", lambda r: Reply(200, {"data": {"muting": True}}))
    platform.fail("POST", rf"/2/users/{ORG}/blocking", [Reply(403, fixture("error_block_enterprise.json"))])
    conn = connector(http, platform)
    reply = OutboxAction(
        id=3,
        action="reply",
        comment_external_id="1600000000000000200",
        payload={"text": "Hier niet: https://www.hierniet.be"},
    )
    outcome = conn.apply(reply)
    assert outcome.kind is OutcomeKind.DONE and outcome.platform_ref == "1600000000000000999"
    assert platform.calls("POST", r"/2/tweets")[0].json == {
        "text": "Hier niet: https://www.hierniet.be",
        "reply": {"in_reply_to_tweet_id": "1600000000000000200"},
    }
    mute = conn.apply(OutboxAction(id=4, action="mute", comment_external_id="1", author_external_id="2244994945"))
    assert mute.kind is OutcomeKind.DONE
    assert platform.calls("POST", rf"/2/users/{ORG}/muting")[0].json == {"target_user_id": "2244994945"}
    with pytest.raises(PermanentError, match="Enterprise plan"):
        conn.apply(OutboxAction(id=5, action="block", comment_external_id="1", author_external_id="2244994945"))
    report = conn.apply(OutboxAction(id=6, action="report", comment_external_id="1"))
    assert report.kind is OutcomeKind.FAILED and "by hand" in report.detail


def test_an_undone_mute_is_taken_back(platform: FakePlatform, http: httpx.Client) -> None:
    platform.route("DELETE", rf"/2/users/{ORG}/muting/\d+", lambda r: Reply(200, {"data": {"muting": False}}))
    platform.fail("DELETE", rf"/2/users/{ORG}/blocking/\d+", [Reply(403, fixture("error_block_enterprise.json"))])
    conn = connector(http, platform)
    unmute = conn.apply(OutboxAction(id=7, action="unmute", comment_external_id="1", author_external_id="2244994945"))
    assert unmute.kind is OutcomeKind.DONE and unmute.detail == "unmuted on X"
    assert [c.path for c in platform.calls("DELETE", rf"/2/users/{ORG}/muting/\d+")] == [
        f"/2/users/{ORG}/muting/2244994945"
    ]
    with pytest.raises(PermanentError, match="unblock the author by hand"):
        conn.apply(OutboxAction(id=8, action="unblock", comment_external_id="1", author_external_id="2244994945"))
    nobody = conn.apply(OutboxAction(id=9, action="unmute", comment_external_id="1"))
    assert nobody.kind is OutcomeKind.FAILED and "unknown" in nobody.detail


def test_check_applied_finds_a_sent_reply(platform: FakePlatform, http: httpx.Client) -> None:
    platform.route("GET", rf"/2/users/{ORG}/tweets", lambda r: Reply(200, fixture("own_tweets.json")))
    conn = connector(http, platform)
    sent = OutboxAction(
        id=3,
        action="reply",
        comment_external_id="1600000000000000200",
        payload={"text": "Hier niet: https://www.hierniet.be"},
    )
    unsent = OutboxAction(
        id=4,
        action="reply",
        comment_external_id="1600000000000000250",
        payload={"text": "Hier niet: https://www.hierniet.be"},
    )
    assert conn.check_applied(sent) is True
    assert conn.check_applied(unsent) is False


def test_expired_token_says_how_to_fix_it(platform: FakePlatform, http: httpx.Client) -> None:
    platform.fail(
        "POST",
        r"/2/tweets",
        [Reply(401, {"title": "Unauthorized", "type": "about:blank", "status": 401, "detail": "Unauthorized"})],
    )
    conn = connector(http, platform)
    with pytest.raises(PermanentError) as refused:
        conn.apply(OutboxAction(id=3, action="reply", comment_external_id="1", payload={"text": "hallo"}))
    assert "reconnect the channel" in str(refused.value) and "user-token" not in str(refused.value)
