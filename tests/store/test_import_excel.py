"""`hierniet import` of what Excel saves in Belgium (issue 12, item 12): the same reading as `classify`."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from hierniet import cli
from hierniet.settings import get_settings
from hierniet.store.db import make_engine
from hierniet.store.repo import Store
from hierniet.store.tables import Comment

from .dbfixtures import Database, FakeTriage

runner = CliRunner()


@pytest.fixture
def cli_db(database: Database, store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    url = f"sqlite:///{tmp_path}/cli/desk.db" if database.backend == "sqlite" else database.url
    monkeypatch.setenv("HIERNIET_DATABASE_URL", url)
    monkeypatch.setattr(cli, "_load_triage", FakeTriage)
    get_settings.cache_clear()
    assert runner.invoke(cli.app, ["db", "upgrade"]).exit_code == 0
    yield url
    get_settings.cache_clear()


def test_a_windows_1252_semicolon_file_is_imported_with_a_note(cli_db: str, tmp_path: Path) -> None:
    source = tmp_path / "excel.csv"
    source.write_bytes("id;text\r\nk1;Très mauvais café\r\nk2;insult: idioot; echt\r\n".encode("cp1252"))
    result = runner.invoke(cli.app, ["import", str(source), "--channel", "facebook/stad-gent", "--create-channel"])
    assert result.exit_code == 0, result.output
    assert "Windows-1252" in result.output
    assert "1 comments stored" in result.output and "line 3: rejected" in result.output
    with Store(make_engine(cli_db)).session() as s:
        assert s.scalars(select(Comment.text)).all() == ["Très mauvais café"]


def test_a_workbook_is_refused_in_words(cli_db: str, tmp_path: Path) -> None:
    source = tmp_path / "comments.csv"
    source.write_bytes(b"PK\x03\x04\x14\x00\x06\x00" + bytes(range(200)))
    result = runner.invoke(cli.app, ["import", str(source), "--channel", "facebook/x", "--create-channel"])
    assert result.exit_code == 2 and "this is not a text file (a ZIP archive" in result.output
    assert "\x03" not in result.output
