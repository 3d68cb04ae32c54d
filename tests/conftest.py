"""Shared fixtures: the shipped triage engine and the browser, each started once per test session.

One Playwright instance serves every browser test (the desk's and the site's): Playwright's sync API
refuses to start a second one in the same process while the first runs.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from hierniet.triage.pipeline import Triage, load_triage


@pytest.fixture(scope="session")
def triage() -> Triage:
    return load_triage()


CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts"


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """Debian's Chromium driven by Playwright (never a downloaded browser: `playwright install` is not used)."""
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is missing: install Debian's chromium (apt-get install chromium) for browser tests")
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed (pip install -e .[dev])")
    args = ["--no-sandbox"] if hasattr(os, "geteuid") and os.geteuid() == 0 else []
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=args)
        yield chromium
        chromium.close()


@pytest.fixture(scope="session")
def artifacts() -> Path:
    """Where browser tests leave screenshots (ignored by git; CI keeps them as artifacts)."""
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


REDIS_ENV = "HIERNIET_TEST_REDIS_URL"


@pytest.fixture
def redis_url() -> Iterator[str]:
    """A Redis server for tests of the shared queue and limits (.ci/run sets HIERNIET_TEST_REDIS_URL).

    Each test gets the database emptied before and after, so keys never leak between tests; point the
    variable at a database number no one else uses (CI uses 15)."""
    url = os.environ.get(REDIS_ENV)
    if not url:
        pytest.skip(f"{REDIS_ENV} is unset: set it to a Redis URL, e.g. redis://127.0.0.1:6379/15, to run this test")
    redis = pytest.importorskip("redis", reason="the redis package is not installed (pip install -e .[dev])")
    client = redis.Redis.from_url(url)
    try:
        client.ping()
    except redis.RedisError as exc:
        pytest.fail(f"{REDIS_ENV}={url} does not answer: {exc}")
    client.flushdb()
    try:
        yield url
    finally:
        client.flushdb()
        client.close()
