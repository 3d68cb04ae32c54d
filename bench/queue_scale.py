"""Benchmark of the queue at scale (issue 16): a PostgreSQL database filled with N synthetic comments, then the
desk's reads timed through the services the API and the desk call.

    python bench/queue_scale.py [--comments 1000000] [--url URL] [--rounds 30] [--reuse] [--explain] [--drop]

The database (default postgresql+psycopg://postgres@127.0.0.1:5432/bench_queue, or HIERNIET_BENCH_DATABASE_URL)
is dropped and created afresh, migrated to head, and filled inside PostgreSQL with generate_series (no triage,
no Python per row): three organisations (the first with half the comments) with twelve channels, one author
per 20 comments plus one heavy author with one comment in 200, and for each comment its verdict and label
row, with a status mix like a desk's after some weeks (15 % waiting, the rest decided, automatic or clear).
The secondary indexes are dropped for the load and built again after it, as the migrations define them.
`--reuse` measures a database filled before (same --comments) without filling it again.

Timed, each `--rounds` times, as a moderator of the first organisation, 25 per page:

* queue, first page: GET /api/v1/queue (waiting comments, most severe then oldest);
* queue, later page (keyset): the page after the 20,000th waiting comment (or the middle one, when fewer
  wait), through `after`;
* queue, later page (offset): the same page by offset, for comparison (no target);
* desk page 40: the desk's page numbers read by offset (975 here);
* counts: GET /api/v1/counts (every status, per status, step, language, severity and label);
* counts, waiting: the same under the queue's default filter;
* label counts (desk sidebar): what the queue page shows beside the first page;
* author history: GET /api/v1/authors/{id} of the heavy author, and of an ordinary one;
* author's comments: the queue filtered to the heavy author, first page (the author page's list);
* a scrape of /metrics (the store's gauges), for information.

Prints p50/p95 per query and one SUMMARY line against the targets (queue and counts p95 <= 100 ms, author
history p95 <= 100 ms). `--explain` prints EXPLAIN (ANALYZE, BUFFERS) of every statement each query ran
(what docs/operations.md shows). Run by hand, never as a timed test.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable
from typing import Any

from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import make_url

TARGET_MS = 100.0
PAGE = 25
DEFAULT_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/bench_queue"

# One comment in 200 is the heavy author's (author 1); the others spread over one author per 20 comments.
_FILL = """
INSERT INTO comments (id, channel_id, author_id, platform, external_id, text, posted_at, received_at, status,
                      verdict_version, language, severity, labels, step, auto, alert_lead, edited_after_decision,
                      evidence_hold)
SELECT g,
       CASE WHEN (h / 20) % 2 = 0 THEN 1 + (h / 40) % 6 ELSE 7 + (h / 40) % 6 END,
       CASE WHEN g % 200 = 0 THEN 1 ELSE 2 + (h / 7) % :authors END,
       'facebook', 'c' || g, 'bench comment ' || g || ' ' || (ARRAY['gent','brussel','liege','namur'])[1 + g % 4],
       TIMESTAMP '2026-01-01' + g * INTERVAL '2 seconds', TIMESTAMP '2026-01-01' + g * INTERVAL '2 seconds',
       s.status, 1, (ARRAY['nl','fr','en','de'])[1 + (h / 240) % 4],
       s.severity,
       CAST((ARRAY['["ok"]','["spam"]','["insult"]','["hate"]','["threat"]'])[1 + s.severity] AS JSON),
       (ARRAY['none','hide','hide','hide_report','police'])[1 + s.severity],
       s.status = 'auto', false, false, false
FROM generate_series(:lo, :hi) AS g
-- A multiplicative hash of the number, so status, severity, channel, author and language are independent
-- (taken straight from g, they fell into lock-step: no waiting comment of the first organisation had
-- severity 4, which no desk sees).
CROSS JOIN LATERAL (SELECT (g::bigint * 2654435761) % 4294967291 AS h) AS hashed
CROSS JOIN LATERAL (
  SELECT st AS status, CASE WHEN st = 'clear' THEN 0 ELSE 1 + (h / 960) % 4 END AS severity
  FROM (SELECT CASE
      WHEN h % 20 IN (0, 1) THEN 'open' WHEN h % 20 = 2 THEN 'escalated'
      WHEN h % 20 BETWEEN 3 AND 8 THEN 'decided' WHEN h % 20 BETWEEN 9 AND 12 THEN 'auto'
      ELSE 'clear' END AS st) AS x
) AS s
"""
_VERDICTS = """
INSERT INTO verdicts (id, comment_id, version, language, language_confidence, labels, scores, severity, target,
                      evidence, pii, model_version, reasons, rules_fired, suppressed_by, created_at)
SELECT id, id, 1, language, 0.9, labels, CAST('{}' AS JSON), severity, NULL, CAST('[]' AS JSON),
       CAST('[]' AS JSON), 'bench', CAST('[]' AS JSON), CAST('[]' AS JSON), CAST('[]' AS JSON), received_at
