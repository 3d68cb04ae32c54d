"""The outbox worker against local fake platforms: outcomes, backoff, isolation, and exactly once after a crash."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from connectors.fakes import FakeGraph, FakeYouTube
from connectors.fakeserver import Reply
from hierniet.connectors.meta import FacebookConnector
from hierniet.coordination.buckets import MemoryBuckets, acquire
from hierniet.services import connections
from hierniet.services.actions import ActionStatus, action_rows
from hierniet.services.ingest import ingest
from hierniet.services.outbox import Worker, WorkerOptions, backoff
from hierniet.settings import Settings
from hierniet.store import connector_repo as crepo
from hierniet.store import repo
from hierniet.store.tables import AuditEntry, QueuedAction, utcnow
from store.dbfixtures import Desk, FakeTriage, item

FB_SECRETS = {"access_token": "EAAG-page-token", "app_secret": "app-secret", "verify_token": "verify-me"}


def connect_facebook(desk: Desk, settings: Settings, graph: FakeGraph) -> None:
    connections.connect_channel(
        desk.store,
        settings,
        desk.actors["admin"],
        platform="facebook",
        external_id="gent",
        secrets=FB_SECRETS,
        config={"base_url": graph.url},
    )


def connect_youtube(desk: Desk, settings: Settings, youtube: FakeYouTube) -> int:
    view = connections.connect_channel(
        desk.store,
        settings,
        desk.actors["admin"],
        platform="youtube",
        external_id=youtube.channel_id,
        secrets={"access_token": "ya29.token"},
        config={"base_url": youtube.url},
        organisation_id=desk.organisation_id,
    )
    return view.id


def queue(
    desk: Desk, triage: FakeTriage, channel_id: int, calls: dict[str, list[str]], *, reply: str = ""
) -> dict[str, int]:
    """Ingest comments (by external id) and queue the given calls for each; their comment ids by external id."""
    result = ingest(
        desk.store,
        triage,
        [item(cid, f"text {cid}", channel_id=channel_id, author="u1") for cid in calls],
        actor=desk.actors["admin"],
    )
    ids = {c.external_id: c.comment_id for c in result.created}
    now = utcnow()
    with desk.store.transaction() as tx:
        for cid, names in calls.items():
            repo.insert_many(
                tx,
                QueuedAction,
                action_rows(comment_id=ids[cid], channel_id=channel_id, calls=names, reply=reply, now=now),
            )
    return ids


def rows(desk: Desk) -> list[QueuedAction]:
    with desk.store.session() as s:
        return list(s.query(QueuedAction).order_by(QueuedAction.id))


def worker(desk: Desk, settings: Settings, **options: Any) -> Worker:
    opts = WorkerOptions(
        worker_id=options.pop("worker_id", "w1"),
        rates={"facebook": 0, "youtube": 0},
        poll=False,
        backoff_base_s=options.pop("backoff_base_s", 1.0),
        **options,
    )
    return Worker(desk.store, settings, opts, rng=random.Random(1))


def test_actions_are_carried_out_and_the_outcome_recorded(
    desk: Desk, settings: Settings, graph: FakeGraph, fake_triage: FakeTriage
) -> None:
    connect_facebook(desk, settings, graph)
    graph.add("c1", "c2")
    queue(desk, fake_triage, desk.channel_id, {"c1": ["hide", "reply"], "c2": ["ban_from_page"]}, reply="Zie charter")
    report = worker(desk, settings).run_once()
    assert (report.claimed, report.done, report.failed) == (3, 3, 0)
    assert graph.effects == {("hide", "c1"): 1, ("reply", "c1"): 1, ("ban_from_page", "u1"): 1}
    done = rows(desk)
    assert all(r.status == ActionStatus.DONE and r.finished_at and r.claimed_by is None for r in done)
    assert [r.outcome for r in done] == ["hidden", "replied", "banned from the Page"]
    assert done[1].platform_ref == "c1_r1" and done[1].attempts == 1 and done[1].idempotency_key
    with desk.store.session() as s:
        audit = s.query(AuditEntry).filter(AuditEntry.action == "action.done").count()
    assert audit == 3
    assert worker(desk, settings).run_once().claimed == 0  # nothing twice


def test_the_outcome_is_shown_with_the_comment_and_its_decision(
    desk: Desk, settings: Settings, graph: FakeGraph, fake_triage: FakeTriage
) -> None:
    from hierniet.services.queue import comment_detail

    connect_facebook(desk, settings, graph)
    graph.add("c1")
    ids = queue(desk, fake_triage, desk.channel_id, {"c1": ["hide"]})
    worker(desk, settings).run_once()
    detail = comment_detail(desk.store, desk.actors["moderator"], ids["c1"])
    (action,) = detail.actions
    assert action.status == "done" and action.outcome == "hidden" and action.finished_at is not None


def test_a_failing_platform_delays_only_its_own_actions(
    desk: Desk, settings: Settings, graph: FakeGraph, youtube: FakeYouTube, fake_triage: FakeTriage
) -> None:
    connect_facebook(desk, settings, graph)
    yt_channel = connect_youtube(desk, settings, youtube)
    graph.add("f1", "f2", "f3")
    queue(desk, fake_triage, desk.channel_id, {"f1": ["hide"], "f2": ["hide"], "f3": ["hide"]})
    for cid in ("y1", "y2"):
        youtube.add_thread(cid, "spam", "2026-03-01T10:00:00Z")
    queue(desk, fake_triage, yt_channel, {"y1": ["reject"], "y2": ["reject"]})
    graph.server.fail("POST", r"/v25.0/f\d", [Reply(500, {"error": {"message": "unknown", "code": 1}})])

    # A backoff long enough that a slow round on a loaded machine does not make the actions due again.
    w = worker(desk, settings, backoff_base_s=30.0)
    first = w.run_once()
    assert (first.done, first.retried, first.put_back) == (2, 1, 2)
    assert youtube.status == {"y1": "rejected", "y2": "rejected"}
    assert len(graph.server.calls("POST", r"/v25.0/f\d")) == 1  # one try, the rest waited unsent
    waiting = [r for r in rows(desk) if r.status == ActionStatus.QUEUED]
    assert len(waiting) == 3 and all(r.not_before > utcnow() for r in waiting)
    assert all(r.last_error for r in waiting)
    assert w.run_once().claimed == 0  # not due yet

    # Then a 429 with Retry-After: the wait it names is kept.
    graph.server.fail(
        "POST", r"/v25.0/f\d", [Reply(429, {"error": {"message": "slow", "code": 4}}, {"Retry-After": "120"})]
    )
    second = w.run_once(now=utcnow() + timedelta(minutes=5))
    assert second.retried == 1
    limited = [r for r in rows(desk) if r.status == ActionStatus.QUEUED]
    assert min(r.not_before for r in limited) > utcnow() + timedelta(seconds=110)

    third = w.run_once(now=utcnow() + timedelta(hours=1))
    assert third.done == 3
    assert {k: v for k, v in graph.effects.items()} == {("hide", "f1"): 1, ("hide", "f2"): 1, ("hide", "f3"): 1}


def test_an_in_doubt_action_is_looked_up_before_it_is_sent_again(
    desk: Desk, settings: Settings, graph: FakeGraph, fake_triage: FakeTriage
) -> None:
    connect_facebook(desk, settings, graph)
    graph.add("c1", "c2")
    queue(desk, fake_triage, desk.channel_id, {"c1": ["reply"], "c2": ["reply"]}, reply="Zie charter")
    # A worker claimed both, marked them sent, got c1's reply onto the platform, and died.
    now = utcnow()
    lease = now + timedelta(seconds=1)
    with desk.store.transaction() as tx:
        for action_id in crepo.due_actions(tx, now, 10):
            assert crepo.claim(tx, action_id, "dead", now, lease, f"k{action_id}")
            assert crepo.mark_sending(tx, action_id, "dead", now, lease)
    graph.comments["c1"].replies.append({"id": "c1_r1", "message": "Zie charter", "from": {"id": "gent"}})
    w = worker(desk, settings, worker_id="w2")
    assert w.run_once().claimed == 0  # the dead worker's lease still holds
    report = w.run_once(now=utcnow() + timedelta(seconds=5))
    assert report.done == 2
    assert graph.effects == {("reply", "c2"): 1}  # c1 was not replied to a second time
    first, second = rows(desk)
    assert "found carried out" in (first.outcome or "") and second.outcome == "replied"


def test_in_doubt_and_impossible_to_check_fails_unless_idempotent(
    desk: Desk, settings: Settings, graph: FakeGraph, fake_triage: FakeTriage, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(FacebookConnector, "check_applied", lambda self, action: None)
    connect_facebook(desk, settings, graph)
    graph.add("c1")
    queue(desk, fake_triage, desk.channel_id, {"c1": ["hide", "reply"]}, reply="Zie charter")
    now = utcnow()
    with desk.store.transaction() as tx:
        for action_id in crepo.due_actions(tx, now, 10):
            crepo.claim(tx, action_id, "dead", now, now, f"k{action_id}")
            crepo.mark_sending(tx, action_id, "dead", now, now)
    report = worker(desk, settings).run_once(now=utcnow() + timedelta(seconds=1))
    assert (report.done, report.failed) == (1, 1)
    hide, reply = rows(desk)
    assert hide.status == ActionStatus.DONE
    assert reply.status == ActionStatus.FAILED and "in doubt" in (reply.outcome or "")
    assert graph.effects == {("hide", "c1"): 1}


def test_a_cancelled_action_is_not_sent(
    desk: Desk, settings: Settings, graph: FakeGraph, fake_triage: FakeTriage
) -> None:
    connect_facebook(desk, settings, graph)
    graph.add("c1")
    queue(desk, fake_triage, desk.channel_id, {"c1": ["hide"]})
    w = worker(desk, settings)
    claimed = w._claim(utcnow())
    with desk.store.transaction() as tx:  # a person's new decision cancels it meanwhile
        repo.set_action_status(tx, [claimed[0].id], ActionStatus.CANCELLED)
    with desk.store.session() as s:
        channel = repo.get_channel(s, desk.channel_id)
    assert channel is not None
    import httpx

    with httpx.Client() as http:
        conn = connections.open_connector(desk.store, settings, channel, http)
        assert w._carry_out(claimed[0], conn) is None
    assert graph.effects == {}


def test_permanent_failures_and_giving_up(
    desk: Desk, settings: Settings, graph: FakeGraph, fake_triage: FakeTriage
) -> None:
    connect_facebook(desk, settings, graph)
    graph.add("c1")
    queue(desk, fake_triage, desk.channel_id, {"c1": ["report", "hide"], "gone": ["hide"]})
    graph.server.fail("POST", "/v25.0/c1", [Reply(503, None)] * 5)
    w = worker(desk, settings, max_attempts=3)
    for minutes in (0, 60, 120):
        w.run_once(now=utcnow() + timedelta(minutes=minutes))
    report_row, hide_row, gone_row = rows(desk)
    assert report_row.status == ActionStatus.FAILED and "by hand" in (report_row.outcome or "")
    assert hide_row.status == ActionStatus.FAILED and hide_row.attempts == 3
    assert (hide_row.outcome or "").startswith("gave up after 3 attempts")
    assert gone_row.status == ActionStatus.FAILED and "no longer exists" in (gone_row.outcome or "")


def test_a_channel_without_credentials_keeps_its_actions(
    desk: Desk, settings: Settings, fake_triage: FakeTriage
) -> None:
    queue(desk, fake_triage, desk.channel_id, {"c1": ["hide"]})
    report = worker(desk, settings).run_once()
    assert report.retried == 1
    (row,) = rows(desk)
    assert row.status == ActionStatus.QUEUED and row.sent_at is None and "not usable" in (row.last_error or "")


def test_rate_limiter_and_backoff() -> None:
    clock = [0.0]
    buckets = MemoryBuckets(clock=lambda: clock[0])
    assert buckets.take("facebook", 2.0) == 0.0
    assert buckets.take("facebook", 2.0) == pytest.approx(0.5)
    clock[0] = 0.5
    assert buckets.take("facebook", 2.0) == 0.0
    slept: list[float] = []

    def sleep(seconds: float) -> None:
        slept.append(seconds)
        clock[0] += seconds

    acquire(buckets, "facebook", 2.0, sleep=sleep)
    assert slept == [pytest.approx(0.5)]
    options = WorkerOptions(backoff_base_s=10, backoff_max_s=100)
    rng = random.Random(3)
    delays = [backoff(n, options, None, rng) for n in range(1, 8)]
    assert 5 <= delays[0] <= 10 and 10 <= delays[1] <= 20 and all(50 <= d <= 100 for d in delays[4:])
    assert 30 <= backoff(1, options, 30.0, rng) <= 33


# ---------------------------------------------------------------------------------------------- the crash


def _worker_process(url: str, settings: Settings, *extra: str) -> subprocess.Popen[bytes]:
    env = {**os.environ, "HIERNIET_DATABASE_URL": url, "HIERNIET_CREDENTIALS_KEY": settings.credentials_key or ""}
    code = "from hierniet.cli import main; main()"
    return subprocess.Popen(
        [sys.executable, "-c", code, "worker", "--no-poll", "--lease", "2", "--rate", "facebook=40", *extra],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


def test_killing_the_worker_mid_batch_applies_every_action_exactly_once(
    desk: Desk, settings: Settings, graph: FakeGraph, fake_triage: FakeTriage, tmp_path: Path
) -> None:
    connect_facebook(desk, settings, graph)
    ids = [f"c{n}" for n in range(30)]
    graph.add(*ids)
    queue(desk, fake_triage, desk.channel_id, {cid: ["hide", "reply"] for cid in ids}, reply="Zie ons charter")
    url = desk.store.engine.url.render_as_string(hide_password=False)
    process = _worker_process(url, settings, "--worker-id", "first")
    killed: list[tuple[str, str]] = []

    def kill_mid_call(action: str, cid: str) -> None:
        # The platform has carried out the 15th reply; the worker dies before it hears so.
        if action == "reply" and sum(1 for (a, _), n in graph.effects.items() if a == "reply") == 15 and not killed:
            killed.append((action, cid))
            os.kill(process.pid, signal.SIGKILL)

    graph.on_effect = kill_mid_call
    try:
        process.wait(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == -signal.SIGKILL, process.stderr.read() if process.stderr else ""
    assert killed
    states = [r.status for r in rows(desk)]
    assert states.count(ActionStatus.QUEUED) > 0  # it died mid-batch
    graph.on_effect = None

    time.sleep(2.2)  # the dead worker's leases run out
    again = _worker_process(url, settings, "--once", "--worker-id", "second")
    _, err = again.communicate(timeout=60)
    assert again.returncode == 0, err.decode()
    final = rows(desk)
    assert [r.status for r in final] == [ActionStatus.DONE] * 60, [(r.id, r.status, r.outcome) for r in final]
    assert graph.effects == {**{("hide", c): 1 for c in ids}, **{("reply", c): 1 for c in ids}}
    assert all(len(graph.comments[c].replies) == 1 for c in ids)
    recovered = [r for r in final if r.outcome and "found carried out" in r.outcome]
    assert len(recovered) == 1  # the reply the platform took as the worker died
