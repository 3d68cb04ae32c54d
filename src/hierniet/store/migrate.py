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
    with engine.connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:
            # SQLite changes a table's constraints by copying it (batch mode), and dropping the old copy would
            # trip the foreign keys of the rows that point at it: SQLite's own recipe switches them off, outside
            # any transaction, and checks them all before committing.
            connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
            connection.commit()
        try:
            with connection.begin():
                config.attributes["connection"] = connection
                command.upgrade(config, revision)
                if sqlite:
                    broken = connection.exec_driver_sql("PRAGMA foreign_key_check").first()
                    if broken is not None:
                        raise RuntimeError(
                            f"the migration left a row of {broken[0]} (rowid {broken[1]}) pointing at a missing "
                            f"{broken[2]} row; nothing was changed. Report this with the database's revision."
                        )
        finally:
            if sqlite:
                connection.exec_driver_sql("PRAGMA foreign_keys=ON")
                connection.commit()


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
