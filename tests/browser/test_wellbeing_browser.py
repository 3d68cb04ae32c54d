"""The wellbeing pages in a real browser (issue 13, part 4), at a laptop's width and a phone's: one's own days,
the team's days without names, a lead setting the severe rotation, and a moderator then finding the
rotation's comment shielded with its note. No serious axe-core violation, nothing wider than the screen.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from .conftest import VIEWPORTS, LiveServer, check_axe, check_no_overflow, sign_in


@pytest.mark.parametrize("width", list(VIEWPORTS))
def test_wellbeing_pages_and_the_rotation(page: Any, live_server: LiveServer, artifacts: Path, width: str) -> None:
    page.set_viewport_size(VIEWPORTS[width])
    sign_in(page, live_server, "lead")
    page.goto(live_server.at("/desk/me/wellbeing"))
    assert page.get_by_role("heading", name="My days at the desk").is_visible()
    assert page.locator("table.figures tbody tr").count() == 14
    check_axe(page)
    check_no_overflow(page)
    page.screenshot(path=str(artifacts / f"wellbeing-me-{width}.png"), full_page=True)

    page.goto(live_server.at("/desk/team/wellbeing"))
    assert page.locator("table.figures tbody tr").count() == 14
    check_axe(page)
    check_no_overflow(page)
    page.get_by_label("lead1 (lead)").check()
    with page.expect_navigation():
        page.get_by_role("button", name="Save the rotation").click()
    page.locator("#status", has_text="The severe rotation is saved.").wait_for()
    assert page.get_by_label("lead1 (lead)").is_checked()
    page.screenshot(path=str(artifacts / f"wellbeing-team-{width}.png"), full_page=True)

    page.context.clear_cookies()
    sign_in(page, live_server, "moderator")
    row = page.locator(f'tr[data-row="{live_server.comments["thr1"]}"]')
    assert "For the severe rotation" in row.inner_text()
    check_axe(page)
    check_no_overflow(page)
