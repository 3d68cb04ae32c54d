"""The ingest queue (hierniet.streams): in Redis and in-process, nothing lost and nothing stored twice."""

from __future__ import annotations

import json
import threading
import time
import uuid
import warnings
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest

from connectors.fakes import FakeGraph, FakeYouTube
from connectors.test_webhooks import SECRET, body, sign
from hierniet.connectors.base import WebhookRequest
from hierniet.services import connections
from hierniet.settings import Settings
from hierniet.store.tables import Comment, Verdict, WebhookEvent
from hierniet.streams.queue import ITEMS, WEBHOOK, Delivery, InProcessQueue, RawEvent
from hierniet.streams.redis_queue import RedisStreamQueue
from hierniet.streams.service import IngestLoop, process
from hierniet.web.app import create_app
from store.dbfixtures import Desk, FakeTriage

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

NOW = datetime(2026, 3, 1, 12, tzinfo=UTC)


@pytest.fixture
def connected(desk: Desk, settings: Settings, graph: FakeGraph) -> Desk:
    connections.connect_channel(
        desk.store,
        settings,
        desk.actors["admin"],
        platform="facebook",
        external_id="gent",
        secrets={"access_token": "t", "app_secret": SECRET, "verify_token": "verify-me"},
        config={"base_url": graph.url},
    )
    return desk


@pytest.fixture
def queue(redis_url: str) -> Iterator[RedisStreamQueue]:
    # A key of its own: other suites share this Redis database.
    q = RedisStreamQueue.from_url(redis_url, f"test:ingest:{uuid.uuid4().hex[:8]}", claim_idle_s=0.2, max_failures=2)
    yield q
    q.close()


def items_event(channel_id: int, *comments: tuple[str, str]) -> RawEvent:
    return RawEvent(
        ITEMS,
        "facebook",
        channel_id,
        NOW,
        items=[
            {"id": cid, "text": text, "channel_id": channel_id, "platform": "facebook", "posted_at": NOW}
            for cid, text in comments
        ],
    )


def webhook_event(channel_id: int, *comments: tuple[str, str]) -> RawEvent:
    raw = body(*comments)
    headers = {k.lower(): v for k, v in sign(raw).items()}
    return RawEvent(WEBHOOK, "facebook", channel_id, NOW, request=WebhookRequest("POST", headers, raw))


def counts(desk: Desk) -> tuple[int, int]:
    with desk.store.session() as s:
        return s.query(Comment).count(), s.query(Verdict).count()


def loop(desk: Desk, settings: Settings, q: object, triage: FakeTriage, name: str = "w1") -> IngestLoop:
    return IngestLoop(desk.store, settings, q, lambda: triage, consumer=name, batch=50, block_s=0.05)  # type: ignore[arg-type]


def test_an_event_survives_the_stream_as_it_went_in() -> None:
    event = webhook_event(3, ("c1", "hallo"))
    again = RawEvent.decode(event.encode())
    assert again == event
    with pytest.raises(ValueError, match="not an ingest event"):
        RawEvent.decode(json.dumps({"v": 9}))


def test_enqueue_consume_ack(
    connected: Desk, settings: Settings, queue: RedisStreamQueue, fake_triage: FakeTriage
) -> None:
    queue.add(webhook_event(connected.channel_id, ("p1_c1", "Wanneer open?"), ("p1_c2", "insult: idioten")))
    queue.add(items_event(connected.channel_id, ("i1", "spam: koop nu")))
    assert queue.depth() == 2
    worker = loop(connected, settings, queue, fake_triage)
    assert worker.run_once() == 2
    assert counts(connected) == (3, 3)
    assert fake_triage.calls == [3]  # both entries triaged in one call
    assert queue.depth() == 0
    with connected.store.session() as s:
        assert s.query(WebhookEvent).count() == 1  # the replay guard knows the call now
    queue.trim()
    assert queue.client.xlen(queue.key) == 0  # acknowledged entries are trimmed, none other


def test_trim_never_drops_what_is_not_acknowledged(
    connected: Desk, settings: Settings, queue: RedisStreamQueue, fake_triage: FakeTriage
) -> None:
    for n in range(5):
        queue.add(items_event(connected.channel_id, (f"c{n}", f"tekst {n}")))
    first = queue.read("w1", 2, 0.05)  # read, not acknowledged
    queue.trim()
    assert queue.client.xlen(queue.key) == 5
    queue.ack([first[0].entry_id])
    queue.trim()
    assert queue.client.xlen(queue.key) == 4
    assert queue.depth() == 4


