"""`hierniet report` (issue 13): the transparency report of a period as PDF, HTML or CSV, on the hand-counted
month of tests/insight_seed.py (SQLite and PostgreSQL), and its clear refusals."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

import seed
from hierniet import cli
from hierniet.settings import get_settings
from insight_seed import seed_month

from .dbfixtures import Desk

runner = CliRunner()


@pytest.fixture
def month(desk: Desk, monkeypatch: pytest.MonkeyPatch) -> Iterator[Desk]:
    seed_month(desk)
    monkeypatch.setenv("HIERNIET_DATABASE_URL", desk.store.engine.url.render_as_string(hide_password=False))
    get_settings.cache_clear()
    yield desk
    get_settings.cache_clear()


def _report(*args: str) -> object:
    return runner.invoke(cli.app, ["report", "--org", "stad-gent", "--from", "01/03/2026", "--to", "2026-03-04", *args])


def test_report_as_pdf_html_and_csv(month: Desk, tmp_path: Path) -> None:
    pdf = tmp_path / "maart.pdf"
    result = _report("-o", str(pdf))
    assert result.exit_code == 0, result.output  # type: ignore[attr-defined]
    assert pdf.read_bytes().startswith(b"%PDF-")
    page = tmp_path / "maart.html"
    assert _report("-o", str(page), "--lang", "de").exit_code == 0  # type: ignore[attr-defined]
    html = page.read_text(encoding="utf-8")
    # Standalone: its stylesheet inside, nothing fetched from elsewhere, no slur and no author.
    assert 'lang="de"' in html and "Transparenzbericht" in html and "<style>" in html
    assert "<link" not in html and "<script" not in html and seed.SLUR not in html
    table = tmp_path / "maart.csv"
    assert _report("-o", str(table)).exit_code == 0  # type: ignore[attr-defined]
    rows = list(csv.reader(table.open(encoding="utf-8")))
    assert ["period", "comments", "10"] in rows and ["criticism", "answered", "1"] in rows


def test_report_refuses_with_a_sentence(month: Desk, tmp_path: Path) -> None:
    cases = [
        (["-o", str(tmp_path / "x.docx")], "name a file ending in .pdf, .html or .csv"),
        (["-o", str(tmp_path / "x.pdf"), "--lang", "es"], "unknown language"),
    ]
    for args, message in cases:
        result = _report(*args)
        assert result.exit_code == 2 and message in " ".join(result.output.split()), result.output  # type: ignore[attr-defined]
    bad_day = runner.invoke(
        cli.app, ["report", "--org", "stad-gent", "--from", "31/02/2026", "--to", "x", "-o", "a.csv"]
    )
    assert bad_day.exit_code == 2 and "is no day" in bad_day.output
    unknown = runner.invoke(
        cli.app,
        ["report", "--org", "nope", "--from", "01/03/2026", "--to", "04/03/2026", "-o", str(tmp_path / "a.csv")],
    )
    assert unknown.exit_code == 2 and "no organisation 'nope'" in " ".join(unknown.output.split())
    assert not (tmp_path / "a.csv").exists()
