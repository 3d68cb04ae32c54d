"""Benchmark of webhook intake alone (issue 16): how many signed webhook calls one `hierniet serve` accepts a second.

    python bench/intake.py [--calls 6000] [--connections 32] [--database-url URL] [--redis-url URL]

A real `hierniet serve` (uvicorn, one process) with HIERNIET_REDIS_URL set takes Facebook webhook calls (one
comment each) signed as the Meta connector checks them; no ingest worker runs, so what is measured is the web
process alone: check the signature, append to the Redis stream, answer. The client is a few lines of asyncio
over keep-alive connections (httpx would spend more CPU than the server on this 2-core machine); it checks
every answer is 200 and that the stream holds one entry per call at the end.

Prints calls/s accepted, answer latency p50/p95/p99, and the load average (the machine is shared: say so).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from scale import Rig, load, meta_body, percentile, signed


def _request(path: str, raw: bytes) -> bytes:
    headers = signed(raw)
    lines = [f"POST {path} HTTP/1.1", "Host: 127.0.0.1", f"Content-Length: {len(raw)}"]
    lines += [f"{k}: {v}" for k, v in headers.items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + raw


async def _connection(
    host: str, port: int, requests: list[bytes], statuses: dict[int, int], latencies: list[float]
) -> None:
    reader, writer = await asyncio.open_connection(host, port)
    try:
        for req in requests:
            started = time.perf_counter()
            writer.write(req)
            head = await reader.readuntil(b"\r\n\r\n")
            status = int(head.split(b" ", 2)[1])
            length = 0
            for line in head.split(b"\r\n"):
                if line.lower().startswith(b"content-length:"):
                    length = int(line.split(b":", 1)[1])
            await reader.readexactly(length)
            latencies.append(time.perf_counter() - started)
            statuses[status] = statuses.get(status, 0) + 1
    finally:
        writer.close()


async def _post_all(url: str, requests: list[bytes], connections: int) -> tuple[dict[int, int], list[float], float]:
    host_port = url.split("//", 1)[1]
    host, port = host_port.split(":")
    statuses: dict[int, int] = {}
    latencies: list[float] = []
    share = [requests[i::connections] for i in range(connections)]
    started = time.perf_counter()
    await asyncio.gather(*(_connection(host, int(port), part, statuses, latencies) for part in share if part))
    return statuses, latencies, time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--calls", type=int, default=6000, help="webhook calls (default 6000)")
    parser.add_argument("--warmup", type=int, default=300, help="calls sent first and not counted (default 300)")
    parser.add_argument("--connections", type=int, default=32, help="keep-alive connections (default 32)")
    parser.add_argument("--database-url", default=None, help="a PostgreSQL URL (default: a SQLite file)")
    parser.add_argument("--redis-url", default=os.environ.get("HIERNIET_REDIS_URL", "redis://127.0.0.1:6379/14"))
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="hierniet-intake-"))
    database_url = args.database_url or f"sqlite:///{workdir / 'intake.db'}"
    rig = Rig(database_url, args.redis_url, f"bench:intake:{uuid.uuid4().hex[:8]}", workdir)
    backend = "PostgreSQL" if database_url.startswith("postgresql") else "SQLite"
    print(f"bench/intake.py on {backend}, Redis {args.redis_url}, {os.cpu_count()} cores, {load()}")
    try:
        rig.setup()
        page = f"i{uuid.uuid4().hex[:6]}"
        channel_id = rig.channel(page)
        url = rig.serve()
        path = f"/hooks/facebook/{channel_id}"
        total = args.warmup + args.calls
        requests = [
            _request(path, meta_body(page, [(f"{page}_c{i}", f"Dag allemaal, vraagje #{i}")])) for i in range(total)
        ]
        warm, _, _ = asyncio.run(_post_all(url, requests[: args.warmup], min(args.connections, args.warmup or 1)))
        statuses, latencies, seconds = asyncio.run(_post_all(url, requests[args.warmup :], args.connections))
        depth = rig.redis().xlen(rig.key)
        p50, p95, p99 = (percentile(latencies, p) * 1000 for p in (50, 95, 99))
        print(f"    {args.calls} calls over {args.connections} connections: answers {statuses} (warm-up {warm})")
        print(
            f"    {args.calls / seconds:.0f} calls/s accepted by one web process; answer p50 {p50:.1f} ms, "
            f"p95 {p95:.1f} ms, p99 {p99:.1f} ms"
        )
        print(f"    stream entries {depth} (calls sent {total}); {load()}")
        if set(statuses) - {200}:
            print("    the server's log ends with:\n" + (workdir / "serve.log").read_text()[-3000:])
    finally:
        rig.close()
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
