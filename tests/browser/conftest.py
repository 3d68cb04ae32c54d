"""Browser tests: the app served by uvicorn on a free local port, driven by Playwright in Debian's Chromium.

Fixtures for any page of the app (the desk, the public charter site):

- `live_server`: a fresh server per test on its own temporary SQLite database, migrated and seeded with an
  organisation, a Facebook channel, one person per role with a password (`live_server.users`) and a few
  triaged comments (`live_server.comments`, ids by key). It exposes `.url`, `.store`, `.settings` and
  `.app`; add what a test needs through `.store`.
- `browser`: one Chromium for the session, launched from /usr/bin/chromium (never downloaded: no
  `playwright install`); the tests are skipped, saying why, when Chromium or Playwright is missing.
- `page`: a fresh browser context and page per test (English, 1280x900), closed afterwards.
- `artifacts`: the folder test-artifacts/ at the repository root, for screenshots.
"""

from __future__ import annotations

import dataclasses
import shutil
import socket
import threading
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from hierniet.domain import Comment, Evidence, EvidenceSource, Label, Verdict
from hierniet.services.auth import CLI_ACTOR, hash_password
from hierniet.services.ingest import ingest
from hierniet.settings import Settings
from hierniet.store import repo, repo_desk
from hierniet.store.db import make_engine
from hierniet.store.migrate import upgrade
from hierniet.store.repo import Store
from store.dbfixtures import FakeTriage, item

PASSWORD = "correct horse battery staple"
#: A made-up word standing for a slur (the fake triage reports it as hate evidence from the slur lexicon).
SLUR = "xslurx"


class SeedTriage(FakeTriage):
    """The fake triage of tests/store/dbfixtures.py, plus slur evidence on SLUR."""

    def classify(self, comments: Sequence[Comment]) -> list[Verdict]:
        out = []
        for comment, verdict in zip(comments, super().classify(comments), strict=True):
            at = comment.text.find(SLUR)
            if at >= 0:
                evidence = Evidence(
                    at, at + len(SLUR), Label.HATE, EvidenceSource.LEXICON, f"nl/slur:{SLUR} (nl/slur.tsv:1)", SLUR
                )
                verdict = dataclasses.replace(verdict, evidence=(evidence,))
            out.append(verdict)
        return out


@dataclass
class LiveServer:
    url: str
    store: Store
    settings: Settings
    app: Any
    users: dict[str, str] = field(default_factory=dict)  # role -> user name (password: PASSWORD)
    comments: dict[str, int] = field(default_factory=dict)
    organisation_id: int = 0
    channel_id: int = 0
    password: str = PASSWORD

    def at(self, path: str) -> str:
        return self.url + path


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="session")
def _migrated_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("live-template") / "template.db"
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    engine.dispose()
    return path


@pytest.fixture(scope="session")
def _password_hash() -> str:
    return hash_password(PASSWORD)


def _seed(store: Store, password_hash: str) -> tuple[dict[str, str], dict[str, int], int, int]:
    with store.transaction() as tx:
        org = repo.add_organisation(tx, slug="stad-gent", name="Stad Gent", policy_yaml=None)
        channel = repo.add_channel(
            tx,
            organisation_id=org.id,
            platform="facebook",
            external_id="stadgent",
            name="Stad Gent",
            policy_yaml=None,
            credentials_ref=None,
        )
        users = {}
        for role in ("moderator", "lead", "admin"):
            user = repo.add_user(tx, name=f"{role}1", role=role, organisation_id=org.id)
            repo_desk.set_password_hash(tx, user.id, password_hash)
            users[role] = user.name
    ch = channel.id
    result = ingest(
        store,
        SeedTriage(),
        [
            item("ok1", "Hoe laat gaat het zwembad open?", channel_id=ch, author="a1", day=1),
            item("ins1", "insult: jij idioot", channel_id=ch, author="a2", day=2),
            item("ins2", "insult: stomme ezel", channel_id=ch, author="a3", day=3),
            item("hate1", f"hate: die {SLUR} moeten weg", channel_id=ch, author="a4", day=4),
            item("thr1", "threat: ik weet waar je woont", channel_id=ch, author="a5", day=5),
        ],
        actor=CLI_ACTOR,
    )
    return users, {c.external_id: c.comment_id for c in result.created}, org.id, ch


@pytest.fixture
def live_server(tmp_path: Path, _migrated_template: Path, _password_hash: str) -> Iterator[LiveServer]:
    import uvicorn

    from hierniet.web.app import create_app

    path = tmp_path / "live.db"
    shutil.copyfile(_migrated_template, path)
    url = f"sqlite:///{path}"
    store = Store(make_engine(url))
    users, comments, organisation_id, channel_id = _seed(store, _password_hash)
    settings = Settings(database_url=url, secret_key="live-server-test-secret-" + "x" * 32)  # type: ignore[arg-type]
    app = create_app(settings, store=store, triage=SeedTriage())
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on"))
    thread = threading.Thread(target=server.run, name=f"live-server-{port}", daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError(f"the live server did not start on port {port}")
        time.sleep(0.02)
    try:
        yield LiveServer(
            url=f"http://127.0.0.1:{port}",
            store=store,
            settings=settings,
            app=app,
            users=users,
            comments=comments,
            organisation_id=organisation_id,
            channel_id=channel_id,
        )
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        store.dispose()



@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(locale="en-US", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(10_000)
    tab = context.new_page()
    yield tab
    context.close()

