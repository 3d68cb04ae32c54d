"""The Meta connector (Facebook Pages, Instagram) against a local Graph API server and documented payloads."""

from __future__ import annotations

import hashlib
import hmac
import json
from typing import Any

import httpx
import pytest

from connectors.fakes import FakeGraph
from connectors.fakeserver import Reply
from hierniet.connectors.base import (
    BadSignature,
    ChannelInfo,
    ConfigError,
    MalformedPayload,
    OutboxAction,
    OutcomeKind,
    PlatformDown,
    RateLimited,
    WebhookRequest,
    connector_for,
)
from hierniet.connectors.meta import FacebookConnector, InstagramConnector

SECRETS = {"access_token": "EAAG-page-token", "app_secret": "app-secret", "verify_token": "verify-me"}


def fb(graph: FakeGraph, http: httpx.Client) -> FacebookConnector:
    conn = connector_for("facebook", ChannelInfo(1, "facebook", graph.page_id, {"base_url": graph.url}), SECRETS, http)
    assert isinstance(conn, FacebookConnector)
    return conn


def ig(graph: FakeGraph, http: httpx.Client) -> InstagramConnector:
    conn = connector_for(
        "instagram", ChannelInfo(2, "instagram", graph.page_id, {"base_url": graph.url}), SECRETS, http
    )
    assert isinstance(conn, InstagramConnector)
    return conn


def signed(body: dict[str, Any] | bytes, secret: str = "app-secret") -> WebhookRequest:
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    sig = "sha256=" + hmac.new(secret.encode(), raw, hashlib.sha256).hexdigest()
    return WebhookRequest("POST", {"x-hub-signature-256": sig, "content-type": "application/json"}, raw)


def feed(*values: dict[str, Any], obj: str = "page") -> dict[str, Any]:
    return {
        "object": obj,
        "entry": [{"id": "gent", "time": 1772366400, "changes": [{"field": "feed", "value": v} for v in values]}],
    }


def comment_value(cid: str, verb: str = "add", **extra: Any) -> dict[str, Any]:
    value = {
        "from": {"id": "u1", "name": "Jan"},
        "post_id": "gent_p1",
        "comment_id": cid,
        "created_time": 1772366400,
        "item": "comment",
        "parent_id": "gent_p1",
        "verb": verb,
        "message": f"text of {cid}",
    }
    value.update(extra)
    return value


@pytest.fixture
def http() -> Any:
    with httpx.Client(timeout=5) as client:
        yield client


def test_the_handshake_answers_the_challenge_only_with_the_verify_token(graph: FakeGraph, http: httpx.Client) -> None:
    conn = fb(graph, http)
    ok = conn.parse_webhook(
        WebhookRequest(
            "GET", {}, b"", {"hub.mode": "subscribe", "hub.challenge": "1158201444", "hub.verify_token": "verify-me"}
        )
    )
    assert ok.response is not None and ok.response.body == "1158201444" and ok.response.status == 200
    with pytest.raises(BadSignature):
        conn.parse_webhook(
            WebhookRequest("GET", {}, b"", {"hub.mode": "subscribe", "hub.challenge": "1", "hub.verify_token": "guess"})
        )
    with pytest.raises(MalformedPayload):
        conn.parse_webhook(WebhookRequest("GET", {}, b"", {}))


def test_feed_comments_are_parsed_add_edit_remove(graph: FakeGraph, http: httpx.Client) -> None:
    body = feed(
        comment_value("p1_c1"),
        comment_value("p1_c2", parent_id="p1_c1"),
        comment_value("p1_c3", verb="edited"),
        comment_value("p1_c4", verb="remove"),
        comment_value("p1_c5", **{"from": {"id": "gent", "name": "Stad Gent"}}),  # the Page's own reply
        {"item": "reaction", "verb": "add", "post_id": "gent_p1"},
    )
    result = fb(graph, http).parse_webhook(signed(body))
    assert [c.id for c in result.comments] == ["p1_c1", "p1_c2", "p1_c3"]
    first = result.comments[0]
    assert (first.author, first.author_name, first.thread, first.parent) == ("u1", "Jan", "gent_p1", None)
    assert first.posted_at is not None and first.posted_at.tzinfo is not None
    assert result.comments[1].parent == "p1_c1"
    assert result.removed == ["p1_c4"]
    assert len(result.ignored) == 2
    item = first.as_ingest(channel_id=7, platform="facebook")
    assert item["channel_id"] == 7 and item["text"] == "text of p1_c1" and item["author"] == "u1"
    # verb "edited" marks a new text of a comment sent before: ingestion keeps the old one as a revision.
    assert [c.edited for c in result.comments] == [False, False, True]
    assert "edited" not in item and result.comments[2].as_ingest(channel_id=7, platform="facebook")["edited"] is True


