"""Alembic's entry point, called by hierniet.store.migrate (never imported by the application itself).

The caller hands over a live connection in `config.attributes["connection"]`, so the same engine settings
(SQLite pragmas, the PostgreSQL search path) apply to migrations as to the desk.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

from hierniet.settings import get_settings
from hierniet.store import search
from hierniet.store.db import make_engine
from hierniet.store.tables import Base


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        # SQLite cannot ALTER most things: batch mode copies the table instead.
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
        # The search's FTS5 tables and tsvector columns live outside the ORM (migration 0010).
        include_name=search.include_name,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = context.config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    # Run by the `alembic` command itself: the database of the settings.
    engine = make_engine(get_settings().database_url)
    with engine.connect() as fresh:
        _run(fresh)
        fresh.commit()
    engine.dispose()


if context.is_offline_mode():
    raise SystemExit("hierniet's migrations run online only: use `hierniet db upgrade`")
run_migrations_online()
