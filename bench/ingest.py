"""Benchmark of ingestion: triage + recommendation + store, in batches, on SQLite and PostgreSQL.

    python bench/ingest.py [--n 3000] [--batch 256] [--authors 300] [--postgres URL]

Texts are the package's own example comments (hierniet/training/examples), numbered so that none is a
duplicate; authors are drawn from a pool so histories build up as in real use. Each backend gets a fresh
database (SQLite: a temporary file; PostgreSQL: a temporary schema, dropped afterwards; the URL comes from
--postgres or HIERNIET_TEST_DATABASE_URL, and the PostgreSQL run is left out when neither is set). Triage
alone is timed on the same texts, and so is ingestion with triage replayed from memory (validation,
duplicate check, history, policy and the writes only), so each share shows. Prints one SUMMARY line at the
end. Run by hand or by CI as a report, never as a timed test.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import text


def _items(n: int, authors: int, channel_id: int, start: datetime) -> list[dict[str, Any]]:
    from hierniet.training.own import load_own

    base = [e.text for e in load_own()]
    return [
        {
            "id": f"bench-{i}",
            "text": f"{base[i % len(base)]} #{i // len(base)}",
            "channel_id": channel_id,
            "author": f"author-{(i * 7919) % authors}",
            "posted_at": (start + timedelta(seconds=30 * i)).isoformat(),
        }
        for i in range(n)
    ]


class _Replay:
    """Verdicts computed beforehand, handed back by text: ingestion without the cost of triage."""

    def __init__(self, triage: Any, texts: list[str], batch: int) -> None:
        from hierniet.domain import Comment

        self.verdicts: dict[str, Any] = {}
        for i in range(0, len(texts), batch):
            chunk = texts[i : i + batch]
            verdicts = triage.classify([Comment(id=str(j), text=t) for j, t in enumerate(chunk)])
            self.verdicts.update(zip(chunk, verdicts, strict=True))

    def classify(self, comments: Any) -> list[Any]:
        from dataclasses import replace

        return [replace(self.verdicts[c.text], comment_id=c.id) for c in comments]


def _run(url: str, triage: Any, n: int, batch: int, authors: int) -> tuple[float, int]:
    from hierniet.services import admin
    from hierniet.services.auth import CLI_ACTOR
    from hierniet.services.ingest import ingest
    from hierniet.store.db import make_engine
    from hierniet.store.migrate import upgrade
    from hierniet.store.repo import Store

    engine = make_engine(url)
    upgrade(engine)
    store = Store(engine)
    org = admin.create_organisation(store, CLI_ACTOR, slug="bench", name="Bench")
    channel = admin.create_channel(store, CLI_ACTOR, organisation_id=org.id, platform="facebook", external_id="b")
    items = _items(n, authors, channel.id, datetime.now(UTC) - timedelta(days=30))
    ingest(store, triage, items[:batch], actor=CLI_ACTOR, chunk_size=batch)  # warm the connection pool
    started = time.perf_counter()
    stored = batch
    for i in range(batch, len(items), batch):
        result = ingest(store, triage, items[i : i + batch], actor=CLI_ACTOR, chunk_size=batch)
        stored += len(result.created)
    elapsed = time.perf_counter() - started
    engine.dispose()
    return (stored - batch) / elapsed, stored


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=3000, help="comments per backend (default 3000)")
    parser.add_argument("--batch", type=int, default=256, help="comments per ingestion call (default 256)")
    parser.add_argument("--authors", type=int, default=300, help="distinct authors (default 300)")
    parser.add_argument("--postgres", default=os.environ.get("HIERNIET_TEST_DATABASE_URL"), help="PostgreSQL URL")
    args = parser.parse_args()
    if args.n <= args.batch:
        parser.error("--n must be larger than --batch (the first batch warms up and is not timed)")

    from hierniet.domain import Comment
    from hierniet.settings import get_settings
    from hierniet.store.db import make_engine, url_with_search_path
    from hierniet.triage.pipeline import load_triage

    started = time.perf_counter()
    triage = load_triage(get_settings().model_dir)
    triage.embedder.warm_up()
    texts = [i["text"] for i in _items(args.n, args.authors, 0, datetime.now(UTC))]
    triage.classify([Comment(id="w", text=t) for t in texts[:64]])  # first-use costs are not throughput
    print(f"triage loaded in {time.perf_counter() - started:.1f} s")

    started = time.perf_counter()
    replay = _Replay(triage, texts, args.batch)
    triage_rate = len(texts) / (time.perf_counter() - started)
    print(f"triage alone: {triage_rate:.0f} comments/s")

    figures: dict[str, str] = {}
    with tempfile.TemporaryDirectory() as folder:
        rate, stored = _run(f"sqlite:///{folder}/bench.db", triage, args.n, args.batch, args.authors)
        print(f"sqlite: {rate:.0f} comments/s (ingest + triage + store), {stored} stored")
        figures["sqlite"] = f"{rate:.0f}"
        rate, _ = _run(f"sqlite:///{folder}/replay.db", replay, args.n, args.batch, args.authors)
        print(f"sqlite without triage (replayed verdicts): {rate:.0f} comments/s")
        figures["sqlite_store"] = f"{rate:.0f}"

    if args.postgres:
        schema = f"hn_bench_{uuid.uuid4().hex[:8]}"
        admin_engine = make_engine(args.postgres)
        with admin_engine.begin() as connection:
            connection.execute(text(f"CREATE SCHEMA {schema}"))
        try:
            url = url_with_search_path(args.postgres, schema)
            rate, stored = _run(url, triage, args.n, args.batch, args.authors)
            print(f"postgresql: {rate:.0f} comments/s (ingest + triage + store), {stored} stored")
            figures["postgresql"] = f"{rate:.0f}"
            with admin_engine.begin() as connection:
                connection.execute(text(f"DROP SCHEMA {schema} CASCADE"))
                connection.execute(text(f"CREATE SCHEMA {schema}"))
            rate, _ = _run(url, replay, args.n, args.batch, args.authors)
            print(f"postgresql without triage (replayed verdicts): {rate:.0f} comments/s")
            figures["postgresql_store"] = f"{rate:.0f}"
        finally:
            with admin_engine.begin() as connection:
                connection.execute(text(f"DROP SCHEMA {schema} CASCADE"))
            admin_engine.dispose()
    else:
        print("postgresql: skipped (give --postgres URL or set HIERNIET_TEST_DATABASE_URL)")
        figures["postgresql"] = figures["postgresql_store"] = "skipped"

    print(
        f"SUMMARY ingest: sqlite {figures['sqlite']} comments/s | postgresql {figures['postgresql']} comments/s | "
        f"triage alone {triage_rate:.0f}/s | without triage: sqlite {figures['sqlite_store']}/s, "
        f"postgresql {figures['postgresql_store']}/s | "
        f"batch {args.batch} | n={args.n} | authors {args.authors} | python {sys.version.split()[0]}"
    )


if __name__ == "__main__":
    main()
