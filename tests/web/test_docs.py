"""docs/api.md keeps up with the code: every route, setting and permission is described there."""

from __future__ import annotations

import re
from pathlib import Path

from hierniet.services.auth import Permission
from hierniet.settings import Settings
from hierniet.web.app import create_app

API_DOC = Path(__file__).resolve().parents[2] / "docs" / "api.md"
#: The settings of the store and the API (the others are the README's).
DESK_SETTINGS = ("database_url", "ingest_batch_size", "api_max_batch", "bootstrap_token")


def _shape(path: str) -> str:
    return re.sub(r"\{[^}]*\}", "{}", path)


def test_every_route_is_documented() -> None:
    doc = _shape(API_DOC.read_text(encoding="utf-8"))
    app = create_app(Settings(database_url="sqlite://"))
    paths = [p for p in app.openapi()["paths"] if p.startswith("/api/")]
    missing = [p for p in paths if _shape(p) not in doc]
    assert missing == [], f"describe these routes in docs/api.md: {missing}"


def test_every_setting_of_the_desk_is_documented() -> None:
    doc = API_DOC.read_text(encoding="utf-8")
    assert set(DESK_SETTINGS) <= set(Settings.model_fields)
    missing = [f"HIERNIET_{name.upper()}" for name in DESK_SETTINGS if f"HIERNIET_{name.upper()}" not in doc]
    assert missing == [], f"describe these settings in docs/api.md: {missing}"


def test_every_permission_is_documented() -> None:
    doc = API_DOC.read_text(encoding="utf-8")
    missing = [p.value for p in Permission if p.value not in doc and not p.value.startswith("manage_")]
    assert missing == [], f"describe these permissions in docs/api.md: {missing}"
