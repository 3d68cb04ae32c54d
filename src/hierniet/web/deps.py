"""Typed dependencies for route handlers: the store, triage, settings and the acting user.

def handler(store: StoreDep, actor: ActorDep) -> ...
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, ParamSpec, TypeVar

from fastapi import Depends, HTTPException, Request, status
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from hierniet.services.admin import authenticate
from hierniet.services.auth import Actor
from hierniet.services.crisis import LazyReader
from hierniet.services.ingest import Classifier
from hierniet.settings import Settings
from hierniet.store.repo import Store

bearer = HTTPBearer(
    auto_error=False,
    scheme_name="token",
    description="An API token: `Authorization: Bearer hn_...` (see docs/api.md for how to get one).",
)


class TriageHolder:
    """Loads the triage engine on first use (seconds), once, even when requests arrive together."""

    def __init__(self, triage: Classifier | None, model_dir: Path | None) -> None:
        self._triage = triage
        self._model_dir = model_dir
        self._lock = threading.Lock()

    def get(self) -> Classifier:
        if self._triage is None:
            with self._lock:
                if self._triage is None:
                    from hierniet.triage.pipeline import load_triage

                    self._triage = load_triage(self._model_dir)
        return self._triage


class WebhookSink:
    """Where the webhook route hands checked calls (app.state.ingest): the Redis stream when
    HIERNIET_REDIS_URL is set, else an in-process queue with its consumer thread. Made on the first call."""

    def __init__(self, store: Store, settings: Settings, triage: Callable[[], Classifier]) -> None:
        self._store = store
        self._settings = settings
        self._triage = triage
        self._lock = threading.Lock()
        self._sink: Any = None
        self._http: Any = None
        self._channels: Any = None
        self._appender: Any = None
        self._appender_made = False

    def http(self) -> Any:
        """One client for every call's checks (they open the channel's connector, which takes one, but do not
        call out): a new client per call cost more than the check itself (a TLS context each)."""
        if self._http is None:
            with self._lock:
                if self._http is None:
                    from hierniet.connectors.base import http_client

                    self._http = http_client()
        return self._http

    def channels(self) -> Any:
        """The channels opened for webhooks, kept HIERNIET_WEBHOOK_CHANNEL_TTL_S (a ChannelCache)."""
        if self._channels is None:
            with self._lock:
                if self._channels is None:
                    from hierniet.services.connections import ChannelCache

                    self._channels = ChannelCache(
                        self._store, self._settings, self.http, ttl_s=self._settings.webhook_channel_ttl_s
                    )
        return self._channels

    def appender(self) -> Any:
        """The Redis stream for the event loop (an AsyncStreamAppend), or None without Redis."""
        if not self._appender_made:
            sink = self.get()
            with self._lock:
                if not self._appender_made:
                    make = getattr(sink, "appender", None)
                    self._appender = make() if make is not None else None
                    self._appender_made = True
        return self._appender

    async def aclose(self) -> None:
        """Drop the event loop's Redis connection (before `close`, in the loop that used it)."""
        appender, self._appender, self._appender_made = self._appender, None, False
        if appender is not None:
            await appender.aclose()

    def get(self) -> Any:
        if self._sink is None:
            with self._lock:
                if self._sink is None:
                    from hierniet.streams.service import InProcessIngest, open_queue

                    self._sink = open_queue(self._settings) or InProcessIngest(
                        self._store, self._settings, self._triage
                    )
        return self._sink

    def close(self) -> None:
        """Store what is still queued in this process (in-process), or drop the Redis connection."""
        with self._lock:
            sink, self._sink = self._sink, None
            http, self._http = self._http, None
        if http is not None:
            http.close()
        if sink is None:
            return
        from hierniet.streams.service import InProcessIngest

        if isinstance(sink, InProcessIngest):
            sink.stop()
        else:
            sink.close()


#: The crisis reader of the app (app.state.crisis_reader): loaded on the first card it reads, once.
CrisisReaderHolder = LazyReader


_P = ParamSpec("_P")
_T = TypeVar("_T")


class IngestSlots:
    """How many ingestions (triage, then the writes) run at once in this process: one per CPU core.

    Triage is CPU-bound Python. Twenty requests triaging at once only share the GIL twenty ways, and the
    one holding the database's write lock then gets a twentieth of a core while all the others wait for
    that lock: 20 clients posting 50-comment batches got a sixth of one client's throughput. With a slot
    per core, one request triages while another writes; the rest wait their turn, using no CPU.
    """

    def __init__(self, slots: int | None = None) -> None:
        self.slots = max(1, slots if slots is not None else (os.cpu_count() or 1))
        self._semaphore = threading.BoundedSemaphore(self.slots)

    def run(self, function: Callable[_P, _T], /, *args: _P.args, **kwargs: _P.kwargs) -> _T:
        """Call `function` once a slot is free (blocks the calling worker thread until then)."""
        with self._semaphore:
            return function(*args, **kwargs)


def get_store(request: Request) -> Store:
    store: Store = request.app.state.store
    return store


def get_triage(request: Request) -> Classifier:
    holder: TriageHolder = request.app.state.triage
    return holder.get()


def get_app_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def get_crisis_reader(request: Request) -> CrisisReaderHolder:
    holder: CrisisReaderHolder = request.app.state.crisis_reader
    return holder


StoreDep = Annotated[Store, Depends(get_store)]
TriageDep = Annotated[Classifier, Depends(get_triage)]
SettingsDep = Annotated[Settings, Depends(get_app_settings)]
CrisisReaderDep = Annotated[CrisisReaderHolder, Depends(get_crisis_reader)]


def current_actor(
    store: StoreDep, credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]
) -> Actor:
    if credentials is None:
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED,
            "no API token: send the header `Authorization: Bearer <token>` (an admin makes tokens)",
            headers={"WWW-Authenticate": "Bearer"},
        )
    actor = authenticate(store, credentials.credentials)
    if actor is None:
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED,
            "unknown or revoked API token, or its user is switched off: ask an admin for a new token",
            headers={"WWW-Authenticate": "Bearer"},
        )
    return actor


ActorDep = Annotated[Actor, Depends(current_actor)]
