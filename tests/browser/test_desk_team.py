"""The desk as a team in a real browser, at a desktop's width (1366 px) and a phone's (390 px): two people on
one comment (the warning, taking over), a lead's assignment and "only the comments I am on", a saved and a
remembered filter, the outbox with retry, and a Facebook report shown as a to-do done by hand.

Screenshots of each scenario at each width go to test-artifacts/.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from hierniet.services import decisions
from hierniet.services.auth import Actor, Role
from hierniet.store import repo
from hierniet.store.tables import AuditEntry, QueuedAction, User, utcnow

from .conftest import LiveServer, open_filters

VIEWPORTS = {"desktop": (1366, 900), "phone": (390, 844)}


@pytest.fixture(params=list(VIEWPORTS))
def width(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def tabs(browser: Any, width: str) -> Iterator[Any]:
    """Open a tab per person (each its own cookies) at the scenario's width."""
    contexts: list[Any] = []

    def open_tab() -> Any:
        w, h = VIEWPORTS[width]
        context = browser.new_context(locale="en-US", viewport={"width": w, "height": h})
        context.set_default_timeout(10_000)
        contexts.append(context)
        tab = context.new_page()
        tab.set_viewport_size({"width": w, "height": h})
        return tab

    yield open_tab
    for context in contexts:
        context.close()


def _sign_in(page: Any, server: LiveServer, role: str) -> None:
    page.goto(server.at("/desk/login"))
    page.get_by_label("Name").fill(server.users[role])
    page.get_by_label("Password").fill(server.password)
    page.get_by_label("Password").press("Enter")
    page.wait_for_url(server.at("/desk/"))


def _audit(server: LiveServer, action: str) -> list[AuditEntry]:
    with server.store.session() as s:
        return list(s.scalars(select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id)))


def _fits(page: Any) -> None:
    """Nothing wider than the window (no sideways scrolling on a phone)."""
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"the page is {overflow} px wider than the window"


def test_two_people_on_one_comment(tabs: Any, live_server: LiveServer, artifacts: Path, width: str) -> None:
    server = live_server
    cid = server.comments["ins1"]
    moderator, lead = tabs(), tabs()
    _sign_in(moderator, server, "moderator")
    moderator.goto(server.at(f"/desk/comments/{cid}"))
    assert "You are on it" in moderator.locator("#claim-note").inner_text()

    _sign_in(lead, server, "lead")
    lead.goto(server.at("/desk/?status=any"))
    tag = lead.locator(f'tr[data-row="{cid}"] .tag-claim')
    assert tag.inner_text().strip() == "moderator1 is on it, 1 min"
    lead.screenshot(path=str(artifacts / f"team-queue-claimed-{width}.png"), full_page=True)
    lead.goto(server.at(f"/desk/comments/{cid}"))
    note = lead.locator("#claim-note")
    assert "moderator1 is on it" in note.inner_text()
    # A warning, not a lock: the decision buttons are there and work.
    assert lead.locator("#decide-form button[value=refer]").is_enabled()
    lead.screenshot(path=str(artifacts / f"team-comment-warning-{width}.png"), full_page=True)
    with lead.expect_navigation():
        note.get_by_role("button", name="Take it over").click()
    lead.locator("#status", has_text="You are on comment").wait_for()
    assert "You are on it" in lead.locator("#claim-note").inner_text()
    moderator.reload()
    assert "lead1 is on it" in moderator.locator("#claim-note").inner_text()
    (entry,) = _audit(server, "comment.taken_over")
    assert entry.actor == "lead1" and entry.detail["from"] == "moderator1"

    # Deciding releases it: the moderator's queue no longer says anyone is on it.
    with lead.expect_navigation():
        lead.locator("#reason").fill("test")
        lead.locator("#decide-form button[value=refer]").click()
    moderator.goto(server.at("/desk/?status=any"))
    assert moderator.locator(f'tr[data-row="{cid}"] .tag-claim').count() == 0


