"""`hierniet worker --role ingest` as a process: SIGTERM finishes the batch, acknowledges it, exits 0."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from hierniet.settings import Settings
from hierniet.store.tables import Comment
from hierniet.streams.redis_queue import RedisStreamQueue
from store.dbfixtures import Desk
from streams.test_streams import items_event

ENTRIES = 300
#: The console script installed beside this Python (pip install -e .).
HIERNIET = str(Path(sys.executable).parent / "hierniet")


def _env(desk: Desk, redis_url: str, key: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        HIERNIET_DATABASE_URL=desk.store.engine.url.render_as_string(hide_password=False),
        HIERNIET_REDIS_URL=redis_url,
        HIERNIET_STREAM_KEY=key,
        # Small batches, so SIGTERM lands between batches with entries still unread.
        HIERNIET_INGEST_BATCH_SIZE="10",
    )
    return env


def _stored(desk: Desk) -> int:
    with desk.store.session() as s:
        return s.query(Comment).count()


def test_sigterm_stops_an_ingest_worker_after_its_batch(desk: Desk, settings: Settings, redis_url: str) -> None:
    key = f"test:ingest:{uuid.uuid4().hex[:8]}"
    queue = RedisStreamQueue.from_url(redis_url, key)
    try:
        for n in range(ENTRIES):
            queue.add(items_event(desk.channel_id, (f"c{n}", f"bericht nummer {n}")))
        worker = subprocess.Popen(
            [HIERNIET, "worker", "--role", "ingest"],
            env=_env(desk, redis_url, key),
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )
        try:
            deadline = time.monotonic() + 60
            while _stored(desk) == 0:
                if worker.poll() is not None or time.monotonic() > deadline:
                    out = worker.stdout.read().decode() if worker.stdout else ""
                    pytest.fail(f"the worker stored nothing: {out[-2000:]}")
                time.sleep(0.05)
            worker.send_signal(signal.SIGTERM)
            rc = worker.wait(timeout=30)
        finally:
            if worker.poll() is None:
                worker.kill()
        out = worker.stdout.read().decode() if worker.stdout else ""
        assert rc == 0, out[-2000:]
        assert "entries stored" in out
        # Everything it read it stored and acknowledged; what it did not read is still in the stream.
        assert queue.client.xpending(key, "triage")["pending"] == 0
        stored = _stored(desk)
        assert 0 < stored < ENTRIES, "stopped after its batch, not after the whole stream"
        assert queue.depth() == ENTRIES - stored
    finally:
        queue.close()


def test_the_ingest_role_needs_redis(desk: Desk) -> None:
    env = dict(os.environ)
    env.pop("HIERNIET_REDIS_URL", None)
    env["HIERNIET_DATABASE_URL"] = desk.store.engine.url.render_as_string(hide_password=False)
    done = subprocess.run([HIERNIET, "worker", "--role", "ingest"], env=env, capture_output=True, timeout=60)
    assert done.returncode == 2
    assert b"HIERNIET_REDIS_URL" in done.stderr


def test_dead_letters_are_listed(desk: Desk, redis_url: str) -> None:
    key = f"test:ingest:{uuid.uuid4().hex[:8]}"
    queue = RedisStreamQueue.from_url(redis_url, key, max_failures=1)
    try:
        queue.add(items_event(desk.channel_id, ("c1", "hallo")))
        (delivery,) = queue.read("w1", 10, 0.05)
        assert queue.fail(delivery, "ValueError: the test's reason")
        done = subprocess.run(
            [HIERNIET, "worker", "--dead-letters"], env=_env(desk, redis_url, key), capture_output=True, timeout=60
        )
    finally:
        queue.close()
    assert done.returncode == 0, done.stderr.decode()[-2000:]
    line = done.stdout.decode()
    assert delivery.entry_id in line and f"items facebook/{desk.channel_id}" in line
    assert "the test's reason" in line and b"1 dead letters" in done.stderr
