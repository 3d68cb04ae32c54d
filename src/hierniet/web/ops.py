"""What operations ask of every web process: /healthz, /readyz and /metrics (docs/operations.md).

/healthz and /readyz are public and say nothing but each check's state. /metrics is off (404, as if it did not
exist) unless HIERNIET_METRICS_TOKEN is set, and then answers only `Authorization: Bearer <that token>`: the
queue's depth per organisation tells who is under attack, which is not for everyone to read.
"""

from __future__ import annotations

import hmac
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse, Response
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from hierniet import metrics
from hierniet.services import health
from hierniet.settings import Settings
from hierniet.web.deps import StoreDep, get_app_settings

ops_router = APIRouter(include_in_schema=False)
_bearer = HTTPBearer(auto_error=False)
_NO_STORE = {"Cache-Control": "no-store"}


@ops_router.get("/healthz")
def healthz() -> JSONResponse:
    """The process answers; nothing else is looked at."""
    return JSONResponse({"status": "alive"}, headers=_NO_STORE)


@ops_router.get("/readyz")
def readyz(request: Request, store: StoreDep, settings: Annotated[Settings, Depends(get_app_settings)]) -> JSONResponse:
    found = health.readiness(store, settings, shared=getattr(request.app.state, "shared", None))
    body = {"status": "ready" if found.ready else "not ready", "checks": found.checks}
    return JSONResponse(body, status_code=200 if found.ready else 503, headers=_NO_STORE)


@ops_router.get("/metrics")
def get_metrics(
    store: StoreDep,
    settings: Annotated[Settings, Depends(get_app_settings)],
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Response:
    token = settings.metrics_token.get_secret_value() if settings.metrics_token else ""
    if not token:
        return JSONResponse({"detail": "Not Found"}, status_code=404)
    given = credentials.credentials if credentials is not None else ""
    if not hmac.compare_digest(given.encode(), token.encode()):
        return JSONResponse(
            {"detail": "send the metrics token: Authorization: Bearer $HIERNIET_METRICS_TOKEN"},
            status_code=401,
            headers={"WWW-Authenticate": "Bearer"},
        )
    return Response(metrics.process_metrics().render(store), media_type=metrics.CONTENT_TYPE, headers=_NO_STORE)
