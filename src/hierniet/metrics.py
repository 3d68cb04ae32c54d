"""Prometheus metrics (GET /metrics, text format): what waits, what the outbox does, how long triage takes.

Two kinds of figures:

* read from the store at each scrape, so they are the same whichever process is scraped: comments waiting
  for a person per organisation (`hierniet_queue_depth`, from the counts the triggers keep on PostgreSQL),
  queued platform calls per platform and state (`hierniet_outbox_actions`; failures are state="failed"),
  alerts to the lead not yet delivered (`hierniet_alerts_pending`);
* counted in this process: triage latency per batch (`hierniet_triage_seconds`) and comments triaged
  (`hierniet_triaged_comments_total`), observed where ingestion triages (hierniet.services.ingest); and any
  gauge another part registers with `register_gauge(name, help, fn)` (a stream's lag, say), read at scrape.

The process's registry is made on first use (`process_metrics()`), never at import time.
"""

from __future__ import annotations

import hmac
import logging
import threading
from collections.abc import Callable, Iterator
from functools import cache
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector
from sqlalchemy import func, select

from hierniet.services.views import WAITING_STATUSES
from hierniet.store import repo
from hierniet.store import tables as t
from hierniet.store.repo import Store

log = logging.getLogger("hierniet.metrics")

#: The text format's media type (Prometheus 0.0.4).
CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
#: An ingest batch (read, triage, store, acknowledge) takes 50 ms to tens of seconds on a busy machine.
BATCH_BUCKETS = (0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0)
#: Batch triage takes 10 ms (one comment) to a few seconds (a large import batch on a busy machine).
TRIAGE_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)


class Metrics:
    """The figures counted in this process, and the gauges registered by name."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        self.triage_seconds = Histogram(
            "hierniet_triage_seconds",
            "Seconds one batch of comments took to triage, in this process.",
            buckets=TRIAGE_BUCKETS,
            registry=self.registry,
        )
        self.triaged = Counter("hierniet_triaged_comments", "Comments triaged by this process.", registry=self.registry)
        self.ingest_batch_seconds = Histogram(
            "hierniet_ingest_batch_seconds",
            "Seconds one batch of stream entries took from read to acknowledgement, in this ingest consumer.",
            buckets=BATCH_BUCKETS,
            registry=self.registry,
        )
        self.ingest_entries = Counter(
            "hierniet_ingest_entries",
            "Stream entries this ingest consumer handled, by outcome (done, failed, dead).",
            labelnames=["outcome"],
            registry=self.registry,
        )
        self._gauges: dict[str, tuple[str, Callable[[], float]]] = {}
        self._lock = threading.Lock()

    def observe_triage(self, seconds: float, comments: int) -> None:
        self.triage_seconds.observe(seconds)
        self.triaged.inc(comments)

    def observe_batch(self, seconds: float, *, done: int, failed: int, dead: int) -> None:
        self.ingest_batch_seconds.observe(seconds)
        for outcome, n in (("done", done), ("failed", failed), ("dead", dead)):
            if n:
                self.ingest_entries.labels(outcome).inc(n)

    def register_gauge(self, name: str, help: str, fn: Callable[[], float]) -> None:
        """A gauge read by calling `fn` at each scrape (a failing `fn` leaves its gauge out of that scrape)."""
        if not name.replace("_", "").isalnum() or not name[:1].isalpha():
            raise ValueError(f"metric name {name!r}: use letters, digits and underscores, starting with a letter")
        with self._lock:
            self._gauges[name] = (help, fn)

    def render(self, store: Store | None) -> bytes:
        """The text exposition: this process's figures, the registered gauges, and the store's."""
        scrape = CollectorRegistry(auto_describe=False)
        scrape.register(_Registered(dict(self._gauges)))
        if store is not None:
            scrape.register(_StoreFigures(store))
        return generate_latest(self.registry) + generate_latest(scrape)


class _Registered(Collector):
    def __init__(self, gauges: dict[str, tuple[str, Callable[[], float]]]) -> None:
        self.gauges = gauges

    def collect(self) -> Iterator[Any]:
        for name, (help_text, fn) in sorted(self.gauges.items()):
            try:
                value = float(fn())
            except Exception:
                log.exception("metrics: the gauge %s could not be read", name)
                continue
            yield GaugeMetricFamily(name, help_text, value=value)


class _StoreFigures(Collector):
    """Figures read from the store at each scrape: a few grouped counts over indexed columns."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def collect(self) -> Iterator[Any]:
        try:
            with self.store.session() as s:
                waiting = repo.waiting_by_organisation(s, [str(w.value) for w in WAITING_STATUSES])
                actions = s.execute(
                    select(t.Channel.platform, t.QueuedAction.status, func.count(t.QueuedAction.id))
                    .join(t.Channel, t.QueuedAction.channel_id == t.Channel.id)
                    .group_by(t.Channel.platform, t.QueuedAction.status)
                ).all()
                alerts = s.scalar(select(func.count(t.Alert.id)).where(t.Alert.status == "queued")) or 0
        except Exception:  # the store is down: /readyz says so; the process's own figures still go out
            log.exception("metrics: the store's figures could not be read")
            return
        depth = GaugeMetricFamily(
            "hierniet_queue_depth", "Comments waiting for a person (open or escalated).", labels=["organisation"]
        )
        for slug, n in sorted(waiting.items()):
            depth.add_metric([str(slug)], float(n))
        yield depth
        outbox = GaugeMetricFamily(
            "hierniet_outbox_actions",
            "Platform calls in the outbox by platform and state (queued, done, failed, cancelled).",
            labels=["platform", "state"],
        )
        for platform, status, n in actions:
            outbox.add_metric([str(platform), str(status)], float(n))
        yield outbox
        yield GaugeMetricFamily("hierniet_alerts_pending", "Alerts to the lead not delivered yet.", value=float(alerts))


