"""The insight dashboard in a browser (issue 13): a lead picks a period, every plot is an accessible SVG beside a
table with the hand-counted figures, axe-core finds no serious or critical violation (laptop and phone), and
each plot is photographed; the transparency report's page too.

The live server's seed (tests/seed.py): ok1, ins1, ins2 (French), hate1 and thr1, one a day from 1 March
2026 at noon UTC; the lead accepts the recommendation on hate1 (hide and report to the platform and Unia).

Screenshots: test-artifacts/insight-<figure>.png, insight-page-<width>.png, insight-report.png.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from hierniet.services import decisions
from hierniet.services.auth import Actor, Role
from hierniet.services.decisions import DecisionIn
from hierniet.store import repo

from .conftest import VIEWPORTS, LiveServer, check_axe, check_no_overflow, sign_in

FIGURES = ("days", "channels", "platforms", "languages", "labels", "backlog", "steps", "criticism", "reports")


def _decide_hate(server: LiveServer) -> None:
    with server.store.session() as s:
        lead = repo.user_by_name(s, server.users["lead"])
        assert lead is not None
    actor = Actor(lead.id, lead.name, Role.LEAD, server.organisation_id)
    decisions.record_decision(server.store, actor, server.comments["hate1"], DecisionIn(step="hide_report"))


def _rows(page: Any, figure: str) -> dict[str, str]:
    rows = page.locator(f"#figure-{figure} tbody tr")
    out = {}
    for i in range(rows.count()):
        row = rows.nth(i)
        out[row.locator("th").inner_text().strip()] = row.locator("td").inner_text().strip()
    return out


@pytest.mark.parametrize("width", list(VIEWPORTS))
def test_dashboard_in_a_browser(browser: Any, live_server: LiveServer, artifacts: Path, width: str) -> None:
    _decide_hate(live_server)
    context = browser.new_context(locale="en-US", viewport=VIEWPORTS[width])
    context.set_default_timeout(15_000)
    page = context.new_page()
    try:
        sign_in(page, live_server, "lead")
        page.get_by_role("link", name="Insight").click()
        page.locator("#i-from").fill("01/03/2026")
        page.locator("#i-to").fill("05/03/2026")
        with page.expect_navigation():
            page.get_by_role("button", name="Show").click()
        assert page.locator("h1").inner_text().startswith("Insight")
        # Each figure: one SVG image named by its title, and a table of the same figures beside it.
        for figure in FIGURES:
            svg = page.locator(f"#figure-{figure} svg[role=img]")
            assert svg.count() == 1, figure
            labelled = svg.get_attribute("aria-labelledby") or ""
            assert all(page.locator(f"[id='{i}']").count() == 1 for i in labelled.split()), figure
            assert svg.bounding_box()["width"] > 100, figure  # type: ignore[index]
        assert _rows(page, "labels") == {"ok": "1", "insult": "2", "hate": "1", "threat": "1"}
        assert _rows(page, "languages") == {"Dutch": "4", "French": "1"}
        assert _rows(page, "steps")["by a person, as recommended"] == "1"
        assert _rows(page, "reports")["Unia"].startswith("1 ")
        assert [v.split(" ")[0] for v in _rows(page, "days").values()] == ["1"] * 5
        check_axe(page)
        check_no_overflow(page)
        page.screenshot(path=str(artifacts / f"insight-page-{width}.png"), full_page=True)
        if width == "1366":
            for figure in FIGURES:
                page.locator(f"#figure-{figure} svg").screenshot(path=str(artifacts / f"insight-{figure}.png"))
            page.get_by_role("link", name="Transparency report (page to print)").click()
            page.wait_for_load_state()
            assert page.locator("h1").inner_text() == "Transparency report"
            assert page.locator("svg[role=img]").count() == 4
            check_axe(page)
            page.screenshot(path=str(artifacts / "insight-report.png"), full_page=True)
    finally:
        context.close()
