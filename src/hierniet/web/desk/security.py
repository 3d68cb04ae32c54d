"""The desk's protections: the session secret, CSRF tokens on every form, sign-in throttling, and the
security headers of its pages.

Reusable by other server-rendered pages of the app: `csrf_token(request)` puts a token in the session
(render it as a hidden `csrf_token` field or send it as the X-CSRF-Token header) and `check_csrf` is a
FastAPI dependency for POST routes.
"""

from __future__ import annotations

import logging
import secrets
import threading
import time
from collections import deque
from collections.abc import Callable, MutableMapping
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


class LoginThrottle:
    """Counts failed sign-ins per key (a name, an address) in a sliding window, in this process's memory."""

    def __init__(self, max_failures: int, window_seconds: float = 15 * 60, clock: Callable[[], float] = time.monotonic):
        self.max_failures = max_failures
        self.window = window_seconds
        self._clock = clock
        self._failures: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def _prune(self, key: str, now: float) -> deque[float]:
        times = self._failures.get(key, deque())
        while times and now - times[0] > self.window:
            times.popleft()
        if not times:
            self._failures.pop(key, None)
        return times

    def wait_seconds(self, *keys: str) -> int:
        """0 when a sign-in may be tried now, else how many seconds until one may."""
        if self.max_failures <= 0:
            return 0
        now = self._clock()
        with self._lock:
            waits = []
            for key in keys:
                times = self._prune(key, now)
                if len(times) >= self.max_failures:
                    waits.append(self.window - (now - times[-self.max_failures]))
        return int(max(waits)) + 1 if waits else 0

    def failed(self, *keys: str) -> None:
        now = self._clock()
        with self._lock:
            if len(self._failures) > 10_000:  # keep memory bounded under a flood of names
                for key in list(self._failures):
                    self._prune(key, now)
            for key in keys:
                self._failures.setdefault(key, deque()).append(now)

    def succeeded(self, *keys: str) -> None:
        with self._lock:
            for key in keys:
                self._failures.pop(key, None)


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