@cache
def process_metrics() -> Metrics:
    """This process's metrics, made on first use."""
    return Metrics()


def register_gauge(name: str, help: str, fn: Callable[[], float]) -> None:
    """Add a gauge to this process's /metrics, read by calling `fn` at each scrape."""
    process_metrics().register_gauge(name, help, fn)


def observe_triage(seconds: float, comments: int) -> None:
    process_metrics().observe_triage(seconds, comments)


def observe_batch(seconds: float, *, done: int, failed: int, dead: int) -> None:
    process_metrics().observe_batch(seconds, done=done, failed=failed, dead=dead)


def check_token(expected: str, authorization: str | None) -> bool:
    """`Authorization: Bearer <token>` carries the metrics token (compared in constant time)."""
    scheme, _, given = (authorization or "").partition(" ")
    return (
        bool(expected) and scheme.lower() == "bearer" and hmac.compare_digest(given.strip().encode(), expected.encode())
    )


def serve(host: str, port: int, token: str, store: Store | None) -> ThreadingHTTPServer:
    """GET /metrics of a worker process (`hierniet worker --metrics-port`) on a thread of its own, behind the
    metrics token as the web's /metrics. The caller stops it with `shutdown()`."""
    if not token:
        raise ValueError(
            "a metrics port needs HIERNIET_METRICS_TOKEN: the queue's depth per organisation tells who is under "
            "attack, which is not for everyone to read (set it, and give Prometheus the same bearer token)"
        )

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            if self.path.split("?", 1)[0] != "/metrics":
                self._answer(404, b"not found\n", "text/plain; charset=utf-8")
            elif not check_token(token, self.headers.get("Authorization")):
                self._answer(401, b"give the metrics token: Authorization: Bearer <token>\n", "text/plain")
            else:
                self._answer(200, process_metrics().render(store), CONTENT_TYPE)

        def _answer(self, status: int, body: bytes, media_type: str) -> None:
            self.send_response(status)
            self.send_header("Content-Type", media_type)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            log.debug("metrics: " + format, *args)

    server = ThreadingHTTPServer((host, port), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, name="hn-metrics", daemon=True).start()
    return server
