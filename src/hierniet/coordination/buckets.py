"""Token buckets shared by every worker: a platform's (or a channel's) rate, whoever calls.

A bucket named `key` holds up to `burst` tokens and refills at `rate` tokens a second; a call takes one.
`take` answers 0.0 when it took a token, else the seconds until one will be there (nothing taken), so the
caller sleeps outside any lock and asks again: two workers that both wait never get the same token.

The Redis bucket is one Lua script (atomic on the server, so no two workers read the same count), timed by
the Redis server's own clock (`TIME`), so machines whose clocks drift still share one rate. Its key expires
once the bucket would be full again: an idle platform leaves nothing behind.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any, Protocol


class Buckets(Protocol):
    """Token buckets by name; `take` is safe from any thread and (Redis) any process."""

    def take(self, key: str, rate: float, burst: float = 1.0) -> float:
        """Take one token of bucket `key` (0.0), or say how many seconds until one is there (nothing taken)."""
        ...


def acquire(
    buckets: Buckets,
    key: str,
    rate: float,
    burst: float = 1.0,
    *,
    sleep: Callable[[float], None] = time.sleep,
    stop: threading.Event | None = None,
) -> bool:
    """Wait for a token of `key`; False only when `stop` was set meanwhile (a worker shutting down)."""
    if rate <= 0:  # no limit for this bucket
        return True
    while (wait := buckets.take(key, rate, burst)) > 0:
        if stop is not None:
            if stop.wait(wait):
                return False
        else:
            sleep(wait)
    return True


class MemoryBuckets:
    """Buckets in this process (the embedded deployment: one process, several threads)."""

    def __init__(self, *, clock: Callable[[], float] = time.monotonic) -> None:
        self.clock = clock
        self._lock = threading.Lock()
        # key -> (tokens, stamp)
        self._state: dict[str, tuple[float, float]] = {}

    def take(self, key: str, rate: float, burst: float = 1.0) -> float:
        if rate <= 0:
            return 0.0
        burst = max(1.0, burst)
        with self._lock:
            now = self.clock()
            tokens, stamp = self._state.get(key, (burst, now))
            tokens = min(burst, tokens + max(0.0, now - stamp) * rate)
            if tokens >= 1.0:
                self._state[key] = (tokens - 1.0, now)
                return 0.0
            self._state[key] = (tokens, now)
            return (1.0 - tokens) / rate


# KEYS[1]: the bucket; ARGV: rate (tokens/s), burst. Returns the wait in microseconds (0: a token was taken).
# Tokens and stamp live in a hash; the stamp is the server's TIME in microseconds, so every client shares it.
_TAKE = """
local rate = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local state = redis.call('HMGET', KEYS[1], 'tokens', 'stamp')
local tokens = tonumber(state[1])
local stamp = tonumber(state[2])
if tokens == nil or stamp == nil then
  tokens = burst
  stamp = now
end
local elapsed = now - stamp
if elapsed < 0 then elapsed = 0 end
tokens = math.min(burst, tokens + elapsed * rate / 1000000)
local wait = 0
if tokens >= 1 then
  tokens = tokens - 1
else
  wait = math.ceil((1 - tokens) * 1000000 / rate)
end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'stamp', tostring(now))
-- Gone once it would be full again: an idle bucket costs nothing, and a fresh one starts full anyway.
local ttl = math.ceil((burst - tokens) * 1000 / rate) + 1000
redis.call('PEXPIRE', KEYS[1], ttl)
return wait
"""


class RedisBuckets:
    """Buckets in Redis, shared by every worker that names the same key."""

    def __init__(self, client: Any, *, prefix: str = "hierniet:bucket:") -> None:
        self.client = client
        self.prefix = prefix
        self._script = client.register_script(_TAKE)

    def take(self, key: str, rate: float, burst: float = 1.0) -> float:
        if rate <= 0:
            return 0.0
        # Sent as text: Lua reads them with tonumber, and repr keeps every digit of a float.
        wait_us = self._script(keys=[self.prefix + key], args=[repr(float(rate)), repr(max(1.0, float(burst)))])
        return int(wait_us) / 1_000_000
