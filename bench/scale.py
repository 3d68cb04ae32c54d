"""Benchmark of ingestion through the Redis stream (issue 16): webhook to stored verdict, workers, throughput.

    python bench/scale.py [--rate 300] [--duration 300] [--database-url URL] [--redis-url URL] [--parts abc]

Needs a Redis (default redis://127.0.0.1:6379/14; the bench's keys are its own and deleted at the end) and
a store (a SQLite file in a temporary folder by default; --database-url for PostgreSQL: give an empty
database of its own, the bench creates its tables there). Everything runs as it would in production: a
real `hierniet serve` (uvicorn) takes Facebook webhook calls signed as the Meta connector checks them, and
`hierniet worker --role ingest` processes triage and store them.

(a) end to end: webhook calls (one comment each) at --rate for --duration seconds, two ingest workers, one of
    them killed -9 in the middle and started again; latency from the POST to the verdict seen in the store
    (p50/p95/p99), and the comments lost (answered 200, never stored) and doubled (more than one verdict).
(b) ingest throughput with 1, 2 and 4 worker processes emptying a stream of --drain queued webhook calls,
    the ratios, and the extrapolation to 16 cores.
(c) the whole path in bulk: calls of --call-size comments each posted as fast as the server takes them, two
    ingest workers; comments per second from the first POST to the last verdict stored.

Prints the figures, the targets beside them, and the load average (the machine is shared: say so).
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import hmac
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

SECRET = "bench-app-secret"
HERE = Path(__file__).resolve().parents[1]
HIERNIET = str(Path(sys.executable).parent / "hierniet")


def _texts(devset: Path) -> list[str]:
    if devset.is_file():
        return [json.loads(line)["text"] for line in devset.read_text(encoding="utf-8").splitlines() if line.strip()]
    from hierniet.training.own import load_own

    return [e.text for e in load_own()]


def meta_body(page: str, comments: list[tuple[str, str]]) -> bytes:
    """A Facebook feed notification as Meta sends it (the format tests/connectors/test_webhooks.py uses)."""
    now = int(time.time())
    changes = [
        {
            "field": "feed",
            "value": {
                "from": {"id": f"u{hash(cid) % 5000}", "name": "Bench"},
                "post_id": f"{page}_p1",
                "comment_id": cid,
                "created_time": now,
                "item": "comment",
                "parent_id": f"{page}_p1",
                "verb": "add",
                "message": text,
            },
        }
        for cid, text in comments
    ]
    return json.dumps({"object": "page", "entry": [{"id": page, "time": now, "changes": changes}]}).encode()


def signed(raw: bytes) -> dict[str, str]:
    return {
        "X-Hub-Signature-256": "sha256=" + hmac.new(SECRET.encode(), raw, hashlib.sha256).hexdigest(),
        "Content-Type": "application/json",
    }


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Rig:
    """The store, the channels, Redis and the processes of one bench run."""

    database_url: str
    redis_url: str
    key: str
    workdir: Path
    env: dict[str, str] = field(default_factory=dict)
    processes: list[subprocess.Popen[bytes]] = field(default_factory=list)
    engine: Any = None

    def setup(self) -> None:
        from hierniet.services.credentials import new_key
        from hierniet.store.db import make_engine
        from hierniet.store.migrate import upgrade

        self.engine = make_engine(self.database_url)
        upgrade(self.engine)
        self.env = dict(os.environ)
        self.env.update(
            HIERNIET_DATABASE_URL=self.database_url,
            HIERNIET_REDIS_URL=self.redis_url,
            HIERNIET_STREAM_KEY=self.key,
            HIERNIET_CREDENTIALS_KEY=os.environ.get("HIERNIET_CREDENTIALS_KEY") or new_key(),
            # A killed worker's entries are taken over after this long: the bench's kill -9 waits for it.
            HIERNIET_STREAM_CLAIM_IDLE_S=os.environ.get("HIERNIET_STREAM_CLAIM_IDLE_S", "5"),
            HIERNIET_INGEST_BATCH_SIZE=os.environ.get("HIERNIET_INGEST_BATCH_SIZE", "128"),
        )

    def channel(self, page: str) -> int:
        """A connected Facebook channel (a new organisation each, so runs never share an author's history)."""
        from hierniet.services import admin, connections
        from hierniet.services.auth import CLI_ACTOR
        from hierniet.settings import Settings
        from hierniet.store.repo import Store

        store = Store(self.engine)
        settings = Settings(database_url=self.database_url, credentials_key=self.env["HIERNIET_CREDENTIALS_KEY"])
        org = admin.create_organisation(store, CLI_ACTOR, slug=f"bench-{page}", name=f"Bench {page}")
        channel = admin.create_channel(store, CLI_ACTOR, organisation_id=org.id, platform="facebook", external_id=page)
        connections.connect_channel(
            store,
            settings,
            CLI_ACTOR,
            platform="facebook",
            external_id=page,
            secrets={"access_token": "unused", "app_secret": SECRET, "verify_token": "unused"},
        )
        return channel.id

    def start(self, *args: str, log: str) -> subprocess.Popen[bytes]:
        out = (self.workdir / log).open("ab")
        process = subprocess.Popen([HIERNIET, *args], env=self.env, stdout=out, stderr=subprocess.STDOUT)
        self.processes.append(process)
        return process

    def serve(self) -> str:
        port = _free_port()
        self.start("serve", "--port", str(port), "--no-upgrade", "--log-level", "warning", log="serve.log")
        url = f"http://127.0.0.1:{port}"
        import httpx

        for _ in range(300):
            try:
                httpx.get(url + "/favicon.ico", timeout=1.0)
                return url
            except httpx.TransportError:
                time.sleep(0.1)
        raise SystemExit(f"hierniet serve did not start: {(self.workdir / 'serve.log').read_text()[-2000:]}")

    def workers(self, n: int, *, concurrency: int = 1) -> list[subprocess.Popen[bytes]]:
        return [
            self.start("worker", "--role", "ingest", "--concurrency", str(concurrency), log=f"worker{i}.log")
            for i in range(n)
        ]

    def wait_consumers(self, n: int, timeout_s: float = 180.0) -> None:
        """Until n consumers have read the stream once (each has loaded its model by then)."""
        client = self.redis()
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            try:
                if len(client.xinfo_consumers(self.key, "triage")) >= n:
                    return
            except Exception:  # the group is made by the first consumer
                pass
            time.sleep(0.2)
        raise SystemExit(f"{n} ingest workers did not start: see {self.workdir}/worker*.log")

    def forget_consumers(self) -> None:
        client = self.redis()
        try:
            for c in client.xinfo_consumers(self.key, "triage"):
                client.xgroup_delconsumer(self.key, "triage", c["name"])
        except Exception:
            pass

    def stop(self, processes: list[subprocess.Popen[bytes]]) -> None:
        for p in processes:
            if p.poll() is None:
                p.send_signal(signal.SIGTERM)
        for p in processes:
            try:
                p.wait(timeout=60)
            except subprocess.TimeoutExpired:
                p.kill()

    def redis(self) -> Any:
        import redis

        return redis.Redis.from_url(self.redis_url, decode_responses=True)

    def close(self) -> None:
        self.stop(self.processes)
        client = self.redis()
        client.delete(self.key, f"{self.key}:dead", f"{self.key}:failures")
        client.close()
        if self.engine is not None:
            self.engine.dispose()


#: Comment ids the watcher reads again below the highest it saw (several workers' batches in flight).
_REREAD = 3000


class Watcher:
    """Sees each comment's verdict arrive in the store (polls every 100 ms): the time it was first seen."""

    def __init__(self, engine: Any, channel_id: int) -> None:
        self.engine = engine
        self.channel_id = channel_id
        self.seen: dict[str, float] = {}
        self.stop = threading.Event()
        self._last = 0
        self.thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> Watcher:
        self.thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self.stop.set()
        self.thread.join()

    def _run(self) -> None:
        from sqlalchemy import text

        query = text(
            "SELECT c.id, c.external_id FROM comments c JOIN verdicts v ON v.comment_id = c.id "
            "WHERE c.channel_id = :ch AND c.id > :last ORDER BY c.id"
        )
        polls = 0
        while not self.stop.is_set():
            # Every 10th poll reads again below the highest id seen: on PostgreSQL, workers' transactions commit
            # out of id order, so a lower id can appear after a higher one (a few batches' worth at most). Such a
            # comment is then seen up to a second late: its latency is overstated, never understated.
            polls += 1
            below = _REREAD if polls % 10 == 0 else 0
            with self.engine.connect() as conn:
                rows = conn.execute(query, {"ch": self.channel_id, "last": self._last - below}).all()
            now = time.monotonic()
            for comment_id, external_id in rows:
                self.seen.setdefault(external_id, now)
                self._last = max(self._last, comment_id)
            self.stop.wait(0.1)

    def wait_for(self, n: int, timeout_s: float) -> bool:
        deadline = time.monotonic() + timeout_s
        while len(self.seen) < n and time.monotonic() < deadline:
            time.sleep(0.1)
        return len(self.seen) >= n


def doubled(engine: Any, channel_id: int) -> int:
    """Comments stored more than once (impossible by the unique key) plus verdicts beyond the first."""
    from sqlalchemy import text

    with engine.connect() as conn:
        comments, distinct = conn.execute(
            text("SELECT count(*), count(DISTINCT external_id) FROM comments WHERE channel_id = :ch"),
            {"ch": channel_id},
        ).one()
        verdicts = conn.execute(
            text("SELECT count(*) FROM verdicts v JOIN comments c ON c.id = v.comment_id WHERE c.channel_id = :ch"),
            {"ch": channel_id},
        ).scalar_one()
    return int(comments - distinct) + int(verdicts - comments)


def percentile(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


async def _post_all(
    url: str, calls: list[tuple[str, bytes]], rate: float | None, concurrency: int, sent: dict[str, float]
) -> dict[str, int]:
    """POST the calls (at `rate` a second, or as fast as `concurrency` allows); a non-200 is retried after 1 s,
    as the platforms do. `sent`: the first send time of each call's first comment id."""
    import httpx

    statuses: dict[str, int] = {}
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    gate = asyncio.Semaphore(concurrency)
    async with httpx.AsyncClient(limits=limits, timeout=30.0) as client:

        async def one(key: str, raw: bytes) -> None:
            async with gate:
                sent.setdefault(key, time.monotonic())
                for _attempt in range(10):
                    try:
                        answer = await client.post(url, content=raw, headers=signed(raw))
                        statuses[str(answer.status_code)] = statuses.get(str(answer.status_code), 0) + 1
                        if answer.status_code == 200:
                            return
                    except httpx.HTTPError as exc:
                        statuses[type(exc).__name__] = statuses.get(type(exc).__name__, 0) + 1
                    await asyncio.sleep(1.0)

        tasks = []
        started = time.monotonic()
        for i, (key, raw) in enumerate(calls):
            if rate is not None:
                delay = started + i / rate - time.monotonic()
                if delay > 0:
                    await asyncio.sleep(delay)
            tasks.append(asyncio.create_task(one(key, raw)))
        await asyncio.gather(*tasks)
    return statuses


def load() -> str:
    one, five, _ = os.getloadavg()
    return f"load {one:.1f}/{five:.1f} on {os.cpu_count()} cores"


# ------------------------------------------------------------------------------------------------ parts


def part_a(rig: Rig, args: argparse.Namespace, texts: list[str]) -> None:
    page = f"a{uuid.uuid4().hex[:6]}"
    channel_id = rig.channel(page)
    url = rig.serve() + f"/hooks/facebook/{channel_id}"
    workers = rig.workers(args.workers)
    rig.wait_consumers(args.workers)
    n = int(args.rate * args.duration)
    calls = [(f"{page}_c{i}", meta_body(page, [(f"{page}_c{i}", texts[i % len(texts)] + f" #{i}")])) for i in range(n)]
    sent: dict[str, float] = {}
    print(f"(a) {n} webhook calls at {args.rate:g}/s for {args.duration:g} s, {args.workers} ingest workers; {load()}")
    killed_at: list[float] = []

    def kill_and_restart() -> None:
        time.sleep(args.duration / 2)
        victim = workers[0]
        victim.send_signal(signal.SIGKILL)
        victim.wait()
        killed_at.append(time.monotonic())
        rig.workers(1)  # started again at once; it loads its model, the other worker takes over meanwhile

    with Watcher(rig.engine, channel_id) as watcher:
        killer = threading.Thread(target=kill_and_restart, daemon=True) if args.kill else None
        if killer:
            killer.start()
        started = time.monotonic()
        statuses = asyncio.run(_post_all(url, calls, args.rate, 512, sent))
        posting_s = time.monotonic() - started
        complete = watcher.wait_for(n, timeout_s=args.settle)
        load_after = load()
    latencies = [watcher.seen[k] - sent[k] for k in sent if k in watcher.seen]
    lost = sum(1 for k in sent if k not in watcher.seen)
    twice = doubled(rig.engine, channel_id)
    p50, p95, p99 = (percentile(latencies, p) for p in (50, 95, 99))
    print(f"    answers {statuses}; sent in {posting_s:.1f} s ({n / posting_s:.0f} calls/s achieved)")
    if killed_at:
        print(f"    one worker killed -9 at {killed_at[0] - started:.0f} s and started again")
    print(
        f"    latency webhook -> stored verdict: p50 {p50:.3f} s, p95 {p95:.3f} s, p99 {p99:.3f} s "
        f"(target p95 <= 2 s), max {max(latencies, default=float('nan')):.1f} s"
    )
    late = "" if complete else f" - not all stored {args.settle:g} s after the last call"
    print(f"    lost {lost}, doubled {twice} (target 0 and 0){late}")
    print(f"    {load_after}")
    rig.stop([p for p in rig.processes if p.poll() is None])
    rig.processes.clear()
    rig.forget_consumers()


def part_b(rig: Rig, args: argparse.Namespace, texts: list[str]) -> dict[int, float]:
    print(f"(b) ingest workers emptying a stream of {args.drain} queued webhook calls (one comment each); {load()}")
    from hierniet.connectors.base import WebhookRequest

    # The yardstick: triage alone, in this process, now (the machine is shared: its speed varies by the minute).
    from hierniet.domain import Comment
    from hierniet.streams.queue import WEBHOOK, RawEvent
    from hierniet.streams.redis_queue import RedisStreamQueue
    from hierniet.triage.pipeline import load_triage

    model = load_triage()
    sample = [Comment(id=str(i), text=texts[i % len(texts)] + f" #{i}") for i in range(640)]
    model.classify(sample[:128])
    started = time.monotonic()
    for i in range(128, 640, 128):
        model.classify(sample[i : i + 128])
    print(f"    triage alone in one process (no store, no queue): {512 / (time.monotonic() - started):.0f} comments/s")
    del model

    rates: dict[int, float] = {}
    for processes in args.processes:
        page = f"b{processes}{uuid.uuid4().hex[:6]}"
        channel_id = rig.channel(page)
        workers = rig.workers(1, concurrency=processes)
        rig.wait_consumers(processes)
        queue = RedisStreamQueue.from_url(rig.redis_url, rig.key)
        pipe = queue.client.pipeline(transaction=False)
        from datetime import UTC, datetime

        now = datetime.now(UTC)
        with Watcher(rig.engine, channel_id) as watcher:
            started = time.monotonic()
            for i in range(args.drain):
                raw = meta_body(page, [(f"{page}_c{i}", texts[i % len(texts)] + f" #{i}")])
                headers = {k.lower(): v for k, v in signed(raw).items()}
                event = RawEvent(WEBHOOK, "facebook", channel_id, now, request=WebhookRequest("POST", headers, raw))
                pipe.xadd(rig.key, {"event": event.encode()})
                if i % 500 == 499:
                    pipe.execute()
            pipe.execute()
            done = watcher.wait_for(args.drain, timeout_s=600)
            elapsed = max(watcher.seen.values(), default=time.monotonic()) - started
        queue.close()
        rates[processes] = len(watcher.seen) / elapsed
        print(
            f"    {processes} process{'es' if processes > 1 else ''}: {rates[processes]:.0f} comments/s"
            f"{'' if done else ' (not all stored in 600 s)'}; doubled {doubled(rig.engine, channel_id)}; {load()}"
        )
        rig.stop(workers)
        rig.processes.clear()
        rig.forget_consumers()
    if 1 in rates:
        for processes, rate in rates.items():
            if processes > 1:
                print(f"    {processes} vs 1: x{rate / rates[1]:.2f}" + (" (target >= 1.6)" if processes == 2 else ""))
    return rates


def part_c(rig: Rig, args: argparse.Namespace, texts: list[str]) -> None:
    page = f"c{uuid.uuid4().hex[:6]}"
    channel_id = rig.channel(page)
    url = rig.serve() + f"/hooks/facebook/{channel_id}"
    rig.workers(args.workers)
    rig.wait_consumers(args.workers)
    calls = []
    for start in range(0, args.bulk, args.call_size):
        ids = range(start, min(args.bulk, start + args.call_size))
        comments = [(f"{page}_c{i}", texts[i % len(texts)] + f" #{i}") for i in ids]
        calls.append((comments[0][0], meta_body(page, comments)))
    print(f"(c) {args.bulk} comments in calls of {args.call_size}, as fast as taken, {args.workers} workers; {load()}")
    sent: dict[str, float] = {}
    with Watcher(rig.engine, channel_id) as watcher:
        started = time.monotonic()
        statuses = asyncio.run(_post_all(url, calls, None, 8, sent))
        done = watcher.wait_for(args.bulk, timeout_s=600)
        elapsed = max(watcher.seen.values(), default=time.monotonic()) - started
    print(
        f"    answers {statuses}; {len(watcher.seen) / elapsed:.0f} comments/s webhook -> stored verdict "
        f"(target >= 600){'' if done else ' (not all stored in 600 s)'}; doubled {doubled(rig.engine, channel_id)}; "
        f"{load()}"
    )
    rig.stop([p for p in rig.processes if p.poll() is None])
    rig.processes.clear()
    rig.forget_consumers()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--parts", default="abc", help="which parts to run: a, b, c (default abc)")
    parser.add_argument("--rate", type=float, default=300.0, help="(a) webhook calls a second (default 300)")
    parser.add_argument("--duration", type=float, default=300.0, help="(a) seconds of load (default 300)")
    parser.add_argument("--kill", action=argparse.BooleanOptionalAction, default=True, help="(a) kill -9 a worker")
    parser.add_argument(
        "--settle", type=float, default=600.0, help="(a) seconds to wait for the last verdicts (default 600)"
    )
    parser.add_argument("--workers", type=int, default=2, help="(a, c) ingest worker processes (default 2)")
    parser.add_argument("--drain", type=int, default=3000, help="(b) queued calls per run (default 3000)")
    parser.add_argument(
        "--processes", type=lambda v: [int(x) for x in v.split(",")], default=[1, 2, 4], help="(b) default 1,2,4"
    )
    parser.add_argument("--bulk", type=int, default=10000, help="(c) comments (default 10000)")
    parser.add_argument("--call-size", type=int, default=50, help="(c) comments per webhook call (default 50)")
    parser.add_argument("--database-url", default=None, help="a PostgreSQL URL (default: a SQLite file)")
    parser.add_argument("--redis-url", default=os.environ.get("HIERNIET_REDIS_URL", "redis://127.0.0.1:6379/14"))
    parser.add_argument("--devset", type=Path, default=HERE.parent / "shared" / "devset" / "belgian_comments_dev.jsonl")
    args = parser.parse_args()
    texts = _texts(args.devset)
    workdir = Path(tempfile.mkdtemp(prefix="hierniet-scale-"))
    database_url = args.database_url or f"sqlite:///{workdir / 'scale.db'}"
    rig = Rig(database_url, args.redis_url, f"bench:scale:{uuid.uuid4().hex[:8]}", workdir)
    backend = "PostgreSQL" if database_url.startswith("postgresql") else "SQLite"
    print(f"bench/scale.py on {backend}, Redis {args.redis_url}, {os.cpu_count()} cores, {load()}")
    try:
        rig.setup()
        if "a" in args.parts:
            part_a(rig, args, texts)
        rates = part_b(rig, args, texts) if "b" in args.parts else {}
        if "c" in args.parts:
            part_c(rig, args, texts)
        if rates:
            best = max(rates, key=lambda k: rates[k] / k if k <= (os.cpu_count() or 1) else 0)
            per_core = rates[best] / min(best, os.cpu_count() or 1)
            print(
                f"extrapolation: {per_core:.0f} comments/s per core here -> about {16 * per_core * 0.85:.0f}/s on 16 "
                "cores (16 processes, at 85 % of linear for the shared store and Redis; PostgreSQL needed there)"
            )
    finally:
        rig.close()
        if os.environ.get("KEEP_BENCH_DIR"):
            print(f"logs kept in {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    print(f"done; {load()}")


if __name__ == "__main__":
    main()
