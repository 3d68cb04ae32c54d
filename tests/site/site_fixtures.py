"""Fixtures of the charter site's tests: a TestClient over the seeded stores (SQLite and PostgreSQL), and
for the browser tests a live server with Debian's Chromium driven by Playwright.

Imported by each test module (`from site_fixtures import ...`) rather than kept in a conftest.py: this
folder cannot be a package, because a package named `site` would shadow Python's own `site` module, and
a second top-level `conftest` module would clash with tests/conftest.py. The browser fixtures live here
because tests/browser/conftest.py (the desk's) did not exist when these tests were written.
"""

from __future__ import annotations

import socket
import threading
import time
import warnings
from collections.abc import Iterator

import pytest

from hierniet.settings import Settings
from hierniet.store.db import make_engine
from hierniet.store.migrate import upgrade
from hierniet.store.repo import Store
from hierniet.web.app import create_app
from store import dbfixtures
from store.dbfixtures import Desk, FakeTriage

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

database = dbfixtures.database
store = dbfixtures.store
desk = dbfixtures.desk
fake_triage = dbfixtures.fake_triage

SECRET = "site-tests-" + "x" * 40


def _settings(url: str) -> Settings:
    return Settings(database_url=url, secret_key=SECRET, secure_cookies=False)  # type: ignore[arg-type]


@pytest.fixture
def client(desk: Desk, fake_triage: FakeTriage) -> Iterator[TestClient]:
    app = create_app(_settings("sqlite://"), store=desk.store, triage=fake_triage)
    with TestClient(app) as c:
        yield c


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The whole app served by uvicorn on a free local port, over a fresh SQLite file."""
    import uvicorn

    path = tmp_path_factory.mktemp("live") / "site.db"
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    app = create_app(_settings(f"sqlite:///{path}"), store=Store(engine), triage=FakeTriage())
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline:
            pytest.fail("the live server did not start within 20 s")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)
    engine.dispose()


