"""Benchmark of re-triage's writes alone (issue 16): `services.retriage.run` over N stored comments with a
stand-in model that costs nothing, so what is timed is reading the batches and writing verdicts,
recommendations, calls, projections and audit lines.

    python bench/retriage_writes.py [--n 20000] [--database-url URL] [--batch-size 500]

The store is a fresh SQLite file (or, with --database-url, a fresh schema in that PostgreSQL database, dropped
afterwards), filled through ingestion with a model that calls every comment ok; the re-triage's model calls
every third comment an insult (so recommendations change and calls are queued). bench/retriage.py times the
whole command with the real model (triage included). Prints comments/s and the load average.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import tempfile
import time
import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import text


class _Model:
    def __init__(self, version: str, insult_every: int) -> None:
        from hierniet.domain import Label, Language, Severity, Verdict

        self.every = insult_every
        self.ok = Verdict(
            comment_id="",
            language=Language.NL,
            language_confidence=0.5,
            labels=(Label.OK,),
            scores={label: (0.99 if label is Label.OK else 0.0) for label in Label},
            severity=Severity.NONE,
            target=None,
            evidence=(),
            pii=(),
            model_version=version,
            reasons=(version,),
        )
        self.insult = dataclasses.replace(
            self.ok,
            labels=(Label.INSULT,),
            scores={label: (0.95 if label is Label.INSULT else 0.01) for label in Label},
            severity=Severity.MEDIUM,
        )

    def classify(self, comments: Sequence[Any]) -> list[Any]:
        return [
            dataclasses.replace(self.insult if self.every and int(c.id) % self.every == 0 else self.ok, comment_id=c.id)
            for c in comments
        ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=20_000)
    parser.add_argument("--database-url", help="A PostgreSQL database to make a temporary schema in.")
    parser.add_argument("--batch-size", type=int, default=500)
    args = parser.parse_args()
    from hierniet.services import admin
    from hierniet.services import retriage as service
    from hierniet.services.auth import CLI_ACTOR
    from hierniet.services.ingest import ingest
    from hierniet.store.db import make_engine, url_with_search_path
    from hierniet.store.migrate import upgrade
    from hierniet.store.repo import Store

    schema = None
    if args.database_url:
        schema = f"bench_rw_{uuid.uuid4().hex[:8]}"
        with make_engine(args.database_url).begin() as conn:
            conn.execute(text(f"CREATE SCHEMA {schema}"))
        engine = make_engine(url_with_search_path(args.database_url, schema))
    else:
        engine = make_engine(f"sqlite:///{tempfile.mkdtemp(prefix='hierniet-rw-')}/rw.db")
    backend = "PostgreSQL" if schema else "SQLite"
    try:
        upgrade(engine)
        store = Store(engine)
        org = admin.create_organisation(store, CLI_ACTOR, slug="bench", name="Bench")
        channel = admin.create_channel(store, CLI_ACTOR, organisation_id=org.id, platform="facebook", external_id="b")
        before = _Model("previous", 0)
        for start in range(0, args.n, 1000):
            items = [
                {
                    "id": f"c{i}",
                    "text": f"Een vraag over de werken, nummer {i}",
                    "channel_id": channel.id,
                    "author": f"a{i % 500}",
                }
                for i in range(start, min(args.n, start + 1000))
            ]
            ingest(store, before, items, actor=CLI_ACTOR)
        run_id = service.start_run(
            store, CLI_ACTOR, service.RetriageFilter(everything=True), engine="local", batch_size=args.batch_size
        )
        began = time.perf_counter()
        summary = service.run(store, CLI_ACTOR, run_id, service.ClassifierEngine(_Model("next", 3)))
        seconds = time.perf_counter() - began
        one, five, _ = os.getloadavg()
        print(
            f"bench/retriage_writes.py {backend}: {summary.retriaged} comments re-triaged in {seconds:.1f} s, "
            f"{summary.retriaged / seconds:.0f} comments/s (writes and batch reads; the model costs nothing); "
            f"changed {summary.changed}; load {one:.1f}/{five:.1f} on {os.cpu_count()} cores"
        )
    finally:
        if schema:
            with make_engine(args.database_url).begin() as conn:
                conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))


if __name__ == "__main__":
    main()
