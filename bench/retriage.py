"""Benchmark of bulk re-triage (issue 16): `hierniet retriage` over N stored comments, killed once with SIGKILL in
the middle and resumed, on the local engine and then on the Dask engine (a local cluster).

    python bench/retriage.py [--n 100000] [--database-url URL] [--workers 2] [--batch-size 500] [--engines local,dask]

The store is a fresh SQLite file (or, with --database-url, a temporary schema in that PostgreSQL database,
dropped afterwards) filled through ingestion with a stand-in "previous model" that calls every comment ok
(texts: the package's example comments, numbered). Each engine's run is the real command in a child process:
started, killed with SIGKILL once about half of the comments are written, started again (it resumes the
unfinished run), and checked: every comment must have exactly one verdict version more than before the run.
Prints comments/s per session and for the whole run (model loading and the kill included), the machine's
load, and "re-triaged exactly once: yes/no"; one SUMMARY line at the end. Run by hand, never as a timed test.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import func, select, text


class _PreviousModel:
    """What the comments were triaged with before the change: everything ok (cheap, so seeding is fast)."""

    def __init__(self) -> None:
        from hierniet.domain import Label, Language, Severity, Verdict

        self.template = Verdict(
            comment_id="",
            language=Language.NL,
            language_confidence=0.5,
            labels=(Label.OK,),
            scores={label: (0.99 if label is Label.OK else 0.0) for label in Label},
            severity=Severity.NONE,
            target=None,
            evidence=(),
            pii=(),
            model_version="previous-model",
            reasons=("previous model",),
        )

    def classify(self, comments: Sequence[Any]) -> list[Any]:
        return [dataclasses.replace(self.template, comment_id=c.id) for c in comments]


def _seed(url: str, n: int) -> None:
    from hierniet.services.auth import CLI_ACTOR
    from hierniet.services.ingest import ingest
    from hierniet.store import repo
    from hierniet.store.db import make_engine
    from hierniet.store.migrate import upgrade
    from hierniet.training.own import load_own

    engine = make_engine(url)
    upgrade(engine)
    store = repo.Store(engine)
    with store.transaction() as tx:
        org = repo.add_organisation(tx, slug="bench", name="Bench", policy_yaml=None)
        channel = repo.add_channel(
            tx,
            organisation_id=org.id,
            platform="facebook",
            external_id="bench",
            name="bench",
            policy_yaml=None,
            credentials_ref=None,
        )
    base = [e.text for e in load_own()]
    start = datetime(2026, 1, 1, tzinfo=UTC)
    model = _PreviousModel()
    chunk = 5000
    began = time.perf_counter()
    for lo in range(0, n, chunk):
        items = [
            {
                "id": f"bench-{i}",
                "text": f"{base[i % len(base)]} #{i // len(base)}",
                "channel_id": channel.id,
                "author": f"author-{(i * 7919) % 3000}",
                "posted_at": (start + timedelta(seconds=20 * i)).isoformat(),
            }
            for i in range(lo, min(n, lo + chunk))
        ]
        ingest(store, model, items, actor=CLI_ACTOR, chunk_size=1000)
    print(f"seeded {n} comments in {time.perf_counter() - began:.0f} s", flush=True)
    store.dispose()


def _versions(url: str) -> dict[int, int]:
    """How many comments have each count of verdict versions."""
    from hierniet.store import tables as t
    from hierniet.store.db import make_engine

    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            per = select(t.Verdict.comment_id, func.count().label("n")).group_by(t.Verdict.comment_id).subquery()
            rows = connection.execute(select(per.c.n, func.count()).group_by(per.c.n))
            return {int(k): int(v) for k, v in rows}
    finally:
        engine.dispose()


def _written(url: str, run_id: str | None, earlier: set[str]) -> tuple[str | None, int]:
    """The run this engine started (the one not in `earlier`) and how many comments it has written."""
    from hierniet.store import tables as t
    from hierniet.store.db import make_engine

    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            if run_id is None:
                run_id = next((r for r in connection.scalars(select(t.RetriageRun.id)) if r not in earlier), None)
            if run_id is None:
                return None, 0
            done = connection.scalar(
                select(func.sum(t.RetriagePartition.retriaged)).where(t.RetriagePartition.run_id == run_id)
            )
            return run_id, int(done or 0)
    finally:
        engine.dispose()


def _runs(url: str) -> set[str]:
    from hierniet.store import tables as t
    from hierniet.store.db import make_engine

    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            return set(connection.scalars(select(t.RetriageRun.id)))
    finally:
        engine.dispose()


def _load() -> str:
    one, five, _ = os.getloadavg()
    return f"load {one:.2f}/{five:.2f} on {os.cpu_count()} cores"


def _engine_run(url: str, engine: str, n: int, args: argparse.Namespace, versions_before: int) -> dict[str, Any]:
    env = {**os.environ, "HIERNIET_DATABASE_URL": url}
    command = [
        sys.executable,
        "-c",
        "from hierniet.cli import main; main()",
        "retriage",
        "--all",
        "--engine",
        engine,
        "--workers",
        str(args.workers),
        "--batch-size",
        str(args.batch_size),
        "--partition-size",
        str(args.partition_size),
    ]
    print(f"--- {engine}: started ({_load()})", flush=True)
    earlier = _runs(url)
    began = time.perf_counter()
    first = subprocess.Popen([*command, "--new"], env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    run_id: str | None = None
    done = 0
    while first.poll() is None:
        time.sleep(0.5)
        found, done = _written(url, run_id, earlier)
        run_id = run_id or found
        if done >= n // 2:
            first.send_signal(signal.SIGKILL)
            break
    first.wait()
    killed_at = time.perf_counter() - began
    killed = first.returncode == -signal.SIGKILL
    _, done = _written(url, run_id, earlier)
    print(f"{engine}: killed with SIGKILL after {killed_at:.0f} s, {done} of {n} written ({_load()})", flush=True)
    resumed = subprocess.run(command, env=env, capture_output=True, text=True)
    total = time.perf_counter() - began
    if resumed.returncode != 0:
        print(resumed.stderr[-3000:], file=sys.stderr)
    out = resumed.stdout
    print(out.rstrip(), flush=True)
    rate = re.search(r"comments/s: ([0-9.]+)", out)
    versions = _versions(url)
    once = versions == {versions_before + 1: n}
    print(
        f"{engine}: whole run {n / total:.0f} comments/s ({total:.0f} s, model loads and the kill included); "
        f"resumed session {rate.group(1) if rate else '?'} comments/s; verdict versions per comment {versions}; "
        f"killed in the middle: {'yes' if killed else 'no'}; re-triaged exactly once: {'yes' if once else 'no'} "
        f"({_load()})",
        flush=True,
    )
    return {"rate": n / total, "session": float(rate.group(1)) if rate else 0.0, "once": once, "killed": killed}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--database-url", help="A PostgreSQL database to make a temporary schema in.")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--batch-size", type=int, default=500)
    parser.add_argument("--partition-size", type=int, default=20_000)
    parser.add_argument("--engines", default="local,dask")
    args = parser.parse_args()

    from hierniet.store.db import make_engine, url_with_search_path

    schema = None
    with tempfile.TemporaryDirectory() as folder:
        if args.database_url:
            schema = f"hn_bench_{uuid.uuid4().hex[:8]}"
            admin = make_engine(args.database_url)
            with admin.begin() as connection:
                connection.execute(text(f"CREATE SCHEMA {schema}"))
            url = url_with_search_path(args.database_url, schema)
        else:
            url = f"sqlite:///{folder}/retriage.db"
        try:
            _seed(url, args.n)
            results = {}
            for i, engine in enumerate(args.engines.split(",")):
                results[engine] = _engine_run(url, engine, args.n, args, versions_before=1 + i)
        finally:
            if schema is not None:
                with admin.begin() as connection:
                    connection.execute(text(f"DROP SCHEMA {schema} CASCADE"))
                admin.dispose()
    backend = "postgresql" if schema else "sqlite"
    parts = [
        f"{engine} {r['rate']:.0f} comments/s whole run, {r['session']:.0f} resumed session, "
        f"killed {'yes' if r['killed'] else 'no'}, exactly once {'yes' if r['once'] else 'no'}"
        for engine, r in results.items()
    ]
    print(f"SUMMARY retriage: {backend} | n={args.n} workers={args.workers} | " + " | ".join(parts) + f" | {_load()}")


if __name__ == "__main__":
    main()
