"""Alert addresses in a real browser (issue 13, part 5), at a laptop's width and a phone's: a lead sets and
clears their own on the settings page, and an admin sets a lead's on the People page. No serious axe-core
violation, nothing wider than the screen; screenshots go to test-artifacts/."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from hierniet.store.tables import User

from .conftest import VIEWPORTS, LiveServer, check_axe, check_no_overflow, sign_in


def _email(server: LiveServer, role: str) -> str | None:
    with server.store.session() as s:
        return s.scalar(select(User.email).where(User.name == server.users[role]))


@pytest.mark.parametrize("width", list(VIEWPORTS))
def test_a_lead_sets_their_own_address(page: Any, live_server: LiveServer, artifacts: Path, width: str) -> None:
    page.set_viewport_size(VIEWPORTS[width])
    sign_in(page, live_server, "lead")
    page.get_by_role("link", name="Settings").first.click()
    page.wait_for_url(live_server.at("/desk/settings"))
    form = page.locator("form[aria-labelledby='email-title']")
    form.get_by_label("Your e-mail address").fill("lea@")
    # The browser's own check (type="email") stops this one; the desk's is tested without a browser.
    form.get_by_role("button", name="Save the address").click()
    assert page.url == live_server.at("/desk/settings") and _email(live_server, "lead") is None
    form.get_by_label("Your e-mail address").fill("lea@example.org")
    with page.expect_navigation():
        form.get_by_role("button", name="Save the address").click()
    page.locator("#status", has_text="Alerts reach you at lea@example.org").wait_for()
    assert page.get_by_label("Your e-mail address").input_value() == "lea@example.org"
    assert _email(live_server, "lead") == "lea@example.org"
    check_axe(page)
    check_no_overflow(page)
    page.screenshot(path=str(artifacts / f"settings-own-email-{width}.png"), full_page=True)
    page.get_by_label("Your e-mail address").fill("")
    with page.expect_navigation():
        page.locator("form[aria-labelledby='email-title']").get_by_role("button", name="Save the address").click()
    page.locator("#status", has_text="You have no e-mail address now").wait_for()
    assert _email(live_server, "lead") is None


@pytest.mark.parametrize("width", list(VIEWPORTS))
def test_an_admin_sets_a_leads_address_on_the_people_page(
    page: Any, live_server: LiveServer, artifacts: Path, width: str
) -> None:
    page.set_viewport_size(VIEWPORTS[width])
    sign_in(page, live_server, "admin")
    page.goto(live_server.at("/desk/people"))
    lead = live_server.users["lead"]
    row = page.locator("tr", has=page.locator("th", has_text=lead))
    row.locator("summary", has_text="E-mail for alerts").click()
    row.get_by_label("E-mail address (alerts reach a lead there").fill("lea@example.org")
    with page.expect_navigation():
        row.get_by_role("button", name="Save the address").click()
    page.locator("#status", has_text="Alerts reach").wait_for()
    assert _email(live_server, "lead") == "lea@example.org"
    row = page.locator("tr", has=page.locator("th", has_text=lead))
    assert "lea@example.org" in row.inner_text()
    check_axe(page)
    check_no_overflow(page)
    page.screenshot(path=str(artifacts / f"people-email-{width}.png"), full_page=True)