def test_signature_is_checked_on_the_raw_body_before_parsing(graph: FakeGraph, http: httpx.Client) -> None:
    conn = fb(graph, http)
    raw = json.dumps(feed(comment_value("c1"))).encode()
    with pytest.raises(BadSignature) as missing:
        conn.parse_webhook(WebhookRequest("POST", {}, raw))
    assert missing.value.missing
    with pytest.raises(BadSignature) as wrong:
        conn.parse_webhook(signed(raw, secret="other-secret"))
    assert not wrong.value.missing
    # The same JSON re-serialised (other spacing) no longer matches: the raw bytes count.
    request = signed(raw)
    respaced = WebhookRequest("POST", dict(request.headers), json.dumps(json.loads(raw), indent=1).encode())
    with pytest.raises(BadSignature):
        conn.parse_webhook(respaced)
    # Not JSON, but signed: malformed only after the signature passed.
    with pytest.raises(MalformedPayload):
        conn.parse_webhook(signed(b"not json"))
    with pytest.raises(MalformedPayload):
        conn.parse_webhook(signed({"object": "page"}))


def test_an_unknown_object_is_ignored_not_refused(graph: FakeGraph, http: httpx.Client) -> None:
    result = fb(graph, http).parse_webhook(signed(feed(comment_value("c1"), obj="permissions")))
    assert result.comments == [] and result.ignored


def test_instagram_comments(graph: FakeGraph, http: httpx.Client) -> None:
    body = {
        "object": "instagram",
        "entry": [
            {
                "id": "gent",
                "time": 1772366400,
                "changes": [
                    {
                        "field": "comments",
                        "value": {
                            "from": {"id": "ig1", "username": "jan"},
                            "media": {"id": "m1", "media_product_type": "FEED"},
                            "id": "17865799348089039",
                            "text": "dit is een schande",
                        },
                    },
                    {"field": "mentions", "value": {"media_id": "m2", "comment_id": "c9"}},
                ],
            }
        ],
    }
    result = ig(graph, http).parse_webhook(signed(body))
    assert [(c.id, c.author, c.author_name, c.thread) for c in result.comments] == [
        ("17865799348089039", "ig1", "jan", "m1")
    ]
    assert len(result.ignored) == 1


def action(name: str, cid: str = "c1", **payload: Any) -> OutboxAction:
    return OutboxAction(id=1, action=name, comment_external_id=cid, payload=payload, author_external_id="u1")


def test_page_actions_reach_the_graph_api(graph: FakeGraph, http: httpx.Client) -> None:
    graph.add("c1", "c2")
    conn = fb(graph, http)
    assert conn.apply(action("hide")).kind is OutcomeKind.DONE
    assert graph.comments["c1"].hidden
    assert conn.apply(action("unhide")).kind is OutcomeKind.DONE
    assert not graph.comments["c1"].hidden
    replied = conn.apply(action("reply", text="Bedankt voor je reactie."))
    assert replied.kind is OutcomeKind.DONE and replied.platform_ref == "c1_r1"
    # An undone decision takes its reply back by the reply's id (issue 12); again is already done.
    assert conn.apply(action("delete_reply", platform_ref="c1_r1")).kind is OutcomeKind.DONE
    assert graph.comments["c1_r1"].deleted
    assert "already" in conn.apply(action("delete_reply", platform_ref="c1_r1")).detail
    assert conn.apply(action("delete_reply")).kind is OutcomeKind.FAILED  # no id: by hand
    assert conn.apply(action("ban_from_page")).kind is OutcomeKind.DONE and graph.blocked == {"u1"}
    # An undone block lifts the ban (DELETE /{page}/blocked); lifting it twice is harmless.
    assert conn.apply(action("unban_from_page")).kind is OutcomeKind.DONE and graph.blocked == set()
    assert conn.apply(action("unblock")).kind is OutcomeKind.DONE and graph.blocked == set()
    assert graph.effects[("unban_from_page", "u1")] == 2
    assert conn.apply(action("delete", "c2")).kind is OutcomeKind.DONE and graph.comments["c2"].deleted
    # Deleting again: Graph says the object does not exist; the goal is met.
    again = conn.apply(action("delete", "c2"))
    assert again.kind is OutcomeKind.DONE and "already" in again.detail
    # No Graph API to report a comment: done by hand.
    assert conn.apply(action("report")).kind is OutcomeKind.FAILED
    # The token goes in a header, with appsecret_proof; never in the URL.
    call = graph.server.calls("POST", "/v25.0/c1")[0]
    assert call.headers["authorization"] == "Bearer EAAG-page-token"
    assert "access_token" not in call.query and call.arg("appsecret_proof")


