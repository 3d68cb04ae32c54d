"""Operations' endpoints (issue 16): /healthz, /readyz (each check, and a failing one), /metrics (off without a
token, refused without the right one), and JSON log lines."""

from __future__ import annotations

import io
import json
import logging
import warnings
from pathlib import Path

import pytest

from hierniet import metrics
from hierniet.logs import JsonFormatter, configure, uvicorn_log_config
from hierniet.settings import Settings
from hierniet.store.db import make_engine
from hierniet.store.repo import Store
from hierniet.store.tables import Alert
from hierniet.web.app import create_app
from seed import SeedTriage
from store.dbfixtures import Desk
from web.desk_fixtures import make_app, seed_comments

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

TOKEN = "metrics-" + "t" * 32


def test_healthz_answers_without_looking_at_anything(tmp_path: Path) -> None:
    # A store that cannot even be opened: alive is about the process only.
    settings = Settings(database_url=f"sqlite:///{tmp_path}/missing/dir/x.db", secret_key="k" * 40)
    store = Store(make_engine(f"sqlite:///{tmp_path}/never.db"))
    with TestClient(create_app(settings, store=store, triage=SeedTriage())) as client:
        r = client.get("/healthz")
    assert r.status_code == 200 and r.json() == {"status": "alive"}
    assert r.headers["cache-control"] == "no-store"


def test_readyz_says_ready_with_each_check(desk: Desk) -> None:
    with TestClient(make_app(desk)) as client:
        r = client.get("/readyz")
    assert r.status_code == 200, r.text
    assert r.json() == {"status": "ready", "checks": {"store": "ok", "migrations": "ok", "redis": "not configured"}}


def test_readyz_names_the_failing_check_and_nothing_more(desk: Desk, tmp_path: Path) -> None:
    # A database never migrated: the schema is behind this release.
    blank = Store(make_engine(f"sqlite:///{tmp_path}/blank.db"))
    settings = Settings(database_url="sqlite://", secret_key="k" * 40)
    with TestClient(create_app(settings, store=blank, triage=SeedTriage())) as client:
        r = client.get("/readyz")
    assert r.status_code == 503
    assert r.json()["checks"]["migrations"].startswith("not at head")
    # Redis configured but not answering (a closed port, with a password in its URL).
    with TestClient(make_app(desk, redis_url="redis://:s3cret-pass@127.0.0.1:1/0")) as client:
        r = client.get("/readyz")
    assert r.status_code == 503
    body = r.json()
    assert body == {"status": "not ready", "checks": {"store": "ok", "migrations": "ok", "redis": "unreachable"}}
    assert "s3cret" not in r.text and "127.0.0.1" not in r.text


def test_readyz_checks_a_configured_redis(desk: Desk, redis_url: str) -> None:
    with TestClient(make_app(desk, redis_url=redis_url)) as client:
        r = client.get("/readyz")
    assert r.status_code == 200 and r.json()["checks"]["redis"] == "ok"


def test_metrics_are_off_without_a_token_and_refused_without_the_right_one(desk: Desk) -> None:
    with TestClient(make_app(desk)) as client:
        assert client.get("/metrics").status_code == 404
        assert client.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"}).status_code == 404
    with TestClient(make_app(desk, metrics_token=TOKEN)) as client:
        assert client.get("/metrics").status_code == 401
        wrong = client.get("/metrics", headers={"Authorization": "Bearer nope"})
        assert wrong.status_code == 401 and "hierniet_" not in wrong.text


def test_metrics_with_the_token(desk: Desk) -> None:
    seed_comments(desk)
    metrics.register_gauge("hierniet_test_lag", "A gauge registered by name.", lambda: 42.0)
    metrics.register_gauge("hierniet_test_broken", "A gauge that fails.", lambda: 1 / 0)
    with TestClient(make_app(desk, metrics_token=TOKEN)) as client:
        before = metrics.process_metrics().triaged._value.get()
        r = client.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith("text/plain; version=0.0.4")
    lines = r.text.splitlines()
    depth = [line for line in lines if line.startswith("hierniet_queue_depth{")]
    assert depth and all(float(line.rsplit(" ", 1)[1]) >= 0 for line in depth)
    assert any(line.startswith('hierniet_queue_depth{organisation="') for line in depth)
    assert "# TYPE hierniet_triage_seconds histogram" in r.text
    with desk.store.session() as s:
        pending = s.query(Alert).filter(Alert.status == "queued").count()
    assert pending > 0 and f"hierniet_alerts_pending {float(pending)}" in r.text  # the seed's threat alerts
    assert "hierniet_test_lag 42.0" in r.text and "hierniet_test_broken" not in r.text
    assert before > 0  # the seeded comments were triaged in this process


def test_the_triage_histogram_counts_what_ingestion_triages(desk: Desk) -> None:
    before = metrics.process_metrics().triaged._value.get()
    seed_comments(desk)
    assert metrics.process_metrics().triaged._value.get() > before


def test_register_gauge_refuses_a_bad_name() -> None:
    with pytest.raises(ValueError, match="letters, digits and underscores"):
        metrics.Metrics().register_gauge("lag-seconds", "x", lambda: 1.0)


def test_json_log_lines_parse_and_keep_secrets_out() -> None:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    log = logging.getLogger("hierniet.test_json")
    log.addHandler(handler)
    log.propagate = False
    try:
        log.warning("called %s", "https://graph.example/me?access_token=EAAGsecret&x=1", extra={"worker": "w1"})
        try:
            raise RuntimeError("boom")
        except RuntimeError:
            log.exception("failed on %d", 7, extra={"url": "https://x.example/?hub.verify_token=abc"})
    finally:
        log.removeHandler(handler)
    first, second = (json.loads(line) for line in stream.getvalue().splitlines())
    assert set(first) == {"time", "level", "logger", "message", "worker"}
    assert first["level"] == "WARNING" and first["logger"] == "hierniet.test_json" and first["worker"] == "w1"
    assert first["time"].endswith("Z") and "EAAGsecret" not in first["message"] and "[redacted]" in first["message"]
    assert second["message"] == "failed on 7" and "RuntimeError: boom" in second["exception"]
    assert "abc" not in second["url"]


def test_configure_and_uvicorn_config() -> None:
    root = logging.getLogger()
    saved = (list(root.handlers), root.level)
    try:
        configure("json")
        assert isinstance(root.handlers[0].formatter, JsonFormatter)
    finally:
        root.handlers[:] = saved[0]
        root.setLevel(saved[1])
    assert uvicorn_log_config("text") is None
    config = uvicorn_log_config("json", "info")
    assert config is not None and config["formatters"]["json"]["()"] == "hierniet.logs.JsonFormatter"


def test_the_ingest_streams_depth_is_a_metric_when_redis_is_set(desk: Desk, redis_url: str) -> None:
    from datetime import UTC, datetime

    from hierniet.settings import Settings
    from hierniet.streams.queue import ITEMS, RawEvent
    from hierniet.streams.service import open_queue

    queue = open_queue(Settings(redis_url=redis_url, stream_key="hierniet:test-metrics"))
    assert queue is not None
    for n in range(3):
        queue.add(RawEvent(ITEMS, "facebook", 1, datetime.now(UTC), items=[{"id": f"c{n}", "text": "hallo"}]))
    app = make_app(desk, metrics_token=TOKEN, redis_url=redis_url, stream_key="hierniet:test-metrics")
    with TestClient(app) as client:
        r = client.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
    assert r.status_code == 200, r.text
    assert "hierniet_ingest_stream_depth 3.0" in r.text, [line for line in r.text.splitlines() if "stream" in line]
