"""Webhooks into the ingest queue, and the triage consumer that empties it.

* `receive` is what /hooks/{platform}/{channel_id} calls: the checks (signature, handshake, replay guard) run
  in the request, so a bad call still gets its 4xx at once and a handshake its challenge; a call that carries
  comments or removals is appended to the queue. With Redis the platform hears 200 at once; in-process it
  hears 200 once the call is stored (a crash loses nothing: the platform retries what got no 200).
* `process` stores a batch of entries: every entry's comments triaged in one call per organisation, stored
  idempotently (a comment already stored with the same text is a duplicate, so an entry handled twice adds
  nothing); an entry that cannot be handled is reported failed with its error, the others are stored.
* `IngestLoop` reads, processes, acknowledges; takes over what crashed consumers left; stops after its batch.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

import anyio.to_thread

from hierniet import metrics
from hierniet.connectors import base
from hierniet.services import connections
from hierniet.services.auth import Actor, Role
from hierniet.services.connections import CheckedWebhook, WebhookAnswer
from hierniet.services.ingest import Classifier, ingest
from hierniet.services.views import IngestResult
from hierniet.settings import Settings
from hierniet.store import connector_repo as crepo
from hierniet.store import repo
from hierniet.store.tables import utcnow
from hierniet.streams.queue import ITEMS, WEBHOOK, Delivery, IngestQueue, InProcessQueue, RawEvent

log = logging.getLogger("hierniet.streams")


def open_queue(settings: Settings) -> IngestQueue | None:
    """The Redis stream when HIERNIET_REDIS_URL is set; None for the embedded default."""
    if not settings.redis_url:
        return None
    from hierniet.streams.redis_queue import RedisStreamQueue  # redis-py loads only where Redis is used

    return RedisStreamQueue.from_url(
        settings.redis_url,
        settings.stream_key,
        claim_idle_s=settings.stream_claim_idle_s,
        max_failures=settings.stream_max_failures,
    )


# ------------------------------------------------------------------------------------------------ processing


@dataclass
class EntryOutcome:
    """What one entry came to: the webhook answer's counts."""

    created: int = 0
    edited: int = 0
    duplicates: int = 0
    rejected: int = 0
    removed: int = 0
    ignored: int = 0
    replayed: bool = False

    def body(self) -> dict[str, Any]:
        if self.replayed:
            return {"replayed": True}
        return {
            "created": self.created,
            "edited": self.edited,
            "duplicates": self.duplicates,
            "rejected": self.rejected,
            "removed": self.removed,
            "ignored": self.ignored,
        }


@dataclass
class BatchOutcome:
    done: dict[str, EntryOutcome] = field(default_factory=dict)  # entry id -> its outcome
    failed: dict[str, str] = field(default_factory=dict)  # entry id -> the error


@dataclass
class _Entry:
    delivery: Delivery
    event: RawEvent
    channel: Any
    items: list[dict[str, Any]] = field(default_factory=list)
    checked: CheckedWebhook | None = None
    outcome: EntryOutcome = field(default_factory=EntryOutcome)


class _Channels:
    """The batch's channels and their connectors, each read and opened once per batch (not per entry: opening
    one decrypts its credentials)."""

    def __init__(self, store: repo.Store, settings: Settings, http: Any) -> None:
        self.store, self.settings, self.http = store, settings, http
        self._channels: dict[int, Any] = {}
        self._connectors: dict[int, base.Connector | Exception] = {}

    def channel(self, channel_id: int) -> Any:
        if channel_id not in self._channels:
            with self.store.session() as s:
                self._channels[channel_id] = repo.get_channel(s, channel_id)
        found = self._channels[channel_id]
        if found is None:
            raise ValueError(f"channel {channel_id} no longer exists")
        return found

    def connector(self, channel: Any) -> base.Connector:
        if channel.id not in self._connectors:
            try:
                self._connectors[channel.id] = connections.open_connector(self.store, self.settings, channel, self.http)
            except Exception as exc:
                self._connectors[channel.id] = exc
        found = self._connectors[channel.id]
        if isinstance(found, Exception):
            raise ValueError(f"channel {channel.id} cannot be opened now ({type(found).__name__}: {found})")
        return found


