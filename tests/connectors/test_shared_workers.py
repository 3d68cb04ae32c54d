"""Several outbox workers at once (issue 16): one platform rate for all of them, one poller per channel, one
raid detector per interval. Each worker has its own Redis client, as workers on separate machines would."""

from __future__ import annotations

import random
import threading
import time
from typing import Any

import pytest

from connectors.fakes import FakeGraph, FakeYouTube
from connectors.test_outbox import connect_facebook, connect_youtube, queue
from coordination_helpers import max_in_any_second, redis_workers
from hierniet.services import raids
from hierniet.services.actions import ActionStatus
from hierniet.services.outbox import Worker, WorkerOptions
from hierniet.settings import Settings
from hierniet.store.tables import QueuedAction
from store.dbfixtures import Desk, FakeTriage


@pytest.fixture
def separate(redis_url: str) -> Any:
    """Coordination as a separate worker process holds it: its own Redis connection."""
    with redis_workers(redis_url) as one:
        yield one


def test_four_outbox_workers_keep_to_the_platforms_rate(
    desk: Desk, settings: Settings, graph: FakeGraph, fake_triage: FakeTriage, separate: Any
) -> None:
    rate = 6.0
    connect_facebook(desk, settings, graph)
    ids = [f"c{n}" for n in range(20)]
    graph.add(*ids)
    queue(desk, fake_triage, desk.channel_id, {cid: ["hide"] for cid in ids})
    stamps: list[float] = []
    graph.on_effect = lambda _action, _cid: stamps.append(time.monotonic())
    workers = [
        Worker(
            desk.store,
            settings,
            # Small batches, so all four claim some of the actions and send at once.
            WorkerOptions(
                worker_id=f"w{n}", rates={"facebook": rate}, poll=False, retention=False, raids=False, batch=5
            ),
            rng=random.Random(n),
            shared=separate(),
        )
        for n in range(4)
    ]

    def waiting() -> int:
        with desk.store.session() as s:
            return s.query(QueuedAction).filter(QueuedAction.status == ActionStatus.QUEUED).count()

    def work(worker: Worker) -> None:
        # Each claims batches of five until none is left (the others' claims are theirs to send).
        while waiting():
            worker.run_once()

    threads = [threading.Thread(target=work, args=(w,)) for w in workers]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    with desk.store.session() as s:
        statuses = [r.status for r in s.query(QueuedAction)]
    assert statuses == [ActionStatus.DONE] * 20
    assert sum(graph.effects.values()) == 20
    # Four workers each with its own limiter would send up to 4 x (rate + 1) in the first second.
    assert max_in_any_second(stamps) <= rate + 1, sorted(s - min(stamps) for s in stamps)


def test_a_channel_is_polled_by_one_worker_at_a_time(
    desk: Desk, settings: Settings, youtube: FakeYouTube, fake_triage: FakeTriage, separate: Any
) -> None:
    connect_youtube(desk, settings, youtube)
    youtube.add_thread("t1", "first", "2026-03-01T10:00:00Z")
    youtube.add_thread("t2", "second", "2026-03-01T11:00:00Z")
    youtube.add_thread("t3", "third", "2026-03-01T12:00:00Z")
    barrier = threading.Barrier(3)
    options = {"poll": True, "retention": False, "raids": False, "poll_interval_s": 600}
    workers = [
        Worker(
            desk.store,
            settings,
            WorkerOptions(worker_id=f"p{n}", **options),  # type: ignore[arg-type]
            triage=lambda: fake_triage,
            shared=separate(),
        )
        for n in range(3)
    ]
    reports: list[Any] = []

    def go(worker: Worker) -> None:
        barrier.wait()
        reports.append(worker.run_once())

    threads = [threading.Thread(target=go, args=(w,)) for w in workers]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    polls = [p for r in reports for p in r.polls]
    assert len(polls) == 1 and polls[0].error is None and polls[0].created == 3
    # One poll read the first page and then the second: two list calls, not six.
    assert len(youtube.server.calls("GET", "/youtube/v3/commentThreads")) == 2


def test_a_poll_whose_lease_ran_out_does_not_store_its_cursor(
    desk: Desk, settings: Settings, youtube: FakeYouTube, fake_triage: FakeTriage, http: Any
) -> None:
    from hierniet.services import connections
    from hierniet.store import connector_repo as crepo
    from hierniet.store import repo

    channel_id = connect_youtube(desk, settings, youtube)
    youtube.add_thread("t1", "first", "2026-03-01T10:00:00Z")
    with desk.store.session() as s:
        channel = repo.get_channel(s, channel_id)
    assert channel is not None
    report = connections.poll_channel(desk.store, settings, lambda: fake_triage, channel, http, keep=lambda: False)
    assert report.error == "polling lease lost" and report.created == 1  # what was read is stored
    with desk.store.session() as s:
        state = crepo.get_cursor(s, channel_id)
    assert state is None or state.cursor is None  # the cursor is left to the lease's new holder


def test_the_raid_detector_runs_in_one_of_two_workers(
    desk: Desk, settings: Settings, separate: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    runs: list[str] = []

    def counted(*_args: Any, **_kwargs: Any) -> Any:
        runs.append(threading.current_thread().name)
        return raids.DetectionReport()

    monkeypatch.setattr(raids, "run_detection", counted)
    every = settings.model_copy(update={"raid_detect_interval_s": 60})
    options = {"poll": False, "retention": False}
    first, second = (
        Worker(desk.store, every, WorkerOptions(worker_id=f"r{n}", **options), shared=separate())  # type: ignore[arg-type]
        for n in range(2)
    )
    assert first._raids(None) is not None
    assert second._raids(None) is None  # the interval's turn is taken
    assert len(runs) == 1
