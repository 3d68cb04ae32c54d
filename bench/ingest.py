"""Benchmark of ingestion: triage + recommendation + store, in batches, on SQLite and PostgreSQL.

    python bench/ingest.py [--n 3000] [--batch 256] [--authors 300] [--postgres URL]

Texts are the package's own example comments (hierniet/training/examples), numbered so that none is a
duplicate; authors are drawn from a pool so histories build up as in real use. Each backend gets a fresh
database (SQLite: a temporary file; PostgreSQL: a temporary schema, dropped afterwards; the URL comes from
--postgres or HIERNIET_TEST_DATABASE_URL, and the PostgreSQL run is left out when neither is set). Triage
alone is timed on the same texts, and so is ingestion with triage replayed from memory (validation,
duplicate check, history, policy and the writes only), so each share shows. Prints one SUMMARY line at the
end. Run by hand or by CI as a report, never as a timed test.

The queue benchmark (--queue-requests, 0 leaves it out) stores --queue-comments comments (10,000) per
backend through the same ingestion with verdicts computed once and replayed (it measures the queue, not
triage), then asks for the first queue page N times as a lead would: GET /api/v1/queue and, when the desk's
pages are installed, the HTML queue at /desk/ (signed in with a password), in process through the ASGI app.
It prints p50/p95/p99 latencies against the target p95 <= 150 ms, and one SUMMARY line.

The API benchmark (--clients, 0 leaves it out) serves the app with uvicorn on 127.0.0.1 in a child
process, on a fresh SQLite file (or PostgreSQL with --clients-postgres), and posts 50-comment batches
(--client-batch) to POST /api/v1/comments: first one client, then --clients clients at once, each for
--client-seconds. It prints comments/s and the p50/p95 latency of a POST for both, and the concurrent
throughput as a share of the single client's (the target: at least 80 %), and one SUMMARY line.
"""

from __future__ import annotations

import argparse
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
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
    parser.add_argument("--ingest", action=argparse.BooleanOptionalAction, default=True, help="run the ingest part")
    parser.add_argument("--queue-comments", type=int, default=10000, help="comments stored for the queue (10000)")
    parser.add_argument("--queue-requests", type=int, default=200, help="requests per queue page; 0: no queue part")
    parser.add_argument("--clients", type=int, default=20, help="concurrent API clients (20); 0: no API part")
    parser.add_argument("--client-seconds", type=float, default=20.0, help="seconds per API phase (20)")
    parser.add_argument("--client-batch", type=int, default=50, help="comments per API request (50)")
    parser.add_argument(
        "--clients-postgres", action="store_true", help="serve the API benchmark on --postgres instead of SQLite"
    )
    parser.add_argument("--only-clients", action="store_true", help="run the API benchmark alone")
    args = parser.parse_args()
    if args.only_clients:
        api_benchmark(args)
        return
    if args.n <= args.batch:
        parser.error("--n must be larger than --batch (the first batch warms up and is not timed)")

    from hierniet.domain import Comment
    from hierniet.settings import get_settings
    from hierniet.triage.pipeline import load_triage

    started = time.perf_counter()
    triage = load_triage(get_settings().model_dir)
    triage.embedder.warm_up()
    texts = [i["text"] for i in _items(args.n, args.authors, 0, datetime.now(UTC))]
    triage.classify([Comment(id="w", text=t) for t in texts[:64]])  # first-use costs are not throughput
    print(f"triage loaded in {time.perf_counter() - started:.1f} s")

    if args.ingest:
        ingest_benchmark(args, triage)
    if args.queue_requests > 0:
        queue_benchmark(triage, args.queue_comments, args.queue_requests, args.postgres)
    if args.clients > 0:
        api_benchmark(args)


# --- the API under concurrent clients -------------------------------------------------------------------------

#: Concurrent clients together should get at least this share of one client's throughput.
API_SHARE_TARGET = 0.8


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


