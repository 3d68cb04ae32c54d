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

from hierniet.connectors.base import WebhookRequest
from hierniet.services.connections import NO_WEBHOOK_MESSAGE, NO_WEBHOOK_STATUS, WebhookAnswer
from hierniet.streams.service import receive

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
    # Checked here (signature, handshake, replay guard), then queued: the triage runs in a worker (with Redis)
    # or in this process's consumer thread, which stores calls from many requests in one batch.
    ingest = request.app.state.ingest
    answer = await run_in_threadpool(
        receive,
        request.app.state.store,
        settings,
        ingest.get(),
        platform,
        int(channel_id),
        incoming,
        http=ingest.http(),
    )
    return _response(answer)
