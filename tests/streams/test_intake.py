"""Webhook intake with Redis (issue 16): the call is checked on its raw bytes and appended, reading no database;
channels are kept a short time and read again after a change; what the worker stores is unchanged."""

from __future__ import annotations

import uuid
import warnings
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import event

from connectors.fakes import FakeGraph
from connectors.test_webhooks import SECRET, body, sign
from hierniet.services import connections
from hierniet.services.connections import ChannelCache
from hierniet.settings import Settings
from hierniet.store.repo import Store
from hierniet.store.tables import WebhookEvent
from hierniet.streams.redis_queue import RedisStreamQueue
from hierniet.web.app import create_app
from store.dbfixtures import Desk, FakeTriage
from streams.test_streams import connected, counts, loop, webhook_event

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

__all__ = ["connected"]  # the fixture, used by name


class Statements:
    """Counts the SQL statements an engine runs while the block is open."""

    def __init__(self, store: Store) -> None:
        self.engine = store.engine
        self.seen: list[str] = []

    def _count(self, _conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        self.seen.append(statement)

    def __enter__(self) -> Statements:
        event.listen(self.engine, "before_cursor_execute", self._count)
        return self

    def __exit__(self, *_: object) -> None:
        event.remove(self.engine, "before_cursor_execute", self._count)


@pytest.fixture
def with_redis(settings: Settings, redis_url: str) -> Iterator[Settings]:
    yield settings.model_copy(update={"redis_url": redis_url, "stream_key": f"test:ingest:{uuid.uuid4().hex[:8]}"})


def stream(settings: Settings) -> RedisStreamQueue:
    assert settings.redis_url
    return RedisStreamQueue.from_url(settings.redis_url, settings.stream_key, claim_idle_s=60)


def post(client: TestClient, channel_id: int, *comments: tuple[str, str], secret: str = SECRET) -> Any:
    raw = body(*comments)
    return client.post(f"/hooks/facebook/{channel_id}", content=raw, headers=sign(raw, secret))


def test_a_queued_call_reads_no_database_once_its_channel_is_kept(
    connected: Desk, with_redis: Settings, fake_triage: FakeTriage
) -> None:
    app = create_app(with_redis, store=connected.store, triage=fake_triage)
    with TestClient(app) as client:
        assert post(client, connected.channel_id, ("c1", "dag")).status_code == 200  # reads and keeps the channel
        with Statements(connected.store) as sql:
            answers = [post(client, connected.channel_id, (f"c{i}", f"vraag {i}")) for i in range(2, 7)]
            refused = post(client, connected.channel_id, ("c9", "dag"), secret="wrong")
        assert [a.json() for a in answers] == [{"queued": 1, "removed": 0, "ignored": 0}] * 5
        assert refused.status_code == 403  # the signature is still checked on every call
        assert sql.seen == []
        # Unknown ids are kept too: a scan of ids costs one read per id, then none.
        assert client.post("/hooks/facebook/99999", content=b"{}").status_code == 404
        with Statements(connected.store) as sql:
            assert client.post("/hooks/facebook/99999", content=b"{}").status_code == 404
        assert sql.seen == []
    queue = stream(with_redis)
    try:
        assert queue.depth() == 6
        loop(connected, with_redis, queue, fake_triage).run_once()
        assert counts(connected) == (6, 6)
    finally:
        queue.close()


def test_a_change_through_the_same_store_applies_to_the_next_call(
    connected: Desk, with_redis: Settings, graph: FakeGraph, fake_triage: FakeTriage
) -> None:
    app = create_app(with_redis, store=connected.store, triage=fake_triage)
    admin_actor = connected.actors["admin"]
    with TestClient(app) as client:
        assert post(client, connected.channel_id, ("c1", "dag")).status_code == 200
        # A rotated app secret: the old one is refused at once, the new one taken.
        connections.connect_channel(
            connected.store,
            with_redis,
            admin_actor,
            platform="facebook",
            external_id="gent",
            secrets={"app_secret": "rotated"},
        )
        assert post(client, connected.channel_id, ("c2", "dag")).status_code == 403
        assert post(client, connected.channel_id, ("c3", "dag"), secret="rotated").status_code == 200
        connections.disconnect_channel(connected.store, admin_actor, connected.channel_id)
        assert post(client, connected.channel_id, ("c4", "dag"), secret="rotated").status_code == 404


def test_a_change_made_elsewhere_is_seen_after_the_ttl(connected: Desk, with_redis: Settings) -> None:
    clock = [100.0]
    # The web process's store, and another process's (the CLI): changes through the other are not announced.
    other = Store(connected.store.engine)
    cache = ChannelCache(
        connected.store,
        with_redis,
        lambda: None,
        ttl_s=5.0,
        clock=lambda: clock[0],  # type: ignore[arg-type,return-value]
    )
    first = cache.get(connected.channel_id)
    assert first.connector is not None and first.refused is None
    connections.disconnect_channel(other, connected.actors["admin"], connected.channel_id)
    clock[0] += 4.9
    assert cache.get(connected.channel_id) is first  # kept: the worker checks the call again before storing it
    clock[0] += 0.2
    again = cache.get(connected.channel_id)
    assert again.connector is None and again.refused
    # A channel created elsewhere under an id kept as unknown is found after the TTL too.
    assert cache.get(424242).channel is None


def test_the_cache_never_holds_more_than_its_bound(connected: Desk, with_redis: Settings) -> None:
    cache = ChannelCache(connected.store, with_redis, lambda: None, ttl_s=60.0, max_entries=8)  # type: ignore[arg-type,return-value]
    for channel_id in range(1000, 1100):
        assert cache.get(channel_id).refused
        assert len(cache._entries) <= 8
    assert cache.get(connected.channel_id).connector is not None


def test_a_redelivered_call_is_queued_again_and_stored_once(
    connected: Desk, with_redis: Settings, fake_triage: FakeTriage
) -> None:
    app = create_app(with_redis, store=connected.store, triage=fake_triage)
    with TestClient(app) as client:
        first = post(client, connected.channel_id, ("c1", "insult: idioten"), ("c2", "dag"))
        queue = stream(with_redis)
        try:
            worker = loop(connected, with_redis, queue, fake_triage)
            worker.run_once()
            assert counts(connected) == (2, 2)
            # The replay guard is the worker's: the request reads no database to answer `replayed`.
            again = post(client, connected.channel_id, ("c1", "insult: idioten"), ("c2", "dag"))
            assert first.json() == again.json() == {"queued": 2, "removed": 0, "ignored": 0}
            worker.run_once()
            assert counts(connected) == (2, 2)
            assert worker.report.done == 2 and worker.report.failed == 0
            with connected.store.session() as s:
                assert s.query(WebhookEvent).count() == 1
        finally:
            queue.close()


def test_a_call_accepted_under_a_stale_secret_is_not_stored(
    connected: Desk, with_redis: Settings, fake_triage: FakeTriage
) -> None:
    app = create_app(with_redis, store=connected.store, triage=fake_triage)
    other = Store(connected.store.engine)
    queue = stream(with_redis)
    try:
        worker = loop(connected, with_redis, queue, fake_triage)
        with TestClient(app) as client:
            assert post(client, connected.channel_id, ("c1", "dag")).status_code == 200
            worker.run_once()
            assert counts(connected) == (1, 1)
            # Rotated by another process: this one still takes the old secret for up to the TTL...
            connections.connect_channel(
                other, with_redis, connected.actors["admin"], platform="facebook", external_id="gent",
                secrets={"app_secret": "rotated"},
            )  # fmt: skip
            assert post(client, connected.channel_id, ("c2", "dag")).status_code == 200
        worker.run_once()
        # ...but the worker checks each call again on the channel as it is now: refused there, not stored.
        assert counts(connected) == (1, 1)
        assert worker.report.failed == 1 and worker.report.done == 1
    finally:
        queue.close()


def test_the_fast_path_keeps_the_webhooks_own_body_limit(
    connected: Desk, with_redis: Settings, fake_triage: FakeTriage
) -> None:
    # Pages take at most max_body_bytes; webhooks their own, larger or smaller.
    roomy = with_redis.model_copy(update={"max_body_bytes": 2_000, "webhook_max_bytes": 50_000})
    app = create_app(roomy, store=connected.store, triage=fake_triage)
    long = "lang " * 1000
    with TestClient(app) as client:
        answer = post(client, connected.channel_id, ("c1", long))
        assert answer.status_code == 200, answer.text
        assert "set-cookie" not in answer.headers  # no session for a platform
        huge = post(client, connected.channel_id, ("c2", long * 20))
        assert huge.status_code == 413
        # Chunked, without a Content-Length: cut off as the bytes arrive.
        raw = body(("c3", long * 20))
        chunked = client.post(
            f"/hooks/facebook/{connected.channel_id}", content=iter([raw[:30_000], raw[30_000:]]), headers=sign(raw)
        )
        assert chunked.status_code == 413
        # Anything else under /hooks goes through the app's routing as before.
        assert client.post("/hooks/facebook/1/extra", content=b"{}").status_code == 404


def test_a_channel_created_through_the_store_is_found_at_once(
    desk: Desk, with_redis: Settings, graph: FakeGraph, fake_triage: FakeTriage
) -> None:
    app = create_app(with_redis, store=desk.store, triage=fake_triage)
    with TestClient(app) as client:
        cache = app.state.ingest.channels()
        unknown = cache.get(desk.channel_id + 1000)  # an id kept as unknown
        assert unknown.channel is None and cache.cached(desk.channel_id + 1000) is unknown
        connections.connect_channel(
            desk.store,
            with_redis,
            desk.actors["admin"],
            platform="facebook",
            external_id="new-page",
            organisation_id=desk.organisation_id,
            secrets={"access_token": "t", "app_secret": SECRET, "verify_token": "v"},
            config={"base_url": graph.url},
        )
        # Every kept channel is read again after a change through this store, the unknown ones included.
        assert cache.cached(desk.channel_id + 1000) is None
        assert post(client, desk.channel_id, ("c1", "dag")).status_code == 404  # not connected: never was


def test_a_burst_of_appends_shares_a_few_connections(with_redis: Settings) -> None:
    # More calls at once than redis-py's default pool allows ("Too many connections" answered them 503).
    import asyncio
    import concurrent.futures

    queue = stream(with_redis)
    appender = queue.appender()
    assert appender is not None
    events = [webhook_event(7, (f"c{i}", "dag")) for i in range(400)]

    async def burst() -> list[str]:
        try:
            return await asyncio.gather(*(appender.add(e) for e in events))
        finally:
            await appender.aclose()

    try:
        # In a thread of its own: the session's browser (Playwright's sync API) keeps an event loop running in
        # the main thread, where asyncio.run() refuses to start another.
        with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
            ids = pool.submit(asyncio.run, burst()).result()
        assert len(set(ids)) == 400 and queue.depth() == 400
    finally:
        queue.client.delete(with_redis.stream_key)
        queue.close()