class _Numbering:
    """Ids that never repeat across clients, so every comment posted is new."""

    def __init__(self) -> None:
        self._next = 0
        self._lock = threading.Lock()

    def take(self, n: int) -> range:
        with self._lock:
            first = self._next
            self._next += n
        return range(first, first + n)


def _cpu_seconds(pid: int) -> float:
    """CPU time (user + system) a process has used so far; NaN where /proc cannot tell."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
    except OSError:
        return float("nan")
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _post_for(
    seconds: float, clients: int, url: str, token: str, channel_id: int, batch: int, numbering: _Numbering, pid: int
) -> dict[str, float]:
    import httpx

    from hierniet.training.own import load_own

    texts = [e.text for e in load_own()]
    latencies: list[float] = []
    stored = [0]
    errors: list[str] = []
    lock = threading.Lock()
    start_line = threading.Barrier(clients)
    deadline = [0.0]

    def client() -> None:
        with httpx.Client(base_url=url, headers={"Authorization": f"Bearer {token}"}, timeout=600) as http:
            start_line.wait()
            while time.perf_counter() < deadline[0]:
                body = [
                    {
                        "id": f"api-{i}",
                        "text": f"{texts[i % len(texts)]} #{i // len(texts)}",
                        "channel_id": channel_id,
                        "author": f"author-{(i * 7919) % 300}",
                    }
                    for i in numbering.take(batch)
                ]
                began = time.perf_counter()
                try:
                    answer = http.post("/api/v1/comments", json=body)
                except httpx.TransportError as exc:
                    with lock:
                        errors.append(f"{type(exc).__name__}: {exc}")
                    continue
                took = time.perf_counter() - began
                with lock:
                    if answer.status_code in (200, 201):
                        latencies.append(took * 1000)
                        stored[0] += len(answer.json()["created"])
                    else:
                        errors.append(f"{answer.status_code}: {answer.text[:200]}")

    deadline[0] = time.perf_counter() + seconds
    threads = [threading.Thread(target=client) for _ in range(clients)]
    began, cpu_began = time.perf_counter(), _cpu_seconds(pid)
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - began
    cpu = _cpu_seconds(pid) - cpu_began
    if errors:
        # Reported, not raised: a server that fails under load is one of the things this measures.
        print(f"  {len(errors)} requests failed with {clients} clients; the first: {errors[0][:300]}")
    if not latencies:
        raise RuntimeError(f"no request succeeded with {clients} clients")
    cuts = statistics.quantiles(latencies, n=100, method="inclusive") if len(latencies) > 1 else latencies * 99
    return {
        "rate": stored[0] / elapsed,
        "p50": statistics.median(latencies),
        "p95": cuts[94],
        "requests": len(latencies),
        "stored": stored[0],
        # The server's CPU time per comment: on a machine shared with other work the rate follows the CPU
        # share the server gets, while this shows what the server itself spends (threads fighting included).
        "cpu_ms": 1000 * cpu / max(1, stored[0]),
        "errors": len(errors),
    }


def api_benchmark(args: argparse.Namespace) -> None:
    """One client, then --clients at once, posting batches to the app served by uvicorn in a child process."""
    import httpx

    from hierniet.services import admin
    from hierniet.services.auth import CLI_ACTOR
    from hierniet.store.db import make_engine, url_with_search_path
    from hierniet.store.migrate import upgrade
    from hierniet.store.repo import Store

    with tempfile.TemporaryDirectory() as folder:
        schema = None
        if args.clients_postgres:
            if not args.postgres:
                raise SystemExit("--clients-postgres needs --postgres URL or HIERNIET_TEST_DATABASE_URL")
            schema = f"hn_bench_{uuid.uuid4().hex[:8]}"
            with make_engine(args.postgres).begin() as connection:
                connection.execute(text(f"CREATE SCHEMA {schema}"))
            db_url = url_with_search_path(args.postgres, schema)
        else:
            db_url = f"sqlite:///{folder}/api.db"
        engine = make_engine(db_url)
        upgrade(engine)
        store = Store(engine)
        org = admin.create_organisation(store, CLI_ACTOR, slug="bench", name="Bench")
        channel = admin.create_channel(store, CLI_ACTOR, organisation_id=org.id, platform="facebook", external_id="b")
        user = admin.create_user(store, CLI_ACTOR, name="bench-ingest", role="moderator", organisation_id=org.id)
        token = admin.create_token(store, CLI_ACTOR, user.id, "bench").token
        engine.dispose()

        port = _free_port()
        url = f"http://127.0.0.1:{port}"
        environment = {**os.environ, "HIERNIET_DATABASE_URL": db_url}
        command = [sys.executable, "-m", "uvicorn", "--factory", "hierniet.web.app:create_app", "--host", "127.0.0.1"]
        server = subprocess.Popen([*command, "--port", str(port), "--log-level", "warning"], env=environment)
        try:
            numbering = _Numbering()
            headers = {"Authorization": f"Bearer {token}"}
            warm = [{"id": f"warm-{i}", "text": "Goeiemorgen, bedankt!", "channel_id": channel.id} for i in range(8)]
            for _ in range(600):  # the server starts, then loads triage on the first request
                try:
                    if httpx.post(f"{url}/api/v1/comments", json=warm, headers=headers, timeout=600).status_code < 300:
                        break
                except httpx.TransportError:
                    time.sleep(0.1)
            one = _post_for(args.client_seconds, 1, url, token, channel.id, args.client_batch, numbering, server.pid)
            print(
                f"api, 1 client: {one['rate']:.0f} comments/s, POST of {args.client_batch}: p50 {one['p50']:.0f} ms, "
                f"p95 {one['p95']:.0f} ms ({one['requests']:.0f} requests), "
                f"server CPU {one['cpu_ms']:.1f} ms per comment"
            )
            many = _post_for(
                args.client_seconds, args.clients, url, token, channel.id, args.client_batch, numbering, server.pid
            )
            share = many["rate"] / one["rate"]
            verdict = "ok" if share >= API_SHARE_TARGET else "UNDER TARGET"
            print(
                f"api, {args.clients} clients: {many['rate']:.0f} comments/s, POST of {args.client_batch}: "
                f"p50 {many['p50']:.0f} ms, p95 {many['p95']:.0f} ms ({many['requests']:.0f} requests), "
                f"server CPU {many['cpu_ms']:.1f} ms per comment; "
                f"{share:.0%} of one client's throughput (target >= {API_SHARE_TARGET:.0%}: {verdict})"
            )
        finally:
            server.terminate()
            server.wait(timeout=30)
            if schema is not None and args.postgres:
                with make_engine(args.postgres).begin() as connection:
                    connection.execute(text(f"DROP SCHEMA {schema} CASCADE"))
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(
        f"SUMMARY api: {'postgresql' if schema else 'sqlite'} | 1 client {one['rate']:.0f} comments/s "
        f"p95 {one['p95']:.0f} ms | {args.clients} clients {many['rate']:.0f} comments/s p95 {many['p95']:.0f} ms | "
        f"share {share:.0%} (target >= {API_SHARE_TARGET:.0%}) | batch {args.client_batch} | "
        f"failed requests {one['errors']:.0f} + {many['errors']:.0f} | "
        f"{args.client_seconds:.0f} s per phase | cpus {os.cpu_count()} | load {load:.1f}"
    )


def ingest_benchmark(args: argparse.Namespace, triage: Any) -> None:
    from hierniet.store.db import make_engine, url_with_search_path

    texts = [i["text"] for i in _items(args.n, args.authors, 0, datetime.now(UTC))]
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


class _Cycle:
    """A few hundred real verdicts handed out in turn: a realistic mix of labels and steps, no triage cost."""

    def __init__(self, triage: Any, texts: list[str]) -> None:
        from hierniet.domain import Comment

        self.verdicts = triage.classify([Comment(id=str(i), text=t) for i, t in enumerate(texts)])
        self.next = 0

    def classify(self, comments: Any) -> list[Any]:
        from dataclasses import replace

        out = []
        for c in comments:
            out.append(replace(self.verdicts[self.next % len(self.verdicts)], comment_id=c.id))
            self.next += 1
        return out


#: The queue page's latency target (the issue's): p95 at most this many milliseconds.
QUEUE_P95_TARGET_MS = 150.0
_PASSWORD = "bench-lead-password"


def _percentiles(samples: list[float]) -> dict[str, float]:
    cuts = statistics.quantiles(samples, n=100, method="inclusive")
    return {"p50": statistics.median(samples), "p95": cuts[94], "p99": cuts[98]}


def _timed(get: Any, path: str, n: int, **kwargs: Any) -> dict[str, float]:
    for _ in range(5):  # first requests compile queries and fill caches
        get(path, **kwargs)
    samples = []
    for _ in range(n):
        started = time.perf_counter()
        response = get(path, **kwargs)
        samples.append((time.perf_counter() - started) * 1000)
        if response.status_code != 200:
            raise RuntimeError(f"GET {path} answered {response.status_code}: {response.text[:300]}")
    return _percentiles(samples)


def _desk_sign_in(client: Any, name: str) -> str | None:
    """Sign in to the desk's pages; None when that worked, else why not."""
    page = client.get("/desk/login")
    if page.status_code != 200:
        return f"GET /desk/login answered {page.status_code}"
    found = re.search(r'name="csrf_token"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="csrf_token"', page.text)
    if not found:
        return "no csrf_token field on /desk/login"
    token = found.group(1) or found.group(2)
    answer = client.post(
        "/desk/login",
        data={"name": name, "password": _PASSWORD, "csrf_token": token, "next": "/desk/"},
        follow_redirects=False,
    )
    if answer.status_code not in (302, 303):
        return f"POST /desk/login answered {answer.status_code}"
    return None


