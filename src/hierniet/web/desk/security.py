"""The desk's protections: the session secret, CSRF tokens on every form, and the security headers of its
pages (the sign-in throttle is hierniet.services.signin_throttle).

Reusable by other server-rendered pages of the app: `csrf_token(request)` puts a token in the session
(render it as a hidden `csrf_token` field or send it as the X-CSRF-Token header) and `check_csrf` is a
FastAPI dependency for POST routes.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import MutableMapping
from functools import cache
from typing import Any

from fastapi import Request

from hierniet.settings import Settings

log = logging.getLogger("hierniet.web.desk")

CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"
_CSRF_KEY = "csrf"


@cache
def _process_secret() -> str:
    log.warning(
        "HIERNIET_SECRET_KEY is not set: the desk signs its session cookies with a random key made for this "
        "process, so people are signed out when it restarts and several workers do not share sessions; "
        "set HIERNIET_SECRET_KEY to a long random string"
    )
    return secrets.token_urlsafe(48)


def session_secret(settings: Settings) -> str:
    """HIERNIET_SECRET_KEY, or one random key per process (said once in a log line)."""
    if settings.secret_key is not None and settings.secret_key.get_secret_value():
        return settings.secret_key.get_secret_value()
    return _process_secret()


class CsrfError(Exception):
    """A POST without the session's CSRF token (a stale form, or another site posting)."""


def csrf_token(request: Request) -> str:
    """The session's CSRF token, made on first use."""
    token = request.session.get(_CSRF_KEY)
    if not isinstance(token, str) or len(token) < 20:
        token = secrets.token_urlsafe(32)
        request.session[_CSRF_KEY] = token
    return token


def new_csrf_token(session: MutableMapping[str, Any]) -> str:
    token = secrets.token_urlsafe(32)
    session[_CSRF_KEY] = token
    return token


async def check_csrf(request: Request) -> None:
    """Dependency for POST routes: the form's `csrf_token` (or the X-CSRF-Token header) must match."""
    sent: object = request.headers.get(CSRF_HEADER)
    if sent is None:
        form = await request.form()
        sent = form.get(CSRF_FIELD)
    expected = request.session.get(_CSRF_KEY)
    if not isinstance(expected, str) or not isinstance(sent, str) or not secrets.compare_digest(sent, expected):
        raise CsrfError()


#: What every desk page tells the browser: no framing, no inline or foreign scripts, no caching.
SECURITY_HEADERS: dict[str, str] = {
    "content-security-policy": (
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
        "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    ),
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "same-origin",
}


class DeskHeaders:
    """ASGI middleware: the security headers (and no-store for pages) on every response under `prefix`."""

    def __init__(self, app: Any, prefix: str = "/desk") -> None:
        self.app = app
        self.prefix = prefix

    async def __call__(self, scope: MutableMapping[str, Any], receive: Any, send: Any) -> None:
        path = scope.get("path", "")
        if scope["type"] != "http" or not (path == self.prefix or path.startswith(self.prefix + "/")):
            await self.app(scope, receive, send)
            return
        static = path.startswith(self.prefix + "/static/")

        async def send_with_headers(message: MutableMapping[str, Any]) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {name.lower() for name, _ in headers}
                for name, value in SECURITY_HEADERS.items():
                    if name.encode() not in present:
                        headers.append((name.encode(), value.encode()))
                if not static and b"cache-control" not in present:
                    headers.append((b"cache-control", b"no-store"))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)