def process(
    store: repo.Store,
    settings: Settings,
    triage: Callable[[], Classifier],
    deliveries: Sequence[Delivery],
    *,
    http: Any = None,
) -> BatchOutcome:
    """Store what the entries carry; each entry done or failed (never both, never neither)."""
    out = BatchOutcome()
    entries: list[_Entry] = []
    client = http or base.http_client()  # for the connectors' constructors: the checks do not call out
    try:
        channels = _Channels(store, settings, client)
        for delivery in deliveries:
            try:
                entries.append(_open(channels, delivery))
            except Exception as exc:
                log.warning("stream entry %s cannot be handled: %s", delivery.entry_id, exc)
                out.failed[delivery.entry_id] = f"{type(exc).__name__}: {exc}"
    finally:
        if http is None:
            client.close()
    entries = _drop_replays(store, entries, out)
    by_org: dict[int, list[_Entry]] = {}
    for entry in entries:
        by_org.setdefault(entry.channel.organisation_id, []).append(entry)
    for group in by_org.values():
        try:
            _ingest(store, settings, triage, group)
        except Exception:
            # One entry of the group may be what fails: try each alone, so the others are stored.
            log.warning("a batch of %d stream entries failed: storing them one by one", len(group), exc_info=True)
            for entry in group:
                try:
                    _ingest(store, settings, triage, [entry])
                except Exception as exc:
                    out.failed[entry.delivery.entry_id] = f"{type(exc).__name__}: {exc}"
    _finish(store, [e for e in entries if e.delivery.entry_id not in out.failed], out)
    return out


def _open(channels: _Channels, delivery: Delivery) -> _Entry:
    """The entry's event, channel and items; a webhook call parsed (and its signature checked) again."""
    event = RawEvent.decode(delivery.data)
    channel = channels.channel(event.channel_id)
    if event.kind == ITEMS:
        return _Entry(delivery, event, channel, items=event.items)
    if event.kind != WEBHOOK or event.request is None:
        raise ValueError(f"unknown event kind {event.kind!r}")
    if channel.platform != event.platform or not channel.active:
        raise ValueError(f"channel {channel.id} is no longer an active {event.platform} channel")
    # It passed these checks in the request: failing them now means the channel changed since (its secret
    # rotated, it was disconnected). A person looks at it in the dead letters.
    result = channels.connector(channel).parse_webhook(event.request)
    checked = CheckedWebhook(channel, result, connections.replay_keys(event.request, result))
    items = [c.as_ingest(channel_id=channel.id, platform=channel.platform) for c in result.comments]
    entry = _Entry(delivery, event, channel, items=items, checked=checked)
    entry.outcome.removed, entry.outcome.ignored = len(result.removed), len(result.ignored)
    return entry


def _drop_replays(store: repo.Store, entries: list[_Entry], out: BatchOutcome) -> list[_Entry]:
    """Webhook calls the replay guard knows (stored before: a redelivery) are done; one query per channel."""
    keys: dict[int, set[str]] = {}
    for entry in entries:
        if entry.checked is not None:
            keys.setdefault(entry.channel.id, set()).update(entry.checked.keys)
    if not keys:
        return entries
    with store.session() as s:
        seen = {channel_id: crepo.seen_events(s, channel_id, sorted(wanted)) for channel_id, wanted in keys.items()}
    kept = []
    for entry in entries:
        if entry.checked is not None and set(entry.checked.keys) <= seen[entry.channel.id]:
            out.done[entry.delivery.entry_id] = EntryOutcome(replayed=True)
        else:
            kept.append(entry)
    return kept


def _finish(store: repo.Store, entries: list[_Entry], out: BatchOutcome) -> None:
    """Remember the batch's webhook calls (and record their removals) in one transaction; entry by entry when
    a parallel delivery recorded one of them first."""
    calls = [e for e in entries if e.checked is not None]
    try:
        with store.transaction() as tx:
            for entry in calls:
                assert entry.checked is not None
                connections.record_webhook(tx, entry.checked, entry.event.received_at)
    except Exception:
        for entry in calls:
            assert entry.checked is not None
            try:
                if not connections.finish_webhook(store, entry.checked, entry.event.received_at):
                    entry.outcome.replayed = True
            except Exception as exc:
                out.failed[entry.delivery.entry_id] = f"{type(exc).__name__}: {exc}"
    for entry in entries:
        if entry.delivery.entry_id not in out.failed:
            out.done[entry.delivery.entry_id] = entry.outcome


