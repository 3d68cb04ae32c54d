"""Database fixtures (tests/store/dbfixtures.py), a credentials key, and fake platforms on loopback."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from connectors.fakes import FakeGraph, FakeYouTube
from connectors.fakeserver import FakePlatform
from hierniet.connectors.base import http_client
from hierniet.services.credentials import new_key
from hierniet.settings import Settings
from store import dbfixtures

database = dbfixtures.database
store = dbfixtures.store
desk = dbfixtures.desk
fake_triage = dbfixtures.fake_triage


@pytest.fixture(scope="session")
def credentials_key() -> str:
    return new_key()


@pytest.fixture
def settings(credentials_key: str) -> Settings:
    return Settings(database_url="sqlite://", credentials_key=credentials_key)


@pytest.fixture
def graph() -> Iterator[FakeGraph]:
    with FakePlatform() as server:
        yield FakeGraph(server, page_id="gent")


@pytest.fixture
def youtube() -> Iterator[FakeYouTube]:
    with FakePlatform() as server:
        yield FakeYouTube(server, channel_id="UCgent")


@pytest.fixture
def platform() -> Iterator[FakePlatform]:
    """A fake platform on loopback that replays the answers a test gives it."""
    with FakePlatform() as fake:
        yield fake


@pytest.fixture
def http() -> Iterator[httpx.Client]:
    """The connectors' own HTTP client (their timeouts and headers)."""
    with http_client() as client:
        yield client
