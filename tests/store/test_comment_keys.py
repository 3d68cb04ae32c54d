"""Migration 0006: comments keyed by channel and external id, upgraded from a 0005 database that holds
comments (their rows, ids, revisions and verdicts kept), on SQLite and on PostgreSQL."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select, text

from hierniet.services.auth import CLI_ACTOR
from hierniet.services.ingest import ingest
from hierniet.store import repo
from hierniet.store.db import make_engine, url_with_search_path
from hierniet.store.migrate import current_revision, head_revision, upgrade
from hierniet.store.repo import Store
from hierniet.store.tables import Comment, CommentRevision, Verdict

from .dbfixtures import PG_ENV, FakeTriage, item


@pytest.fixture(params=["sqlite", "postgresql"])
def fresh_engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    if request.param == "sqlite":
        engine = make_engine(f"sqlite:///{tmp_path / 'old.db'}")
        yield engine
        engine.dispose()
        return
    base = os.environ.get(PG_ENV)
    if not base:
        pytest.skip(f"{PG_ENV} is not set: the PostgreSQL variant needs a server (.ci/run sets it)")
    schema = f"hn_keys_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    admin = make_engine(base)
    with admin.begin() as connection:
        connection.execute(text(f"CREATE SCHEMA {schema}"))
    engine = make_engine(url_with_search_path(base, schema))
    try:
        yield engine
    finally:
        engine.dispose()
        with admin.begin() as connection:
            connection.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()


def test_upgrade_from_0005_keeps_the_comments_and_keys_them_by_channel(fresh_engine: Engine) -> None:
    upgrade(fresh_engine, "0005")
    store = Store(fresh_engine)
    with store.transaction() as tx:
        orgs = [repo.add_organisation(tx, slug=s, name=s, policy_yaml=None) for s in ("a", "b")]
        channels = [
            repo.add_channel(
                tx,
                organisation_id=o.id,
                platform="facebook",
                external_id=f"page-{o.slug}",
                name=o.slug,
                policy_yaml=None,
                credentials_ref=None,
            ).id
            for o in orgs
        ]
    first = ingest(
        store,
        FakeTriage(),
        [item("c1", "insult: one", channel_id=channels[0]), item("c2", "two", channel_id=channels[0])],
        actor=CLI_ACTOR,
    )
    ingest(store, FakeTriage(), [item("c1", "insult: edited", channel_id=channels[0], edited=True)], actor=CLI_ACTOR)
    with store.session() as s:
        before = [(c.id, c.channel_id, c.external_id, c.text) for c in s.scalars(select(Comment).order_by(Comment.id))]

    upgrade(fresh_engine)

    assert current_revision(fresh_engine) == head_revision()
    with store.session() as s:
        after = [(c.id, c.channel_id, c.external_id, c.text) for c in s.scalars(select(Comment).order_by(Comment.id))]
        assert s.scalar(select(CommentRevision.text)) == "insult: one"
        assert s.scalar(select(func.count()).select_from(Verdict)) == 3
    assert after == before
    assert [c.comment_id for c in first.created] == [row[0] for row in before]
    # The new key: the same id on the other organisation's channel is another comment, not an edit.
    other = ingest(store, FakeTriage(), [item("c1", "hello", channel_id=channels[1])], actor=CLI_ACTOR)
    assert [c.external_id for c in other.created] == ["c1"] and not other.edited
    with store.session() as s:
        assert s.scalar(select(Comment.text).where(Comment.channel_id == channels[0], Comment.external_id == "c1")) == (
            "insult: edited"
        )
    # Foreign keys still hold on SQLite after the table was copied.
    if fresh_engine.dialect.name == "sqlite":
        with fresh_engine.connect() as connection:
            assert connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall() == []
            assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
