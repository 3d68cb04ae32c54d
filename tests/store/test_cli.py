"""`hierniet db upgrade`, `hierniet db token` and `hierniet import` (thin shells over the services)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from hierniet import cli
from hierniet.services import admin, queue
from hierniet.services.queue import QueueFilters
from hierniet.settings import get_settings
from hierniet.store.db import make_engine
from hierniet.store.migrate import current_revision, head_revision
from hierniet.store.repo import Store

from .dbfixtures import Database, FakeTriage

runner = CliRunner()


@pytest.fixture
def cli_db(database: Database, store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A database URL for the command line: a new, empty SQLite file, or the session's PostgreSQL schema."""
    url = f"sqlite:///{tmp_path}/cli/desk.db" if database.backend == "sqlite" else database.url
    monkeypatch.setenv("HIERNIET_DATABASE_URL", url)
    monkeypatch.setattr(cli, "_load_triage", FakeTriage)
    get_settings.cache_clear()
    yield url
    get_settings.cache_clear()


def _text(result: object) -> str:
    """The output with Rich's line wrapping undone."""
    return " ".join(str(getattr(result, "output", "")).split())


def _upgrade() -> None:
    result = runner.invoke(cli.app, ["db", "upgrade"])
    assert result.exit_code == 0, result.output


def test_db_upgrade_and_token(cli_db: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HIERNIET_BOOTSTRAP_TOKEN", "bootstrap-token-for-the-first-admin")
    get_settings.cache_clear()
    _upgrade()
    again = runner.invoke(cli.app, ["db", "upgrade"])
    assert again.exit_code == 0 and "up to date" in _text(again)
    engine = make_engine(cli_db)
    assert current_revision(engine) == head_revision()
    store = Store(engine)
    assert admin.authenticate(store, "bootstrap-token-for-the-first-admin") is not None
    made = runner.invoke(cli.app, ["db", "token", "--user", "ann", "--role", "lead"])
    assert made.exit_code == 0, made.output
    token = made.stdout.strip().splitlines()[0]
    actor = admin.authenticate(store, token)
    assert actor is not None and (actor.name, actor.role.value) == ("ann", "lead")
    bad = runner.invoke(cli.app, ["db", "token", "--user", "bob", "--role", "boss"])
    assert bad.exit_code == 2 and "unknown role" in _text(bad)
    engine.dispose()


def test_import_needs_an_upgraded_database(cli_db: str, tmp_path: Path) -> None:
    if not cli_db.startswith("sqlite"):
        pytest.skip("the PostgreSQL schema of the session is migrated already")
    f = tmp_path / "c.jsonl"
    f.write_text('{"id": "1", "text": "x"}\n', encoding="utf-8")
    result = runner.invoke(cli.app, ["import", str(f)])
    assert result.exit_code == 2 and "hierniet db upgrade" in _text(result)


def test_import_jsonl_and_csv(cli_db: str, tmp_path: Path) -> None:
    _upgrade()
    jsonl = tmp_path / "comments.jsonl"
    jsonl.write_text(
        "\n".join(
            [
                '{"id": "1", "text": "Hoe laat open?", "author": "u1"}',
                '{"id": "2", "text": ""}',
                "not json",
                '{"id": "3", "text": "insult: idioot", "author": "u1", "posted_at": "2026-03-01T10:00:00+01:00"}',
                '{"id": "1", "text": "Hoe laat open?"}',
                '{"id": "3", "text": "insult: idioot!!", "edited": true}',
            ]
        )
        + "\n",
        encoding="utf-8",
    )
    result = runner.invoke(
        cli.app,
        ["import", str(jsonl), "--channel", "facebook/gent", "--create-channel", "--organisation", "stad-gent"],
    )
    assert result.exit_code == 0, result.output
    assert "2 comments stored, 1 edited, 1 duplicates skipped, 2 rejected" in _text(result)
    assert "line 2: rejected" in _text(result) and "line 3: rejected" in _text(result)
    csv = tmp_path / "more.csv"
    csv.write_text('id,body,author\n10,"Bonjour, merci",a\n11,"spam: gratis",b\n', encoding="utf-8")
    result = runner.invoke(cli.app, ["import", str(csv), "--channel", "facebook/gent", "--text-column", "body"])
    assert result.exit_code == 0, result.output
    assert "2 comments stored" in _text(result)
    engine = make_engine(cli_db)
    page = queue.queue(Store(engine), admin.CLI_ACTOR, QueueFilters(status=("any",)))
    assert sorted(i.external_id for i in page.items) == ["1", "10", "11", "3"]
    engine.dispose()


def test_import_errors(cli_db: str, tmp_path: Path) -> None:
    _upgrade()
    missing = runner.invoke(cli.app, ["import", str(tmp_path / "nope.csv")])
    assert missing.exit_code == 2 and "no such file" in _text(missing)
    f = tmp_path / "c.jsonl"
    f.write_text('{"id": "1", "text": "x"}\n', encoding="utf-8")
    unknown = runner.invoke(cli.app, ["import", str(f), "--channel", "facebook/none"])
    assert unknown.exit_code == 0 and "the default channel does not exist" in _text(unknown)
    bad = runner.invoke(cli.app, ["import", str(f), "--channel", "gent"])
    assert bad.exit_code == 2 and "PLATFORM/ID" in _text(bad)
