"""The raid page in a browser (issue 14): the queue's banner leads a lead to the raid's page; its timeline is an
accessible SVG beside a table of the same figures; axe-core finds no serious or critical violation and nothing
overflows (laptop and phone); "Hide every abusive comment" hides the raid through the outbox in one click, and
the move can be undone. Screenshots: test-artifacts/raid-page-<width>.png.

The real detector reads comments written to be a brigade (tests/raids_seed.py).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

import raids_seed
from hierniet.services import raids
from hierniet.services.auth import CLI_ACTOR
from hierniet.services.ingest import ingest
from hierniet.store.tables import QueuedAction
from store.dbfixtures import FakeTriage

from .conftest import VIEWPORTS, LiveServer, check_axe, check_no_overflow, sign_in

START = datetime(2026, 11, 3, 20, 0, tzinfo=UTC)


def _raid(server: LiveServer) -> tuple[int, list[int]]:
    items = raids_seed.brigade(server.channel_id, "p1", START)
    ids = [c.comment_id for c in ingest(server.store, FakeTriage(), items, actor=CLI_ACTOR).created]
    (raid_id,) = raids.run_detection(server.store, START + timedelta(hours=1)).new
    return raid_id, ids


@pytest.mark.parametrize("width", list(VIEWPORTS))
def test_the_raid_page_in_a_browser(browser: Any, live_server: LiveServer, artifacts: Path, width: str) -> None:
    raid_id, ids = _raid(live_server)
    context = browser.new_context(locale="en-US", viewport=VIEWPORTS[width])
    context.set_default_timeout(15_000)
    page = context.new_page()
    try:
        sign_in(page, live_server, "lead")
        banner = page.locator(".notice-raid")
        assert "Raid under way on post p1" in banner.inner_text()
        with page.expect_navigation():
            banner.get_by_role("link", name="Open the raid's page").click()
        assert page.url.endswith(f"/desk/raids/{raid_id}")
        assert page.locator("h1").inner_text().startswith(f"Raid #{raid_id}")
        svg = page.locator("svg[role=img]")
        assert svg.count() == 1
        labelled = svg.get_attribute("aria-labelledby") or ""
        assert all(page.locator(f"[id='{i}']").count() == 1 for i in labelled.split())
        rows = page.locator("#timeline-caption").locator("xpath=..").locator("tbody tr")
        counted = sum(int(rows.nth(i).locator("td").first.inner_text()) for i in range(rows.count()))
        assert counted == raids_seed.BRIGADE_SIZE
        assert page.get_by_role("row", name="troll0").count() == 1
        check_axe(page)
        check_no_overflow(page)
        page.screenshot(path=str(artifacts / f"raid-page-{width}.png"), full_page=True)
        with page.expect_navigation():
            page.get_by_role("button", name="Hide every abusive comment").click()
        page.get_by_text(f"{raids_seed.BRIGADE_SIZE} comments hidden through the outbox.").wait_for()
        with live_server.store.session() as s:
            hidden = s.query(QueuedAction).filter(QueuedAction.comment_id.in_(ids), QueuedAction.action == "hide")
            assert hidden.count() == raids_seed.BRIGADE_SIZE
        with page.expect_navigation():
            page.get_by_role("button", name="Undo").click()
        page.get_by_text(f"Move undone: {raids_seed.BRIGADE_SIZE} taken back.").wait_for()
        assert "(undone)" in page.locator("main").inner_text()
    finally:
        context.close()
