"""What the tests of shared limits and leases need twice: coordination as separate workers hold it (each its
own Redis client), and the most calls seen in any one second."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from hierniet.coordination import Coordination
from hierniet.coordination.buckets import RedisBuckets
from hierniet.coordination.factory import redis_client
from hierniet.coordination.leases import RedisLeases


@contextmanager
def redis_workers(url: str) -> Iterator[Callable[[], Coordination]]:
    """A maker of Redis coordination objects, one client each (workers on other machines); closed after."""
    clients: list[Any] = []

    def one() -> Coordination:
        client = redis_client(url)
        clients.append(client)
        return Coordination(RedisBuckets(client), RedisLeases(client), "redis", client)

    try:
        yield one
    finally:
        for client in clients:
            client.close()


def max_in_any_second(stamps: list[float]) -> int:
    """The most time stamps that fall within one second of each other."""
    stamps = sorted(stamps)
    best, start = 0, 0
    for end, at in enumerate(stamps):
        while at - stamps[start] >= 1.0:
            start += 1
        best = max(best, end - start + 1)
    return best
