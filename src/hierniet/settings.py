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


@cache
def get_settings() -> Settings:
    return Settings()