def test_a_consumer_killed_before_ack_is_taken_over_and_stored_once(
    connected: Desk, settings: Settings, queue: RedisStreamQueue, fake_triage: FakeTriage
) -> None:
    for n in range(3):
        queue.add(items_event(connected.channel_id, (f"c{n}", f"tekst {n}")))
    # The first consumer reads all three, stores them, and dies before it acknowledges.
    taken = queue.read("dead", 10, 0.05)
    assert len(taken) == 3
    process(connected.store, settings, lambda: fake_triage, taken)
    assert counts(connected) == (3, 3)
    queue.claim_idle_s = 30.0
    other = loop(connected, settings, queue, fake_triage, "alive")
    assert other.run_once() == 0 and other.report.claimed == 0  # not idle long enough yet: nothing taken
    queue.claim_idle_s = 0.05
    time.sleep(0.1)
    other._claimed_at = 0.0
    assert other.run_once() == 3
    assert other.report.claimed == 3
    assert counts(connected) == (3, 3)  # redelivered: duplicates, no second comment nor verdict
    assert queue.depth() == 0


def test_a_redelivered_webhook_entry_is_not_stored_twice(
    connected: Desk, settings: Settings, queue: RedisStreamQueue, fake_triage: FakeTriage
) -> None:
    event = webhook_event(connected.channel_id, ("p1_c1", "insult: idioten"))
    queue.add(event)
    queue.add(event)  # the platform sent it twice before the first was stored
    worker = loop(connected, settings, queue, fake_triage)
    worker.run_once()
    worker.run_once()
    assert counts(connected) == (1, 1)
    assert worker.report.done == 2 and queue.depth() == 0


def test_a_poison_entry_goes_to_the_dead_letters_and_the_rest_is_stored(
    connected: Desk, settings: Settings, queue: RedisStreamQueue, fake_triage: FakeTriage
) -> None:
    queue.add(items_event(connected.channel_id, ("c1", "goed")))
    queue.client.xadd(queue.key, {"event": b"{not json"})
    queue.add(items_event(999_999, ("c2", "naar een kanaal dat niet bestaat")))
    queue.add(items_event(connected.channel_id, ("c3", "ook goed")))
    worker = loop(connected, settings, queue, fake_triage)
    worker.run_once()
    assert counts(connected) == (2, 2)
    assert queue.depth() == 2  # the two bad ones wait for another try (max_failures=2)
    time.sleep(0.3)
    worker._claimed_at = 0.0
    worker.run_once()
    dead = queue.dead_letters()
    assert len(dead) == 2 and all(d.failures == 2 for d in dead)
    assert "JSONDecodeError" in dead[0].error and "channel 999999 no longer exists" in dead[1].error
    assert dead[1].data == items_event(999_999, ("c2", "naar een kanaal dat niet bestaat")).encode()
    assert queue.depth() == 0 and counts(connected) == (2, 2)


def test_the_webhook_answers_before_triage_with_redis(
    connected: Desk, settings: Settings, redis_url: str, fake_triage: FakeTriage
) -> None:
    key = f"test:ingest:{uuid.uuid4().hex[:8]}"
    with_redis = settings.model_copy(update={"redis_url": redis_url, "stream_key": key})
    app = create_app(with_redis, store=connected.store, triage=fake_triage)
    raw = body(("p1_c1", "insult: idioten"), ("p1_c2", "dag"))
    with TestClient(app) as client:
        answer = client.post(f"/hooks/facebook/{connected.channel_id}", content=raw, headers=sign(raw))
        assert answer.status_code == 200 and answer.json() == {"queued": 2, "removed": 0, "ignored": 0}
        assert counts(connected) == (0, 0) and fake_triage.calls == []
        # A bad signature is still refused in the request, and nothing is queued.
        bad = client.post(f"/hooks/facebook/{connected.channel_id}", content=raw, headers=sign(raw, "wrong"))
        assert bad.status_code == 403
    queue = RedisStreamQueue.from_url(redis_url, key, claim_idle_s=60)
    try:
        assert queue.depth() == 1
        loop(connected, with_redis, queue, fake_triage).run_once()
        assert counts(connected) == (2, 2)
    finally:
        queue.close()


