"""Migration 0006: comments keyed by channel and external id, upgraded from a 0005 database that holds
comments (their rows, ids, revisions and verdicts kept), on SQLite and on PostgreSQL."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine, MetaData, func, insert, select, text

from hierniet.services.auth import CLI_ACTOR
from hierniet.services.ingest import ingest
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


def _seed_0005(engine: Engine) -> list[int]:
    """Two organisations' channels and, on the first, two comments (one edited, with its earlier text) and their
    verdicts, written with the 0005 schema's own columns: today's code knows columns 0005 did not have."""
    tables = MetaData()
    tables.reflect(engine)
    now = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
    with engine.begin() as c:
        for n, slug in enumerate(("a", "b"), start=1):
            c.execute(insert(tables.tables["organisations"]).values(id=n, slug=slug, name=slug, created_at=now))
            c.execute(
                insert(tables.tables["channels"]).values(
                    id=n, organisation_id=n, platform="facebook", external_id=f"page-{slug}", name=slug, created_at=now
                )
            )
        for n, (external_id, body) in enumerate((("c1", "insult: edited"), ("c2", "two")), start=1):
            c.execute(
                insert(tables.tables["comments"]).values(
                    id=n,
                    channel_id=1,
                    platform="facebook",
                    external_id=external_id,
                    text=body,
                    posted_at=now,
                    received_at=now,
                    status="open",
                    verdict_version=1,
                    language="nl",
                    severity=0,
                    labels=["ok"],
                    step="none",
                    auto=False,
                    alert_lead=False,
                )
            )
        c.execute(
            insert(tables.tables["comment_revisions"]).values(
                id=1, comment_id=1, text="insult: one", verdict_version=1, received_at=now, replaced_at=now
            )
        )
        verdict = tables.tables["verdicts"]
        for n, comment_id in enumerate((1, 1, 2), start=1):
            row = {col.name: None for col in verdict.columns}
            row.update(
                id=n,
                comment_id=comment_id,
                version=n if comment_id == 1 else 1,
                language="nl",
                language_confidence=0.9,
                labels=["ok"],
                scores={},
                severity=0,
                evidence=[],
                pii=[],
                model_version="test",
                reasons=[],
                created_at=now,
            )
            c.execute(insert(verdict).values(**{k: v for k, v in row.items() if v is not None}))
        if engine.dialect.name == "postgresql":
            # Rows written with their ids: move each id sequence past them, as a real 0005 database's would be.
            for name in ("organisations", "channels", "comments", "comment_revisions", "verdicts"):
                c.execute(text(f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), (SELECT max(id) FROM {name}))"))
    return [1, 2]


def test_upgrade_from_0005_keeps_the_comments_and_keys_them_by_channel(fresh_engine: Engine) -> None:
    upgrade(fresh_engine, "0005")
    store = Store(fresh_engine)
    created = _seed_0005(fresh_engine)
    channels = [1, 2]
    with store.session() as s:
        before = [
            tuple(row)
            for row in s.execute(text("SELECT id, channel_id, external_id, text FROM comments ORDER BY id"))
        ]

    upgrade(fresh_engine)

    assert current_revision(fresh_engine) == head_revision()
    with store.session() as s:
        after = [(c.id, c.channel_id, c.external_id, c.text) for c in s.scalars(select(Comment).order_by(Comment.id))]
        assert s.scalar(select(CommentRevision.text)) == "insult: one"
        assert s.scalar(select(func.count()).select_from(Verdict)) == 3
    assert after == before
    assert created == [row[0] for row in before]
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
