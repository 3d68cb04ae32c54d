"""Settings from the environment (HIERNIET_*), built on demand and cached.

Nothing is read at import time: call get_settings().
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="HIERNIET_", extra="ignore")

    #: Folder of a triage model to use instead of the shipped one (made by `hierniet train`).
    model_dir: Path | None = None
    #: Where `hierniet train` finds the public data sets by default.
    data_dir: Path = Path("../shared/data")
    #: Comments triaged per batch by the CLI (bigger batches are faster, use more memory).
    batch_size: int = 256
    #: Where the moderation desk keeps comments, verdicts, decisions and the audit log. A SQLite file is the
    #: embedded default (its folder is created on first use); PostgreSQL for teams, e.g.
    #: `postgresql+psycopg://USER:PASSWORD@HOST:5432/hierniet`. Create or update the tables with
    #: `hierniet db upgrade`.
    database_url: str = "sqlite:///./var/hierniet.db"
    #: Comments stored per transaction by `hierniet import` and per call by the ingestion service
    #: (a bigger POST /api/v1/comments batch is split into chunks of this size).
    ingest_batch_size: int = 256
    #: Most comments accepted in one POST /api/v1/comments request; a larger batch is refused with 413.
    api_max_batch: int = 1000
    #: A token for a first admin user, for bootstrapping a fresh database: when set, `hierniet db upgrade`
    #: creates the user `admin` (role admin) with this token, stored hashed, unless that token exists.
    #: Unset it once real users and tokens exist (`hierniet db token`, or POST /api/v1/users/{id}/tokens).
    bootstrap_token: str | None = None


@cache
def get_settings() -> Settings:
    return Settings()
