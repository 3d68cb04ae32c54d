"""Fixtures of the desk's page tests (tests/web/test_desk_*.py): a TestClient on the seeded desk of
tests/store/dbfixtures.py (SQLite and PostgreSQL), its people with passwords, and a few comments.

    def test_x(pages: Pages) -> None:
        pages.login("moderator")
        r = pages.get("/desk/")
        r = pages.post("/desk/comments/1/decide", {"action": "accept"})  # the CSRF token is added
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterator
from html import unescape

import httpx
import pytest

import seed
from hierniet.settings import Settings
from hierniet.store import repo_desk
from hierniet.web.app import create_app
from seed import PASSWORD, SeedTriage, password_hash
from store.dbfixtures import Desk

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

#: The seeded people by role (tests/store/dbfixtures.py names them so).
NAMES = {"moderator": "moderator1", "lead": "lead1", "admin": "admin1", "root": "root"}


def seed_comments(desk: Desk) -> dict[str, int]:
    """The seeded comments (tests/seed.py) on the first organisation's channel, and one on the other's."""
    return seed.seed_comments(desk.store, desk.channel_id, desk.other_channel_id)


_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


class Pages:
    """A browser-like client of the desk: cookies kept, the CSRF token read from the last page."""

    def __init__(self, client: TestClient, desk: Desk, comments: dict[str, int]) -> None:
        self.client = client
        self.desk = desk
        self.comments = comments
        self.csrf = ""

    def _remember(self, response: httpx.Response) -> httpx.Response:
        found = _CSRF.search(response.text)
        if found:
            self.csrf = found.group(1)
        return response

    def get(self, path: str, **kwargs: object) -> httpx.Response:
        return self._remember(self.client.get(path, **kwargs))  # type: ignore[arg-type]

    def post(self, path: str, data: dict[str, object] | None = None, *, csrf: bool = True, **kwargs: object):  # type: ignore[no-untyped-def]
        form = dict(data or {})
        if csrf:
            if not self.csrf:
                self.get("/desk/login")
            form.setdefault("csrf_token", self.csrf)
        return self._remember(self.client.post(path, data=form, **kwargs))  # type: ignore[arg-type]

    def login(self, role: str = "moderator", password: str = PASSWORD) -> httpx.Response:
        self.get("/desk/login")
        r = self.post("/desk/login", {"name": NAMES[role], "password": password})
        assert r.status_code == 200 and r.url.path == "/desk/", r.text[:500]
        return r

    def logout(self) -> httpx.Response:
        return self.post("/desk/logout")


def make_app(desk: Desk, **settings: object):  # type: ignore[no-untyped-def]
    values: dict[str, object] = {"database_url": "sqlite://", "secret_key": "test-secret-" + "x" * 40} | settings
    return create_app(Settings(**values), store=desk.store, triage=SeedTriage())  # type: ignore[arg-type]


@pytest.fixture
def pages(desk: Desk) -> Iterator[Pages]:
    with desk.store.transaction() as tx:
        for actor in desk.actors.values():
            assert actor.user_id is not None
            repo_desk.set_password_hash(tx, actor.user_id, password_hash())
    comments = seed_comments(desk)
    with TestClient(make_app(desk), base_url="https://testserver") as client:
        yield Pages(client, desk, comments)


def text_of(html: str) -> str:
    """The visible words of a page, for assertions that should not depend on markup."""
    html = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", html, flags=re.S)
    return unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip())
