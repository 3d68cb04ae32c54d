"""Webhook endpoints of the platforms that push: /hooks/{platform}/{channel_id} (GET and POST).

The route reads the raw body first, at most HIERNIET_WEBHOOK_MAX_BYTES (413 above, before reading it
all), and hands it unparsed to hierniet.services.connections.receive_webhook: the connector checks the
signature on those bytes before anything is parsed. Statuses: 200 stored, ignored, replayed or handshake;
400 malformed; 401 unsigned; 403 bad signature or verify token; 404 unknown channel; 413 too large; 503
when our side cannot take it now (the platform retries). Meta and LinkedIn retry every non-2xx, which is
why events a connector does not handle are answered 200 and not 4xx.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse, PlainTextResponse, Response

from hierniet.connectors.base import WebhookRequest
from hierniet.services.connections import WebhookAnswer, receive_webhook
from hierniet.web.deps import IngestSlots, TriageHolder

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


def _response(answer: WebhookAnswer) -> Response:
    if isinstance(answer.body, str):
        return PlainTextResponse(answer.body, status_code=answer.status, media_type=answer.media_type)
    return JSONResponse(answer.body, status_code=answer.status)


@router.api_route("/{platform}/{channel_id}", methods=["GET", "POST"])
async def webhook(platform: str, channel_id: int, request: Request) -> Response:
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
    holder: TriageHolder = request.app.state.triage
    slots: IngestSlots = request.app.state.ingest_slots
    answer = await run_in_threadpool(
        slots.run, receive_webhook, request.app.state.store, settings, holder.get, platform, channel_id, incoming
    )
    return _response(answer)
