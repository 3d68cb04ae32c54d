"""The site's texts: Markdown rendering, the translation check, and visible fallbacks for missing texts."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
import site_fixtures
import typer
from site_helpers import parse_strict
from typer.testing import CliRunner

from hierniet.web.site import content
from hierniet.web.site.cli import site_app
from hierniet.web.site.content import LANGUAGES, PAGES, SECTION_LABELS, check_content, render_markdown

client = site_fixtures.client
database = site_fixtures.database
desk = site_fixtures.desk
fake_triage = site_fixtures.fake_triage
store = site_fixtures.store


def _site_check() -> Any:
    # Mounted as in hierniet.cli: `hierniet site check`.
    root = typer.Typer()
    root.add_typer(site_app, name="site")
    return CliRunner().invoke(root, ["site", "check"])


@pytest.fixture
def editable_content(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[Path]:
    """A copy of the shipped texts that a test may break; the site reads it instead of the package's."""
    shipped = Path(str(resources.files("hierniet.web.site").joinpath("content")))
    root = tmp_path / "content"
    shutil.copytree(shipped, root)
    monkeypatch.setattr(content, "_content_root", lambda: root)
    content.clear_caches()
    yield root
    content.clear_caches()


def test_shipped_texts_are_complete() -> None:
    assert check_content() == []
    result = _site_check()
    assert result.exit_code == 0, result.output
    assert "complete" in result.output


def test_headings_get_explicit_or_derived_ids_and_raw_html_is_not_rendered() -> None:
    html = render_markdown("# Titel\n\n## Haat {#hate}\n\n## Één twee\n\n## Één twee\n\n<script>x()</script>\n")
    assert '<h2 id="hate">Haat</h2>' in html
    assert '<h2 id="een-twee">' in html and '<h2 id="een-twee-2">' in html
    assert "<script>" not in html and "&lt;script&gt;" in html


def test_a_missing_page_falls_back_visibly(editable_content: Path, client: Any) -> None:
    (editable_content / "de" / "tips.md").unlink()
    html = client.get("/de/tips").text
    parse_strict(html)
    notice = re.search(r'<p class="notice">(.*?)</p>', html)
    assert notice and "Englisch" in notice.group(1) and "Deutsch" in notice.group(1)
    # The fallback text is marked as English for screen readers and translation tools.
    assert '<div class="fallback" lang="en">' in html and "Tips for community managers" in html
    assert '<html lang="de">' in html


def test_a_missing_code_of_conduct_section_falls_back_section_by_section(editable_content: Path, client: Any) -> None:
    path = editable_content / "fr" / "code-of-conduct.md"
    text = path.read_text(encoding="utf-8")
    start = text.index("## Menaces {#threat}")
    end = text.index("## Harcèlement sexuel {#sexual}")
    path.write_text(text[:start] + text[end:], encoding="utf-8")
    html = client.get("/fr/code-of-conduct").text
    parse_strict(html)
    assert '<h2 id="threat">Threats</h2>' in html  # the English section, under its stable anchor
    fallback = html[html.index('<div class="fallback" lang="en">') :]
    assert fallback.index('id="threat"') < fallback.index("</div>")
    assert "pas encore disponible en français" in html
    assert '<h2 id="hate">Haine</h2>' in html  # the other sections stay French
    assert all(f'id="{label}"' in html for label in SECTION_LABELS)


def test_the_check_lists_every_gap_and_fails(editable_content: Path) -> None:
    (editable_content / "nl" / "help.md").unlink()
    coc = editable_content / "de" / "code-of-conduct.md"
    coc.write_text(coc.read_text(encoding="utf-8").replace("{#spam}", "{#spamm}"), encoding="utf-8")
    strings = editable_content / "fr" / "strings.yaml"
    strings.write_text(strings.read_text(encoding="utf-8").replace("  search_button: Rechercher\n", ""), "utf-8")
    rendered = [i.render() for i in check_content()]
    assert "nl: the page help is missing. Fix: add content/nl/help.md" in rendered
    assert any(r.startswith("de: the code of conduct has no section for the label spam") for r in rendered)
    assert any(r.startswith("de: the code of conduct has a section {#spamm} that is no label") for r in rendered)
    assert (
        "fr: the interface string signatories.search_button is missing. Fix: add "
        "`signatories.search_button` to content/fr/strings.yaml" in rendered
    )
    assert len(rendered) == 4
    result = _site_check()
    assert result.exit_code == 1
    assert "4 missing translation(s)" in result.output


def test_a_missing_interface_string_falls_back_to_another_language(editable_content: Path, client: Any) -> None:
    strings = editable_content / "fr" / "strings.yaml"
    strings.write_text(strings.read_text(encoding="utf-8").replace("  search_button: Rechercher\n", ""), "utf-8")
    html = client.get("/fr/signatories").text
    assert ">Search</button>" in html


def test_every_page_and_language_is_known_to_the_check() -> None:
    assert set(PAGES) >= {"home", "code-of-conduct", "flowchart", "tips", "help", "signatories", "join"}
    assert LANGUAGES == ("nl", "fr", "en", "de")
