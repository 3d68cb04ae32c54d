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
