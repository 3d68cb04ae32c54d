"""The ingest queue: raw events in (webhook calls, polled items), triage workers out, nothing lost.

`IngestQueue` is the one interface; `RedisStreamQueue` (hierniet.streams.redis_queue) shares it between
processes and machines, `InProcessQueue` (here) is the embedded default with no Redis. A consumer reads a
batch of `Delivery`s, stores what they carry, then acknowledges them: an entry read and never acknowledged
(the consumer crashed) is handed to another consumer after `claim_idle_s`. An entry that fails
`max_failures` times goes to the dead letters with its error, so one poison entry never blocks the rest.
"""

from __future__ import annotations

import base64
import itertools
import json
import threading
import time
from abc import ABC, abstractmethod
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from hierniet.connectors.base import WebhookRequest

#: What an event carries: a webhook call to parse (again, in the worker) or items a poller already read.
WEBHOOK = "webhook"
ITEMS = "items"


@dataclass(frozen=True, slots=True)
class RawEvent:
    """One webhook call or one poll's items, as they arrived: the worker does everything else."""

    kind: str  # WEBHOOK or ITEMS
    platform: str
    channel_id: int
    received_at: datetime
    request: WebhookRequest | None = None  # WEBHOOK: the call, its body unparsed (the signature is on those bytes)
    items: list[dict[str, Any]] = field(default_factory=list)  # ITEMS: ingest items (IncomingComment.as_ingest)

    def encode(self) -> bytes:
        data: dict[str, Any] = {
            "v": 1,
            "kind": self.kind,
            "platform": self.platform,
            "channel_id": self.channel_id,
            "received_at": self.received_at.isoformat(),
        }
        if self.request is not None:
            data["request"] = {
                "method": self.request.method,
                "headers": dict(self.request.headers),
                "body": base64.b64encode(self.request.body).decode("ascii"),
                "query": dict(self.request.query),
            }
        if self.items:
            data["items"] = self.items
        # default=str: the items' datetimes as ISO 8601, which ingestion reads back.
        return json.dumps(data, default=_iso, separators=(",", ":")).encode()

    @classmethod
    def decode(cls, raw: bytes | str) -> RawEvent:
        """The event; ValueError (or KeyError) for an entry no version of hierniet wrote."""
        data = json.loads(raw)
        if data.get("v") != 1 or data.get("kind") not in (WEBHOOK, ITEMS):
            raise ValueError(f"not an ingest event of this version (v={data.get('v')!r}, kind={data.get('kind')!r})")
        request = None
        if "request" in data:
            r = data["request"]
            request = WebhookRequest(
                method=r["method"], headers=r["headers"], body=base64.b64decode(r["body"]), query=r["query"]
            )
        return cls(
            kind=data["kind"],
            platform=data["platform"],
            channel_id=int(data["channel_id"]),
            received_at=datetime.fromisoformat(data["received_at"]),
            request=request,
            items=list(data.get("items") or []),
        )


def _iso(value: Any) -> str:
    if isinstance(value, datetime):
        return value.isoformat()
    raise TypeError(f"cannot put a {type(value).__name__} in an ingest event")


@dataclass(frozen=True, slots=True)
class Delivery:
    """One entry handed to a consumer: acknowledge it by `entry_id` once what it carries is stored."""

    entry_id: str
    data: bytes


@dataclass(frozen=True, slots=True)
class DeadLetter:
    entry_id: str
    data: bytes
    error: str
    failures: int


