"""Run the store's Alembic migrations from Python (what `hierniet db upgrade` calls).

The scripts live inside the package (hierniet/store/migrations), so an installed hierniet migrates its
database without an alembic.ini or a source checkout. A maintainer adding a table writes the ORM class
in tables.py, then `python -m hierniet.store.migrate revision "what changed"` (autogenerate against a
scratch SQLite database at head) and reviews the new file under migrations/versions/.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

from hierniet.store.db import make_engine


def migrations_dir() -> Path:
    return Path(__file__).resolve().parent / "migrations"


def alembic_config() -> Config:
    """Alembic's configuration without an alembic.ini; the caller hands env.py a connection."""
    config = Config()
    config.set_main_option("script_location", str(migrations_dir()))
    return config


def head_revision() -> str:
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    if head is None:  # pragma: no cover - the package always ships a first revision
        raise RuntimeError("hierniet's migrations have no head revision")
    return head


def current_revision(engine: Engine) -> str | None:
    """The revision the database is at; None for a database never migrated."""
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the database to `revision` (the newest by default); safe to run again."""
    config = alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)


def _revision(message: str) -> None:
    with tempfile.TemporaryDirectory() as scratch:
        engine = make_engine(f"sqlite:///{scratch}/scratch.db")
        upgrade(engine)
        config = alembic_config()
        with engine.begin() as connection:
            config.attributes["connection"] = connection
            command.revision(config, message=message, autogenerate=True)
        engine.dispose()


if __name__ == "__main__":
    if len(sys.argv) != 3 or sys.argv[1] != "revision":
        raise SystemExit('usage: python -m hierniet.store.migrate revision "what changed"')
    _revision(sys.argv[2])
