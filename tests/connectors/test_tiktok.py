"""The TikTok connector against a local HTTP server replaying the TikTok API for Business's documented answers."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import pytest

from connectors.fakeserver import FakePlatform, Reply, Request
from hierniet.connectors.base import (
    ChannelInfo,
    MalformedPayload,
    OutboxAction,
    OutcomeKind,
    PermanentError,
    PlatformDown,
    RateLimited,
    connector_for,
    outcome_for_error,
)
from hierniet.connectors.tiktok import TikTokConnector
from hierniet.services.ingest import CommentIn

FIXTURES = Path(__file__).parent / "fixtures" / "tiktok"
BUSINESS = "-000aBcDeF-open-id"
VIDEO = "7300000000000000002"


def fixture(name: str) -> Any:
    return json.loads((FIXTURES / name).read_text())




def connector(http: httpx.Client, platform: FakePlatform, **config: Any) -> TikTokConnector:
    channel = ChannelInfo(id=5, platform="tiktok", external_id=BUSINESS, config={"base_url": platform.url, **config})
    conn = connector_for("tiktok", channel, {"access_token": "act.token"}, http)
    assert isinstance(conn, TikTokConnector)
    return conn


def serve_comments(platform: FakePlatform) -> None:
    def comments(request: Request) -> Reply:
        assert request.headers["access-token"] == "act.token"
        assert request.arg("business_id") == BUSINESS
        if request.arg("video_id") != VIDEO:
            return Reply(200, fixture("comments_v1.json"))
        return Reply(200, fixture("comments_v2_page2.json" if request.arg("cursor") else "comments_v2_page1.json"))

    platform.route("GET", r"/business/video/list/", lambda r: Reply(200, fixture("video_list.json")))
    platform.route("GET", r"/business/comment/list/", comments)


def test_poll_reads_new_comments_and_replies_of_each_video(platform: FakePlatform, http: httpx.Client) -> None:
    serve_comments(platform)
    conn = connector(http, platform)

    comments, cursor = conn.poll(json.dumps({"since": 1763890000}))

    videos = platform.calls("GET", r"/business/video/list/")[0]
    assert json.loads(videos.arg("fields") or "[]") == ["item_id", "create_time"]
    first_page = platform.calls("GET", r"/business/comment/list/")[0]
    assert first_page.arg("include_replies") == "true" and first_page.arg("sort_order") == "desc"
    assert int(first_page.arg("max_count") or 0) <= 30
    # The organisation's own reply is left out; paging stops at comments older than the cursor.
    assert [c.id for c in comments] == ["7310000000000000020", "7310000000000000030", "7310000000000000032"]
    reply = comments[2]
    assert reply.parent == "7310000000000000030" and reply.thread == VIDEO
    assert reply.author == "u-fan" and reply.author_name == "fan.gent"
    assert reply.posted_at is not None and reply.posted_at.timestamp() == 1763892200
    assert json.loads(cursor or "{}") == {"since": 1763892200}
    assert len(platform.calls("GET", r"/business/comment/list/")) == 3  # v2 two pages, v1 one
    CommentIn.model_validate(comments[0].as_ingest(channel_id=5, platform="tiktok"))


def test_poll_errors_map_to_the_contract(platform: FakePlatform, http: httpx.Client) -> None:
    serve_comments(platform)
    platform.fail(
        "GET",
        r"/business/video/list/",
        [
            Reply(200, fixture("rate_limited.json")),
            Reply(200, fixture("system_error.json")),
            Reply(429, {"code": 40100, "message": "Too many requests"}, {"Retry-After": "30"}),
            Reply(200, fixture("token_invalid.json")),
        ],
    )
    conn = connector(http, platform)
    with pytest.raises(RateLimited) as limited:
        conn.poll(None)
    assert limited.value.retry_after == 60.0
    with pytest.raises(PlatformDown):
        conn.poll(None)
    with pytest.raises(RateLimited) as http_limited:
        conn.poll(None)
    assert http_limited.value.retry_after == 30.0
    with pytest.raises(PermanentError) as token:
        conn.poll(None)
    assert "access token" in str(token.value) and "act.token" not in str(token.value)
    with pytest.raises(MalformedPayload):
        conn.poll("not-a-cursor")


def test_hide_reply_and_delete(platform: FakePlatform, http: httpx.Client) -> None:
    platform.route("POST", r"/business/comment/hide/", lambda r: Reply(200, fixture("ok_empty.json")))
    platform.route("POST", r"/business/comment/reply/create/", lambda r: Reply(200, fixture("reply_created.json")))
    platform.fail("POST", r"/business/comment/delete/", [Reply(200, fixture("delete_not_owned.json"))])
    platform.route(
        "POST", r"/business/comment/delete/", lambda r: Reply(200, {"code": 40007, "message": "Not found", "data": {}})
    )
    conn = connector(http, platform)
    hide = OutboxAction(id=1, action="hide", comment_external_id="7310000000000000030", thread_external_id=VIDEO)
    assert conn.apply(hide).kind is OutcomeKind.DONE
    sent = platform.calls("POST", r"/business/comment/hide/")[0]
    assert sent.json == {
        "business_id": BUSINESS,
        "comment_id": "7310000000000000030",
        "video_id": VIDEO,
        "action": "HIDE",
    }
    assert sent.headers["content-type"] == "application/json"
    conn.apply(OutboxAction(id=2, action="unhide", comment_external_id="7310000000000000030", thread_external_id=VIDEO))
    assert platform.calls("POST", r"/business/comment/hide/")[1].json["action"] == "UNHIDE"
    no_video = conn.apply(OutboxAction(id=3, action="hide", comment_external_id="7310000000000000030"))
    assert no_video.kind is OutcomeKind.FAILED and "video" in no_video.detail

    reply = conn.apply(
        OutboxAction(
            id=4,
            action="reply",
            comment_external_id="7310000000000000030",
            thread_external_id=VIDEO,
            payload={"text": "Hier niet."},
        )
    )
    assert reply.kind is OutcomeKind.DONE and reply.platform_ref == "7310000000000000099"
    assert platform.calls("POST", r"/business/comment/reply/create/")[0].json == {
        "business_id": BUSINESS,
        "video_id": VIDEO,
        "comment_id": "7310000000000000030",
        "text": "Hier niet.",
    }

    delete = OutboxAction(id=5, action="delete", comment_external_id="7310000000000000030")
    with pytest.raises(PermanentError) as refused:
        conn.apply(delete)
    assert "hide this one instead" in str(refused.value)
    assert outcome_for_error(refused.value).kind is OutcomeKind.FAILED
    assert conn.apply(delete).detail == "already gone from TikTok"  # not found: deleted already
    report = conn.apply(OutboxAction(id=6, action="report", comment_external_id="7310000000000000030"))
    assert report.kind is OutcomeKind.FAILED and "by hand" in report.detail


def test_check_applied_finds_the_accounts_reply(platform: FakePlatform, http: httpx.Client) -> None:
    platform.route("GET", r"/business/comment/reply/list/", lambda r: Reply(200, fixture("reply_list.json")))
    conn = connector(http, platform)
    sent = OutboxAction(
        id=4,
        action="reply",
        comment_external_id="7310000000000000030",
        thread_external_id=VIDEO,
        payload={"text": "Hier niet. Lees onze gedragscode."},
    )
    assert conn.check_applied(sent) is True
    other = OutboxAction(
        id=5,
        action="reply",
        comment_external_id="7310000000000000030",
        thread_external_id=VIDEO,
        payload={"text": "Iets anders"},
    )
    assert conn.check_applied(other) is False
    assert platform.calls("GET", r"/business/comment/reply/list/")[0].arg("comment_id") == "7310000000000000030"
