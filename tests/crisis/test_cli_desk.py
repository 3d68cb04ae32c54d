"""`hierniet crisis open | import | list | export | close` on a real SQLite database (issue 15): thin shells over
hierniet.services.crisis, as the CLI's actor; the import reads the file like `classify` and the shipped model
reads the cards."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from hierniet.cli import _mount_subcommands, app
from hierniet.settings import get_settings

_mount_subcommands()
runner = CliRunner()

REQUEST = "Need a lift from Kiewit to Hasselt station for 3 people"
OFFER = "We offer free transport with our van from Genk to Hasselt tonight, call 0473 22 33 44"


@pytest.fixture
def cli_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    url = f"sqlite:///{tmp_path}/crisis.db"
    monkeypatch.setenv("HIERNIET_DATABASE_URL", url)
    get_settings.cache_clear()
    for args in (["db", "upgrade"], ["org", "add", "hasselt", "Stad Hasselt"]):
        result = runner.invoke(app, args)
        assert result.exit_code == 0, result.output
    yield url
    get_settings.cache_clear()


def test_open_import_export_close(cli_db: str, tmp_path: Path) -> None:
    opened = runner.invoke(
        app,
        ["crisis", "open", "Storm", "--org", "hasselt", "-k", "#hasselthelpt, storm",
         "--registration-url", "https://help.example/r"],
    )  # fmt: skip
    assert opened.exit_code == 0, opened.output
    crisis = json.loads(opened.stdout.splitlines()[0])
    assert crisis["keywords"] == ["#hasselthelpt", "storm"] and crisis["status"] == "open"
    assert runner.invoke(app, ["crisis", "open", "Storm", "--org", "hasselt"]).exit_code == 2  # the name is taken
    assert runner.invoke(app, ["crisis", "open", "X", "--org", "nowhere"]).exit_code == 2
    source = tmp_path / "posts.jsonl"
    rows = [{"id": f"o{i}", "text": f"RT @b{i}: {OFFER}", "created_at": "2026-08-18T20:00:00+02:00"} for i in range(20)]
    rows.append({"id": "r1", "text": REQUEST, "created_at": "2026-08-18T20:05:00+02:00"})
    lines = [json.dumps(r) for r in rows] + ["{not json", json.dumps({"id": "t", "text": "x", "created_at": "later"})]
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    imported = runner.invoke(app, ["crisis", "import", str(source), "--crisis", "Storm", "--org", "hasselt"])
    assert imported.exit_code == 0, imported.output
    report = json.loads(imported.stdout.splitlines()[0])
    assert (report["added"], report["new_cards"]) == (21, 2)
    assert "line 22: skipped" in imported.output and "line 23: skipped" in imported.output
    again = runner.invoke(app, ["crisis", "import", str(source), "--crisis", str(crisis["id"])])
    assert json.loads(again.stdout.splitlines()[0])["duplicates"] == 21
    listed = [json.loads(line) for line in runner.invoke(app, ["crisis", "list"]).stdout.splitlines()]
    assert listed[0]["counts"]["posts"] == 21
    out = tmp_path / "cards.csv"
    exported = runner.invoke(app, ["crisis", "export", "--crisis", "Storm", "--org", "hasselt", "-o", str(out)])
    assert exported.exit_code == 0, exported.output
    table = {r["text"]: r for r in csv.DictReader(io.StringIO(out.read_text(encoding="utf-8")))}
    # The card shows its first post as written; its 20 reposts are one row.
    assert table[f"RT @b0: {OFFER}"]["kind"] == "offer" and table[f"RT @b0: {OFFER}"]["count"] == "20"
    assert table[REQUEST]["kind"] == "request" and table[REQUEST]["place"] == "Hasselt"
    geo = runner.invoke(app, ["crisis", "export", "--crisis", str(crisis["id"]), "--format", "geojson"])
    assert json.loads(geo.stdout)["type"] == "FeatureCollection"
    assert runner.invoke(app, ["crisis", "export", "--crisis", "1", "--format", "xlsx"]).exit_code == 2
    closed = runner.invoke(app, ["crisis", "close", "--crisis", "Storm", "--org", "hasselt"])
    assert closed.exit_code == 0 and "closed" in closed.output
    late = runner.invoke(app, ["crisis", "import", str(source), "--crisis", str(crisis["id"])])
    assert late.exit_code == 2 and "closed" in late.output
