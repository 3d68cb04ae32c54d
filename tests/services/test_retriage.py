"""Bulk re-triage (issue 16): the shipped model re-triages a seeded store on the local and Dask engines, each
comment once per run (counted in verdict versions), a person's decision stands, and a run that fails or is
killed with SIGKILL in the middle resumes and finishes with every comment re-triaged exactly once."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from hierniet.domain import Comment, Verdict
from hierniet.services import retriage as service
from hierniet.services.decisions import DecisionIn, record_decision
from hierniet.services.errors import InvalidInput, NotFound
from hierniet.services.ingest import ingest
from hierniet.store import tables as t
from store.dbfixtures import Desk, FakeTriage, at, item

N = 200
_TEXTS = (
    "insult: je bent een ongelooflijke idioot",
    "Dank je voor de duidelijke uitleg over de werken in de straat.",
    "spam: koop nu goedkope zonnebrillen op www.example.com",
    "threat: ik weet waar je woont en ik kom je halen",
    "criticism: het stadsbestuur heeft hier echt slecht werk geleverd",
    "Merci pour l'information, c'est très utile.",
    "hate: die mensen horen hier niet thuis",
    "Wanneer gaat het zwembad weer open?",
)


def _seed(desk: Desk, n: int = N) -> list[int]:
    """`n` comments over both organisations, stored with the fake triage (the shipped model then disagrees with
    it on many, so a re-triage changes verdicts)."""
    items = [
        item(
            f"c{i}",
            f"{_TEXTS[i % len(_TEXTS)]} ({i})",
            channel_id=desk.channel_id if i % 4 else desk.other_channel_id,
            author=f"a{i % 17}",
            day=1 + i % 28,
        )
        for i in range(n)
    ]
    result = ingest(desk.store, FakeTriage(), items, actor=desk.actors["root"])
    assert not result.rejected
    return [c.comment_id for c in result.created]


def _versions(desk: Desk) -> dict[int, int]:
    return service.verdict_versions(desk.store)


def _decide(desk: Desk, ids: Sequence[int]) -> dict[int, str]:
    """A person decides some comments of the first organisation; returns their decided steps."""
    decided: dict[int, str] = {}
    with desk.store.session() as s:
        own = set(s.scalars(select(t.Comment.id).where(t.Comment.id.in_(ids), t.Comment.channel_id == desk.channel_id)))
    for cid in [c for c in ids if c in own][:5]:
        record_decision(desk.store, desk.actors["lead"], cid, DecisionIn(step="hide", reason="checked by a person"))
        decided[cid] = "hide"
    return decided


def _check_once(desk: Desk, ids: Sequence[int], decided: dict[int, str], model_version: str) -> None:
    versions = _versions(desk)
    assert {cid: versions[cid] for cid in ids} == {cid: 2 for cid in ids}  # ingest's, and the run's: once each
    with desk.store.session() as s:
        rows = {c.id: c for c in s.scalars(select(t.Comment).where(t.Comment.id.in_(ids)))}
        latest = {
            cid: m
            for cid, m in s.execute(select(t.Verdict.comment_id, t.Verdict.model_version).where(t.Verdict.version == 2))
        }
    assert set(latest.values()) == {model_version}
    for cid, step in decided.items():
        assert (rows[cid].status, rows[cid].decided_step) == ("decided", step)  # house rule 3
        assert rows[cid].verdict_version == 2


def test_local_engine_retriages_every_comment_once_and_a_person_decision_stands(desk: Desk, real_triage: Any) -> None:
    ids = _seed(desk)
    decided = _decide(desk, ids)
    f = service.RetriageFilter(everything=True)
    assert service.count(desk.store, f) == N
    run_id = service.start_run(desk.store, desk.actors["admin"], f, engine="local", batch_size=40, partition_size=70)
    result = service.run(desk.store, desk.actors["admin"], run_id, service.ClassifierEngine(real_triage))
    assert result.finished and result.retriaged == N and result.planned == N
    assert result.partitions == 3 and result.partitions_done == 3
    assert result.changed > 0 and result.unchanged == N - result.changed
    assert result.held >= len(decided)
    _check_once(desk, ids, decided, real_triage.version)
    # Run again with the same filters: nothing unfinished, so a new run would start; the finished one says so.
    assert service.unfinished_run(desk.store, f) is None
    assert service.summary(desk.store, run_id).finished


def test_filters_and_dry_run(desk: Desk, real_triage: Any) -> None:
    ids = _seed(desk, 80)
    with pytest.raises(InvalidInput, match="--all"):
        service.count(desk.store, service.RetriageFilter())
    with pytest.raises(InvalidInput, match="unknown label"):
        service.count(desk.store, service.RetriageFilter(label="rude"))
    with pytest.raises(NotFound, match="org list"):
        service.count(desk.store, service.RetriageFilter(organisation="nope"))
    assert service.count(desk.store, service.RetriageFilter(organisation="vzw-x")) == 20
    assert service.count(desk.store, service.RetriageFilter(label="spam")) == 10
    assert service.count(desk.store, service.RetriageFilter(since=at(2), until=at(3))) == 3  # days 2: i=1,29,57
    f = service.RetriageFilter(organisation="vzw-x", label="insult")
    run_id = service.start_run(desk.store, desk.actors["admin"], f, engine="local", batch_size=3)
    result = service.run(desk.store, desk.actors["admin"], run_id, service.ClassifierEngine(real_triage))
    assert result.retriaged == result.planned == 10
    versions = _versions(desk)
    assert sum(v - 1 for v in versions.values()) == 10 and len(versions) == len(ids)


class _FailingAfter:
    """The real engine, failing on its `calls`+1-th batch as a crash would (injected fault, not a stand-in)."""

    def __init__(self, triage: Any, calls: int) -> None:
        self.triage = triage
        self.left = calls

    def classify(self, comments: Sequence[Comment]) -> list[Verdict]:
        if self.left == 0:
            raise RuntimeError("injected crash")
        self.left -= 1
        verdicts: list[Verdict] = self.triage.classify(comments)
        return verdicts


def test_a_run_that_fails_in_the_middle_resumes_and_retriages_each_comment_once(desk: Desk, real_triage: Any) -> None:
    ids = _seed(desk)
    decided = _decide(desk, ids)
    f = service.RetriageFilter(everything=True)
    run_id = service.start_run(desk.store, desk.actors["admin"], f, engine="local", batch_size=30, partition_size=90)
    with pytest.raises(RuntimeError, match="injected crash"):
        service.run(desk.store, desk.actors["admin"], run_id, service.ClassifierEngine(_FailingAfter(real_triage, 4)))
    half = service.summary(desk.store, run_id)
    assert (half.batches, half.retriaged, half.finished) == (4, 120, False)
    assert sum(1 for v in _versions(desk).values() if v == 2) == 120
    # A session stopped after one batch (as Ctrl+C between batches) also leaves it resumable.
    stopped = service.run(
        desk.store,
        desk.actors["admin"],
        run_id,
        service.ClassifierEngine(real_triage),
        service.RunOptions(stop_after=1),
    )
    assert (stopped.retriaged, stopped.this_session, stopped.finished, stopped.resumed) == (150, 30, False, True)
    assert service.unfinished_run(desk.store, f) == run_id
    done = service.run(desk.store, desk.actors["admin"], run_id, service.ClassifierEngine(real_triage))
    assert done.finished and done.retriaged == N and done.this_session == N - 150
    _check_once(desk, ids, decided, real_triage.version)


def test_a_batch_written_twice_is_refused_and_rolled_back(desk: Desk, fake_triage: FakeTriage) -> None:
    ids = _seed(desk, 20)
    run_id = service.start_run(
        desk.store, desk.actors["admin"], service.RetriageFilter(everything=True), engine="local", batch_size=20
    )
    run = service.get_run(desk.store, run_id)
    (batch,) = list(service._batches(desk.store, run, lambda: False))
    verdicts = fake_triage.classify(list(batch.comments))
    policies = service._Policies()
    service._write(desk.store, desk.actors["admin"], policies, batch, verdicts, service.utcnow())
    # A second runner of the same run (a zombie after a restart) read the same batch: its write must not land.
    with pytest.raises(service.ProgressMoved, match="another `hierniet retriage`"):
        service._write(desk.store, desk.actors["admin"], policies, batch, verdicts, service.utcnow())
    assert set(_versions(desk).values()) == {2} and len(_versions(desk)) == len(ids)


def test_dask_engine_retriages_every_comment_once(desk: Desk, real_triage: Any) -> None:
    from hierniet.services import retriage_dask

    ids = _seed(desk)
    decided = _decide(desk, ids)
    # The workers share this process (processes=False: two worker processes loading the model cost ~10 s and
    # 1 GB here); the plugin's loader finds the session's engine instead of loading the same model again.
    retriage_dask._loaded.setdefault("", real_triage)
    f = service.RetriageFilter(everything=True)
    run_id = service.start_run(desk.store, desk.actors["admin"], f, engine="dask", batch_size=25, partition_size=100)
    with retriage_dask.DaskEngine(workers=2, processes=False) as engine:
        assert engine.threads() == 2
        half = service.run(desk.store, desk.actors["admin"], run_id, engine, service.RunOptions(stop_after=3))
        assert (half.retriaged, half.finished) == (75, False)
        result = service.run(desk.store, desk.actors["admin"], run_id, engine)
    assert result.finished and result.retriaged == N and result.this_session == N - 75
    _check_once(desk, ids, decided, real_triage.version)


def _db_url(desk: Desk) -> str:
    return desk.store.engine.url.render_as_string(hide_password=False)


def _batches_done(desk: Desk) -> tuple[str | None, int]:
    """The latest run and how many batches it has written (what the test watches before it kills the run)."""
    with desk.store.session() as s:
        run_id = s.scalar(select(t.RetriageRun.id).order_by(t.RetriageRun.started_at.desc()).limit(1))
        if run_id is None:
            return None, 0
        total = s.scalar(select(func.sum(t.RetriagePartition.batches)).where(t.RetriagePartition.run_id == run_id))
        return run_id, int(total or 0)


def test_cli_run_killed_with_sigkill_resumes_with_each_comment_once(desk: Desk, tmp_path: Path) -> None:
    ids = _seed(desk)
    decided = _decide(desk, ids)
    env = {**os.environ, "HIERNIET_DATABASE_URL": _db_url(desk), "HIERNIET_TRIAGE_WORKERS": "1"}
    command = [sys.executable, "-c", "from hierniet.cli import main; main()", "retriage", "--all", "--batch-size", "4"]
    proc = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 120
    run_id: str | None = None
    try:
        while time.monotonic() < deadline:
            run_id, batches = _batches_done(desk)
            if batches >= 5 or proc.poll() is not None:
                break
            time.sleep(0.005)
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.wait(30)
    assert proc.returncode == -signal.SIGKILL, "the run finished before it could be killed"
    assert run_id is not None
    killed = service.summary(desk.store, run_id)
    assert not killed.finished and 0 < killed.retriaged < N
    # Started again with the same filters, it resumes that run rather than starting over.
    again = subprocess.run(command, env=env, capture_output=True, text=True, timeout=300)
    assert again.returncode == 0, again.stderr
    assert f"resuming unfinished run {run_id}" in again.stderr
    assert f"re-triaged: {N} of {N} planned" in again.stdout
    with desk.store.session() as s:
        model = s.scalar(select(t.Verdict.model_version).where(t.Verdict.version == 2).limit(1))
    assert model is not None and model != "fake-1"
    _check_once(desk, ids, decided, model)
    dry = subprocess.run([*command[:4], "--org", "vzw-x", "--dry-run"], env=env, capture_output=True, text=True)
    assert dry.returncode == 0 and dry.stdout.strip() == f"{N // 4} comments would be re-triaged"


def test_dask_engine_on_a_running_cluster_given_its_scheduler(desk: Desk, real_triage: Any) -> None:
    from distributed import LocalCluster

    from hierniet.services import retriage_dask

    ids = _seed(desk, 40)
    retriage_dask._loaded.setdefault("", real_triage)  # workers in this process: see the test above
    run_id = service.start_run(
        desk.store, desk.actors["admin"], service.RetriageFilter(everything=True), engine="dask", batch_size=10
    )
    cluster = LocalCluster(n_workers=1, threads_per_worker=1, processes=False, dashboard_address=None)
    try:
        with retriage_dask.DaskEngine(scheduler=cluster.scheduler_address) as engine:
            assert engine.threads() == 1
            result = service.run(desk.store, desk.actors["admin"], run_id, engine)
    finally:
        cluster.close()
    assert result.finished and result.retriaged == 40
    assert set(_versions(desk).values()) == {2} and len(_versions(desk)) == len(ids)