def _ingest(store: repo.Store, settings: Settings, triage: Callable[[], Classifier], group: list[_Entry]) -> None:
    """One organisation's entries in one ingestion (one triage call per chunk), counts back to each entry."""
    items: list[dict[str, Any]] = []
    owner: list[_Entry] = []
    for entry in group:
        items += entry.items
        owner += [entry] * len(entry.items)
    if not items:
        return
    first = group[0].channel
    actor = Actor(
        user_id=None, name=f"connector:{first.platform}", role=Role.MODERATOR, organisation_id=first.organisation_id
    )
    # The earliest arrival: ingestion's "received" time for the history window and the audit line.
    when = min(e.event.received_at for e in group)
    result: IngestResult = ingest(
        store, triage(), items, actor=actor, now=when, max_text_chars=settings.comment_max_chars
    )
    for entry in group:
        entry.outcome = EntryOutcome(removed=entry.outcome.removed, ignored=entry.outcome.ignored)
    for created in result.created:
        owner[created.index].outcome.created += 1
    for edited in result.edited:
        owner[edited.index].outcome.edited += 1
    for duplicate in result.duplicates:
        owner[duplicate.index].outcome.duplicates += 1
    for rejected in result.rejected:
        owner[rejected.index].outcome.rejected += 1
        log.warning("a queued comment was rejected (%s): %s", rejected.external_id, rejected.error)


# ------------------------------------------------------------------------------------------------ the loop


#: Called with each handled entry: (entry id, its outcome or None, the error or None). True when the caller
#: took the outcome to the sender (the in-process web app), so a failure is not retried but answered 503.
OnResult = Callable[[str, EntryOutcome | None, str | None], bool]


@dataclass
class LoopReport:
    batches: int = 0
    done: int = 0
    failed: int = 0
    dead: int = 0
    claimed: int = 0


class IngestLoop:
    """One consumer: read a batch (or take over a stale one), store it, acknowledge it; until `stop` is set.

    `stop` is only looked at between batches, so a SIGTERM finishes and acknowledges the batch in hand.
    """

    def __init__(
        self,
        store: repo.Store,
        settings: Settings,
        queue: IngestQueue,
        triage: Callable[[], Classifier],
        *,
        consumer: str,
        batch: int = 256,
        block_s: float = 1.0,
        on_result: OnResult | None = None,
    ) -> None:
        self.store = store
        self.settings = settings
        self.queue = queue
        self.triage = triage
        self.consumer = consumer
        self.batch = batch
        self.block_s = block_s
        self.on_result = on_result
        self.stop = threading.Event()
        self.report = LoopReport()
        self._claimed_at = 0.0

    def run(self, *, max_batches: int | None = None) -> LoopReport:
        """Until `stop`; or `max_batches` reads (empty ones count: `--once` on an empty stream returns)."""
        reads = 0
        while not self.stop.is_set():
            self.run_once()
            reads += 1
            if max_batches is not None and reads >= max_batches:
                break
        return self.report

    def run_once(self) -> int:
        """One batch: stale entries first (at most every claim_idle_s / 2), else new ones. Entries handled."""
        deliveries: list[Delivery] = []
        now = time.monotonic()
        if now - self._claimed_at >= self.queue.claim_idle_s / 2:
            self._claimed_at = now
            deliveries = self.queue.claim_stale(self.consumer, self.batch)
            self.report.claimed += len(deliveries)
            if deliveries:
                log.info("took over %d stream entries left by a stopped consumer", len(deliveries))
        if not deliveries:
            deliveries = self.queue.read(self.consumer, self.batch, self.block_s)
        if not deliveries:
            return 0
        started = time.perf_counter()
        dead_before, failed_before = self.report.dead, self.report.failed
        with _Heartbeat(self.queue, self.consumer, [d.entry_id for d in deliveries]):
            outcome = process(self.store, self.settings, self.triage, deliveries)
        answered: list[str] = []
        for entry_id, error in outcome.failed.items():
            if self.on_result is not None and self.on_result(entry_id, None, error):
                answered.append(entry_id)  # the sender heard 503 and sends it again
                continue
            delivery = next(d for d in deliveries if d.entry_id == entry_id)
            if self.queue.fail(delivery, error):
                self.report.dead += 1
        if self.on_result is not None:
            for entry_id, result in outcome.done.items():
                self.on_result(entry_id, result, None)
        self.queue.ack([*outcome.done, *answered])
        self.report.batches += 1
        self.report.done += len(outcome.done)
        self.report.failed += len(outcome.failed)
        # For the worker's /metrics (hierniet worker --metrics-port): batch latency and outcomes.
        metrics.observe_batch(
            time.perf_counter() - started,
            done=len(outcome.done),
            failed=self.report.failed - failed_before,
            dead=self.report.dead - dead_before,
        )
        return len(deliveries)


