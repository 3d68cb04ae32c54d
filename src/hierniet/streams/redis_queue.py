"""The ingest queue in a Redis stream, shared by every web process, poller and triage worker.

One stream (`HIERNIET_STREAM_KEY`), one consumer group of triage workers (`triage`). A worker reads with
XREADGROUP, stores, then XACKs; entries a crashed worker read and never acknowledged are taken over by
another with XAUTOCLAIM once idle for `claim_idle_s`. Failures are counted in a hash beside the stream
(`KEY:failures`); after `max_failures` the entry is copied with its error to `KEY:dead` and only then
acknowledged. The stream is trimmed (XTRIM MINID) below the oldest entry not yet acknowledged, never above:
an entry still waiting or pending is never dropped.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from typing import Any

import redis

from hierniet.streams.queue import DeadLetter, Delivery, IngestQueue, RawEvent

log = logging.getLogger("hierniet.streams")

GROUP = "triage"
#: Deliveries beyond max_failures an entry may have (workers killed while holding it) before it is set aside.
_CRASHES_ALLOWED = 2
#: A timeout on every call: a Redis that hangs must fail the request (503, the platform retries), not hold a
#: web worker forever. Reads block for at most a few seconds, well inside it.
_TIMEOUTS: dict[str, Any] = {"socket_timeout": 30, "socket_connect_timeout": 5}
#: Connections a web process's event loop appends to the stream over (AsyncStreamAppend).
_ASYNC_CONNECTIONS = 16
#: Trim at most this often (seconds): XTRIM walks the stream's radix tree, cheap but not free.
_TRIM_EVERY_S = 5.0


class RedisStreamQueue(IngestQueue):
    def __init__(
        self,
        client: redis.Redis,
        key: str = "hierniet:ingest",
        *,
        group: str = GROUP,
        claim_idle_s: float = 60.0,
        max_failures: int = 3,
    ) -> None:
        # Any: redis-py's stubs type every answer as a union of what any command could return.
        self.client: Any = client
        self.key = key
        self.group = group
        self.dead_key = f"{key}:dead"
        self.failures_key = f"{key}:failures"
        self.claim_idle_s = claim_idle_s
        self.max_failures = max_failures
        self._claim_from = "0-0"
        self._trimmed_at = 0.0
        # Made by the first consumer call, not here: a web process only appends (XADD makes the stream), and
        # the group, made from the stream's start, still reads what was appended before it existed.
        self._group_ready = False
        self.url: str | None = None  # the address, when made by from_url

    @classmethod
    def from_url(cls, url: str, key: str = "hierniet:ingest", **kwargs: Any) -> RedisStreamQueue:
        queue = cls(redis.Redis.from_url(url, **_TIMEOUTS), key, **kwargs)
        queue.url = url
        return queue

    def _ensure_group(self) -> None:
        if self._group_ready:
            return
        try:
            # From the stream's start: entries added before the first worker ever ran are read too.
            self.client.xgroup_create(self.key, self.group, id="0", mkstream=True)
        except redis.ResponseError as exc:
            if "BUSYGROUP" not in str(exc):
                raise
        self._group_ready = True

    def add(self, event: RawEvent) -> str:
        entry_id = self.client.xadd(self.key, {"event": event.encode()})
        return _text(entry_id)

    def appender(self) -> AsyncStreamAppend | None:
        """The same stream for a web process's event loop (redis.asyncio): append without a worker thread.
        None for a queue made from a client rather than an address."""
        return AsyncStreamAppend(self.url, self.key) if self.url else None

    def read(self, consumer: str, count: int, block_s: float) -> list[Delivery]:
        self._ensure_group()
        try:
            answer = self.client.xreadgroup(
                self.group, consumer, {self.key: ">"}, count=count, block=max(1, int(block_s * 1000))
            )
        except redis.ResponseError as exc:
            if "NOGROUP" not in str(exc):
                raise
            self._group_ready = False
            self._ensure_group()  # the stream was deleted (FLUSHDB, a hand's DEL): start again
            return []
        return [d for _stream, entries in answer or [] for d in _deliveries(entries)]

    def claim_stale(self, consumer: str, count: int) -> list[Delivery]:
        self._ensure_group()
        # XAUTOCLAIM walks the pending list from a cursor; starting over at 0-0 once the end is reached.
        answer = self.client.xautoclaim(
            self.key,
            self.group,
            consumer,
            min_idle_time=int(self.claim_idle_s * 1000),
            start_id=self._claim_from,
            count=count,
        )
        self._claim_from = _text(answer[0])
        claimed = _deliveries(answer[1])
        if not claimed:
            return claimed
        # An entry that kills its worker (out of memory, a crash in native code) is never counted by `fail`:
        # its deliveries are. Past the limit it goes to the dead letters instead of killing the next worker.
        limit = self.max_failures + _CRASHES_ALLOWED
        counts = {
            _text(p["message_id"]): int(p["times_delivered"])
            for p in self.client.xpending_range(
                self.key, self.group, min=claimed[0].entry_id, max=claimed[-1].entry_id, count=len(claimed) * 2
            )
        }
        kept = []
        for delivery in claimed:
            delivered = counts.get(delivery.entry_id, 0)
            if delivered > limit:
                self.client.hset(self.failures_key, delivery.entry_id, self.max_failures - 1)
                self.fail(delivery, f"handed to a worker {delivered} times and never acknowledged: it may crash it")
            else:
                kept.append(delivery)
        return kept

    def ack(self, entry_ids: Sequence[str]) -> None:
        if not entry_ids:
            return
        pipe = self.client.pipeline(transaction=False)
        pipe.xack(self.key, self.group, *entry_ids)
        pipe.hdel(self.failures_key, *entry_ids)
        pipe.execute()
        self._trim()

    def fail(self, delivery: Delivery, error: str) -> bool:
        failures = int(self.client.hincrby(self.failures_key, delivery.entry_id, 1))
        if failures < self.max_failures:
            return False
        # The copy first, the acknowledgement after: a crash between the two leaves a dead letter and a pending
        # entry (handled again, a duplicate that ingestion drops), never neither.
        self.client.xadd(
            self.dead_key,
            {"entry": delivery.entry_id, "event": delivery.data, "error": error[:2000], "failures": failures},
        )
        self.ack([delivery.entry_id])
        log.error(
            "stream entry %s failed %d times and went to the dead letters (%s): see them with "
            "`hierniet worker --dead-letters` or `redis-cli XRANGE %s - +`",
            delivery.entry_id,
            failures,
            error[:200],
            self.dead_key,
        )
        return True

    def dead_letters(self, count: int = 100) -> list[DeadLetter]:
        out = []
        for entry_id, fields in self.client.xrange(self.dead_key, count=count):
            f = {_text(k): v for k, v in fields.items()}
            out.append(
                DeadLetter(
                    entry_id=_text(f.get("entry", entry_id)),
                    data=f.get("event", b""),
                    error=_text(f.get("error", b"")),
                    failures=int(f.get("failures", 0)),
                )
            )
        return out

    def depth(self) -> int:
        """Entries not yet acknowledged: those no worker read yet (the group's lag) plus those being worked on."""
        self._ensure_group()
        groups = {_text(g["name"]): g for g in self.client.xinfo_groups(self.key)}
        group = groups.get(self.group)
        if group is None:
            return int(self.client.xlen(self.key))
        lag = group.get("lag")
        pending = int(group.get("pending") or 0)
        if lag is None:
            # Redis cannot tell after some deletions: the stream's length bounds it (trimmed, it holds little
            # else than what waits or is pending), without reading a long stream into memory.
            return int(self.client.xlen(self.key))
        return int(lag) + pending

    def _trim(self) -> None:
        now = time.monotonic()
        if now - self._trimmed_at < _TRIM_EVERY_S:
            return
        self._trimmed_at = now
        try:
            self.trim()
        except redis.RedisError:  # trimming is housekeeping: the next one catches up
            log.warning("could not trim the ingest stream %s", self.key, exc_info=True)

    def trim(self) -> None:
        """Drop the entries below the oldest one not yet acknowledged (and none above it)."""
        groups = self.client.xinfo_groups(self.key)
        if not groups:
            return
        floor: tuple[int, int] | None = None
        for group in groups:
            # Every entry after the group's last delivered one is still to be read...
            last = _parse_id(_text(group["last-delivered-id"]))
            candidate = (last[0], last[1] + 1)
            # ...and every pending one is still to be acknowledged.
            if int(group.get("pending") or 0):
                summary = self.client.xpending(self.key, _text(group["name"]))
                if summary.get("min"):
                    candidate = min(candidate, _parse_id(_text(summary["min"])))
            floor = candidate if floor is None else min(floor, candidate)
        if floor is not None and floor > (0, 0):
            # Exact, not "~": an approximate MINID may keep a few acknowledged entries, but it is the exact
            # bound that guarantees nothing at or above the floor goes.
            self.client.xtrim(self.key, minid=f"{floor[0]}-{floor[1]}", approximate=False)

    def touch(self, consumer: str, entry_ids: Sequence[str]) -> None:
        # XCLAIM to itself with JUSTID: resets the idle time, and (JUSTID) does not count a delivery.
        if entry_ids:
            self.client.xclaim(self.key, self.group, consumer, 0, list(entry_ids), justid=True)

    def register(self, consumer: str) -> None:
        # Shown by XINFO CONSUMERS from now on: an operator (or bench/scale.py) sees the worker is ready.
        self._ensure_group()
        self.client.xgroup_createconsumer(self.key, self.group, consumer)

    def release(self, consumer: str) -> None:
        for info in self.client.xinfo_consumers(self.key, self.group):
            if _text(info["name"]) == consumer and not int(info.get("pending") or 0):
                self.client.xgroup_delconsumer(self.key, self.group, consumer)

    def close(self) -> None:
        self.client.close()


class AsyncStreamAppend:
    """XADD from an event loop. Its connections belong to the loop that made them: one client per running
    loop (a web process has one; tests start a loop per client)."""

    def __init__(self, url: str, key: str) -> None:
        self.url = url
        self.key = key
        self._client: Any = None
        self._loop: Any = None

    def _for_loop(self) -> Any:
        import asyncio

        import redis.asyncio

        loop = asyncio.get_running_loop()
        if self._client is None or self._loop is not loop:
            # A bounded pool that waits for a free connection: a burst of hundreds of calls at once shares a few
            # connections (an XADD takes well under a millisecond) instead of failing with "Too many
            # connections" past redis-py's default pool size, or opening one socket per call.
            pool = redis.asyncio.BlockingConnectionPool.from_url(
                self.url, max_connections=_ASYNC_CONNECTIONS, timeout=_TIMEOUTS["socket_timeout"], **_TIMEOUTS
            )
            self._client = redis.asyncio.Redis(connection_pool=pool)
            self._loop = loop
        return self._client

    async def add(self, event: RawEvent) -> str:
        return _text(await self._for_loop().xadd(self.key, {"event": event.encode()}))

    async def aclose(self) -> None:
        client, self._client = self._client, None
        if client is not None:
            await client.aclose(close_connection_pool=True)


def _text(value: Any) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)


def _parse_id(entry_id: str) -> tuple[int, int]:
    ms, _, seq = entry_id.partition("-")
    return int(ms), int(seq or 0)


def _deliveries(entries: Any) -> list[Delivery]:
    out = []
    for entry_id, fields in entries or []:
        if not fields:  # an entry deleted while pending (XAUTOCLAIM reports those apart in Redis 7)
            continue
        data = fields.get(b"event") if b"event" in fields else fields.get("event")
        out.append(Delivery(_text(entry_id), data if isinstance(data, bytes) else _text(data).encode()))
    return out
