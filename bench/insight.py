"""Benchmark of the insight dashboard and the transparency report (issue 13).

    python bench/insight.py [--postgres-n 1000000] [--postgres URL] [--postgres-schema NAME] [--keep]
                            [--fill sql|python] [--report-n 100000] [--rounds 20] [--seed 12]

Dashboard: a PostgreSQL store of bench/search.py's shape (two organisations with three channels each, a comment
every 37 seconds from 1 January 2026, so 1,000,000 comments span 14 months; one author per 20 comments; its
mix of statuses; a verdict and its label rows per comment), written by PostgreSQL from generate_series
(`--fill sql`, the default: minutes) or by bench/search.py's own `fill` (`--fill python`: an hour on a
loaded 2-core machine); plus a person's decision on every "decided" comment (one in ten with another step
than recommended, a third of the hidden ones reported to the platform, decided within two hours of
arrival). Then, as a lead of the first organisation (half the comments), the figures of periods of 7, 30 and
90 days at random places in the data, each computed by hierniet.services.insight and drawn as the page's
plots and tables (hierniet.web.desk.insight.figures), and of a year (`--periods`, 7,30,90,365 by default);
prints p50/p95/p99 per period length and over all,
against the target p95 <= 300 ms. `--keep` leaves the filled schema (its name is printed) and
`--postgres-schema NAME` measures it again without filling (migrated to head first); bench/search.py's kept
schemas work too (the decisions are added once).

Report: a second schema with `--report-n` comments (100,000) in one month (March 2026) of the first
organisation, decided like the above; prints the seconds to compute the figures and the masked examples and
to write the PDF and the HTML page, against the target of 30 s for the PDF. Run by hand, never as a test.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import statistics
import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import text

sys.path.insert(0, str(Path(__file__).resolve().parent))
import search as search_bench  # bench/search.py: the same store, filled the same way

TARGET_P95_MS = 300.0
TARGET_PDF_S = 30.0
START = datetime(2026, 1, 1, tzinfo=UTC)
#: The period lengths measured, in days: a week, the default 30 days, a quarter and a year (the form takes any
#: period up to three years).
PERIODS = (7, 30, 90, 365)


# (labels, severity, step) of the filled comments, and how many in a hundred have them: ok and criticism most.
_KINDS: tuple[tuple[str, int, str, int], ...] = (
    ('["ok"]', 0, "none", 46),
    ('["criticism"]', 0, "reply", 20),
    ('["insult"]', 2, "refer", 12),
    ('["spam"]', 1, "hide", 8),
    ('["hate"]', 3, "hide_report", 4),
    ('["insult", "provocation"]', 2, "refer", 4),
    ('["threat"]', 4, "police", 2),
    ('["criticism", "insult"]', 2, "refer", 2),
    ('["sexual"]', 3, "hide_report", 1),
    ('["doxxing"]', 3, "hide_report", 1),
)
_SAMPLE = (
    "Wanneer is het stadhuis open?",
    "Slechte dienstverlening, al drie weken geen antwoord!",
    "Quelle honte, ce service est nul.",
    "Thanks for the quick help today.",
    "Warum dauert das so lange?",
    "Jullie zijn allemaal idioten.",
)


def fill_sql(store: Any, n: int) -> dict[str, Any]:
    """bench/search.py's store (two organisations with three Facebook channels each, a comment every 37 seconds
    from 1 January 2026, one author per 20 comments, the same status mix, a verdict and its label rows per
    comment), written by PostgreSQL itself from generate_series rather than row by row from Python: 1,000,000
    comments in minutes on a loaded 2-core machine instead of an hour. The texts are a few fixed sentences (the
    figures never read them); the labels, severities and steps follow _KINDS, statuses bench/search.py's mix."""
    from hierniet.store import repo

    with store.transaction() as tx:
        orgs = [repo.add_organisation(tx, slug=f"org{i}", name=f"Org {i}", policy_yaml=None) for i in range(2)]
        channels = [
            repo.add_channel(
                tx,
                organisation_id=o.id,
                platform="facebook",
                external_id=f"ch{o.id}-{k}",
                name=f"ch{o.id}-{k}",
                policy_yaml=None,
                credentials_ref=None,
            ).id
            for o in orgs
            for k in range(3)
        ]
        repo.add_user(tx, name="bench-moderator", role="moderator", organisation_id=orgs[0].id)
    kinds, cum = [], 0
    for labels, severity, step, weight in _KINDS:
        kinds.append((cum, cum + weight, labels, severity, step))
        cum += weight
    pick = "(g * 2654435761::bigint) % 100"
    case_labels = " ".join(f"WHEN {pick} < {hi} THEN '{lb}'::jsonb" for _lo, hi, lb, _sv, _st in kinds)
    case_sev = " ".join(f"WHEN {pick} < {hi} THEN {sv}" for _lo, hi, _lb, sv, _st in kinds)
    case_step = " ".join(f"WHEN {pick} < {hi} THEN '{st}'" for _lo, hi, _lb, _sv, st in kinds)
    statuses = search_bench.STATUSES
    status = f"(ARRAY{statuses!r})[1 + (g * 40503::bigint) % {len(statuses)}]".replace('"', "'")
    texts = f"(ARRAY{list(_SAMPLE)!r})[1 + (g * 7::bigint) % {len(_SAMPLE)}]".replace('"', "'")
    n_authors = max(1, n // 20)
    with store.engine.begin() as c:
        rebuild = list(
            c.execute(
                text(
                    "SELECT i.indexname, i.indexdef FROM pg_indexes i JOIN pg_class x ON x.relname = i.indexname "
                    "JOIN pg_index ix ON ix.indexrelid = x.oid AND NOT ix.indisunique "
                    "WHERE i.schemaname = current_schema() AND i.tablename IN ('comments', 'verdicts', "
                    "'verdict_labels') AND x.relnamespace = current_schema()::regnamespace"
                )
            )
        )
        for name, _definition in rebuild:
            c.execute(text(f'DROP INDEX "{name}"'))
        c.execute(
            text(
                "INSERT INTO authors (platform, external_id, name, created_at) SELECT 'facebook', 'author' || g, "
                "'Author ' || g, timestamptz '2026-01-01 00:00+00' FROM generate_series(1, :m) g"
            ),
            {"m": n_authors},
        )
        first_author = c.execute(text("SELECT min(id) FROM authors")).scalar_one()
        c.execute(
            text(
                "INSERT INTO comments (id, channel_id, author_id, platform, external_id, text, posted_at, received_at, "
                "status, verdict_version, language, severity, labels, step, auto, alert_lead, edited_after_decision, "
                "evidence_hold) "
                f"SELECT g, (ARRAY{channels!r})[1 + (g * 48271::bigint) % 6], "
                f"{first_author} + (g * 69621::bigint) % :m, 'facebook', 'c' || g, {texts} || ' #' || g, "
                "timestamptz '2026-01-01 00:00+00' + g * interval '37 seconds', "
                "timestamptz '2026-01-01 00:00+00' + g * interval '37 seconds', "
                f"{status}, 1, (ARRAY['nl', 'fr', 'en', 'de'])[1 + (g * 16807::bigint) % 4], "
                f"CASE {case_sev} END, CASE {case_labels} END, CASE {case_step} END, false, false, false, false "
                "FROM generate_series(1, :n) g"
            ),
            {"n": n, "m": n_authors},
        )
        c.execute(
            text(
                "INSERT INTO verdicts (id, comment_id, version, language, language_confidence, labels, scores, "
                "severity, evidence, pii, model_version, reasons, rules_fired, suppressed_by, created_at) "
                "SELECT id, id, 1, language, 0.9, labels, '{}'::jsonb, severity, '[]'::jsonb, '[]'::jsonb, 'bench', "
                "'[]'::jsonb, '[]'::jsonb, '[]'::jsonb, posted_at FROM comments"
            )
        )
        c.execute(
            text(
                "INSERT INTO verdict_labels (verdict_id, label, score) "
                "SELECT v.id, l.label, 0.9 FROM verdicts v CROSS JOIN LATERAL jsonb_array_elements_text(v.labels) "
                "AS l(label)"
            )
        )
        c.execute(text("SET LOCAL maintenance_work_mem = '256MB'"))
        for _name, definition in rebuild:
            c.execute(text(definition))
        for table in ("comments", "verdicts", "authors"):
            c.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"))
    _vacuum(store, ("comments", "verdicts", "verdict_labels", "authors"))
    return {"organisation_id": orgs[0].id}


def add_decisions(store: Any) -> int:
    """A person's decision on every decided comment that has none yet, in SQL; returns how many were added."""
    from hierniet.store import repo

    postgres = store.engine.dialect.name == "postgresql"
    with store.transaction() as tx:
        org_id = tx.execute(text("SELECT id FROM organisations WHERE slug = 'org0'")).scalar_one()
        lead = repo.user_by_name(tx, "bench-lead") or repo.add_user(
            tx, name="bench-lead", role="lead", organisation_id=org_id
        )
        lead_id = lead.id
    if postgres:
        reports = "CASE WHEN c.step = 'hide' AND c.id % 3 = 0 THEN '[\"platform\"]' ELSE '[]' END::jsonb"
        at = "c.received_at + (c.id % 7200) * interval '1 second'"
    else:
        reports = "CASE WHEN c.step = 'hide' AND c.id % 3 = 0 THEN '[\"platform\"]' ELSE '[]' END"
        at = "strftime('%Y-%m-%d %H:%M:%f', c.received_at, '+' || (c.id % 7200) || ' seconds')"
    with store.engine.begin() as c:
        c.execute(
            text(
                "UPDATE comments SET decided_step = CASE WHEN id % 10 = 0 THEN 'reply' ELSE step END "
                "WHERE status = 'decided' AND decided_step IS NULL"
            )
        )
        added = c.execute(
            text(
                "INSERT INTO decisions (comment_id, author_id, organisation_id, user_id, kind, step, reply, reports, "
                f"reason, created_at) SELECT c.id, c.author_id, ch.organisation_id, :user, CASE WHEN c.id % 10 = 0 "
                f"THEN 'override' ELSE 'accept' END, c.decided_step, '', {reports}, 'bench', {at} "
                "FROM comments c JOIN channels ch ON ch.id = c.channel_id WHERE c.status = 'decided' "
                "AND NOT EXISTS (SELECT 1 FROM decisions d WHERE d.comment_id = c.id)"
            ),
            {"user": lead_id},
        ).rowcount
    if postgres:
        _vacuum(store, ("comments", "decisions"))
    return int(added or 0)


def _fold(store: Any) -> int:
    """Fold the insight counts' rows appended by the fill (the worker does it once a minute), and refresh their
    statistics; 0 where the store keeps none (a checkout from before 0021, measured for comparison)."""
    from hierniet.store import repo_insight

    compact = getattr(repo_insight, "compact", None)
    if compact is None:
        return 0
    with store.transaction() as tx:
        removed = int(compact(tx))
    _vacuum(store, ("insight_counts",))
    return removed


def _vacuum(store: Any, tables: tuple[str, ...]) -> None:
    # Named tables only: a bare VACUUM would walk every schema of the shared test database.
    with store.engine.connect() as c:
        c.execution_options(isolation_level="AUTOCOMMIT").execute(text(f"VACUUM ANALYZE {', '.join(tables)}"))


def _lead(store: Any) -> Any:
    from hierniet.services.auth import Actor, Role

    with store.engine.connect() as c:
        user_id, org_id = c.execute(text("SELECT id, organisation_id FROM users WHERE name = 'bench-lead'")).one()
    return Actor(user_id, "bench-lead", Role.LEAD, org_id)


def _span(store: Any) -> tuple[date, date]:
    with store.engine.connect() as c:
        lo, hi = c.execute(text("SELECT min(posted_at), max(posted_at) FROM comments")).one()
    as_dt = [v if isinstance(v, datetime) else datetime.fromisoformat(str(v)) for v in (lo, hi)]
    return as_dt[0].date(), as_dt[1].date()


def _pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def _line(name: str, values: list[float]) -> str:
    p50, p95, p99 = (_pct(values, p) for p in (50, 95, 99))
    return f"  {name:16} n={len(values):3}  p50 {p50:7.1f} ms  p95 {p95:7.1f} ms  p99 {p99:7.1f} ms"


def _dashboard_once(store: Any, actor: Any, start: date, end: date) -> int:
    from hierniet.services import insight
    from hierniet.web.desk.insight import figures

    result = insight.insight(store, actor, start=start, end=end)
    figures(result, lambda m, **v: m % v if v else m, lambda x: f"{x:,}")
    return result.total


def dashboard(store: Any, rounds: int, seed: int, periods: tuple[int, ...] = PERIODS) -> dict[str, float]:
    actor = _lead(store)
    first, last = _span(store)
    rng = random.Random(seed)
    plan = []
    for _ in range(rounds):
        for days in periods:
            room = max(0, (last - first).days - days)
            start = first + timedelta(days=rng.randint(0, room))
            plan.append((days, start, start + timedelta(days=days - 1)))
    for _days, start, end in plan[:6]:  # warm the caches as a running desk has them
        _dashboard_once(store, actor, start, end)
    by_days: dict[int, list[float]] = {}
    sizes: list[int] = []
    for days, start, end in plan:
        t = time.perf_counter()
        sizes.append(_dashboard_once(store, actor, start, end))
        by_days.setdefault(days, []).append((time.perf_counter() - t) * 1000)
    every = [v for values in by_days.values() for v in values]
    print(f"  dashboard of one organisation, {len(plan)} periods at random places")
    for days, values in sorted(by_days.items()):
        print(_line(f"{days} days", values))
    print(_line("all", every))
    print(f"  comments per period: median {statistics.median(sizes):,.0f}, largest {max(sizes):,}")
    return {"p50": _pct(every, 50), "p95": _pct(every, 95), "p99": _pct(every, 99)}


def fill_month(store: Any, n: int) -> None:
    """`n` comments as `fill_sql` makes them, moved into March 2026 and onto the first organisation's channels."""
    fill_sql(store, n)
    month = 31 * 86400
    with store.engine.begin() as c:
        first = c.execute(text("SELECT min(id) FROM channels")).scalar_one()
        at = f"timestamptz '2026-03-01 00:00:00+01' + (id * {month}.0 / {n + 1}) * interval '1 second'"
        c.execute(text(f"UPDATE comments SET posted_at = {at}, channel_id = {first} + (id % 3)"))
        c.execute(text("UPDATE comments SET received_at = posted_at"))
    add_decisions(store)


def report(store: Any) -> dict[str, float]:
    from hierniet.services import insight
    from hierniet.web.desk import report as report_doc

    actor = _lead(store)
    t0 = time.perf_counter()
    result = insight.insight(store, actor, start=date(2026, 3, 1), end=date(2026, 3, 31))
    data = insight.transparency(store, actor, result)
    t1 = time.perf_counter()
    pdf = report_doc.pdf(data, "nl")
    t2 = time.perf_counter()
    page = report_doc.html(data, "nl")
    t3 = time.perf_counter()
    print(f"  report of March 2026: {result.total:,} comments of one organisation")
    print(f"    figures and masked examples {t1 - t0:6.2f} s")
    print(f"    PDF ({len(pdf) / 1024:,.0f} KiB)          {t2 - t1:6.2f} s   figures + PDF {t2 - t0:6.2f} s")
    print(f"    HTML ({len(page) / 1024:,.0f} KiB)          {t3 - t2:6.2f} s")
    return {"pdf_s": t2 - t0, "html_s": (t1 - t0) + (t3 - t2), "n": result.total}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--postgres-n", type=int, default=1_000_000, help="comments for the dashboard (0: none)")
    parser.add_argument("--postgres", default=os.environ.get("HIERNIET_TEST_DATABASE_URL"), help="PostgreSQL URL")
    parser.add_argument("--postgres-schema", help="measure this schema, filled by an earlier run with --keep")
    parser.add_argument("--keep", action="store_true", help="leave the dashboard's filled schema in place")
    parser.add_argument("--report-n", type=int, default=100_000, help="comments in the report's month (0: none)")
    parser.add_argument("--rounds", type=int, default=20, help="periods of each length (20)")
    parser.add_argument("--seed", type=int, default=12)
    parser.add_argument(
        "--periods", default=",".join(map(str, PERIODS)), help="period lengths in days, comma-separated (7,30,90,365)"
    )
    parser.add_argument(
        "--fill",
        choices=("sql", "python"),
        default="sql",
        help="sql: generate_series (minutes); python: bench/search.py's",
    )
    args = parser.parse_args()
    if not args.postgres:
        sys.exit("needs --postgres URL or HIERNIET_TEST_DATABASE_URL")
    summary = []
    if args.postgres_n or args.postgres_schema:
        store, drop = search_bench._make_db("postgresql", args.postgres, args.postgres_schema, args.keep)
        try:
            t = time.perf_counter()
            if not args.postgres_schema and args.fill == "python":
                search_bench.fill(store, args.postgres_n, random.Random(args.seed))
            elif not args.postgres_schema:
                fill_sql(store, args.postgres_n)
            added = add_decisions(store)
            with store.engine.connect() as c:
                n = c.execute(text("SELECT count(*) FROM comments")).scalar_one()
            print(f"\npostgresql: {n:,} comments ({added:,} decisions added), ready in {time.perf_counter() - t:.0f} s")
            folded = _fold(store)
            if folded:
                print(f"  folded the insight counts' appended rows as the worker does: {folded:,} rows fewer")
            r = dashboard(store, args.rounds, args.seed, tuple(int(d) for d in args.periods.split(",")))
            summary.append(f"dashboard n={n} p50={r['p50']:.0f}ms p95={r['p95']:.0f}ms p99={r['p99']:.0f}ms")
        finally:
            store.dispose()
            drop()
    if args.report_n:
        store, drop = search_bench._make_db("postgresql", args.postgres, None, False)
        try:
            t = time.perf_counter()
            fill_month(store, args.report_n)
            print(f"\npostgresql: {args.report_n:,} comments in March 2026, filled in {time.perf_counter() - t:.0f} s")
            r = report(store)
            summary.append(f"report n={r['n']:.0f} pdf={r['pdf_s']:.1f}s html={r['html_s']:.1f}s")
        finally:
            store.dispose()
            drop()
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"\n  load average at the end: {load} ({os.cpu_count()} CPUs); peak RSS of this process {rss:,.0f} MiB")
    print(
        f"SUMMARY insight (targets: dashboard p95 <= {TARGET_P95_MS:.0f} ms, PDF <= {TARGET_PDF_S:.0f} s): "
        + "; ".join(summary)
    )


if __name__ == "__main__":
    main()
