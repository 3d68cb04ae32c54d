"""docs/connectors.md keeps up with the code: its settings, each connector module, the worker's options."""

from __future__ import annotations

from pathlib import Path

from hierniet.connectors.base import CONNECTORS
from hierniet.settings import Settings

DOC = Path(__file__).resolve().parents[2] / "docs" / "connectors.md"
SETTINGS = ("credentials_key", "webhook_max_bytes", "webhook_replay_window_s")


def test_settings_connectors_and_worker_options_are_documented() -> None:
    doc = DOC.read_text(encoding="utf-8")
    assert set(SETTINGS) <= set(Settings.model_fields)
    assert [s for s in SETTINGS if f"HIERNIET_{s.upper()}" not in doc] == []
    assert [t for t in CONNECTORS.values() if f"`{t}`" not in doc] == []
    for option in ("--once", "--batch", "--lease", "--rate", "--max-attempts", "--no-poll", "--poll-interval"):
        assert option in doc
