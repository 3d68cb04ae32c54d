"""Issue 11: no webhook handshake signs or serves what a stranger chooses (findings 1), strangers learn nothing
of which channels exist (12), no secret reaches a log line (11), a post's link is a web link (9), and every 422
has the string `detail` that OpenAPI declares (14)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
import socket
import threading
import time
import warnings
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
import uvicorn
from sqlalchemy import select
from uvicorn.logging import AccessFormatter

from connectors import conftest as connector_fixtures
from connectors.fakes import FakeGraph
from hierniet import redaction
from hierniet.connectors.base import (
    CONNECTORS,
    BadSignature,
    ChannelInfo,
    MalformedPayload,
    NotSupported,
    WebhookRequest,
    connector_class,
    connector_for,
    http_client,
)
from hierniet.connectors.linkedin import challenge_response, signature
from hierniet.services import connections
from hierniet.services.auth import CLI_ACTOR
from hierniet.services.ingest import ingest
from hierniet.settings import Settings
from hierniet.store.tables import Channel, Comment, Post
from hierniet.web.app import create_app
from seed import SeedTriage
from store import dbfixtures
from store.dbfixtures import Desk, FakeTriage
from web import desk_fixtures
from web.desk_fixtures import Pages

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

database = dbfixtures.database
store = dbfixtures.store
desk = dbfixtures.desk
fake_triage = dbfixtures.fake_triage
pages = desk_fixtures.pages

LI_SECRET = "li-client-secret"
FB_SECRET = "fb-app-secret"
VERIFY_TOKEN = "verify-me-7f3a"
ORG = "urn:li:organization:2414183"
REAL_COMMENT = "urn:li:comment:(urn:li:activity:7094637247890620418,7094977717598625792)"
UUID = "890e4d4b-1d1d-4b65-a1c4-96a1b2ef0f1a"


# The connector tests' credentials key, settings and fake Graph API serve here too.
credentials_key = connector_fixtures.credentials_key
settings = connector_fixtures.settings
graph = connector_fixtures.graph


@pytest.fixture
def linkedin_id(desk: Desk, settings: Settings) -> int:
    view = connections.connect_channel(
        desk.store,
        settings,
        desk.actors["root"],
        platform="linkedin",
        external_id="2414183",
        secrets={"client_secret": LI_SECRET, "access_token": "li-token"},
        config={"base_url": "http://127.0.0.1:9/rest"},  # never called: every notification below is decorated
        organisation_id=desk.organisation_id,
        name="Stad Gent op LinkedIn",
    )
    return view.id


@pytest.fixture
def client(desk: Desk, settings: Settings, graph: FakeGraph, fake_triage: FakeTriage) -> Iterator[TestClient]:
    connections.connect_channel(
        desk.store,
        settings,
        desk.actors["admin"],
        platform="facebook",
        external_id="gent",
        secrets={"access_token": "t", "app_secret": FB_SECRET, "verify_token": VERIFY_TOKEN},
        config={"base_url": graph.url},
    )
    with TestClient(create_app(settings, store=desk.store, triage=fake_triage)) as c:
        yield c


def notifications(action: str, text: str = "") -> bytes:
    comment: dict[str, Any] = {"entity": REAL_COMMENT, "object": "urn:li:activity:7094637247890620418"}
    if text:
        comment |= {"owner": "urn:li:person:x", "text": text}
    note = {
        "notificationId": f"n-{action}",
        "organizationalEntity": ORG,
        "action": action,
        "sourcePost": "urn:li:activity:7094637247890620418",
        "generatedActivity": REAL_COMMENT,
        "decoratedGeneratedActivity": {"comment": comment},
        "lastModifiedAt": 1763892000000,
    }
    return json.dumps({"type": "ORGANIZATION_SOCIAL_ACTION_NOTIFICATIONS", "notifications": [note]}).encode()


def linkedin_comments(desk: Desk) -> list[Comment]:
    with desk.store.session() as s:
        return list(s.scalars(select(Comment).where(Comment.platform == "linkedin")).all())


# ------------------------------------------------------------------------------- handshakes are no oracles


def forge(client: TestClient, url: str, body: bytes) -> httpx.Response:
    """The attack of issue 11: ask the validation GET to sign "hmacsha256=" + body, then post body with it."""
    oracle = client.get(url, params={"challengeCode": "hmacsha256=" + body.decode()})
    assert oracle.status_code == 400, oracle.text
    assert signature(body, LI_SECRET) not in oracle.text
    stolen = oracle.json().get("challengeResponse", "0" * 64) if oracle.status_code == 200 else "0" * 64
    return client.post(url, content=body, headers={"X-LI-Signature": stolen})


def test_the_linkedin_challenge_signs_no_forged_comment(client: TestClient, desk: Desk, linkedin_id: int) -> None:
    answer = forge(client, f"/hooks/linkedin/{linkedin_id}", notifications("COMMENT", "forged by a stranger"))
    assert answer.status_code == 403
    assert linkedin_comments(desk) == []


def test_the_linkedin_challenge_signs_no_forged_deletion(client: TestClient, desk: Desk, linkedin_id: int) -> None:
    url = f"/hooks/linkedin/{linkedin_id}"
    real = notifications("COMMENT", "Wanneer opent het zwembad?")
    stored = client.post(url, content=real, headers={"X-LI-Signature": signature(real, LI_SECRET)})
    assert stored.status_code == 200 and stored.json()["created"] == 1
    assert forge(client, url, notifications("COMMENT_DELETE")).status_code == 403
    [comment] = linkedin_comments(desk)
    assert comment.removed_at is None


@pytest.mark.parametrize(
    "code",
    [
        "hmacsha256=" + '{"type":"ORGANIZATION_SOCIAL_ACTION_NOTIFICATIONS"}',
        UUID + "x",
        UUID + "\n",
        UUID.replace("-", ""),
        "",
        "{" + UUID + "}",
    ],
)
def test_only_a_uuid_challenge_code_is_answered(client: TestClient, linkedin_id: int, code: str) -> None:
    answer = client.get(f"/hooks/linkedin/{linkedin_id}", params={"challengeCode": code})
    assert answer.status_code == 400 and "challengeResponse" not in answer.text
    with pytest.raises(MalformedPayload):
        challenge_response(code, LI_SECRET)


@pytest.mark.parametrize("code", [UUID, UUID.upper()])
def test_linkedin_s_own_challenge_is_still_answered(client: TestClient, linkedin_id: int, code: str) -> None:
    answer = client.get(f"/hooks/linkedin/{linkedin_id}", params={"challengeCode": code})
    assert answer.status_code == 200
    assert answer.json() == {"challengeCode": code, "challengeResponse": challenge_response(code, LI_SECRET)}


def test_meta_echoes_only_its_own_short_challenge(client: TestClient, desk: Desk) -> None:
    url = f"/hooks/facebook/{desk.channel_id}"
    markup = "<script>alert(1)</script>"
    # Without the verify token nothing is echoed, whatever the challenge.
    stranger = client.get(url, params={"hub.mode": "subscribe", "hub.challenge": "1158201444"})
    assert stranger.status_code == 403 and "1158201444" not in stranger.text
    # With it, only a short token is: the address never serves text of someone's choosing.
    html = client.get(url, params={"hub.mode": "subscribe", "hub.challenge": markup, "hub.verify_token": VERIFY_TOKEN})
    assert html.status_code == 400 and markup not in html.text
    params = {"hub.mode": "subscribe", "hub.challenge": "1158201444", "hub.verify_token": VERIFY_TOKEN}
    ok = client.get(url, params=params)
    assert ok.status_code == 200 and ok.text == "1158201444"
    assert ok.headers["content-type"].startswith("text/plain") and ok.headers["x-content-type-options"] == "nosniff"


# ------------------------------------------------------------------------- strangers learn nothing of channels


def test_unknown_and_unconnected_channels_get_one_answer(
    client: TestClient, desk: Desk, settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    polled = connections.connect_channel(
        desk.store,
        settings,
        desk.actors["root"],
        platform="youtube",
        external_id="UCgent",
        secrets={"access_token": "yt-token"},
        organisation_id=desk.organisation_id,
    )
    inactive = connections.connect_channel(
        desk.store,
        settings,
        desk.actors["root"],
        platform="linkedin",
        external_id="999",
        secrets={"client_secret": LI_SECRET, "access_token": "li-token"},
        organisation_id=desk.organisation_id,
    )
    with desk.store.transaction() as tx:
        row = tx.get(Channel, inactive.id)
        assert row is not None
        row.active = False
    raw = b'{"object": "page", "entry": []}'
    paths = {
        "unknown id": "/hooks/facebook/99999",
        "other platform": f"/hooks/instagram/{desk.channel_id}",
        "made-up platform": f"/hooks/myspace/{desk.channel_id}",
        "not connected": f"/hooks/facebook/{desk.other_channel_id}",
        "polled platform": f"/hooks/youtube/{polled.id}",
        "inactive": f"/hooks/linkedin/{inactive.id}",
        "not a number": "/hooks/facebook/gent",
        "too large a number": "/hooks/facebook/99999999999999999999999",
    }
    with caplog.at_level(logging.WARNING, logger="hierniet.webhooks"):
        answers = {why: (client.post(path, content=raw), client.get(path)) for why, path in paths.items()}
    seen = {(a.status_code, a.text, a.headers["content-type"]) for pair in answers.values() for a in pair}
    assert len(seen) == 1, answers
    [(status, text, _)] = seen
    assert status == 404
    for leak in ("vzwx", "gent", "UCgent", "app_secret", "verify_token", "access_token", "polled", "connect"):
        assert leak not in text
    # The details are for the people running the server.
    assert "vzwx" in caplog.text and "app_secret" in caplog.text and "polled" in caplog.text


# ------------------------------------------------------------------------------------ no secret in any log


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Lines(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))


def test_the_verify_token_stays_out_of_the_access_log(desk: Desk, settings: Settings, fake_triage: FakeTriage) -> None:
    connections.connect_channel(
        desk.store,
        settings,
        desk.actors["admin"],
        platform="facebook",
        external_id="gent",
        secrets={"access_token": "t", "app_secret": FB_SECRET, "verify_token": VERIFY_TOKEN},
    )
    app = create_app(settings, store=desk.store, triage=fake_triage)
    port = free_port()
    # log_config=None: uvicorn leaves this process's logging alone; the access log is read by hand below.
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_config=None, lifespan="off"))
    handler = Lines()
    handler.setFormatter(AccessFormatter('%(client_addr)s - "%(request_line)s" %(status_code)s', use_colors=False))
    access = logging.getLogger("uvicorn.access")
    access.addHandler(handler)
    level = access.level
    access.setLevel(logging.INFO)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        for _ in range(200):
            if server.started:
                break
            time.sleep(0.02)
        params = {"hub.mode": "subscribe", "hub.challenge": "1158201444", "hub.verify_token": VERIFY_TOKEN}
        answer = httpx.get(f"http://127.0.0.1:{port}/hooks/facebook/{desk.channel_id}", params=params, timeout=10)
        assert answer.status_code == 200 and answer.text == "1158201444"
    finally:
        server.should_exit = True
        thread.join(10)
        access.removeHandler(handler)
        access.setLevel(level)
    [line] = [line for line in handler.lines if "/hooks/facebook/" in line]
    assert VERIFY_TOKEN not in line
    assert f"hub.verify_token={redaction.REDACTED}" in line and "hub.challenge=1158201444" in line


def test_platform_calls_logged_by_httpx_carry_no_token(graph: FakeGraph, caplog: pytest.LogCaptureFixture) -> None:
    redaction.install()
    graph.add("c1")
    with caplog.at_level(logging.INFO, logger="httpx"), http_client() as http:
        http.get(f"{graph.url}/v21.0/c1", params={"access_token": "tok-123", "appsecret_proof": "proof-456"})
    assert "/v21.0/c1" in caplog.text
    assert "tok-123" not in caplog.text and "proof-456" not in caplog.text


@pytest.mark.parametrize(
    ("line", "clean"),
    [
        ("GET /hooks/facebook/1?hub.mode=subscribe&hub.verify_token=s3cr3t HTTP/1.1", "hub.verify_token=[redacted]"),
        ("GET /x?hub%2Everify_token=s3cr3t", "hub%2Everify_token=[redacted]"),
        ("https://graph.facebook.com/v21.0/1?access_token=s3cr3t&fields=id", "access_token=[redacted]&fields=id"),
        ("/cb?code=s3cr3t;state=1", "code=[redacted];state=1"),
    ],
)
def test_redact_hides_secret_parameters_only(line: str, clean: str) -> None:
    assert "s3cr3t" not in redaction.redact(line) and clean in redaction.redact(line)


def test_a_secret_split_between_format_and_arguments_is_redacted(caplog: pytest.LogCaptureFixture) -> None:
    redaction.install()
    with caplog.at_level(logging.INFO, logger="hierniet.test"):
        logging.getLogger("hierniet.test").info("calling %s?access_token=%s (try %d)", "/v1/me", "s3cr3t", 2)
    assert "s3cr3t" not in caplog.text and "access_token=[redacted] (try 2)" in caplog.text


def test_redaction_is_installed_once_and_never_breaks_a_log_call(caplog: pytest.LogCaptureFixture) -> None:
    redaction.install()
    factory = logging.getLogRecordFactory()
    redaction.install()
    assert logging.getLogRecordFactory() is factory

    class Unprintable:
        def __str__(self) -> str:
            raise RuntimeError("no text")

    with caplog.at_level(logging.INFO, logger="hierniet.test"):
        logging.getLogger("hierniet.test").info("value %r, url %s", Unprintable.__new__(Unprintable), "/x?token=t0k")
    assert "t0k" not in caplog.text


# ------------------------------------------------------------------------------ post_url: web links only


@pytest.fixture
def api(desk: Desk, fake_triage: FakeTriage) -> Iterator[TestClient]:
    app = create_app(Settings(database_url="sqlite://"), store=desk.store, triage=fake_triage)
    with TestClient(app, headers={"Authorization": f"Bearer {desk.tokens['moderator']}"}) as c:
        yield c


def comment(desk: Desk, cid: str, url: str) -> dict[str, Any]:
    return {"id": cid, "text": "Hoe lang nog?", "channel_id": desk.channel_id, "post_id": "p-1", "post_url": url}


def stored_posts(desk: Desk) -> tuple[int, int]:
    with desk.store.session() as s:
        return len(s.scalars(select(Comment)).all()), len(s.scalars(select(Post)).all())


BAD_LINKS = [
    "javascript:alert(document.cookie)",
    "JavaScript:alert(1)",
    "  javascript:alert(1)",
    "java\tscript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "vbscript:msgbox(1)",
    "//evil.example/p-1",
    "/relative/p-1",
    "ftp://files.example/p-1",
    "https://",
    "https://fb.example/p 1",
    "https://fb.example/\x00p-1",
]


@pytest.mark.parametrize("url", BAD_LINKS)
def test_a_post_url_that_is_not_a_web_link_is_refused(api: TestClient, desk: Desk, url: str) -> None:
    answer = api.post("/api/v1/comments", json=comment(desk, "c1", url))
    assert answer.status_code == 422 and "post_url" in answer.json()["detail"]
    assert stored_posts(desk) == (0, 0)


def test_in_a_batch_only_the_bad_link_is_refused(api: TestClient, desk: Desk) -> None:
    answer = api.post(
        "/api/v1/comments",
        json=[comment(desk, "c1", "javascript:alert(1)"), comment(desk, "c2", "HTTPS://fb.example/p-1?x=1")],
    )
    assert answer.status_code == 201
    assert [r["index"] for r in answer.json()["rejected"]] == [0]
    with desk.store.session() as s:
        assert s.scalars(select(Post.url)).all() == ["HTTPS://fb.example/p-1?x=1"]


def test_a_bad_link_stored_earlier_is_never_shown_as_one(api: TestClient, desk: Desk) -> None:
    with desk.store.transaction() as tx:
        tx.add(Post(channel_id=desk.channel_id, external_id="p-1", text="De post", url="javascript:alert(1)"))
    created = api.post(
        "/api/v1/comments", json={"id": "c1", "text": "Hallo", "channel_id": desk.channel_id, "thread": "p-1"}
    )
    assert created.status_code == 201
    comment_id = created.json()["created"][0]["comment_id"]
    shown = api.get(f"/api/v1/comments/{comment_id}").json()["post"]
    assert shown["text"] == "De post" and shown["url"] is None
    with desk.store.session() as s:  # kept as it was: bad input loses nothing stored
        assert s.scalars(select(Post.url)).one() == "javascript:alert(1)"


def test_the_desk_shows_no_javascript_link(pages: Pages) -> None:
    with pages.desk.store.transaction() as tx:
        tx.add(Post(channel_id=pages.desk.channel_id, external_id="p-9", text="De post", url="javascript:alert(1)"))
    result = ingest(
        pages.desk.store,
        SeedTriage(),
        [{"id": "x1", "text": "Hallo", "channel_id": pages.desk.channel_id, "thread": "p-9"}],
        actor=CLI_ACTOR,
    )
    pages.login("moderator")
    page = pages.get(f"/desk/comments/{result.created[0].comment_id}").text
    assert "De post" in page and "javascript:" not in page


# ------------------------------------------------------------------------------------- 422: one shape


def resolve(schema: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        node = schema["components"]["schemas"][node["$ref"].rsplit("/", 1)[-1]]
    return node


def test_openapi_declares_every_422_detail_as_a_string(api: TestClient) -> None:
    schema = api.get("/openapi.json").json()
    seen = 0
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            answer = operation.get("responses", {}).get("422")
            if answer is None:
                continue
            seen += 1
            body = resolve(schema, answer["content"]["application/json"]["schema"])
            assert resolve(schema, body["properties"]["detail"])["type"] == "string", (method, path)
    assert seen > 10


@pytest.mark.parametrize(
    ("method", "path", "payload"),
    [
        ("get", "/api/v1/queue", {"params": {"since": "yesterday"}}),  # request validation (FastAPI's own)
        ("post", "/api/v1/comments", {"content": b"not json"}),  # the route's HTTPException
        ("post", "/api/v1/comments", {"json": {"id": "c1", "text": ""}}),  # the service's verdict on one comment
    ],
)
def test_every_422_answers_a_string_detail(api: TestClient, method: str, path: str, payload: dict[str, Any]) -> None:
    answer = getattr(api, method)(path, **payload)
    assert answer.status_code == 422
    assert isinstance(answer.json()["detail"], str) and answer.json()["detail"]


def test_field_errors_name_the_field_and_never_echo_the_input(api: TestClient, desk: Desk) -> None:
    admin = {"Authorization": f"Bearer {desk.tokens['admin']}"}
    answer = api.post("/api/v1/users", json={"name": "zed", "role": "s3cr3t-role"}, headers=admin)
    assert answer.status_code == 422
    body = answer.json()
    assert "role" in body["detail"] and "s3cr3t-role" not in answer.text
    assert body["errors"] and all(set(e) == {"loc", "msg", "type"} for e in body["errors"])


# --------------------------------------------------------------------------- every connector, one probe

PROBE = 'hmacsha256={"type":"ORGANIZATION_SOCIAL_ACTION_NOTIFICATIONS","notifications":[]}'


@pytest.mark.parametrize("platform", sorted(CONNECTORS))
def test_no_connector_s_handshake_signs_or_echoes_a_probe(platform: str) -> None:
    """Every handshake parameter a platform uses (Meta, LinkedIn, X's CRC, WebSub) set to text of our choosing,
    with the connector's own verify token as if it had leaked: nothing signs or echoes it."""
    cls = connector_class(platform)
    secrets = {name: f"{name}-of-{platform}" for name in cls.required_credentials}
    channel = ChannelInfo(id=1, platform=platform, external_id="x", config={})
    query = {"challengeCode": PROBE, "hub.challenge": PROBE, "crc_token": PROBE, "challenge": PROBE}
    query |= {"hub.mode": "subscribe", "hub.verify_token": secrets.get("verify_token", "")}
    with http_client() as http:
        connector = connector_for(platform, channel, secrets, http)
        try:
            result = connector.parse_webhook(WebhookRequest("GET", {}, b"", query))
        except (NotSupported, MalformedPayload, BadSignature):
            return
    body = result.response.body if result.response is not None else ""
    assert PROBE not in body
    for secret in secrets.values():
        for message in (PROBE.encode(), b"hmacsha256=" + PROBE.encode()):
            digest = hmac.new(secret.encode(), message, hashlib.sha256).digest()
            assert digest.hex() not in body and base64.b64encode(digest).decode() not in body
