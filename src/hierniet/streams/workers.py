"""`hierniet worker --role ingest`: triage consumers of the Redis stream, one model per process.

`--concurrency N` starts N processes (not threads: triage is CPU-bound Python, and a process per core is what
lets two cores do twice the work; bench/scale.py measures it). Each loads the model once, reads batches in
the consumer group under its own name (host:pid), and on SIGTERM finishes and acknowledges its batch, then
exits 0. The parent forwards SIGTERM to its children and waits for them.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import signal
import socket
import threading
from collections.abc import Callable
from typing import Any

from hierniet.services.ingest import Classifier
from hierniet.settings import Settings, get_settings
from hierniet.store import repo
from hierniet.streams.queue import IngestQueue
from hierniet.streams.service import IngestLoop, LoopReport, open_queue

log = logging.getLogger("hierniet.streams")


def consumer_name() -> str:
    """This process's name in the consumer group: what XINFO CONSUMERS shows, unique per running process."""
    return f"{socket.gethostname()}:{os.getpid()}"


def need_queue(settings: Settings) -> IngestQueue:
    queue = open_queue(settings)
    if queue is None:
        raise RuntimeError(
            "the ingest role reads the Redis stream: set HIERNIET_REDIS_URL (docs/operations.md); "
            "without Redis the web process stores webhook comments itself and `--role all` polls"
        )
    return queue


def run_consumer(
    store: repo.Store,
    settings: Settings,
    queue: IngestQueue,
    triage: Callable[[], Classifier],
    *,
    batch: int,
    stop: threading.Event | None = None,
    consumer: str | None = None,
) -> LoopReport:
    """One consumer in this process until `stop` (or SIGTERM, when this is the main thread) is set."""
    loop = IngestLoop(store, settings, queue, triage, consumer=consumer or consumer_name(), batch=batch)
    if stop is not None:
        loop.stop = stop
    if threading.current_thread() is threading.main_thread():
        # One consumer per process, one process per core: BLAS threads inside each would only fight over the
        # cores (as in hierniet.triage.parallel's workers).
        from threadpoolctl import threadpool_limits

        threadpool_limits(1)
    triage()  # the model loads before the first read, so no entry waits seconds for it
    queue.register(loop.consumer)
    log.info("ingest consumer %s reading %s", loop.consumer, settings.stream_key)
    try:
        return loop.run()
    finally:
        try:
            queue.release(loop.consumer)
        except Exception:  # a consumer left in the group's list is harmless: it holds nothing
            log.warning("could not remove the consumer %s from the group", loop.consumer, exc_info=True)


def _child(batch: int, metrics_at: tuple[str, int] | None = None) -> None:
    """A consumer process of `--concurrency N`: its own settings, store, queue and model (and, with
    `metrics_at`, its own /metrics: its batches' latency and outcomes)."""
    from hierniet.store.db import make_engine
    from hierniet.triage.pipeline import load_triage

    settings = get_settings()
    store = repo.Store(make_engine(settings.database_url))
    queue = need_queue(settings)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    model = load_triage(settings.model_dir)
    server = None
    if metrics_at is not None:
        from hierniet import metrics

        token = settings.metrics_token.get_secret_value() if settings.metrics_token else ""
        server = metrics.serve(metrics_at[0], metrics_at[1], token, None)
    try:
        report = run_consumer(store, settings, queue, lambda: model, batch=batch, stop=stop)
        log.info(
            "ingest consumer %s stopped: %d entries stored, %d failed", consumer_name(), report.done, report.failed
        )
    finally:
        if server is not None:
            server.shutdown()
            server.server_close()
        queue.close()
        store.dispose()


def run_processes(
    concurrency: int, batch: int, stop: threading.Event, *, metrics: tuple[str, int] | None = None
) -> int:
    """N consumer processes; returns once all have stopped (after `stop`): the count that exited non-zero.
    `metrics` (host, port): consumer i (1 to N) serves its /metrics on port + i."""
    # spawn, not fork: each child loads its own model and opens its own connections, and a fork of a process
    # with threads (the parent's signal handling, a pool) can deadlock.
    context = multiprocessing.get_context("spawn")
    children: list[Any] = []
    for i in range(1, concurrency + 1):
        at = (metrics[0], metrics[1] + i) if metrics is not None else None
        child = context.Process(target=_child, args=(batch, at), name="hn-ingest", daemon=False)
        child.start()
        children.append(child)
    while not stop.wait(1.0):
        if all(not c.is_alive() for c in children):
            break
    for child in children:
        if child.is_alive() and child.pid is not None:
            os.kill(child.pid, signal.SIGTERM)
    for child in children:
        child.join()
    return sum(1 for c in children if c.exitcode)
