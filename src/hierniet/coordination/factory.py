"""The one place that picks the shared (Redis) or the in-process (memory) coordination."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

from hierniet.coordination.buckets import Buckets, MemoryBuckets, RedisBuckets
from hierniet.coordination.leases import Leases, MemoryLeases, RedisLeases
from hierniet.settings import Settings

#: Seconds a Redis call may take before it fails: a worker that cannot reach Redis says so rather than hang.
REDIS_TIMEOUT_S = 5.0


@dataclass(frozen=True, slots=True)
class Coordination:
    buckets: Buckets
    leases: Leases
    #: "redis" or "memory", for logs and /readyz.
    kind: str
    client: Any = None

    def ping(self) -> None:
        """Raise when the shared store does not answer (memory always does)."""
        if self.client is not None:
            self.client.ping()


def redis_client(url: str) -> Any:
    """A Redis client for `url` (connects lazily, on its first command)."""
    import redis  # only where Redis is configured

    return redis.Redis.from_url(url, socket_timeout=REDIS_TIMEOUT_S, socket_connect_timeout=REDIS_TIMEOUT_S)


def for_url(url: str | None) -> Coordination:
    """Redis-backed coordination for a URL (one client per process and URL, made on the first call, never at
    import); for None a new in-memory one, which its owner (a Worker) shares with its threads: pass it to the
    other Workers of the process, if any, for them to share it too."""
    if not url:
        return Coordination(MemoryBuckets(), MemoryLeases(), "memory")
    return _redis_coordination(url)


@cache
def _redis_coordination(url: str) -> Coordination:
    client = redis_client(url)
    return Coordination(RedisBuckets(client), RedisLeases(client), "redis", client)


def for_settings(settings: Settings) -> Coordination:
    """What `HIERNIET_REDIS_URL` asks for: shared by every worker when set, this process only when unset."""
    return for_url(settings.redis_url)
