"""A real HTTP server on a free loopback port that plays a platform for connector tests.

    with FakePlatform() as fake:
        fake.route("POST", r"/v19.0/(?P<comment>[^/]+)", lambda req: Reply(200, {"success": True}))
        fake.fail("POST", r"/v19.0/.*", [Reply(429, {}, {"Retry-After": "2"})])   # next matching call(s) first
        ... connector with config {"base_url": fake.url} ...
        assert fake.calls("POST", "/v19.0/c1")

Handlers get a `Request` (method, path, query, headers, body, json) and return a `Reply`. `fail` queues
answers given before the handlers, in order, one per matching call (a platform down for a while, a 429).
Every request is recorded (`requests`), including the failed ones. Threaded, so a connector and the test
can talk to it at once.
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit


@dataclass
class Request:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes

    @property
    def json(self) -> Any:
        return json.loads(self.body) if self.body else None

    def arg(self, name: str) -> str | None:
        values = self.query.get(name)
        return values[0] if values else None


@dataclass
class Reply:
    status: int = 200
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)


Handler = Callable[[Request], Reply]


class FakePlatform:
    def __init__(self) -> None:
        self.requests: list[Request] = []
        self._routes: list[tuple[str, re.Pattern[str], Handler]] = []
        self._failures: list[tuple[str, re.Pattern[str], list[Reply]]] = []
        self._lock = threading.Lock()
        fake = self

        class _Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:  # quiet
                pass

            def _serve(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                parts = urlsplit(self.path)
                request = Request(
                    self.command,
                    parts.path,
                    parse_qs(parts.query, keep_blank_values=True),
                    {k.lower(): v for k, v in self.headers.items()},
                    body,
                )
                reply = fake._answer(request)
                data = (
                    b""
                    if reply.body is None
                    else (reply.body if isinstance(reply.body, bytes) else json.dumps(reply.body).encode())
                )
                self.send_response(reply.status)
                headers = {"Content-Type": "application/json", **reply.headers}
                for key, value in headers.items():
                    self.send_header(key, value)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = _serve

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,), daemon=True)

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def route(self, method: str, pattern: str, handler: Handler) -> None:
        with self._lock:
            self._routes.append((method.upper(), re.compile(pattern), handler))

    def fail(self, method: str, pattern: str, replies: list[Reply]) -> None:
        with self._lock:
            self._failures.append((method.upper(), re.compile(pattern), list(replies)))

    def calls(self, method: str, pattern: str) -> list[Request]:
        rx = re.compile(pattern)
        with self._lock:
            return [r for r in self.requests if r.method == method.upper() and rx.fullmatch(r.path)]

    def _answer(self, request: Request) -> Reply:
        with self._lock:
            self.requests.append(request)
            for method, rx, replies in self._failures:
                if method == request.method and rx.fullmatch(request.path) and replies:
                    return replies.pop(0)
            routes = list(self._routes)
        for method, rx, handler in routes:
            if method == request.method and rx.fullmatch(request.path):
                return handler(request)
        return Reply(404, {"error": {"message": f"no route for {request.method} {request.path}"}})

    def __enter__(self) -> FakePlatform:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()
