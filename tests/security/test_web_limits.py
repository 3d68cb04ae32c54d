"""Issue 11, finding 4: no route reads more of a request body than its limit, chunked bodies included.

The app is driven as an ASGI callable with a body that arrives in chunks and has no Content-Length (what
`Transfer-Encoding: chunked` looks like to the app): the test counts the bytes the app pulled. The test
client cannot show this: it reads the whole body before handing it over in one message.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import pytest
from fastapi import FastAPI
from sqlalchemy import select

from hierniet.settings import Settings
from hierniet.store.tables import Signatory
from hierniet.web.app import create_app
from hierniet.web.site.content import LANGUAGES
from hierniet.web.site.routes import MAX_JOIN_BODY, page_path
from security.app_routes import app_routes
from store import dbfixtures
from store.dbfixtures import Desk, FakeTriage

database = dbfixtures.database
store = dbfixtures.store
desk = dbfixtures.desk

CHUNK = 16 * 1024
LIMITS = {"max_body_bytes": 40_000, "api_max_body_bytes": 120_000, "webhook_max_bytes": 60_000}
BOUNDARY = "hierniet-test-boundary"


@dataclass
class Answer:
    status: int
    pulled: int
    body: bytes


def _multipart_head(field: str = "logo") -> bytes:
    return (
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{field}"; filename="x.png"\r\n'
        "Content-Type: image/png\r\n\r\n"
    ).encode()


def _chunks(head: bytes, total: int) -> Iterator[bytes]:
    """`head`, then filler up to `total` bytes, CHUNK at a time (never a closing boundary: an endless upload)."""
    yield head
    sent = len(head)
    while sent < total:
        piece = min(CHUNK, total - sent)
        sent += piece
        yield b"\x00" * piece


def send(
    app: FastAPI,
    path: str,
    chunks: Iterator[bytes],
    *,
    method: str = "POST",
    content_type: str = f"multipart/form-data; boundary={BOUNDARY}",
    content_length: int | None = None,
    token: str | None = None,
) -> Answer:
    headers = [(b"host", b"testserver"), (b"content-type", content_type.encode())]
    if token is not None:
        headers.append((b"authorization", f"Bearer {token}".encode()))
    if content_length is None:
        headers.append((b"transfer-encoding", b"chunked"))
    else:
        headers.append((b"content-length", str(content_length).encode()))
    scope: dict[str, Any] = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": "https",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": headers,
        "client": ("192.0.2.50", 5000),
        "server": ("testserver", 443),
        "state": {},
    }
    pulled = 0
    status = 0
    body = bytearray()
    done = False

    async def receive() -> dict[str, Any]:
        nonlocal pulled, done
        if done:
            await asyncio.sleep(0)
            return {"type": "http.disconnect"}
        try:
            chunk = next(chunks)
        except StopIteration:
            done = True
            return {"type": "http.request", "body": b"", "more_body": False}
        pulled += len(chunk)
        return {"type": "http.request", "body": chunk, "more_body": True}

    async def send_(message: dict[str, Any]) -> None:
        nonlocal status
        if message["type"] == "http.response.start":
            status = message["status"]
        elif message["type"] == "http.response.body":
            body.extend(message.get("body", b""))

    # In a thread of its own: another test (Playwright's sync API) may keep an event loop running in this one.
    with ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(asyncio.run, app(scope, receive, send_)).result()  # type: ignore[arg-type]
    return Answer(status, pulled, bytes(body))


@pytest.fixture
def app(desk: Desk) -> FastAPI:
    settings = Settings(database_url="sqlite://", secret_key="limits-" + "x" * 40, **LIMITS)  # type: ignore[arg-type]
    return create_app(settings, store=desk.store, triage=FakeTriage())


# --- the two routes of the finding ------------------------------------------------------------------------


def test_a_chunked_upload_to_the_join_form_is_cut_off_at_its_limit(app: FastAPI, desk: Desk) -> None:
    path = page_path("en", "join")
    answer = send(app, path, _chunks(_multipart_head(), 300 * 1024 * 1024))
    assert answer.status == 413
    assert answer.pulled <= MAX_JOIN_BODY + CHUNK  # not the 300 MB offered
    assert b"the logo is too large" in answer.body  # the form comes back with the reason, not a bare error
    with desk.store.session() as s:
        assert s.scalars(select(Signatory)).first() is None


def test_a_chunked_multipart_post_to_the_sign_in_page_is_cut_off_before_the_csrf_check(app: FastAPI) -> None:
    answer = send(app, "/desk/login", _chunks(_multipart_head("name"), 200 * 1024 * 1024))
    assert answer.status == 413
    assert answer.pulled <= LIMITS["max_body_bytes"] + CHUNK


def test_a_declared_length_over_the_limit_is_refused_unread(app: FastAPI) -> None:
    size = 10 * 1024 * 1024
    answer = send(app, "/desk/login", _chunks(_multipart_head("name"), size), content_length=size)
    assert answer.status == 413 and answer.pulled == 0


def test_a_form_within_the_limit_still_works(app: FastAPI) -> None:
    body = f"--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"name\"\r\n\r\nx\r\n--{BOUNDARY}--\r\n".encode()
    answer = send(app, "/desk/login", iter([body]))
    assert answer.status == 403  # read whole and parsed: refused for its missing CSRF token, not for its size


def test_the_json_api_and_the_webhooks_have_their_own_limits(app: FastAPI, desk: Desk) -> None:
    token = desk.tokens["admin"]
    api = send(app, "/api/v1/comments", _chunks(b"[", 50 * 1024 * 1024), content_type="application/json", token=token)
    assert api.status == 413 and LIMITS["max_body_bytes"] < api.pulled <= LIMITS["api_max_body_bytes"] + CHUNK
    hook = send(app, "/hooks/facebook/1", _chunks(b"{", 50 * 1024 * 1024), content_type="application/json")
    assert hook.status == 413 and hook.pulled <= LIMITS["webhook_max_bytes"] + CHUNK


# --- every route that takes a body ---------------------------------------------------------------------------

_PARAM = re.compile(r"\{[^}]+\}")


def _limit_of(path: str) -> int:
    if path.startswith("/api/"):
        return LIMITS["api_max_body_bytes"]
    if path.startswith("/hooks/"):
        return LIMITS["webhook_max_bytes"]
    if path in {page_path(lang, "join") for lang in LANGUAGES}:
        return MAX_JOIN_BODY
    return LIMITS["max_body_bytes"]


def test_no_route_reads_past_its_limit(app: FastAPI) -> None:
    """Generated from the app's routes: a new form or upload route is covered (and must keep to a limit)."""
    checked = []
    for method, template in sorted(set(app_routes(app))):
        if method == "GET":
            continue
        path = _PARAM.sub("1", template)
        limit = _limit_of(template)
        answer = send(app, path, _chunks(_multipart_head(), limit + 20 * CHUNK), method=method)
        assert answer.pulled <= limit + CHUNK, (method, template, answer.pulled, limit)
        # A route that reads its body at all is stopped with 413; one that answers before reading is fine.
        assert answer.status == 413 or answer.pulled <= CHUNK, (method, template, answer.status)
        checked.append((method, template))
    assert ("POST", "/desk/login") in checked and ("POST", "/nl/join") in checked
    assert len(checked) >= 20, checked
