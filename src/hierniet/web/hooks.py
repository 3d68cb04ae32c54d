"""Webhook endpoints of the platforms that push: /hooks/{platform}/{channel_id} (GET and POST).

The route reads the raw body first, at most HIERNIET_WEBHOOK_MAX_BYTES (413 above, before reading it
all), and hands it unparsed to hierniet.streams.service.receive: the connector checks the signature on those bytes
before anything is parsed, then the call is queued (hierniet.streams: a Redis stream for the triage workers
when HIERNIET_REDIS_URL is set, answered 200 with `queued` at once; else this process's queue, answered once
stored, as before). Statuses: 200 stored, ignored, replayed or handshake;
400 malformed; 401 unsigned; 403 bad signature or verify token; 404 for every address that takes no webhook
(unknown, inactive, polled or not connected channel: one body for all, the reason in the server log); 413
too large; 503 when our side cannot store it now (the platform retries). Meta and LinkedIn retry every
non-2xx, which is why events a connector does not handle are answered 200 and not 4xx.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse, PlainTextResponse, Response
from starlette.middleware.body_limit import RequestBodyLimitMiddleware
from starlette.types import ASGIApp, Receive, Scope, Send

from hierniet.connectors.base import WebhookRequest
from hierniet.services.connections import NO_WEBHOOK_MESSAGE, NO_WEBHOOK_STATUS, WebhookAnswer
from hierniet.streams.service import receive, receive_queued
from hierniet.web.deps import WebhookSink

router = APIRouter(prefix="/hooks", include_in_schema=False)


class _TooLarge(Exception):
    pass


async def _read_body(request: Request, limit: int) -> bytes:
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise _TooLarge
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise _TooLarge
        chunks.append(chunk)
    return b"".join(chunks)


#: Ids are 32-bit integers in the store (PostgreSQL's integer): nine digits always fit.
_MAX_ID_DIGITS = 9
#: A handshake echoes what the platform sent: never let a browser read it as anything but what it says.
_HEADERS = {"X-Content-Type-Options": "nosniff"}


def _response(answer: WebhookAnswer) -> Response:
    if isinstance(answer.body, str):
        return PlainTextResponse(answer.body, status_code=answer.status, media_type=answer.media_type, headers=_HEADERS)
    return JSONResponse(answer.body, status_code=answer.status, headers=_HEADERS)


@router.api_route("/{platform}/{channel_id}", methods=["GET", "POST"])
async def webhook(platform: str, channel_id: str, request: Request) -> Response:
    # channel_id is read by hand: FastAPI's 422 for a non-number (or a database error for a number too large for
    # an id) would answer differently from an unknown id.
    if not (channel_id.isascii() and channel_id.isdigit() and len(channel_id) <= _MAX_ID_DIGITS):
        return _response(WebhookAnswer(NO_WEBHOOK_STATUS, {"error": NO_WEBHOOK_MESSAGE}))
    settings = request.app.state.settings
    try:
        body = await _read_body(request, settings.webhook_max_bytes)
    except _TooLarge:
        return JSONResponse({"error": f"the body is larger than {settings.webhook_max_bytes} bytes"}, status_code=413)
    incoming = WebhookRequest(
        method=request.method,
        headers={k.lower(): v for k, v in request.headers.items()},
        body=body,
        query=dict(request.query_params),
    )
    ingest: WebhookSink = request.app.state.ingest
    stream = ingest.appender()
    if stream is not None:
        # With Redis: the signature checked on the raw bytes and the call appended to the stream, in the event
        # loop; the replay guard and the triage are the ingest worker's.
        answer = await receive_queued(
            request.app.state.store, ingest.channels(), stream, platform, int(channel_id), incoming
        )
        return _response(answer)
    # In-process: checked here (signature, handshake, replay guard), then queued to this process's consumer
    # thread, which stores calls from many requests in one batch; answered once stored.
    answer = await run_in_threadpool(
        receive,
        request.app.state.store,
        settings,
        ingest.get(),
        platform,
        int(channel_id),
        incoming,
        http=ingest.http(),
        channels=ingest.channels(),
    )
    return _response(answer)


class WebhookFastPath:
    """ASGI middleware, the outermost of the app's own: a GET or POST to /hooks/{platform}/{channel_id} goes
    straight to `webhook`, with the webhooks' body limit, past the routing of every other page and the
    middleware that only they need (the desk's sessions and headers).

    At hundreds of calls a second those cost more than the webhook itself: matching the path against the
    desk's, the API's and the site's routes one by one, and reading the session cookie a webhook never has.
    Everything else (other paths, HEAD, a path with more parts) goes through the app as before, and the
    route stays registered, so /hooks/... answers the same either way.
    """

    def __init__(self, app: ASGIApp, max_body_size: int) -> None:
        self.app = app
        # Starlette's own limiter, as include_router(max_body_size=...) puts around the route: it counts the bytes
        # as they arrive, chunked or not, and raises the app-wide limit to the webhooks' own.
        self.hook = RequestBodyLimitMiddleware(self._hook, max_body_size=max_body_size)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] in _FAST_METHODS and scope["path"].startswith(_PREFIX):
            parts = scope["path"][len(_PREFIX) :].split("/")
            if len(parts) == 2 and all(parts):
                await self.hook(scope, receive, send)
                return
        await self.app(scope, receive, send)

    async def _hook(self, scope: Scope, receive: Receive, send: Send) -> None:
        platform, channel_id = scope["path"][len(_PREFIX) :].split("/")
        response = await webhook(platform, channel_id, Request(scope, receive))
        await response(scope, receive, send)


_PREFIX = "/hooks/"
_FAST_METHODS = frozenset({"GET", "POST"})
