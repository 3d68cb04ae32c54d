"""Engines from a database URL: SQLite (the embedded default) or PostgreSQL (psycopg 3).

Nothing is created at import time: call `make_engine(url)`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError


class DatabaseURLError(ValueError):
    """A database URL that cannot be used; the message says how to write one."""


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    # WAL lets the desk read while an import writes; foreign keys are off in SQLite unless asked for;
    # NORMAL sync is safe with WAL (a power cut loses at most the last transactions, never corrupts).
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()


def make_engine(url: str, *, echo: bool = False) -> Engine:
    """An engine for `url`; a SQLite file's folder is created when missing."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise DatabaseURLError(
            f"cannot read the database URL {url!r}: write sqlite:///path/to/file.db or "
            "postgresql+psycopg://user:password@host:5432/name (setting HIERNIET_DATABASE_URL)"
        ) from None
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        database = parsed.database or ""
        if database and database != ":memory:" and not database.startswith("file:"):
            Path(database).expanduser().parent.mkdir(parents=True, exist_ok=True)
        # FastAPI runs sync handlers in a thread pool: a connection may move between threads.
        engine = create_engine(parsed, echo=echo, connect_args={"check_same_thread": False})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    if backend == "postgresql":
        if parsed.get_driver_name() not in ("psycopg", ""):
            raise DatabaseURLError(
                f"the PostgreSQL driver {parsed.get_driver_name()!r} is not installed with hierniet: "
                "write postgresql+psycopg://... (psycopg 3)"
            )
        if parsed.get_driver_name() == "":
            parsed = parsed.set(drivername="postgresql+psycopg")
        return create_engine(parsed, echo=echo, pool_pre_ping=True)
    raise DatabaseURLError(
        f"unsupported database {backend!r} in {parsed.render_as_string(hide_password=True)}: "
        "hierniet runs on SQLite (sqlite:///file.db) or PostgreSQL (postgresql+psycopg://...)"
    )


def url_with_search_path(url: str, schema: str) -> str:
    """A PostgreSQL URL whose connections use `schema` (several installations, or test runs, in one database)."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "postgresql":
        raise DatabaseURLError(f"a schema only applies to PostgreSQL, not to {parsed.get_backend_name()}")
    if not schema.replace("_", "").isalnum():
        raise DatabaseURLError(f"schema name {schema!r}: use letters, digits and _ only")
    return parsed.update_query_dict({"options": f"-csearch_path={schema}"}).render_as_string(hide_password=False)
