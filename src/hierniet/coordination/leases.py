"""Leases: one holder at a time for a name (a channel's poll, the raid detector's turn), for a while.

`acquire(name, ttl_s)` gives a `Lease` with a random holder token, or None when someone else holds the name.
It ends by itself after `ttl_s` (a worker killed -9 holds nothing for long); `renew` extends it and `release`
ends it, both only while the holder token still matches: a worker whose lease ran out and was taken by another
can no longer renew or release the other's (Redis: SET NX PX, and Lua compare-and-act scripts).
"""

from __future__ import annotations

import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol


@dataclass(frozen=True, slots=True)
class Lease:
    name: str
    token: str
    ttl_s: float


class Leases(Protocol):
    def acquire(self, name: str, ttl_s: float) -> Lease | None:
        """The lease on `name` for `ttl_s` seconds, or None when another holder has it."""
        ...

    def renew(self, lease: Lease, ttl_s: float | None = None) -> bool:
        """Extend our lease to `ttl_s` (default: its own) from now; False when it is no longer ours."""
        ...

    def release(self, lease: Lease) -> bool:
        """End our lease now; False (and nothing changed) when it is no longer ours."""
        ...


def _token() -> str:
    return secrets.token_hex(16)


def _ms(seconds: float) -> int:
    return max(1, int(seconds * 1000))


class MemoryLeases:
    """Leases in this process: its threads exclude one another (the embedded deployment)."""

    def __init__(self, *, clock: Callable[[], float] = time.monotonic) -> None:
        self.clock = clock
        self._lock = threading.Lock()
        self._held: dict[str, tuple[str, float]] = {}  # name -> (token, expires at)

    def _current(self, name: str, now: float) -> tuple[str, float] | None:
        held = self._held.get(name)
        if held is not None and held[1] <= now:
            del self._held[name]
            return None
        return held

    def acquire(self, name: str, ttl_s: float) -> Lease | None:
        with self._lock:
            now = self.clock()
            if self._current(name, now) is not None:
                return None
            lease = Lease(name, _token(), ttl_s)
            self._held[name] = (lease.token, now + ttl_s)
            return lease

    def renew(self, lease: Lease, ttl_s: float | None = None) -> bool:
        with self._lock:
            now = self.clock()
            held = self._current(lease.name, now)
            if held is None or held[0] != lease.token:
                return False
            self._held[lease.name] = (lease.token, now + (ttl_s if ttl_s is not None else lease.ttl_s))
            return True

    def release(self, lease: Lease) -> bool:
        with self._lock:
            held = self._current(lease.name, self.clock())
            if held is None or held[0] != lease.token:
                return False
            del self._held[lease.name]
            return True


_RENEW = """
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return 0
"""

_RELEASE = """
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
"""


class RedisLeases:
    """Leases in Redis, shared by every process that names the same lease."""

    def __init__(self, client: Any, *, prefix: str = "hierniet:lease:") -> None:
        self.client = client
        self.prefix = prefix
        self._renew = client.register_script(_RENEW)
        self._release = client.register_script(_RELEASE)

    def acquire(self, name: str, ttl_s: float) -> Lease | None:
        lease = Lease(name, _token(), ttl_s)
        if self.client.set(self.prefix + name, lease.token, nx=True, px=_ms(ttl_s)):
            return lease
        return None

    def renew(self, lease: Lease, ttl_s: float | None = None) -> bool:
        ttl = ttl_s if ttl_s is not None else lease.ttl_s
        return bool(self._renew(keys=[self.prefix + lease.name], args=[lease.token, _ms(ttl)]))

    def release(self, lease: Lease) -> bool:
        return bool(self._release(keys=[self.prefix + lease.name], args=[lease.token]))


def take_turn(leases: Leases, name: str, interval_s: float) -> bool:
    """Whether this caller takes the turn `name` for the next `interval_s` seconds (a periodic job that one
    worker of all should run per interval, like the raid detector). The lease is never released: it is the
    interval itself, so the next turn is taken after it, by whichever worker asks first."""
    return leases.acquire(f"turn:{name}", interval_s) is not None