def test_instagram_actions(graph: FakeGraph, http: httpx.Client) -> None:
    graph.add("c1")
    conn = ig(graph, http)
    assert conn.apply(action("hide")).kind is OutcomeKind.DONE
    assert graph.server.calls("POST", "/v25.0/c1")[0].body == b"hide=true"
    assert conn.apply(action("reply", text="Merci")).kind is OutcomeKind.DONE
    assert graph.server.calls("POST", "/v25.0/c1/replies")
    assert conn.apply(action("block")).kind is OutcomeKind.FAILED  # Instagram has no block API


def test_check_applied_reads_the_platform(graph: FakeGraph, http: httpx.Client) -> None:
    graph.add("c1", "c2")
    conn = fb(graph, http)
    reply = action("reply", text="Zie ons charter")
    assert conn.check_applied(reply) is False
    conn.apply(reply)
    assert conn.check_applied(reply) is True
    assert conn.check_applied(action("hide")) is False
    conn.apply(action("hide"))
    assert conn.check_applied(action("hide")) is True
    assert conn.check_applied(action("delete", "c2")) is False
    conn.apply(action("delete", "c2"))
    assert conn.check_applied(action("delete", "c2")) is True


def test_graph_errors_map_to_retry_or_failure(graph: FakeGraph, http: httpx.Client) -> None:
    graph.add("c1")
    conn = fb(graph, http)
    usage = json.dumps({"gent": [{"type": "pages", "call_count": 100, "estimated_time_to_regain_access": 7}]})
    graph.server.fail(
        "POST",
        "/v25.0/c1",
        [
            Reply(
                400,
                {"error": {"message": "(#32) Page request limit reached", "code": 32}},
                {"X-Business-Use-Case-Usage": usage},
            ),
            Reply(429, {"error": {"message": "Too many", "code": 4}}, {"Retry-After": "12"}),
            Reply(500, {"error": {"message": "An unknown error occurred", "code": 1, "is_transient": True}}),
            Reply(400, {"error": {"message": "Error validating access token", "code": 190}}),
            Reply(403, {"error": {"message": "(#200) Permissions error", "code": 200}}),
        ],
    )
    with pytest.raises(RateLimited) as throttled:
        conn.apply(action("hide"))
    assert throttled.value.retry_after == 7 * 60
    with pytest.raises(RateLimited) as too_many:
        conn.apply(action("hide"))
    assert too_many.value.retry_after == 12
    with pytest.raises(PlatformDown):
        conn.apply(action("hide"))
    with pytest.raises(ConfigError, match="token"):
        conn.apply(action("hide"))
    from hierniet.connectors.base import PermanentError

    with pytest.raises(PermanentError, match="Permissions"):
        conn.apply(action("hide"))
    assert conn.apply(action("hide")).kind is OutcomeKind.DONE


def test_a_channel_without_its_secrets_is_refused() -> None:
    with httpx.Client() as http, pytest.raises(ConfigError, match="app_secret"):
        connector_for("facebook", ChannelInfo(1, "facebook", "gent"), {"access_token": "x", "verify_token": "v"}, http)