def _queue_run(url: str, cycle: _Cycle, comments: int, requests: int) -> dict[str, Any]:
    import warnings

    from hierniet.services import admin
    from hierniet.services.auth import CLI_ACTOR
    from hierniet.services.ingest import ingest
    from hierniet.settings import Settings
    from hierniet.store.db import make_engine
    from hierniet.store.migrate import upgrade
    from hierniet.store.repo import Store
    from hierniet.web.app import create_app

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from fastapi.testclient import TestClient

    engine = make_engine(url)
    upgrade(engine)
    store = Store(engine)
    org = admin.create_organisation(store, CLI_ACTOR, slug="bench", name="Bench")
    channels = [
        admin.create_channel(store, CLI_ACTOR, organisation_id=org.id, platform=p, external_id=f"bench-{p}").id
        for p in ("facebook", "instagram", "x")
    ]
    started = time.perf_counter()
    base = _items(comments, max(50, comments // 30), 0, datetime.now(UTC) - timedelta(days=14))
    for i, item in enumerate(base):
        item["channel_id"] = channels[i % len(channels)]
        item["thread"] = f"post-{i // 40}"
    stored = 0
    for i in range(0, len(base), 500):
        stored += len(ingest(store, cycle, base[i : i + 500], actor=CLI_ACTOR, chunk_size=500).created)
    fill_s = time.perf_counter() - started
    lead = admin.create_user(store, CLI_ACTOR, name="bench-lead", role="lead", organisation_id=org.id)
    token = admin.create_token(store, CLI_ACTOR, lead.id, "bench").token
    desk_note: str | None = None
    if hasattr(admin, "set_password"):
        admin.set_password(store, CLI_ACTOR, lead.id, _PASSWORD)
    else:
        desk_note = "no desk passwords in this build"

    out: dict[str, Any] = {"stored": stored, "fill_s": fill_s}
    app = create_app(Settings(database_url=url), store=store, triage=cycle)
    # https: the desk sends its session cookie over HTTPS only (HIERNIET_SECURE_COOKIES).
    with TestClient(app, base_url="https://testserver") as client:
        headers = {"Authorization": f"Bearer {token}"}
        total = client.get("/api/v1/queue", headers=headers).json()["total"]
        out["waiting"] = total
        out["api"] = _timed(client.get, "/api/v1/queue", requests, headers=headers)
        out["api_filtered"] = _timed(client.get, "/api/v1/queue?label=insult&min_severity=2", requests, headers=headers)
        paths = {getattr(r, "path", "") for r in app.routes}
        desk_path = next((p for p in ("/desk/", "/desk") if p in paths), None)
        if desk_path is None:
            desk_note = "the desk's pages are not installed"
        elif desk_note is None:
            desk_note = _desk_sign_in(client, "bench-lead")
        if desk_path is not None and desk_note is None:
            out["desk"] = _timed(client.get, desk_path, requests)
    out["desk_note"] = desk_note
    engine.dispose()
    return out


def _print_queue(backend: str, figures: dict[str, Any]) -> None:
    print(
        f"{backend}: {figures['stored']} comments stored in {figures['fill_s']:.1f} s, "
        f"{figures['waiting']} waiting in the queue"
    )
    for key, what in (
        ("api", "GET /api/v1/queue"),
        ("api_filtered", "GET /api/v1/queue?label=insult"),
        ("desk", "GET /desk/"),
    ):
        if key in figures:
            p = figures[key]
            verdict = "ok" if p["p95"] <= QUEUE_P95_TARGET_MS else "OVER TARGET"
            print(
                f"  {what}: p50 {p['p50']:.1f} ms, p95 {p['p95']:.1f} ms, p99 {p['p99']:.1f} ms "
                f"(target p95 <= {QUEUE_P95_TARGET_MS:.0f} ms: {verdict})"
            )
    if figures.get("desk_note"):
        print(f"  /desk/: skipped ({figures['desk_note']})")


def _queue_summary(results: dict[str, dict[str, Any] | None], comments: int, requests: int) -> str:
    parts = []
    for backend, figures in results.items():
        if figures is None:
            parts.append(f"{backend} skipped")
            continue
        pages = [f"api p95 {figures['api']['p95']:.1f} ms"]
        if "desk" in figures:
            pages.append(f"desk p95 {figures['desk']['p95']:.1f} ms")
        parts.append(f"{backend} " + ", ".join(pages))
    return (
        "SUMMARY queue: " + " | ".join(parts) + f" | target p95 <= {QUEUE_P95_TARGET_MS:.0f} ms | "
        f"{comments} comments | {requests} requests"
    )


def queue_benchmark(triage: Any, comments: int, requests: int, postgres: str | None) -> None:
    from hierniet.store.db import make_engine, url_with_search_path
    from hierniet.training.own import load_own

    print(f"queue: {comments} comments per backend, {requests} requests per page")
    cycle = _Cycle(triage, [e.text for e in load_own()][:512])
    results: dict[str, dict[str, Any] | None] = {}
    with tempfile.TemporaryDirectory() as folder:
        results["sqlite"] = _queue_run(f"sqlite:///{folder}/queue.db", cycle, comments, requests)
        _print_queue("sqlite", results["sqlite"])
    if postgres:
        schema = f"hn_bench_{uuid.uuid4().hex[:8]}"
        admin_engine = make_engine(postgres)
        with admin_engine.begin() as connection:
            connection.execute(text(f"CREATE SCHEMA {schema}"))
        try:
            results["postgresql"] = _queue_run(url_with_search_path(postgres, schema), cycle, comments, requests)
            _print_queue("postgresql", results["postgresql"])
        finally:
            with admin_engine.begin() as connection:
                connection.execute(text(f"DROP SCHEMA {schema} CASCADE"))
            admin_engine.dispose()
    else:
        print("postgresql: skipped (give --postgres URL or set HIERNIET_TEST_DATABASE_URL)")
        results["postgresql"] = None
    print(_queue_summary(results, comments, requests))


if __name__ == "__main__":
    main()
