"""The connector contract's helpers: signatures, HTTP error mapping, Retry-After, the registry, outcomes."""

from __future__ import annotations

import hashlib
import hmac
import time
from datetime import UTC, datetime
from email.utils import format_datetime

import httpx
import pytest

from connectors.fakeserver import FakePlatform, Reply
from hierniet.connectors import base
from hierniet.connectors.meta import FacebookConnector, InstagramConnector
from hierniet.connectors.youtube import YouTubeConnector


def test_hmac_verification() -> None:
    body = b'{"object":"page"}'
    good = hmac.new(b"s3cret", body, hashlib.sha256).hexdigest()
    base.verify_hmac_sha256("s3cret", body, f"sha256={good}", prefix="sha256=")
    base.verify_hmac_sha256("s3cret", body, f"SHA256={good.upper()}", prefix="sha256=")  # hex case does not matter
    with pytest.raises(base.BadSignature) as missing:
        base.verify_hmac_sha256("s3cret", body, None, prefix="sha256=")
    assert missing.value.missing
    for wrong in (f"sha1={good}", "sha256=" + "0" * 64, f"sha256={good[:-1]}"):
        with pytest.raises(base.BadSignature) as bad:
            base.verify_hmac_sha256("s3cret", body, wrong, prefix="sha256=")
        assert not bad.value.missing
    import base64

    b64 = base64.b64encode(hmac.new(b"k", body, hashlib.sha256).digest()).decode()
    base.verify_hmac_sha256("k", body, b64, encoding="base64")
    with pytest.raises(base.ConfigError):
        base.verify_hmac_sha256("", body, "x")


def test_retry_after() -> None:
    assert base.parse_retry_after("120") == 120.0
    assert base.parse_retry_after(None) is None and base.parse_retry_after("soon") is None
    later = datetime.fromtimestamp(time.time() + 90, UTC)
    assert base.parse_retry_after(format_datetime(later, usegmt=True)) == pytest.approx(90, abs=2)


def test_parse_time() -> None:
    assert base.parse_time("2026-03-01T12:00:00Z") == datetime(2026, 3, 1, 12, tzinfo=UTC)
    assert base.parse_time("2026-03-01T13:00:00+0100") == datetime(2026, 3, 1, 12, tzinfo=UTC)
    assert base.parse_time(1772366400) == datetime(2026, 3, 1, 12, tzinfo=UTC)
    assert base.parse_time("yesterday") is None and base.parse_time(None) is None


def test_request_maps_statuses_and_network_errors() -> None:
    with FakePlatform() as server, httpx.Client() as http:
        server.route("GET", "/ok", lambda r: Reply(200, {"fine": True}))
        server.route("GET", "/gone", lambda r: Reply(404, {"error": "gone"}))
        server.fail("GET", "/ok", [Reply(429, {}, {"Retry-After": "7"}), Reply(502, b"bad gateway")])
        with pytest.raises(base.RateLimited) as limited:
            base.request(http, "GET", f"{server.url}/ok", what="read")
        assert limited.value.retry_after == 7
        with pytest.raises(base.PlatformDown, match="502"):
            base.request(http, "GET", f"{server.url}/ok", what="read")
        assert base.json_object(base.request(http, "GET", f"{server.url}/ok", what="read"), "read") == {"fine": True}
        with pytest.raises(base.PermanentError) as gone:
            base.request(http, "GET", f"{server.url}/gone?access_token=SECRET", what="read")
        assert gone.value.status == 404 and "SECRET" not in str(gone.value)
        assert base.request(http, "GET", f"{server.url}/gone", what="read", ok=(404,)).status_code == 404
        url = server.url
    with httpx.Client() as http, pytest.raises(base.PlatformDown, match="cannot reach"):
        base.request(http, "GET", f"{url}/ok", what="read")  # the server is gone


def test_registry() -> None:
    assert base.connector_class("facebook") is FacebookConnector
    assert base.connector_class("instagram") is InstagramConnector
    assert base.connector_class("youtube") is YouTubeConnector
    with pytest.raises(base.ConfigError, match="no connector for platform 'other'"):
        base.connector_class("other")
    for platform in base.CONNECTORS:
        try:
            cls = base.connector_class(platform)
        except base.ConfigError:
            continue  # a module another part of the project has not written yet
        assert cls.platform.value == platform and cls.receives and cls.actions


def test_outcomes_for_errors() -> None:
    assert base.outcome_for_error(base.RateLimited("x", retry_after=3)).retry_after == 3
    assert base.outcome_for_error(base.RateLimited("x")).unsent
    down = base.outcome_for_error(base.PlatformDown("x"))
    assert down.kind is base.OutcomeKind.RETRY and not down.unsent
    assert base.outcome_for_error(base.PermanentError("x")).kind is base.OutcomeKind.FAILED
    assert base.outcome_for_error(base.ConfigError("x")).kind is base.OutcomeKind.RETRY
    assert base.outcome_for_error(ValueError("bug")).kind is base.OutcomeKind.RETRY


def test_incoming_comment_as_ingest() -> None:
    from hierniet.services.ingest import CommentIn

    c = base.IncomingComment(
        id="c1", text="hallo", author="u1", thread="p1", posted_at=datetime(2026, 3, 1, tzinfo=UTC)
    )
    parsed = CommentIn.model_validate(c.as_ingest(channel_id=3, platform="facebook"))
    assert (parsed.id, parsed.channel_id, parsed.author, parsed.thread, parsed.parent) == ("c1", 3, "u1", "p1", None)
