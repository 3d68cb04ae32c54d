"""Shared fixtures: the shipped triage engine, loaded once per test session."""

from __future__ import annotations

import pytest

from hierniet.triage.pipeline import Triage, load_triage


@pytest.fixture(scope="session")
def triage() -> Triage:
    return load_triage()
