"""Alembic migrations of the desk's store; run them with `hierniet db upgrade` (hierniet.store.migrate)."""
