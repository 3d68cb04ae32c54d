"""Fixtures shared by tests/store, tests/services and tests/web: every store test runs on SQLite and on
PostgreSQL (when HIERNIET_TEST_DATABASE_URL is set; skipped with the reason otherwise).

SQLite: the schema is migrated once into a template file, copied for each test. PostgreSQL: a schema of
its own per test session (so parallel runs do not collide), migrated once, emptied before each test and
dropped at the end.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import ClassVar

import pytest
from sqlalchemy import Engine, text

from hierniet.domain import Comment, Label, Language, Severity, Verdict
from hierniet.services.auth import Actor, Role, hash_token, new_token, token_prefix
from hierniet.store import repo
from hierniet.store.db import make_engine, url_with_search_path
from hierniet.store.migrate import upgrade
from hierniet.store.repo import Store
from hierniet.store.tables import Base

PG_ENV = "HIERNIET_TEST_DATABASE_URL"
BACKENDS = ("sqlite", "postgresql")


@dataclass
class Database:
    backend: str
    url: str
    template: Path | None = None  # SQLite: the migrated file each test copies
    engine: Engine | None = None  # PostgreSQL: one engine (and pool) for the session


@pytest.fixture(scope="session", params=BACKENDS)
def database(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    if request.param == "sqlite":
        template = tmp_path_factory.mktemp("sqlite") / "template.db"
        engine = make_engine(f"sqlite:///{template}")
        upgrade(engine)
        engine.dispose()  # the last connection closing folds the WAL back into the file
        yield Database("sqlite", f"sqlite:///{template}", template=template)
        return
    base = os.environ.get(PG_ENV)
    if not base:
        pytest.skip(f"{PG_ENV} is not set: the PostgreSQL variant needs a server (.ci/run sets it)")
    schema = f"hn_test_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    admin_engine = make_engine(base)
    with admin_engine.begin() as connection:
        connection.execute(text(f"CREATE SCHEMA {schema}"))
    url = url_with_search_path(base, schema)
    engine = make_engine(url)
    upgrade(engine)
    try:
        yield Database("postgresql", url, engine=engine)
    finally:
        engine.dispose()
        with admin_engine.begin() as connection:
            connection.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        admin_engine.dispose()


@pytest.fixture
def store(database: Database, tmp_path: Path) -> Iterator[Store]:
    if database.backend == "sqlite":
        assert database.template is not None
        path = tmp_path / "desk.db"
        shutil.copyfile(database.template, path)
        s = Store(make_engine(f"sqlite:///{path}"))
        yield s
        s.dispose()
        return
    assert database.engine is not None
    names = ", ".join(t.name for t in Base.metadata.sorted_tables)
    with database.engine.begin() as connection:
        # TRUNCATE fires no row triggers: the append-only tables can be emptied between tests.
        connection.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    yield Store(database.engine)


@dataclass
class Desk:
    """A seeded desk: two organisations with a Facebook channel each, and users of the first (plus root)."""

    store: Store
    organisation_id: int
    channel_id: int
    other_organisation_id: int
    other_channel_id: int
    actors: dict[str, Actor] = field(default_factory=dict)
    tokens: dict[str, str] = field(default_factory=dict)


@pytest.fixture
def desk(store: Store) -> Desk:
    # Seeded in one transaction straight through the repository: the services' own checks (and their
    # audit lines) are tested elsewhere, and a fixture run a few hundred times should be cheap.
    with store.transaction() as tx:
        org = repo.add_organisation(tx, slug="stad-gent", name="Stad Gent", policy_yaml=None)
        other = repo.add_organisation(tx, slug="vzw-x", name="VZW X", policy_yaml=None)
        channels = [
            repo.add_channel(
                tx,
                organisation_id=o.id,
                platform="facebook",
                external_id=name,
                name=name,
                policy_yaml=None,
                credentials_ref=None,
            )
            for o, name in ((org, "gent"), (other, "vzwx"))
        ]
        d = Desk(store, org.id, channels[0].id, other.id, channels[1].id)
        users = [(f"{role.value}1", role, org.id) for role in Role] + [("root", Role.ADMIN, None)]
        for name, role, organisation_id in users:
            user = repo.add_user(tx, name=name, role=role.value, organisation_id=organisation_id)
            token = new_token()
            repo.add_token(tx, user_id=user.id, name="test", token_hash=hash_token(token), prefix=token_prefix(token))
            key = "root" if name == "root" else role.value
            d.actors[key] = Actor(user.id, name, role, organisation_id)
            d.tokens[key] = token
    return d


class FakeTriage:
    """A classifier whose verdict is spelt in the text: "insult: ...", "spam: ...", "threat: ...", ...

    Policy and store behaviour is tested against it, so a retrained model cannot change those tests.
    """

    _RULES: ClassVar[dict[str, tuple[Label, float, Severity]]] = {
        "insult": (Label.INSULT, 0.95, Severity.MEDIUM),
        "spam": (Label.SPAM, 0.99, Severity.LOW),
        "threat": (Label.THREAT, 0.97, Severity.CRITICAL),
        "selfharm": (Label.SELF_HARM, 0.9, Severity.HIGH),
        "hate": (Label.HATE, 0.97, Severity.HIGH),
        "criticism": (Label.CRITICISM, 0.9, Severity.NONE),
    }

    def __init__(self) -> None:
        self.calls: list[int] = []

    def classify(self, comments: Sequence[Comment]) -> list[Verdict]:
        self.calls.append(len(comments))
        return [self._one(c) for c in comments]

    def _one(self, c: Comment) -> Verdict:
        key = c.text.split(":", 1)[0].strip().lower()
        label, score, severity = self._RULES.get(key, (Label.OK, 0.99, Severity.NONE))
        scores = {other: 0.01 for other in Label}
        scores[label] = score
        return Verdict(
            comment_id=c.id,
            language=Language.NL,
            language_confidence=0.9,
            labels=(label,),
            scores=scores,
            severity=severity,
            target=None,
            evidence=(),
            pii=(),
            model_version="fake-1",
            reasons=(f"fake: {label.value}",),
        )


@pytest.fixture
def fake_triage() -> FakeTriage:
    return FakeTriage()


def at(day: int, hour: int = 12) -> datetime:
    return datetime(2026, 3, day, hour, tzinfo=UTC)


def item(
    cid: str, text_: str, *, channel_id: int, author: str | None = "a1", day: int = 1, **extra: object
) -> dict[str, object]:
    record: dict[str, object] = {"id": cid, "text": text_, "channel_id": channel_id, "posted_at": at(day).isoformat()}
    if author is not None:
        record["author"] = author
    record.update(extra)
    return record


@pytest.fixture(scope="session")
def real_triage() -> object:
    """The triage engine (the shipped model, or HIERNIET_MODEL_DIR's), loaded once per session."""
    from hierniet.settings import Settings
    from hierniet.triage.model import ModelError
    from hierniet.triage.pipeline import load_triage

    try:
        return load_triage(Settings().model_dir)
    except ModelError as exc:
        pytest.skip(f"no triage model to load ({exc}); set HIERNIET_MODEL_DIR to a trained model")