class _Heartbeat:
    """While a batch is worked on, its entries are touched every claim_idle_s / 3: a batch slower than the
    claim idle time (a busy machine, a big batch) is not taken over by another consumer while still alive."""

    def __init__(self, queue: IngestQueue, consumer: str, entry_ids: list[str]) -> None:
        self.queue, self.consumer, self.entry_ids = queue, consumer, entry_ids
        self.done = threading.Event()
        self.thread = threading.Thread(target=self._run, name="hn-ingest-heartbeat", daemon=True)

    def __enter__(self) -> _Heartbeat:
        self.thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self.done.set()
        self.thread.join()

    def _run(self) -> None:
        while not self.done.wait(self.queue.claim_idle_s / 3):
            try:
                self.queue.touch(self.consumer, self.entry_ids)
            except Exception:  # a missed beat only risks a take-over, which stores nothing twice
                log.warning("could not touch the batch's stream entries", exc_info=True)


# ------------------------------------------------------------------------------------------------ the web app


class _Waiter:
    __slots__ = ("error", "event", "outcome")

    def __init__(self) -> None:
        self.event = threading.Event()
        self.outcome: EntryOutcome | None = None
        self.error: str | None = None


class InProcessIngest:
    """The embedded default: an in-process queue and its one consumer thread, in the web app's process.

    The consumer starts with the first webhook (or `start()`, from the app's lifespan) and stops with
    `stop()`: after the batch in hand, the entries still queued handled before it returns.
    """

    def __init__(
        self,
        store: repo.Store,
        settings: Settings,
        triage: Callable[[], Classifier],
        *,
        answer_within_s: float = 120.0,
    ) -> None:
        self.queue = InProcessQueue(claim_idle_s=settings.stream_claim_idle_s, max_failures=1)
        self.answer_within_s = answer_within_s
        self._waiters: dict[str, _Waiter] = {}
        self._lock = threading.Lock()
        self.loop = IngestLoop(
            store,
            settings,
            self.queue,
            triage,
            consumer="web",
            batch=settings.ingest_batch_size,
            block_s=0.5,
            on_result=self._answer,
        )
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        with self._lock:
            if self._thread is None or not self._thread.is_alive():
                self.loop.stop.clear()
                self._thread = threading.Thread(target=self._run, name="hn-ingest", daemon=True)
                self._thread.start()

    def _run(self) -> None:
        while not self.loop.stop.is_set():
            try:
                self.loop.run_once()
            except Exception:  # the consumer must outlive one bad batch; its waiters hear 503 by timeout
                log.exception("the in-process ingest consumer failed a batch")
                time.sleep(0.5)

    def stop(self, timeout_s: float = 30.0) -> None:
        self.loop.stop.set()
        self.queue.wake()
        thread = self._thread
        if thread is not None:
            thread.join(timeout_s)
        # What was queued meanwhile is stored before the process ends (its senders are waiting for it).
        while self.queue.depth():
            if not self.loop.run_once():
                break

    def _answer(self, entry_id: str, outcome: EntryOutcome | None, error: str | None) -> bool:
        with self._lock:
            waiter = self._waiters.pop(entry_id, None)
        if waiter is None:
            return False
        waiter.outcome, waiter.error = outcome, error
        waiter.event.set()
        return True

    def submit(self, event: RawEvent) -> WebhookAnswer:
        """Queue the event and wait until it is stored: the answer the platform hears."""
        self.start()
        waiter = _Waiter()
        with self._lock:
            # Registered under the lock the consumer's answer takes, so an answer can never come first.
            entry_id = self.queue.add(event)
            self._waiters[entry_id] = waiter
        if not waiter.event.wait(self.answer_within_s):
            with self._lock:
                self._waiters.pop(entry_id, None)
            # Still queued: it will be stored; the platform's retry is then a duplicate.
            return WebhookAnswer(503, {"error": "the comments are queued but not stored yet; retry"})
        if waiter.error is not None or waiter.outcome is None:
            log.warning("a webhook call could not be stored: %s", waiter.error)
            return WebhookAnswer(503, {"error": "could not store the comments now; retry"})
        return WebhookAnswer(200, waiter.outcome.body())


