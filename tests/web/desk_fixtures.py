"""Fixtures of the desk's page tests (tests/web/test_desk_*.py): a TestClient on the seeded desk of
tests/store/dbfixtures.py (SQLite and PostgreSQL), its people with passwords, and a few comments.

    def test_x(pages: Pages) -> None:
        pages.login("moderator")
        r = pages.get("/desk/")
        r = pages.post("/desk/comments/1/decide", {"action": "accept"})  # the CSRF token is added
"""

from __future__ import annotations

import dataclasses
import re
import warnings
from collections.abc import Iterator, Sequence
from functools import cache
from html import unescape

import httpx
import pytest

from hierniet.domain import Comment, Evidence, EvidenceSource, Label, Language, Verdict
from hierniet.services.auth import CLI_ACTOR, hash_password
from hierniet.services.ingest import ingest
from hierniet.settings import Settings
from hierniet.store import repo_desk
from hierniet.web.app import create_app
from store.dbfixtures import Desk, FakeTriage, item

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

PASSWORD = "correct horse battery staple"
#: The seeded people by role (tests/store/dbfixtures.py names them so).
NAMES = {"moderator": "moderator1", "lead": "lead1", "admin": "admin1", "root": "root"}
#: A made-up word standing for a slur: the fake triage gives it as hate evidence from the slur lexicon.
SLUR = "xslurx"


@cache
def password_hash() -> str:
    """One scrypt hash for every test (hashing costs tens of milliseconds on purpose)."""
    return hash_password(PASSWORD)


class EvidenceTriage(FakeTriage):
    """FakeTriage, plus hate evidence from the slur lexicon on the made-up word SLUR, and the language hint
    taken as the comment's language."""

    def classify(self, comments: Sequence[Comment]) -> list[Verdict]:
        verdicts = super().classify(comments)
        out = []
        for comment, verdict in zip(comments, verdicts, strict=True):
            at = comment.text.find(SLUR)
            if at >= 0:
                evidence = Evidence(
                    at, at + len(SLUR), Label.HATE, EvidenceSource.LEXICON, f"nl/slur:{SLUR} (nl/slur.tsv:1)", SLUR
                )
                verdict = dataclasses.replace(verdict, evidence=(evidence,))
            if comment.language_hint in ("fr", "en", "de"):
                verdict = dataclasses.replace(verdict, language=Language(comment.language_hint))
            out.append(verdict)
        return out


def seed_comments(desk: Desk) -> dict[str, int]:
    """A few comments on the first organisation's channel (and one on the other's); ids by external id."""
    ch = desk.channel_id
    result = ingest(
        desk.store,
        EvidenceTriage(),
        [
            item("ok1", "Hoe laat gaat het zwembad open?", channel_id=ch, author="a1", day=1),
            item("ins1", "insult: jij idioot", channel_id=ch, author="a2", day=2),
            item("ins2", "insult: stomme ezel", channel_id=ch, author="a3", day=3, language="fr"),
            item("hate1", f"hate: die {SLUR} moeten weg", channel_id=ch, author="a4", day=4),
            item("thr1", "threat: ik weet waar je woont", channel_id=ch, author="a5", day=5),
            item("other", "insult: elders", channel_id=desk.other_channel_id, author="z9", day=6),
        ],
        actor=CLI_ACTOR,
    )
    assert not result.rejected, result.rejected
    return {c.external_id: c.comment_id for c in result.created}


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
    return create_app(Settings(**values), store=desk.store, triage=EvidenceTriage())  # type: ignore[arg-type]


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
