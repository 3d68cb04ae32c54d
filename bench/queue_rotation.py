"""Benchmark of the queue for a person on the severe rotation (issue 13): the rotation's comments first, on
PostgreSQL, against the same pages for a person not on it.

    python bench/queue_rotation.py [--comments 200000] [--url URL] [--rounds 15] [--reuse] [--drop]

The database (default postgresql+psycopg://postgres@127.0.0.1:5432/bench_queue_rotation, or
HIERNIET_BENCH_DATABASE_URL) is filled as bench/queue_scale.py fills its own (15 % waiting; severities none
to critical, each with one label: ok, spam, insult, hate, threat), then 99 threats in 100 become hate
(severity high), so that the rotation's comments are rare, as on a desk: about 0.2 % of them. Two
moderators of the first organisation are added, one on the rotation. Two policies: the default rotation
(threat and self_harm, and critical) and a low one (spam, a fifth of the comments, whose walk in the
severity order passes every more severe comment). Timed for each, most severe first and oldest first: the
first page for each person, page 40 by offset, and the page after the 500th comment by keyset (`after`).
Prints p50/p95 per query and one SUMMARY line against the queue's target (p95 <= 100 ms). Run by hand,
never as a timed test.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import text
from sqlalchemy.engine import make_url

sys.path.insert(0, str(Path(__file__).resolve().parent))
import queue_scale  # bench/queue_scale.py: its fill is this bench's

TARGET_MS = 100.0
PAGE = 25
DEFAULT_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/bench_queue_rotation"
POLICIES: dict[str, str | None] = {
    "default rotation": None,
    "low rotation": "extends: default\nwellbeing:\n  rotation_labels: [spam]\n",
}
# 99 threats in 100 become hate, in the comments' projection, their verdicts and their label rows alike.
_RARE_THREATS = (
    "UPDATE comments SET severity = 3, labels = CAST('[\"hate\"]' AS JSONB) WHERE severity = 4 AND id % 100 <> 0",
    "UPDATE verdicts SET severity = 3, labels = CAST('[\"hate\"]' AS JSONB) WHERE severity = 4 AND id % 100 <> 0",
    "UPDATE verdict_labels SET label = 'hate' WHERE label = 'threat' AND verdict_id % 100 <> 0",
)


def rare_threats(url: str) -> None:
    from hierniet.store.db import make_engine

    engine = make_engine(url)
    with engine.begin() as c:
        for statement in _RARE_THREATS:
            c.execute(text(statement))
    with engine.connect() as c:
        c.execution_options(isolation_level="AUTOCOMMIT").execute(text("VACUUM ANALYZE"))
    engine.dispose()


def _people(store: Any) -> tuple[int, int]:
    """Two moderators of the first organisation (made once), the first on the rotation."""
    ids = []
    with store.transaction() as tx:
        for name in ("rotation-on", "rotation-off"):
            found = tx.execute(text("SELECT id FROM users WHERE name = :n"), {"n": name}).scalar()
            if found is None:
                found = tx.execute(
                    text(
                        "INSERT INTO users (name, role, organisation_id, active, created_at, session_epoch) "
                        "VALUES (:n, 'moderator', 1, true, now(), 0) RETURNING id"
                    ),
                    {"n": name},
                ).scalar()
            ids.append(int(found))
        tx.execute(text("DELETE FROM severe_rotation WHERE organisation_id = 1"))
        tx.execute(
            text("INSERT INTO severe_rotation (organisation_id, user_id, added_at) VALUES (1, :u, now())"),
            {"u": ids[0]},
        )
    return ids[0], ids[1]


def measure(url: str, rounds: int) -> dict[str, tuple[float, float]]:
    from hierniet.services import queue
    from hierniet.services.auth import Actor, Role
    from hierniet.store import repo
    from hierniet.store.db import make_engine

    store = repo.Store(make_engine(url))
    on_id, off_id = _people(store)
    on = Actor(on_id, "rotation-on", Role.MODERATOR, 1)
    off = Actor(off_id, "rotation-off", Role.MODERATOR, 1)
    out: dict[str, tuple[float, float]] = {}
    for policy_name, policy in POLICIES.items():
        with store.transaction() as tx:
            tx.execute(text("UPDATE organisations SET policy_yaml = :p WHERE id = 1"), {"p": policy})
        for order in ("severity", "oldest"):
            f = queue.QueueFilters(order=order)
            after = queue.queue(store, on, f, limit=500).next_after
            cases: dict[str, Callable[[], Any]] = {
                "not on it, page 1": lambda f=f: queue.queue(store, off, f, limit=PAGE),
                "on it, page 1": lambda f=f: queue.queue(store, on, f, limit=PAGE),
                "on it, page 40 (offset)": lambda f=f: queue.queue(store, on, f, limit=PAGE, offset=39 * PAGE),
                "on it, after 500 (keyset)": lambda f=f, a=after: queue.queue(store, on, f, limit=PAGE, after=a),
            }
            for case, call in cases.items():
                name = f"{policy_name}, {order}: {case}"
                call()  # warm: the first call reads the pages into the cache
                times = []
                for _ in range(rounds):
                    started = time.perf_counter()
                    call()
                    times.append((time.perf_counter() - started) * 1000)
                out[name] = (statistics.median(times), queue_scale._pct(times, 95))
                print(f"{name:<58} p50 {out[name][0]:7.1f} ms   p95 {out[name][1]:7.1f} ms", flush=True)
    with store.transaction() as tx:
        tx.execute(text("UPDATE organisations SET policy_yaml = NULL WHERE id = 1"))
    store.dispose()
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--comments", type=int, default=200_000)
    parser.add_argument("--url", default=os.environ.get("HIERNIET_BENCH_DATABASE_URL", DEFAULT_URL))
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--reuse", action="store_true", help="measure a database filled before")
    parser.add_argument("--drop", action="store_true", help="drop the database at the end")
    args = parser.parse_args()
    if not make_url(args.url).drivername.startswith("postgresql"):
        parser.error("--url must be a PostgreSQL URL (postgresql+psycopg://USER@HOST:5432/DB): this measures it")
    built = 0.0
    if not args.reuse:
        queue_scale.recreate(args.url)
        built = queue_scale.fill(args.url, args.comments)
        rare_threats(args.url)
    print(f"comments: {args.comments:,}; filled in {built:.0f} s")
    figures = measure(args.url, args.rounds)
    targets = [k for k in figures if "offset" not in k]
    worst = max(figures[k][1] for k in targets)
    verdict = "PASS" if worst <= TARGET_MS else "FAIL"
    print(f"SUMMARY {verdict}: worst p95 {worst:.1f} ms over {len(targets)} pages (target {TARGET_MS:.0f} ms)")
    if args.drop:
        queue_scale.drop(args.url)


if __name__ == "__main__":
    main()