FROM comments WHERE id BETWEEN :lo AND :hi
"""
_LABELS = """
INSERT INTO verdict_labels (verdict_id, label, score)
SELECT id, (ARRAY['ok','spam','insult','hate','threat'])[1 + severity], 0.9 FROM comments WHERE id BETWEEN :lo AND :hi
"""


def _admin_url(url: str) -> Any:
    return make_url(url).set(database="postgres")


def recreate(url: str) -> None:
    name = make_url(url).database
    engine = create_engine(_admin_url(url), isolation_level="AUTOCOMMIT")
    with engine.connect() as c:
        c.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        c.execute(text(f'CREATE DATABASE "{name}"'))
    engine.dispose()


def drop(url: str) -> None:
    name = make_url(url).database
    engine = create_engine(_admin_url(url), isolation_level="AUTOCOMMIT")
    with engine.connect() as c:
        c.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
    engine.dispose()


def fill(url: str, n: int) -> float:
    """Migrate a fresh database to head and fill it with `n` comments; the seconds it took."""
    from hierniet.store import migrate
    from hierniet.store.db import make_engine

    started = time.perf_counter()
    engine = make_engine(url)
    migrate.upgrade(engine)
    n_authors = max(1, n // 20)
    with engine.begin() as c:
        for i in range(3):
            c.execute(
                text("INSERT INTO organisations (id, slug, name, created_at) VALUES (:i, :s, :n, now())"),
                {"i": i + 1, "s": f"org{i + 1}", "n": f"Organisation {i + 1}"},
            )
        for k in range(12):
            org = 1 if k < 6 else 2 if k < 9 else 3
            c.execute(
                text(
                    "INSERT INTO channels (id, organisation_id, platform, external_id, name, created_at, "
                    "credentials_hint, connector_config, active) "
                    "VALUES (:i, :o, 'facebook', :e, :e, now(), CAST('{}' AS JSON), CAST('{}' AS JSON), true)"
                ),
                {"i": k + 1, "o": org, "e": f"page{k + 1}"},
            )
        c.execute(
            text(
                "INSERT INTO authors (id, platform, external_id, name, created_at) "
                "SELECT g, 'facebook', 'author' || g, 'Author ' || g, TIMESTAMP '2025-12-01' "
                "FROM generate_series(1, :a) AS g"
            ),
            {"a": n_authors + 1},
        )
        rebuild = list(
            c.execute(
                text(
                    "SELECT i.indexname, i.indexdef FROM pg_indexes i JOIN pg_class x ON x.relname = i.indexname "
                    "JOIN pg_index ix ON ix.indexrelid = x.oid AND NOT ix.indisunique AND NOT ix.indisprimary "
                    "WHERE i.schemaname = current_schema() AND i.tablename IN ('comments', 'verdicts', "
                    "'verdict_labels')"
                )
            )
        )
        for name, _definition in rebuild:
            c.execute(text(f'DROP INDEX "{name}"'))
    step = 100_000
    for lo in range(1, n + 1, step):
        hi = min(n, lo + step - 1)
        with engine.begin() as c:
            c.execute(text(_FILL), {"lo": lo, "hi": hi, "authors": n_authors})
            c.execute(text(_VERDICTS), {"lo": lo, "hi": hi})
            c.execute(text(_LABELS), {"lo": lo, "hi": hi})
        print(f"  {hi:,} comments ({time.perf_counter() - started:.0f} s)", file=sys.stderr)
    with engine.begin() as c:
        c.execute(text("SET LOCAL maintenance_work_mem = '256MB'"))
        for _name, definition in rebuild:
            c.execute(text(definition))
        for table in ("organisations", "channels", "authors", "comments", "verdicts"):
            c.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"))
    with engine.connect() as c:
        c.execution_options(isolation_level="AUTOCOMMIT").execute(text("VACUUM ANALYZE"))
    engine.dispose()
    return time.perf_counter() - started


def _pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def measure(url: str, rounds: int, explain: bool) -> dict[str, tuple[float, float]]:
    from hierniet import metrics
    from hierniet.services import authors, queue
    from hierniet.services.auth import Actor, Role
    from hierniet.store import repo
    from hierniet.store.db import make_engine

    store = repo.Store(make_engine(url))
    actor = Actor(user_id=None, name="bench-moderator", role=Role.MODERATOR, organisation_id=1)
    waiting = queue.QueueFilters()
    with store.session() as s:
        n_waiting = s.scalar(
            text(
                "SELECT count(*) FROM comments c JOIN channels ch ON ch.id = c.channel_id "
                "WHERE ch.organisation_id = 1 AND c.status IN ('open', 'escalated')"
            )
        )
        depth = min(20000, int(n_waiting or 0) // 2)
        row = s.execute(
            text(
                "SELECT c.severity, c.posted_at, c.id FROM comments c JOIN channels ch ON ch.id = c.channel_id "
                "WHERE ch.organisation_id = 1 AND c.status IN ('open', 'escalated') "
                "ORDER BY c.severity DESC, c.posted_at, c.id OFFSET :d LIMIT 1"
            ),
            {"d": depth},
        ).one()
        ordinary = s.scalar(
            text(
                "SELECT c.author_id FROM comments c JOIN channels ch ON ch.id = c.channel_id "
                "WHERE ch.organisation_id = 1 AND c.author_id > 1 ORDER BY c.id LIMIT 1"
            )
        )
    deep = queue.encode_after(repo.QueueKey(int(row[0]), row[1], int(row[2])))
    heavy = queue.QueueFilters(author_id=1, status=(queue.ANY_STATUS,))
    cases: dict[str, Callable[[], Any]] = {
        "queue, first page": lambda: queue.queue(store, actor, waiting, limit=PAGE),
        "queue, later page (keyset)": lambda: queue.queue(store, actor, waiting, limit=PAGE, after=deep),
        f"queue, later page (offset {depth})": lambda: queue.queue(store, actor, waiting, limit=PAGE, offset=depth),
        "desk page 40 (offset 975)": lambda: queue.queue(store, actor, waiting, limit=PAGE, offset=39 * PAGE),
        "counts (every status)": lambda: queue.counts(store, actor),
        "counts (waiting)": lambda: queue.counts(store, actor, waiting),
        "label counts (desk sidebar)": lambda: queue.label_counts(store, actor, waiting),
        "author history (heavy author)": lambda: authors.author_detail(store, actor, 1),
        "author history (ordinary)": lambda: authors.author_detail(store, actor, int(ordinary)),
        "author's comments (heavy, page 1)": lambda: queue.queue(store, actor, heavy, limit=PAGE),
        "metrics scrape (no target)": lambda: metrics.process_metrics().render(store),
    }
    out: dict[str, tuple[float, float]] = {}
    for name, call in cases.items():
        call()  # warm: the first call reads the pages into the cache
        times = []
        for _ in range(rounds):
            started = time.perf_counter()
            call()
            times.append((time.perf_counter() - started) * 1000)
        out[name] = (statistics.median(times), _pct(times, 95))
        print(f"{name:<36} p50 {out[name][0]:7.1f} ms   p95 {out[name][1]:7.1f} ms")
        if explain:
            _explain(store, name, call)
    store.dispose()
    return out


def _explain(store: Any, name: str, call: Callable[[], Any]) -> None:
    """EXPLAIN (ANALYZE, BUFFERS) of each statement `call` runs, in one transaction as it ran them."""
    captured: list[tuple[str, Any]] = []

    def grab(_conn: Any, _cursor: Any, statement: str, parameters: Any, _context: Any, _many: bool) -> None:
        captured.append((statement, parameters))

    event.listen(store.engine, "before_cursor_execute", grab)
    try:
        call()
    finally:
        event.remove(store.engine, "before_cursor_execute", grab)
    print(f"\n--- EXPLAIN ANALYZE: {name}")
    raw = store.engine.raw_connection()
    try:
        cursor = raw.cursor()
        for statement, parameters in captured:
            if not statement.lstrip().upper().startswith("SELECT") and not statement.lstrip().upper().startswith(
                "WITH"
            ):
                cursor.execute(statement, parameters)  # SET LOCAL: the plans are those the query got
                continue
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) " + statement, parameters)
            print("\n".join(r[0] for r in cursor.fetchall()))
            print()
        raw.rollback()
    finally:
        raw.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--comments", type=int, default=1_000_000)
    parser.add_argument("--url", default=os.environ.get("HIERNIET_BENCH_DATABASE_URL", DEFAULT_URL))
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--reuse", action="store_true", help="measure a database filled before")
    parser.add_argument("--explain", action="store_true", help="print EXPLAIN ANALYZE of each query")
    parser.add_argument("--drop", action="store_true", help="drop the database at the end")
    args = parser.parse_args()
    if not make_url(args.url).drivername.startswith("postgresql"):
        parser.error(
            "--url must be a PostgreSQL URL (postgresql+psycopg://USER@HOST:5432/DB): this measures PostgreSQL"
        )
    built = 0.0
    if not args.reuse:
        recreate(args.url)
        built = fill(args.url, args.comments)
    else:
        from hierniet.store import migrate
        from hierniet.store.db import make_engine

        engine = make_engine(args.url)
        migrate.upgrade(engine)  # a database filled by an earlier release gets this one's indexes
        engine.dispose()
    print(f"comments: {args.comments:,}; filled in {built:.0f} s")
    figures = measure(args.url, args.rounds, args.explain)
    targets = [k for k in figures if not any(word in k for word in ("offset", "sidebar", "no target"))]
    worst = max(figures[k][1] for k in targets)
    verdict = "PASS" if worst <= TARGET_MS else "FAIL"
    print(
        f"SUMMARY {verdict}: worst p95 {worst:.1f} ms over {len(targets)} targeted queries (target {TARGET_MS:.0f} ms)"
    )
    if args.drop:
        drop(args.url)


if __name__ == "__main__":
    main()