def test_assignment_and_my_filters(tabs: Any, live_server: LiveServer, artifacts: Path, width: str) -> None:
    server = live_server
    cid = server.comments["thr1"]
    lead, moderator = tabs(), tabs()
    _sign_in(lead, server, "lead")
    lead.goto(server.at(f"/desk/comments/{cid}"))
    lead.get_by_label("Assign to").select_option(label="moderator1 (moderator)")
    with lead.expect_navigation():
        lead.get_by_role("button", name="Assign", exact=True).click()
    lead.locator("#status", has_text="is assigned to moderator1").wait_for()
    assert "Assigned to moderator1" in lead.locator("#claim-note").inner_text()
    assert _audit(server, "comment.assigned")[0].detail["to"] == "moderator1"

    _sign_in(moderator, server, "moderator")
    open_filters(moderator)
    moderator.get_by_label("Only the comments I am on").check()
    moderator.get_by_label("Status").select_option(value="any")
    with moderator.expect_navigation():
        moderator.get_by_role("button", name="Apply the filters").click()
    rows = moderator.locator("tr[data-row]")
    assert rows.count() == 1 and rows.first.get_attribute("data-row") == str(cid)
    assert "assigned to you" in rows.first.inner_text()

    moderator.get_by_label("Save these filters as").fill("Mijn werk")
    with moderator.expect_navigation():
        moderator.get_by_role("button", name="Save", exact=True).click()
    moderator.locator("#status", has_text="Filter 'Mijn werk' saved.").wait_for()
    saved = moderator.locator(".saved-filters").get_by_role("link", name="Mijn werk")
    assert saved.get_attribute("aria-current") == "true"
    moderator.screenshot(path=str(artifacts / f"team-my-filters-{width}.png"), full_page=True)

    # The queue remembers the filter: the bare address (the menu's "Queue") brings it back.
    moderator.goto(server.at("/desk/settings"))
    moderator.get_by_role("link", name="Queue", exact=True).click()
    moderator.wait_for_url("**/desk/?*")
    assert "assigned=me" in moderator.url and moderator.locator("tr[data-row]").count() == 1
    open_filters(moderator)
    with moderator.expect_navigation():
        moderator.get_by_role("link", name="Clear the filters").click()
    assert moderator.url == server.at("/desk/")
    assert moderator.locator("tr[data-row]").count() > 1
    assert moderator.locator(".saved-filters").get_by_role("link", name="Mijn werk").count() == 1


def test_outbox_retry_and_a_todo_done_by_hand(tabs: Any, live_server: LiveServer, artifacts: Path, width: str) -> None:
    server = live_server
    cid = server.comments["hate1"]
    with server.store.session() as s:
        user = s.scalars(select(User).where(User.name == server.users["lead"])).one()
        actor = Actor(user_id=user.id, name=user.name, role=Role(user.role), organisation_id=user.organisation_id)
    decisions.record_decision(server.store, actor, cid, decisions.DecisionIn(step="hide_report", reason="test"))
    with server.store.transaction() as tx:
        actions = {a.action: a for a in repo.actions_for_comment(tx, cid)}
        hide = tx.get(QueuedAction, actions["hide"].id)
        assert hide is not None and actions["report"].status == "manual"
        hide.status, hide.attempts = "failed", 8
        hide.outcome = "(#10) Permission denied: the page token lacks pages_manage_engagement"
        hide.updated_at = hide.finished_at = utcnow()
        report_id = actions["report"].id

    # The moderator sees the report as a to-do with a link to Facebook, not as "queued".
    moderator = tabs()
    _sign_in(moderator, server, "moderator")
    moderator.goto(server.at(f"/desk/comments/{cid}"))
    todo = moderator.locator(f'.platform-actions li[data-action="{report_id}"]')
    assert "report to the platform: to do by hand" in " ".join(todo.inner_text().split())
    link = todo.get_by_role("link", name="Open the comment on Facebook")
    assert (link.get_attribute("href") or "").startswith("https://www.facebook.com/")
    moderator.screenshot(path=str(artifacts / f"team-comment-todo-{width}.png"), full_page=True)
    assert moderator.get_by_role("link", name="Outbox").count() == 0

    lead = tabs()
    _sign_in(lead, server, "lead")
    lead.get_by_role("link", name="Outbox").click()
    lead.wait_for_url("**/desk/outbox")
    lead.get_by_label("State").select_option(value="failed")
    with lead.expect_navigation():
        lead.get_by_role("button", name="Filter").click()
    item = lead.locator(".outbox-item")
    assert item.count() == 1 and "Permission denied" in item.inner_text()
    _fits(lead)
    lead.screenshot(path=str(artifacts / f"team-outbox-failed-{width}.png"), full_page=True)
    with lead.expect_navigation():
        item.get_by_role("button", name="Retry").click()
    lead.locator("#status", has_text="is queued again").wait_for()
    assert lead.locator(".outbox-item").count() == 0
    assert len(_audit(server, "action.retried")) == 1

    lead.goto(server.at("/desk/outbox?status=manual"))
    todo_item = lead.locator(f'.outbox-item[data-action="{report_id}"]')
    with lead.expect_navigation():
        todo_item.get_by_role("button", name="Done by hand").click()
    lead.locator("#status", has_text="ticked done by hand").wait_for()
    lead.goto(server.at("/desk/outbox?status=done"))
    assert "Done by hand by lead1" in lead.locator(f'.outbox-item[data-action="{report_id}"]').inner_text()
    _fits(lead)
    lead.screenshot(path=str(artifacts / f"team-outbox-done-{width}.png"), full_page=True)
    (entry,) = _audit(server, "action.done_by_hand")
    assert entry.actor == "lead1" and entry.detail["action"] == "report"
