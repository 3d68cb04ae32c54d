"""The desk's admin pages in a real browser (issue 12, item 8), on a desk (1366x900) and a phone (390x844):
an admin adds a person who signs in, switches them off (their open page sends them to sign in), a refused
form shows its error first and focused, and the admin of every organisation adds an organisation.

A screenshot per scenario and width goes to test-artifacts/.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from hierniet.store import repo, repo_desk
from hierniet.store.tables import Organisation, User

from .conftest import LiveServer

VIEWPORTS = {"desk": (1366, 900), "phone": (390, 844)}
NEW_PASSWORD = "a fresh desk password"


@pytest.fixture(params=list(VIEWPORTS))
def width(request: pytest.FixtureRequest, page: Any) -> str:
    w, h = VIEWPORTS[request.param]
    page.set_viewport_size({"width": w, "height": h})
    return str(request.param)


def _sign_in(page: Any, server: LiveServer, name: str, password: str) -> None:
    page.goto(server.at("/desk/login"))
    page.get_by_label("Name").fill(name)
    page.get_by_label("Password").fill(password)
    page.get_by_label("Password").press("Enter")
    page.wait_for_url(server.at("/desk/"))


def _fits(page: Any) -> None:
    """Nothing in the page's main part, nor the navigation (which the admin pages lengthen), is wider than the
    screen: no sideways scrolling to read a row or reach a link."""
    for selector in ("main", ".main-nav"):
        wide, screen = page.evaluate("s => [document.querySelector(s).scrollWidth, window.innerWidth]", selector)
        assert wide <= screen, f"{selector} is {wide} px wide on a {screen} px screen"


def _focused_id(page: Any) -> str:
    return str(page.evaluate("() => document.activeElement && document.activeElement.id"))


def test_an_admin_adds_a_person_then_switches_them_off(
    page: Any, browser: Any, live_server: LiveServer, artifacts: Path, width: str
) -> None:
    server = live_server
    _sign_in(page, server, server.users["admin"], server.password)
    page.get_by_role("link", name="People").click()
    page.wait_for_url(server.at("/desk/people"))
    _fits(page)

    form = page.locator("form[aria-labelledby='add-title']")
    form.get_by_label("Name (letters").fill("anne")
    form.get_by_label("Role").select_option("moderator")
    form.get_by_label("Password (at least").fill(NEW_PASSWORD)
    form.get_by_label("Password again").fill(NEW_PASSWORD)
    form.get_by_role("button", name="Add the person").click()
    page.wait_for_url(server.at("/desk/people"))
    page.locator("#status", has_text="anne is added").wait_for()
    row = page.locator("tr", has=page.locator("th", has_text="anne"))
    assert "switched on" in row.inner_text()
    page.screenshot(path=str(artifacts / f"admin-people-added-{width}.png"), full_page=True)

    # Anne signs in in her own browser.
    w, h = VIEWPORTS[width]
    other = browser.new_context(locale="en-US", viewport={"width": w, "height": h})
    anne = other.new_page()
    try:
        _sign_in(anne, server, "anne", NEW_PASSWORD)

        row.get_by_role("button", name="Switch off").click()
        page.wait_for_url(server.at("/desk/people"))
        page.locator("#status", has_text="anne is switched off").wait_for()
        row = page.locator("tr", has=page.locator("th", has_text="anne"))
        assert "switched off" in row.inner_text()
        assert row.get_by_role("button", name="Switch on").is_visible()
        _fits(page)
        page.screenshot(path=str(artifacts / f"admin-people-switched-off-{width}.png"), full_page=True)

        # Her next click ends on the sign-in page, and signing in again is refused.
        anne.reload()
        assert anne.url.startswith(server.at("/desk/login"))
        anne.get_by_label("Name").fill("anne")
        anne.get_by_label("Password").fill(NEW_PASSWORD)
        anne.get_by_label("Password").press("Enter")
        anne.get_by_text("The name or the password is not right.").wait_for()
    finally:
        other.close()
    with server.store.session() as s:
        user = s.scalars(select(User).where(User.name == "anne")).one()
        assert (user.role, user.organisation_id, user.active) == ("moderator", server.organisation_id, False)


def test_a_refused_form_shows_its_error_first_and_focused(
    page: Any, live_server: LiveServer, artifacts: Path, width: str
) -> None:
    server = live_server
    _sign_in(page, server, server.users["admin"], server.password)
    page.goto(server.at("/desk/people"))
    form = page.locator("form[aria-labelledby='add-title']")
    # The browser's own checks would stop a name with a space: this is what the server says to a forced one.
    form.get_by_label("Name (letters").evaluate("el => el.removeAttribute('pattern')")
    form.get_by_label("Name (letters").fill("anne de vries")
    form.get_by_label("Password (at least").fill(NEW_PASSWORD)
    form.get_by_label("Password again").fill(NEW_PASSWORD)
    form.get_by_role("button", name="Add the person").click()
    error = page.locator("#form-error")
    error.wait_for()
    assert "no spaces" in error.inner_text()
    assert _focused_id(page) == "form-error"
    # Above the table, at the top of the screen (not below the fold on a phone).
    box = error.bounding_box()
    assert box is not None and box["y"] < VIEWPORTS[width][1]
    assert page.locator("#name").input_value() == "anne de vries"
    assert page.locator("#password").input_value() == ""
    _fits(page)
    page.screenshot(path=str(artifacts / f"admin-people-refused-{width}.png"), full_page=True)


def test_the_admin_of_every_organisation_adds_an_organisation(
    page: Any, live_server: LiveServer, artifacts: Path, width: str
) -> None:
    server = live_server
    with server.store.transaction() as tx:
        root = repo.add_user(tx, name="root", role="admin", organisation_id=None)
        repo_desk.set_password_hash(tx, root.id, _hash_of(server))
    _sign_in(page, server, "root", server.password)
    page.get_by_role("link", name="Organisations").click()
    page.wait_for_url(server.at("/desk/organisations"))
    page.get_by_label("Short name: lower-case").fill("stad-brugge")
    page.get_by_label("Name, as replies sign it").fill("Stad Brugge")
    page.get_by_role("button", name="Add the organisation").click()
    page.locator("#status", has_text="Stad Brugge (stad-brugge) is added").wait_for()
    assert page.locator("tr", has_text="stad-brugge").is_visible()
    _fits(page)
    page.screenshot(path=str(artifacts / f"admin-organisations-{width}.png"), full_page=True)
    # The new organisation is offered at once for a new person.
    page.goto(server.at("/desk/people"))
    options = page.locator("#organisation_id option").all_inner_texts()
    assert "Stad Brugge (stad-brugge)" in options and "every organisation" in options
    _fits(page)
    page.screenshot(path=str(artifacts / f"admin-people-root-{width}.png"), full_page=True)
    with server.store.session() as s:
        assert "stad-brugge" in s.scalars(select(Organisation.slug)).all()


def _hash_of(server: LiveServer) -> str:
    """The seeded people's password hash (the same password for everyone in these tests)."""
    with server.store.session() as s:
        stored = s.scalars(select(User.password_hash).where(User.name == server.users["admin"])).one()
        assert stored is not None
        return stored