def receive(
    store: repo.Store,
    settings: Settings,
    sink: IngestQueue | InProcessIngest,
    platform: str,
    channel_id: int,
    request: base.WebhookRequest,
    *,
    now: datetime | None = None,
    http: Any = None,
    channels: connections.ChannelCache | None = None,
) -> WebhookAnswer:
    """One webhook call: checked here, then queued (Redis: answered at once) or stored (in-process).

    Queued, the call reads no database when `channels` holds its channel: the replay guard is the ingest
    worker's (`process` drops a call stored before), and a redelivery is answered `queued` like the first."""
    when = now or utcnow()
    queued = not isinstance(sink, InProcessIngest)
    checked = connections.check_webhook(
        store, settings, platform, channel_id, request, http=http, channels=channels, replay_guard=not queued
    )
    if isinstance(checked, WebhookAnswer):
        return checked
    event = RawEvent(WEBHOOK, platform, channel_id, when, request=request)
    if isinstance(sink, InProcessIngest):
        return sink.submit(event)
    if not _to_queue(checked):
        return _remember_ignored(store, checked, when)
    try:
        sink.add(event)
    except Exception as exc:  # Redis is down: the platform retries on 5xx, nothing is lost
        return _not_queued(exc)
    return _queued(checked)


class AsyncAppend(Protocol):
    """Appends an event to the ingest stream without blocking the web process's event loop."""

    async def add(self, event: RawEvent) -> str: ...


async def receive_queued(
    store: repo.Store,
    channels: connections.ChannelCache,
    stream: AsyncAppend,
    platform: str,
    channel_id: int,
    request: base.WebhookRequest,
    *,
    now: datetime | None = None,
) -> WebhookAnswer:
    """`receive` with Redis, in the event loop: the signature checked on the raw bytes (CPU only), the raw call
    appended to the stream, the answer. A worker thread is used only to read a channel not kept yet, or to
    remember a call that carries nothing to queue: at hundreds of calls a second, the hand-over to the thread
    pool cost more than the check."""
    when = now or utcnow()
    opened = channels.cached(channel_id)
    if opened is None:
        opened = await anyio.to_thread.run_sync(channels.load, channel_id)
    checked = connections.check_opened(opened, platform, channel_id, request)
    if isinstance(checked, WebhookAnswer):
        return checked
    if not _to_queue(checked):
        return await anyio.to_thread.run_sync(_remember_ignored, store, checked, when)
    try:
        await stream.add(RawEvent(WEBHOOK, platform, channel_id, when, request=request))
    except Exception as exc:  # Redis is down: the platform retries on 5xx, nothing is lost
        return _not_queued(exc)
    return _queued(checked)


def _to_queue(checked: CheckedWebhook) -> bool:
    return bool(checked.result.comments or checked.result.removed)


def _remember_ignored(store: repo.Store, checked: CheckedWebhook, when: datetime) -> WebhookAnswer:
    # Nothing to queue (only events the connector ignores): remembered now, as before.
    connections.finish_webhook(store, checked, when)
    return WebhookAnswer(200, EntryOutcome(ignored=len(checked.result.ignored)).body())


def _not_queued(exc: Exception) -> WebhookAnswer:
    log.warning("could not queue a webhook call: %s", exc)
    return WebhookAnswer(503, {"error": f"could not queue the comments now ({type(exc).__name__}); retry"})


def _queued(checked: CheckedWebhook) -> WebhookAnswer:
    result = checked.result
    return WebhookAnswer(
        200, {"queued": len(result.comments), "removed": len(result.removed), "ignored": len(result.ignored)}
    )
