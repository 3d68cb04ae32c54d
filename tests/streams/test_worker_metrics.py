"""`hierniet worker --metrics-port` (issue 16): a worker's Prometheus /metrics, behind the metrics token: the
stream's depth, its batches' latency and outcomes, the outbox's calls by platform and state."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import time
import uuid

import httpx
import pytest

from hierniet import metrics
from hierniet.settings import Settings
from hierniet.streams.redis_queue import RedisStreamQueue
from store.dbfixtures import Desk, FakeTriage
from streams.test_streams import items_event, loop
from streams.test_worker_process import HIERNIET, _env

TOKEN = "metrics-token-for-tests"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_the_server_needs_the_token_and_answers_only_with_it(desk: Desk) -> None:
    with pytest.raises(ValueError, match="HIERNIET_METRICS_TOKEN"):
        metrics.serve("127.0.0.1", _free_port(), "", desk.store)
    port = _free_port()
    server = metrics.serve("127.0.0.1", port, TOKEN, desk.store)
    try:
        url = f"http://127.0.0.1:{port}"
        assert httpx.get(url + "/metrics").status_code == 401
        assert httpx.get(url + "/metrics", headers={"Authorization": "Bearer wrong"}).status_code == 401
        assert httpx.get(url + "/other", headers={"Authorization": f"Bearer {TOKEN}"}).status_code == 404
        ok = httpx.get(url + "/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
        assert ok.status_code == 200 and ok.headers["content-type"].startswith("text/plain")
        assert "hierniet_outbox_actions" in ok.text and "hierniet_queue_depth" in ok.text
    finally:
        server.shutdown()
        server.server_close()


def test_each_batch_is_timed_and_counted_by_outcome(desk: Desk, settings: Settings, redis_url: str) -> None:
    queue = RedisStreamQueue.from_url(redis_url, f"test:ingest:{uuid.uuid4().hex[:8]}", claim_idle_s=60)
    before = metrics.process_metrics().ingest_batch_seconds.collect()[0]
    count_before = next(s.value for s in before.samples if s.name.endswith("_count"))
    done_before = metrics.process_metrics().ingest_entries.labels("done")._value.get()
    try:
        for n in range(3):
            queue.add(items_event(desk.channel_id, (f"m{n}", f"bericht {n}")))
        assert loop(desk, settings, queue, FakeTriage()).run_once() == 3
    finally:
        queue.close()
    after = metrics.process_metrics().ingest_batch_seconds.collect()[0]
    assert next(s.value for s in after.samples if s.name.endswith("_count")) == count_before + 1
    assert metrics.process_metrics().ingest_entries.labels("done")._value.get() == done_before + 3
    text = metrics.process_metrics().render(None).decode()
    assert "hierniet_ingest_batch_seconds_bucket" in text and 'hierniet_ingest_entries_total{outcome="done"}' in text


def test_the_worker_refuses_a_metrics_port_without_the_token(desk: Desk) -> None:
    env = {k: v for k, v in os.environ.items() if k != "HIERNIET_METRICS_TOKEN"}
    env["HIERNIET_DATABASE_URL"] = desk.store.engine.url.render_as_string(hide_password=False)
    result = subprocess.run(
        [HIERNIET, "worker", "--role", "outbox", "--metrics-port", "9100"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 2 and "HIERNIET_METRICS_TOKEN" in result.stdout + result.stderr


def test_an_ingest_worker_serves_its_metrics(desk: Desk, redis_url: str) -> None:
    key = f"test:ingest:{uuid.uuid4().hex[:8]}"
    queue = RedisStreamQueue.from_url(redis_url, key)
    port = _free_port()
    env = _env(desk, redis_url, key) | {"HIERNIET_METRICS_TOKEN": TOKEN}
    try:
        for n in range(30):
            queue.add(items_event(desk.channel_id, (f"c{n}", f"bericht nummer {n}")))
        worker = subprocess.Popen(
            [HIERNIET, "worker", "--role", "ingest", "--metrics-port", str(port)],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )
        try:
            deadline = time.monotonic() + 120
            text = ""
            while 'hierniet_ingest_entries_total{outcome="done"} 30.0' not in text:
                if worker.poll() is not None or time.monotonic() > deadline:
                    out = worker.stdout.read().decode() if worker.stdout else ""
                    pytest.fail(f"no metrics of the 30 entries: {text[-1500:]} {out[-2000:]}")
                with contextlib.suppress(httpx.TransportError):  # not listening yet
                    text = httpx.get(
                        f"http://127.0.0.1:{port}/metrics", headers={"Authorization": f"Bearer {TOKEN}"}
                    ).text
                time.sleep(0.3)
            assert "hierniet_ingest_batch_seconds_count 3.0" in text  # batches of 10 (HIERNIET_INGEST_BATCH_SIZE)
            assert "hierniet_ingest_stream_depth 0.0" in text
            assert "hierniet_outbox_actions" in text
        finally:
            worker.send_signal(signal.SIGTERM)
            assert worker.wait(timeout=60) == 0
    finally:
        queue.client.delete(key)
        queue.close()
