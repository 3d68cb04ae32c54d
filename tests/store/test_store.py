"""The store: migrations, engines, constraints, append-only tables, UTC timestamps (SQLite and PostgreSQL)."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import func, inspect, select, text
from sqlalchemy.exc import DBAPIError, IntegrityError

import hierniet
from hierniet.services import decisions
from hierniet.services.ingest import ingest
from hierniet.store import repo, search
from hierniet.store.db import DatabaseURLError, make_engine, url_with_search_path
from hierniet.store.migrate import current_revision, head_revision, migrations_dir, upgrade
from hierniet.store.repo import Store
from hierniet.store.tables import (
    APPEND_ONLY_TABLES,
    AuditEntry,
    Base,
    Comment,
    CommentRevision,
    Decision,
    Organisation,
)

from .dbfixtures import Desk, FakeTriage, item


def test_migrations_build_the_orm_schema(store: Store) -> None:
    with store.engine.connect() as connection:
        opts = {"compare_type": True, "include_name": search.include_name}
        diff = compare_metadata(MigrationContext.configure(connection, opts=opts), Base.metadata)
        tables = set(inspect(connection).get_table_names())
    assert diff == []
    assert {t.name for t in Base.metadata.sorted_tables} <= tables
    assert current_revision(store.engine) == head_revision()


def test_upgrade_twice_is_a_no_op(store: Store) -> None:
    with store.transaction() as tx:
        repo.add_organisation(tx, slug="keep", name="Keep me", policy_yaml=None)
    upgrade(store.engine)
    with store.session() as s:
        assert repo.organisation_by_slug(s, "keep") is not None
    assert current_revision(store.engine) == head_revision()


def test_migrations_ship_inside_the_package() -> None:
    package = Path(hierniet.__file__).resolve().parent
    assert migrations_dir().is_relative_to(package)
    # setuptools packages only folders with an __init__.py: without one the migrations would not install.
    assert (migrations_dir() / "__init__.py").is_file()
    assert (migrations_dir() / "versions" / "__init__.py").is_file()


@pytest.mark.parametrize("table", APPEND_ONLY_TABLES)
def test_append_only_tables_refuse_update_and_delete(desk: Desk, table: str) -> None:
    ingest(desk.store, FakeTriage(), [item("c1", "insult: x", channel_id=desk.channel_id)], actor=desk.actors["admin"])
    decisions.record_decision(desk.store, desk.actors["moderator"], 1, decisions.DecisionIn(step="refer"))
    # An edit on the platform keeps the earlier text as a revision.
    edit = item("c1", "insult: y", channel_id=desk.channel_id, edited=True)
    assert len(ingest(desk.store, FakeTriage(), [edit], actor=desk.actors["admin"]).edited) == 1
    column = {"decisions": "reason", "audit_log": "actor", "comment_revisions": "text"}[table]
    for statement in (f"UPDATE {table} SET {column} = 'changed'", f"DELETE FROM {table}"):
        with pytest.raises(DBAPIError, match="append-only"), desk.store.transaction() as tx:
            tx.execute(text(statement))
    with desk.store.session() as s:
        assert s.scalar(select(Decision.reason)) == "accepted the recommendation"
        assert (s.scalar(select(func.count()).select_from(AuditEntry)) or 0) > 0
        assert s.scalar(select(CommentRevision.text)) == "insult: x"


def test_repo_has_no_update_or_delete_path_for_append_only_tables() -> None:
    source = Path(repo.__file__).read_text(encoding="utf-8")
    assert not re.search(r"update\((Decision|AuditEntry|CommentRevision)\b", source)
    assert "delete(" not in source
    assert ".delete" not in source


def test_comments_are_unique_per_platform_and_external_id(desk: Desk) -> None:
    row = {
        "channel_id": desk.channel_id,
        "platform": "facebook",
        "external_id": "same",
        "text": "t",
        "posted_at": datetime.now(UTC),
        "received_at": datetime.now(UTC),
        "status": "clear",
        "language": "nl",
        "labels": [],
        "step": "none",
    }
    with desk.store.transaction() as tx:
        repo.insert_rows(tx, Comment, [row])
    with pytest.raises(IntegrityError), desk.store.transaction() as tx:
        repo.insert_rows(tx, Comment, [row])
    with desk.store.transaction() as tx:  # the same id on another platform is another comment
        repo.insert_rows(tx, Comment, [{**row, "platform": "instagram", "channel_id": desk.other_channel_id}])


def test_timestamps_come_back_in_utc(store: Store) -> None:
    brussels = timezone(timedelta(hours=1))
    with store.transaction() as tx:
        row = repo.add_organisation(tx, slug="tz", name="TZ", policy_yaml=None)
        tx.execute(
            Organisation.__table__.update()
            .where(Organisation.id == row.id)
            .values(created_at=datetime(2026, 3, 1, 13, 0, tzinfo=brussels))
        )
    with store.session() as s:
        stored = repo.organisation_by_slug(s, "tz")
    assert stored is not None
    assert stored.created_at == datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
    assert stored.created_at.tzinfo is not None


def test_naive_datetimes_are_refused(store: Store) -> None:
    with pytest.raises(Exception, match="naive datetime"), store.transaction() as tx:
        tx.add(Organisation(slug="naive", name="n", created_at=datetime(2026, 1, 1)))
        tx.flush()


def test_sqlite_engine_uses_wal_and_foreign_keys(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path}/new/folder/x.db")
    with engine.connect() as connection:
        assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1
    engine.dispose()
    assert (tmp_path / "new" / "folder" / "x.db").is_file()


def test_foreign_keys_are_enforced(store: Store) -> None:
    with pytest.raises(IntegrityError), store.transaction() as tx:
        repo.add_channel(
            tx, organisation_id=999, platform="x", external_id="e", name="", policy_yaml=None, credentials_ref=None
        )


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("not a url", "cannot read the database URL"),
        ("mysql://u@h/db", "unsupported database 'mysql'"),
        ("postgresql+asyncpg://u@h/db", "psycopg"),
    ],
)
def test_bad_database_urls_say_how_to_fix_them(url: str, message: str) -> None:
    with pytest.raises(DatabaseURLError, match=message):
        make_engine(url)


def test_search_path_only_for_postgresql() -> None:
    url = url_with_search_path("postgresql+psycopg://u@h:5432/db", "hn_x")
    assert "options=-csearch_path%3Dhn_x" in url
    with pytest.raises(DatabaseURLError):
        url_with_search_path("sqlite:///x.db", "hn_x")
    with pytest.raises(DatabaseURLError):
        url_with_search_path("postgresql+psycopg://u@h/db", "x; drop")
