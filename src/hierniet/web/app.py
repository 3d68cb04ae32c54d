"""The web application factory: `create_app(settings)` wires the store, triage and the routers.

uvicorn --factory hierniet.web.app:create_app
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse
from sqlalchemy.exc import DataError

from hierniet import __version__, redaction
from hierniet.metrics import register_gauge
from hierniet.services.errors import ServiceError
from hierniet.services.ingest import Classifier
from hierniet.settings import Settings, get_settings
from hierniet.store.db import make_engine
from hierniet.store.repo import Store
from hierniet.web.api import api_router
from hierniet.web.basics import HeadAsGet, basics_router
from hierniet.web.deps import CrisisReaderHolder, IngestSlots, TriageHolder, WebhookSink
from hierniet.web.desk import install_desk
from hierniet.web.desk.authors import authors_router as desk_authors_router
from hierniet.web.desk.channels import channels_router as desk_channels_router
from hierniet.web.desk.crisis import crisis_router as desk_crisis_router
from hierniet.web.desk.evidence import evidence_router as desk_evidence_router
from hierniet.web.desk.flow import flow_router as desk_flow_router
from hierniet.web.desk.insight import insight_router as desk_insight_router
from hierniet.web.desk.people import people_router as desk_people_router
from hierniet.web.desk.raids import raids_router as desk_raids_router
from hierniet.web.desk.signatories import signatories_router as desk_signatories_router
from hierniet.web.desk.team import team_router as desk_team_router
from hierniet.web.desk.wellbeing import wellbeing_router as desk_wellbeing_router
from hierniet.web.errors import install_error_handlers
from hierniet.web.hooks import WebhookFastPath
from hierniet.web.hooks import router as hooks_router
from hierniet.web.ops import ops_router
from hierniet.web.site.routes import site_router

DESCRIPTION = """\
The moderation desk of **hierniet** (the Hier Niet / Pas ici charter): comments in, each triaged and
given the charter's recommendation; the queue; people's decisions; authors and their history; the
audit log. Every route needs an API token (`Authorization: Bearer hn_...`) of a user whose role
(moderator, lead, admin) allows it. See docs/api.md.
"""

TAGS = [
    {"name": "comments", "description": "Send comments in; read one; record decisions on it."},
    {"name": "queue", "description": "The desk's queue with filters, and counts."},
    {"name": "authors", "description": "Commenters and their history per organisation."},
    {"name": "audit", "description": "The append-only audit log (lead and admin)."},
    {"name": "admin", "description": "Organisations, channels, users and API tokens (admin)."},
    {"name": "signatories", "description": "Requests to sign the charter from the public site (admin)."},
    {"name": "insight", "description": "The team's figures for a period, as JSON or CSV (lead and admin)."},
]


async def _service_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ServiceError)
    return JSONResponse(status_code=exc.status_code, content={"detail": str(exc)})


async def _unstorable(_request: Request, exc: Exception) -> JSONResponse:
    # The boundaries refuse NUL in comments, API bodies and the join form; this catches the other inputs
    # (search words, filters, the desk's forms) that PostgreSQL cannot hold, as a clear 422 instead of a 500.
    assert isinstance(exc, DataError)
    if "NUL" not in str(exc.orig):
        raise exc  # any other refusal is a bug of ours: the server's 500, with its traceback in the log
    detail = "a field holds a NUL character (\\u0000), which cannot be stored or searched: remove it"
    return JSONResponse(status_code=422, content={"detail": detail})


def create_app(
    settings: Settings | None = None, *, store: Store | None = None, triage: Classifier | None = None
) -> FastAPI:
    """The app. `store` and `triage` default to ones made from `settings` (triage loads on first use)."""
    settings = settings or get_settings()
    # Before anything logs: the access log writes query strings, and Meta's handshake sends a secret in one.
    redaction.install()
    own_store = store is None
    the_store = store or Store(make_engine(settings.database_url))

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        yield
        await _app.state.ingest.aclose()
        # Webhook calls still queued in this process are stored before it ends (their senders wait for them).
        await run_in_threadpool(_app.state.ingest.close)
        if own_store:
            the_store.dispose()

    app = FastAPI(
        title="hierniet",
        version=__version__,
        description=DESCRIPTION,
        openapi_tags=TAGS,
        lifespan=lifespan,
        # Every route reads at most this many body bytes unless it names its own limit (the API, the webhooks,
        # the charter's join form): Starlette counts them as they arrive, so a chunked upload without a
        # Content-Length is cut off too, before any form parser spools it to disk.
        max_body_size=settings.max_body_bytes,
    )
    app.state.settings = settings
    app.state.store = the_store
    app.state.triage = TriageHolder(triage, settings.model_dir)
    app.state.crisis_reader = CrisisReaderHolder()
    app.state.ingest_slots = IngestSlots()
    # Where webhook calls go once checked: the Redis stream (HIERNIET_REDIS_URL), else this process's queue.
    app.state.ingest = WebhookSink(the_store, settings, app.state.triage.get)
    if settings.redis_url:
        # The stream's backlog (read by no worker yet, or being worked on): what an operator watches to add
        # ingest workers. Read at each scrape; a Redis that does not answer leaves it out of that scrape.
        sink = app.state.ingest
        register_gauge(
            "hierniet_ingest_stream_depth",
            "Comments in the Redis ingest stream not yet stored (waiting for a worker or being triaged).",
            lambda: float(sink.get().depth()),
        )
    app.add_exception_handler(ServiceError, _service_error)
    install_error_handlers(app)  # every 422 answers (and is declared with) a string `detail`
    app.add_exception_handler(DataError, _unstorable)
    app.include_router(api_router, max_body_size=settings.api_max_body_bytes)
    # The public charter site (no login): its addresses are spelt out per language, so they never
    # catch /api, /desk or /docs.
    app.include_router(site_router())
    app.include_router(hooks_router, max_body_size=settings.webhook_max_bytes)  # the platforms' webhooks (issue 6)
    # The moderators' pages under /desk/ (sessions, CSRF, templates, static files): docs/desk.md.
    install_desk(app, settings)
    app.include_router(desk_channels_router)  # the desk's page to connect channels (issue 6)
    app.include_router(desk_signatories_router)  # the desk's page for the charter's join requests (issue 5)
    app.include_router(desk_authors_router)  # the desk's author page (issue 12)
    app.include_router(desk_team_router)  # claims, assignments, saved filters, the outbox (issue 12)
    app.include_router(desk_wellbeing_router)  # one's own days, the team's exposure, the rotation (issue 13)
    app.include_router(desk_flow_router)  # undoing a decision on the desk (issue 12)
    app.include_router(desk_evidence_router)  # evidence packs and the text for Unia or the police (issue 13)
    app.include_router(basics_router)  # /favicon.ico (issue 12)
    app.include_router(ops_router)  # /healthz, /readyz, /metrics (issue 16)
    # Outermost: a HEAD runs as the GET it stands for, through every other middleware (issue 12).
    app.add_middleware(HeadAsGet)
    # Outside even that: the platforms' webhook calls skip the routing and middleware of the pages (issue 16).
    app.add_middleware(WebhookFastPath, max_body_size=settings.webhook_max_bytes)
    app.include_router(desk_people_router)  # the desk's pages for people and organisations (issue 12)
    app.include_router(desk_insight_router)  # the insight dashboard and the transparency report (issue 13)
    app.include_router(desk_raids_router)  # raids and criticism storms, and the one-move actions (issue 14)
    app.include_router(desk_crisis_router)  # the crisis board (issue 15)
    return app
