"""hierniet.coordination: token buckets and leases, in memory and in Redis (the real server, HIERNIET_TEST_REDIS_URL).

The rate test is the issue's: four workers share one bucket and call a real HTTP server on loopback that
counts the calls it gets; in no second does it see more than the rate (plus the one-token burst)."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from connectors.fakeserver import FakePlatform, Reply
from coordination_helpers import max_in_any_second, redis_workers
from hierniet.coordination import Coordination, for_url
from hierniet.coordination.buckets import MemoryBuckets, RedisBuckets, acquire
from hierniet.coordination.factory import redis_client
from hierniet.coordination.leases import MemoryLeases, take_turn


@pytest.fixture(params=["memory", "redis"])
def kind(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def make(kind: str, request: pytest.FixtureRequest) -> Iterator[Any]:
    """A maker of coordination objects as separate workers would hold them: memory ones share this process's
    objects (threads of one worker); Redis ones each get their own client (workers on other machines)."""
    if kind == "memory":
        shared = for_url(None)
        yield lambda: shared
        return
    with redis_workers(request.getfixturevalue("redis_url")) as one:
        yield one


def test_four_workers_sharing_a_bucket_never_exceed_the_rate(make: Any) -> None:
    rate, calls_each = 8.0, 6
    stamps: list[float] = []
    lock = threading.Lock()

    def count(_request: Any) -> Reply:
        with lock:
            stamps.append(time.monotonic())
        return Reply(200, {"ok": True})

    with FakePlatform() as platform:
        platform.route("POST", r"/act", count)

        def worker() -> None:
            shared = make()
            with httpx.Client(base_url=platform.url, timeout=5) as http:
                for _ in range(calls_each):
                    acquire(shared.buckets, "platform:facebook", rate)
                    http.post("/act")

        started = time.monotonic()
        threads = [threading.Thread(target=worker) for _ in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=30)
        elapsed = time.monotonic() - started
    assert len(stamps) == 24
    # A full bucket lets one call through at once, then `rate` a second: never more than rate + 1 in a second.
    assert max_in_any_second(stamps) <= rate + 1, sorted(s - stamps[0] for s in stamps)
    assert elapsed >= (24 - 1) / rate - 0.05  # four unshared buckets would have taken a quarter of that


def test_buckets_refill_and_keep_keys_apart() -> None:
    clock = [0.0]
    buckets = MemoryBuckets(clock=lambda: clock[0])
    assert buckets.take("a", 2.0, burst=2) == 0.0
    assert buckets.take("a", 2.0, burst=2) == 0.0
    assert buckets.take("a", 2.0, burst=2) == pytest.approx(0.5)
    assert buckets.take("b", 2.0, burst=2) == 0.0  # another platform's bucket is its own
    clock[0] = 10.0  # never more than the burst however long it waited
    assert [buckets.take("a", 2.0, burst=2) for _ in range(3)][2] > 0
    assert buckets.take("c", 0) == 0.0  # no rate: no limit


def test_a_redis_bucket_expires_once_full_again(redis_url: str) -> None:
    client = redis_client(redis_url)
    buckets = RedisBuckets(client)
    assert buckets.take("platform:x", 10.0) == 0.0
    wait = buckets.take("platform:x", 10.0)
    assert 0 < wait <= 0.1
    ttl = client.pttl("hierniet:bucket:platform:x")
    assert 0 < ttl <= 1200
    client.close()


def test_a_stop_ends_the_wait() -> None:
    buckets = MemoryBuckets()
    assert acquire(buckets, "slow", 0.01)  # the first token is there
    stop = threading.Event()
    stop.set()
    assert acquire(buckets, "slow", 0.01, stop=stop) is False


def test_a_lease_has_one_holder_until_it_expires(make: Any) -> None:
    first, second = make(), make()
    lease = first.leases.acquire("poll:7", 0.3)
    assert lease is not None
    assert second.leases.acquire("poll:7", 0.3) is None
    assert second.leases.acquire("poll:8", 0.3) is not None  # another channel is another lease
    time.sleep(0.4)
    taken = second.leases.acquire("poll:7", 5)
    assert taken is not None  # the first holder's ran out: a killed worker holds nothing for long
    # The first holder can neither renew nor release what is now the second's.
    assert first.leases.renew(lease) is False
    assert first.leases.release(lease) is False
    assert first.leases.acquire("poll:7", 5) is None
    assert second.leases.renew(taken, 5) is True
    assert second.leases.release(taken) is True
    assert first.leases.acquire("poll:7", 5) is not None


def test_renewing_keeps_a_lease(make: Any) -> None:
    holder, other = make(), make()
    lease = holder.leases.acquire("poll:1", 0.3)
    assert lease is not None
    for _ in range(3):
        time.sleep(0.15)
        assert holder.leases.renew(lease)
    assert other.leases.acquire("poll:1", 1) is None


def test_only_one_of_two_workers_takes_a_turn(make: Any) -> None:
    a, b = make(), make()
    results: list[bool] = []
    barrier = threading.Barrier(2)

    def ask(shared: Coordination) -> None:
        barrier.wait()
        results.append(take_turn(shared.leases, "raids", 0.3))

    threads = [threading.Thread(target=ask, args=(s,)) for s in (a, b)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == [False, True]
    assert not take_turn(a.leases, "raids", 0.3)  # not again within the interval
    time.sleep(0.35)
    assert take_turn(b.leases, "raids", 0.3)  # the next interval's turn


def test_memory_coordination_is_per_owner_and_redis_is_shared(redis_url: str) -> None:
    assert for_url(None) is not for_url(None)
    assert isinstance(for_url(None).leases, MemoryLeases)
    shared = for_url(redis_url)
    assert shared is for_url(redis_url) and shared.kind == "redis"
    shared.ping()
