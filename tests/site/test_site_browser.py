"""The site in a real browser (Debian's Chromium): accessibility (axe-core), phone width, print, requests.

axe-core comes bundled inside axe-playwright-python (axe.min.js, MPL-2.0): nothing is downloaded.
Screenshots go to test-artifacts/ at the repository root (ignored by git).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import site_fixtures

from hierniet.web.site.content import LANGUAGES, PAGES
from hierniet.web.site.routes import page_path

live_server = site_fixtures.live_server

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport=PHONE)
    p = context.new_page()
    yield p
    context.close()


def _axe(page: Any) -> list[dict[str, Any]]:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    return [v for v in results.response["violations"] if v["impact"] in ("serious", "critical")]


def _describe(violations: list[dict[str, Any]]) -> str:
    return "; ".join(f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']][:3]}" for v in violations)


@pytest.mark.parametrize(("lang", "name"), [(lang, p) for lang in LANGUAGES for p in PAGES])
def test_no_serious_accessibility_violations(page: Any, live_server: str, lang: str, name: str) -> None:
    page.goto(live_server + page_path(lang, name))
    violations = _axe(page)
    assert not violations, _describe(violations)


def test_join_form_with_errors_is_accessible(page: Any, live_server: str, artifacts: Path) -> None:
    page.goto(live_server + "/en/join")
    page.fill("#name", "Stad Voorbeeld")
    page.fill("#website", "not a web address")
    page.click("button[type=submit]")
    page.wait_for_selector(".error-summary")
    assert page.input_value("#name") == "Stad Voorbeeld"  # nothing typed is lost
    assert page.input_value("#website") == "not a web address"
    violations = _axe(page)
    assert not violations, _describe(violations)
    page.screenshot(path=str(artifacts / "site-join-errors-390.png"), full_page=True)


def test_join_then_thanks_in_the_browser(page: Any, live_server: str) -> None:
    page.goto(live_server + "/nl/join")
    page.fill("#name", "Browser vzw")
    page.select_option("#type", "ngo")
    page.fill("#website", "browser.example.be")
    page.fill("#email", "info@browser.example.be")
    page.click("button[type=submit]")
    page.wait_for_selector("#thanks")
    assert page.url.endswith("/nl/join?sent=1")


@pytest.mark.parametrize("name", ["home", "code-of-conduct", "flowchart", "signatories", "join"])
def test_readable_on_a_phone(page: Any, live_server: str, artifacts: Path, name: str) -> None:
    page.goto(live_server + page_path("nl", name))
    # Nothing but the flowchart's own scroll box may be wider than the screen.
    overflow = page.evaluate("document.documentElement.scrollWidth")
    assert overflow <= PHONE["width"], f"the page is {overflow}px wide on a {PHONE['width']}px phone"
    size = page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)")
    assert size >= 16
    page.screenshot(path=str(artifacts / f"site-{name}-390.png"), full_page=True)
    assert (artifacts / f"site-{name}-390.png").stat().st_size > 0


def test_code_of_conduct_anchor_scrolls_to_its_section(page: Any, live_server: str) -> None:
    page.goto(live_server + "/fr/code-of-conduct#threat")
    top = page.evaluate("document.getElementById('threat').getBoundingClientRect().top")
    assert -2 <= top < 50


def test_print_shows_the_text_without_menus(page: Any, live_server: str, artifacts: Path) -> None:
    page.goto(live_server + "/en/help")
    page.emulate_media(media="print")
    assert page.evaluate("getComputedStyle(document.querySelector('.main-nav')).display") == "none"
    assert page.evaluate("getComputedStyle(document.querySelector('.lang-switch')).display") == "none"
    after = page.evaluate("getComputedStyle(document.querySelector('main a[href^=\"http\"]'), '::after').content")
    assert "http" in after  # outside links are written out on paper
    page.pdf(path=str(artifacts / "site-help-print.pdf"))


def test_pages_request_nothing_from_elsewhere(page: Any, live_server: str) -> None:
    requested: list[str] = []
    page.on("request", lambda r: requested.append(r.url))
    for lang in LANGUAGES:
        for name in PAGES:
            page.goto(live_server + page_path(lang, name))
    outside = sorted({u for u in requested if not u.startswith(live_server)})
    assert not outside, outside
    assert any(u.endswith("/site-assets/site.css") for u in requested)
