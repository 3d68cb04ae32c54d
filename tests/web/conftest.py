"""Database fixtures (tests/store/dbfixtures.py) and a TestClient on a seeded desk."""

from __future__ import annotations

import warnings
from collections.abc import Iterator

import pytest

from hierniet.settings import Settings
from hierniet.web.app import create_app
from store import dbfixtures
from store.dbfixtures import Desk, FakeTriage

with warnings.catch_warnings():
    # Starlette asks for httpx2 in place of httpx; the test client works the same with either.
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

database = dbfixtures.database
store = dbfixtures.store
desk = dbfixtures.desk
fake_triage = dbfixtures.fake_triage
real_triage = dbfixtures.real_triage


class Api:
    """A test client that sends the token of a role: api.get("/queue", as_="lead")."""

    def __init__(self, client: TestClient, desk: Desk) -> None:
        self.client = client
        self.desk = desk

    def _headers(self, as_: str | None, extra: object = None) -> dict[str, str]:
        headers = dict(extra) if isinstance(extra, dict) else {}
        if as_:
            headers["Authorization"] = f"Bearer {self.desk.tokens[as_]}"
        return headers

    def get(self, path: str, *, as_: str | None = "moderator", **kwargs: object):  # type: ignore[no-untyped-def]
        return self.client.get(f"/api/v1{path}", headers=self._headers(as_), **kwargs)  # type: ignore[arg-type]

    def post(self, path: str, *, as_: str | None = "moderator", **kwargs: object):  # type: ignore[no-untyped-def]
        headers = self._headers(as_, kwargs.pop("headers", None))
        return self.client.post(f"/api/v1{path}", headers=headers, **kwargs)  # type: ignore[arg-type]

    def patch(self, path: str, *, as_: str | None = "moderator", **kwargs: object):  # type: ignore[no-untyped-def]
        return self.client.patch(f"/api/v1{path}", headers=self._headers(as_), **kwargs)  # type: ignore[arg-type]

    def delete(self, path: str, *, as_: str | None = "moderator"):  # type: ignore[no-untyped-def]
        return self.client.delete(f"/api/v1{path}", headers=self._headers(as_))


@pytest.fixture
def api(desk: Desk, fake_triage: FakeTriage) -> Iterator[Api]:
    settings = Settings(database_url="sqlite://", api_max_batch=50)
    app = create_app(settings, store=desk.store, triage=fake_triage)
    with TestClient(app) as client:
        yield Api(client, desk)
