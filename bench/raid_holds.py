"""Benchmark of a raid's hold on a YouTube post (issue 14): what holding each new comment costs ingestion.

    python bench/raid_holds.py [--n 3000] [--batch 256] [--rounds 2] [--postgres URL]

The same comments (the package's example texts, numbered, all under one video) are ingested into a fresh
store twice per round: once with no hold, once while a raid's hold (mode `each`) is on the video, so that every
comment also gets its `hold_for_review` outbox call, its `raid_held_comments` row and the batch's `raid.held`
audit line, in the same transaction. Triage runs once beforehand (the shipped engine) and is replayed from
memory, so the figures measure ingestion and the hold, not the classifier. SQLite on a temporary file, and
PostgreSQL (a temporary database per run) when --postgres or HIERNIET_TEST_DATABASE_URL is set. The best of
the rounds is kept for each; prints one SUMMARY line. Run by hand, never as a timed test.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
import uuid
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import text


class _Replay:
    """Verdicts computed once by the shipped engine, handed back by text."""

    def __init__(self, triage: Any, texts: list[str], batch: int) -> None:
        from hierniet.domain import Comment

        self.verdicts: dict[str, Any] = {}
        for i in range(0, len(texts), batch):
            chunk = texts[i : i + batch]
            verdicts = triage.classify([Comment(id=str(j), text=t) for j, t in enumerate(chunk)])
            self.verdicts.update(zip(chunk, verdicts, strict=True))

    def classify(self, comments: Any) -> list[Any]:
        return [replace(self.verdicts[c.text], comment_id=c.id) for c in comments]


def _texts(n: int) -> list[str]:
    from hierniet.training.own import load_own

    base = [e.text for e in load_own()]
    return [f"{base[i % len(base)]} #{i // len(base)}" for i in range(n)]


def _run(url: str, replay: _Replay, texts: list[str], batch: int, *, held: bool) -> tuple[float, int, int]:
    """Comments/s of ingestion (the first batch warms up, untimed), comments stored, hold calls queued."""
    from hierniet.services import admin
    from hierniet.services.auth import CLI_ACTOR
    from hierniet.services.ingest import ingest
    from hierniet.store import repo_raids
    from hierniet.store.db import make_engine
    from hierniet.store.migrate import upgrade
    from hierniet.store.repo import Store
    from hierniet.store.tables import QueuedAction, RaidHeldComment

    engine = make_engine(url)
    upgrade(engine)
    store = Store(engine)
    org = admin.create_organisation(store, CLI_ACTOR, slug="bench", name="Bench")
    channel = admin.create_channel(store, CLI_ACTOR, organisation_id=org.id, platform="youtube", external_id="UCb")
    start = datetime.now(UTC) - timedelta(days=1)
    if held:
        with store.transaction() as tx:
            raid = repo_raids.add_raid(
                tx,
                organisation_id=org.id,
                key="bench",
                kind="raid",
                post="vid1",
                target=None,
                score=0.9,
                started_at=start,
                last_at=start,
                reasons=[],
                clusters=[],
                channels=[str(channel.id)],
                status="open",
                created_at=start,
                updated_at=start,
            )
            move = repo_raids.add_action(tx, raid_id=raid.id, action="hold", user_id=None, at=start, detail={})
            repo_raids.add_holds(
                tx,
                [
                    {
                        "raid_id": raid.id,
                        "action_id": move.id,
                        "channel_id": channel.id,
                        "post": "vid1",
                        "mode": "each",
                        "started_at": start,
                    }
                ],
            )
    items = [
        {
            "id": f"c{i}",
            "text": t,
            "channel_id": channel.id,
            "author": f"UCauthor{(i * 7919) % 300}",
            "thread": "vid1",
            "posted_at": (start + timedelta(seconds=5 * i)).isoformat(),
        }
        for i, t in enumerate(texts)
    ]
    ingest(store, replay, items[:batch], actor=CLI_ACTOR, chunk_size=batch)
    started = time.perf_counter()
    stored = batch
    for i in range(batch, len(items), batch):
        stored += len(ingest(store, replay, items[i : i + batch], actor=CLI_ACTOR, chunk_size=batch).created)
    elapsed = time.perf_counter() - started
    with store.session() as s:
        # The hold's calls (no recommendation made them); comments hidden by their own automatic step are not
        # held twice.
        calls = (
            s.query(QueuedAction)
            .filter(QueuedAction.action == "hold_for_review", QueuedAction.recommendation_id.is_(None))
            .count()
        )
        noted = s.query(RaidHeldComment).count()
    engine.dispose()
    assert noted == calls and (noted > 0) == held, (noted, calls)
    return (stored - batch) / elapsed, stored, noted


def _postgres_db(base: str) -> tuple[str, Any]:
    """A fresh PostgreSQL database for one run, and the function that drops it."""
    from sqlalchemy import create_engine

    name = f"hn_bench_holds_{uuid.uuid4().hex[:8]}"
    admin_engine = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin_engine.connect() as c:
        c.execute(text(f'CREATE DATABASE "{name}"'))

    def drop() -> None:
        with admin_engine.connect() as c:
            c.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin_engine.dispose()

    return base.rsplit("/", 1)[0] + f"/{name}", drop


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=3000, help="comments per run (default 3000)")
    parser.add_argument("--batch", type=int, default=256, help="comments per ingestion call (default 256)")
    parser.add_argument("--rounds", type=int, default=2, help="runs of each kind; the best is kept (default 2)")
    parser.add_argument("--postgres", default=os.environ.get("HIERNIET_TEST_DATABASE_URL"), help="PostgreSQL URL")
    args = parser.parse_args()
    if args.n <= args.batch:
        parser.error("--n must be larger than --batch (the first batch warms up and is not timed)")

    from hierniet.settings import get_settings
    from hierniet.triage.pipeline import load_triage

    texts = _texts(args.n)
    replay = _Replay(load_triage(get_settings().model_dir), texts, args.batch)
    if os.path.exists("/proc/loadavg"):
        with open("/proc/loadavg") as handle:
            print("load before:", " ".join(handle.read().split()[:3]))
    summary = []
    backends = ["sqlite"] + (["postgresql"] if args.postgres else [])
    for backend in backends:
        best = {False: 0.0, True: 0.0}
        for _ in range(args.rounds):
            for held in (False, True):  # alternated, so a change of the machine's load hits both alike
                with tempfile.TemporaryDirectory() as tmp:
                    drop = None
                    if backend == "sqlite":
                        url = f"sqlite:///{tmp}/bench.db"
                    else:
                        url, drop = _postgres_db(args.postgres)
                    try:
                        rate, _stored, noted = _run(url, replay, texts, args.batch, held=held)
                    finally:
                        if drop is not None:
                            drop()
                print(f"{backend:10} {'held' if held else 'not held':8} {rate:8.0f} comments/s  {noted} held")
                best[held] = max(best[held], rate)
        cost = 100.0 * (1 - best[True] / best[False])
        print(f"{backend}: best {best[False]:.0f} comments/s not held, {best[True]:.0f} held ({cost:+.1f} % slower)")
        summary.append(f"{backend} {best[False]:.0f}/{best[True]:.0f}/s")
    print("SUMMARY raid holds (not held/held): " + ", ".join(summary))


if __name__ == "__main__":
    main()