class IngestQueue(ABC):
    """Where raw events wait for a triage worker. Every method is safe to call from several threads."""

    claim_idle_s: float
    max_failures: int

    @abstractmethod
    def add(self, event: RawEvent) -> str:
        """Append the event; its entry id."""

    @abstractmethod
    def read(self, consumer: str, count: int, block_s: float) -> list[Delivery]:
        """Up to `count` new entries for `consumer` (waiting up to `block_s` for the first)."""

    @abstractmethod
    def claim_stale(self, consumer: str, count: int) -> list[Delivery]:
        """Entries another consumer read more than `claim_idle_s` ago and never acknowledged, now `consumer`'s."""

    @abstractmethod
    def ack(self, entry_ids: Sequence[str]) -> None:
        """The entries are stored: they are never handed out again."""

    @abstractmethod
    def fail(self, delivery: Delivery, error: str) -> bool:
        """Count a failed try; after `max_failures`, move the entry to the dead letters (True) and acknowledge
        it. Otherwise it stays pending and is claimed again after `claim_idle_s`."""

    @abstractmethod
    def dead_letters(self, count: int = 100) -> list[DeadLetter]:
        """The oldest dead letters first."""

    @abstractmethod
    def depth(self) -> int:
        """Entries not yet acknowledged (waiting or being worked on)."""

    def touch(self, consumer: str, entry_ids: Sequence[str]) -> None:  # noqa: B027 - see InProcessQueue
        """`consumer` still works on these entries: restart their idle time, so none is taken over."""

    def register(self, consumer: str) -> None:  # noqa: B027 - the in-process queue keeps no consumer list
        """Make `consumer` known before its first entry (ready: its model is loaded)."""

    def release(self, consumer: str) -> None:  # noqa: B027 - the in-process queue keeps no consumer list
        """`consumer` stops: forget it if it holds no entry (one that does keeps them for a take-over)."""

    def close(self) -> None:  # noqa: B027 - most queues hold nothing to release
        """Release connections."""


class InProcessQueue(IngestQueue):
    """The embedded default: a queue in this process's memory, for one process with no Redis.

    Entries are lost if the process dies before they are stored, which is why the web app waits for its own
    entry to be stored before answering the platform (hierniet.streams.service.InProcessIngest.submit): a platform
    only hears 200 for what is stored, and retries the rest.
    """

    def __init__(self, *, claim_idle_s: float = 60.0, max_failures: int = 3, clock: Any = time.monotonic) -> None:
        self.claim_idle_s = claim_idle_s
        self.max_failures = max_failures
        self._clock = clock
        self._ids = itertools.count(1)
        self._waiting: deque[Delivery] = deque()
        self._pending: dict[str, tuple[Delivery, str, float]] = {}  # entry id -> (delivery, consumer, read at)
        self._failures: dict[str, int] = {}
        self._dead: list[DeadLetter] = []
        self._cond = threading.Condition()

    def add(self, event: RawEvent) -> str:
        with self._cond:
            entry_id = f"{next(self._ids)}-0"
            self._waiting.append(Delivery(entry_id, event.encode()))
            self._cond.notify()
            return entry_id

    def read(self, consumer: str, count: int, block_s: float) -> list[Delivery]:
        with self._cond:
            if not self._waiting and block_s > 0:
                self._cond.wait(block_s)
            out: list[Delivery] = []
            now = self._clock()
            while self._waiting and len(out) < count:
                delivery = self._waiting.popleft()
                self._pending[delivery.entry_id] = (delivery, consumer, now)
                out.append(delivery)
            return out

    def claim_stale(self, consumer: str, count: int) -> list[Delivery]:
        with self._cond:
            now = self._clock()
            out: list[Delivery] = []
            for entry_id, (delivery, _owner, since) in list(self._pending.items()):
                if len(out) >= count:
                    break
                if now - since >= self.claim_idle_s:
                    self._pending[entry_id] = (delivery, consumer, now)
                    out.append(delivery)
            return out

    def touch(self, consumer: str, entry_ids: Sequence[str]) -> None:
        with self._cond:
            now = self._clock()
            for entry_id in entry_ids:
                if entry_id in self._pending:
                    delivery, _owner, _since = self._pending[entry_id]
                    self._pending[entry_id] = (delivery, consumer, now)

    def ack(self, entry_ids: Sequence[str]) -> None:
        with self._cond:
            for entry_id in entry_ids:
                self._pending.pop(entry_id, None)
                self._failures.pop(entry_id, None)

    def fail(self, delivery: Delivery, error: str) -> bool:
        with self._cond:
            failures = self._failures.get(delivery.entry_id, 0) + 1
            self._failures[delivery.entry_id] = failures
            if failures < self.max_failures:
                return False
            self._dead.append(DeadLetter(delivery.entry_id, delivery.data, error, failures))
            self._pending.pop(delivery.entry_id, None)
            self._failures.pop(delivery.entry_id, None)
            return True

    def dead_letters(self, count: int = 100) -> list[DeadLetter]:
        with self._cond:
            return list(self._dead[:count])

    def depth(self) -> int:
        with self._cond:
            return len(self._waiting) + len(self._pending)

    def wake(self) -> None:
        """Wake a consumer blocked in `read` (on stop)."""
        with self._cond:
            self._cond.notify_all()