def test_the_in_process_path_through_the_web_app(connected: Desk, settings: Settings, fake_triage: FakeTriage) -> None:
    app = create_app(settings, store=connected.store, triage=fake_triage)
    raw = body(("p1_c1", "insult: idioten"), ("p1_c2", "dag"))
    with TestClient(app) as client:
        answer = client.post(f"/hooks/facebook/{connected.channel_id}", content=raw, headers=sign(raw))
        # Answered once stored, with what was stored, as without a queue.
        assert answer.status_code == 200 and answer.json()["created"] == 2
        assert counts(connected) == (2, 2)
        again = client.post(f"/hooks/facebook/{connected.channel_id}", content=raw, headers=sign(raw))
        assert again.json() == {"replayed": True}
        sink = app.state.ingest.get()
        assert sink.loop.report.done >= 1
    assert not sink._thread.is_alive()  # stopped with the app


def test_the_in_process_queue_hands_out_stale_entries_and_dead_letters() -> None:
    clock = [0.0]
    q = InProcessQueue(claim_idle_s=10, max_failures=2, clock=lambda: clock[0])
    q.add(items_event(1, ("a", "x")))
    (first,) = q.read("w1", 10, 0)
    assert q.claim_stale("w2", 10) == []
    clock[0] = 11
    assert q.claim_stale("w2", 10) == [first]
    assert not q.fail(first, "boom")
    assert q.fail(first, "boom again")
    assert q.depth() == 0 and q.dead_letters()[0].error == "boom again"
    assert isinstance(first, Delivery)


def test_a_poll_appends_to_the_stream_and_keeps_the_cursor(
    desk: Desk, settings: Settings, youtube: FakeYouTube, queue: RedisStreamQueue, fake_triage: FakeTriage
) -> None:
    import httpx

    from hierniet.store import connector_repo, repo

    view = connections.connect_channel(
        desk.store,
        settings,
        desk.actors["root"],
        platform="youtube",
        external_id=youtube.channel_id,
        secrets={"access_token": "ya29.token"},
        config={"base_url": youtube.url},
        organisation_id=desk.organisation_id,
    )
    youtube.add_thread("t1", "insult: eerste", "2026-03-01T10:00:00Z")
    youtube.add_thread("t2", "tweede", "2026-03-01T11:00:00Z")
    with desk.store.session() as s:
        channel = repo.get_channel(s, view.id)
    assert channel is not None
    with httpx.Client(timeout=5) as http:
        report = connections.poll_channel(desk.store, settings, lambda: fake_triage, channel, http, queue=queue)
    assert report.error is None and report.read == 2 and report.created == 0
    assert counts(desk) == (0, 0) and queue.depth() == 1  # queued, not triaged here
    with desk.store.session() as s:
        state = connector_repo.get_cursor(s, view.id)
        assert state is not None and state.cursor  # the cursor moved on: the stream holds what was read
    loop(desk, settings, queue, fake_triage).run_once()
    assert counts(desk) == (2, 2) and queue.depth() == 0


def test_an_entry_that_keeps_killing_its_workers_is_set_aside(desk: Desk, queue: RedisStreamQueue) -> None:
    queue.add(items_event(desk.channel_id, ("c1", "hallo")))
    assert len(queue.read("w1", 10, 0.05)) == 1  # delivered once; the worker "dies"
    handed = []
    for _ in range(6):
        time.sleep(0.25)
        handed.append(len(queue.claim_stale("next", 10)))  # each take-over is a delivery; each taker "dies"
    assert handed[:3] == [1, 1, 1] and handed[3:] == [0, 0, 0]
    (dead,) = queue.dead_letters()
    assert "never acknowledged" in dead.error and queue.depth() == 0


def test_a_live_consumer_keeps_a_batch_slower_than_the_claim_idle_time(
    connected: Desk, settings: Settings, queue: RedisStreamQueue
) -> None:
    class SlowTriage(FakeTriage):
        def classify(self, comments: Any) -> Any:
            time.sleep(0.6)  # three claim idle times (0.2 s)
            return super().classify(comments)

    for n in range(3):
        queue.add(items_event(connected.channel_id, (f"c{n}", f"tekst {n}")))
    slow = SlowTriage()
    worker = loop(connected, settings, queue, slow, "slow")
    worker._claimed_at = time.monotonic()  # straight to reading
    taken: list[int] = []
    thief = threading.Thread(
        target=lambda: [taken.append(len(queue.claim_stale("thief", 10))) or time.sleep(0.1) for _ in range(5)]
    )
    thread = threading.Thread(target=worker.run_once)
    thread.start()
    time.sleep(0.1)
    thief.start()
    thread.join()
    thief.join()
    assert sum(taken) == 0  # touched while worked on: never taken over
    assert counts(connected) == (3, 3) and queue.depth() == 0
