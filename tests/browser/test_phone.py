"""The desk on a phone (issue 12): at 390 px nothing is wider than the screen, the queue is a list of cards,
and the compact density fits at least twice as many shielded rows on a screen as the comfortable one.

Each scenario runs at 1366x900 and at 390x844; screenshots go to test-artifacts/phone-*.png.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from hierniet.services.auth import CLI_ACTOR
from hierniet.services.ingest import ingest
from hierniet.store.tables import AuditEntry, User
from seed import SeedTriage
from store.dbfixtures import item

from .conftest import PHONE, VIEWPORTS, LiveServer, check_axe, check_no_overflow, sign_in

#: A threat (severe: shielded) as long as a real rant: several lines of preview in comfortable rows.
RANT = "threat: " + " ".join(["ik weet waar je woont en ik kom je daar halen, wacht maar af"] * 4)
#: What cut the page off at 390 px: a word longer than the screen (a pasted link), a long handle.
UNBROKEN = "threat: kijk https://voorbeeld.invalid/" + "x" * 240
HANDLE = "een-heel-lange-schermnaam-zonder-spaties-" + "y" * 60


@pytest.fixture
def crowded(live_server: LiveServer) -> LiveServer:
    """The live server with a screenful and more of shielded comments, and one that cannot wrap."""
    items = [
        item(f"rant{n}", RANT, channel_id=live_server.channel_id, author=f"r{n}", day=10 + n % 15) for n in range(20)
    ]
    items.append(item("long1", UNBROKEN, channel_id=live_server.channel_id, author=HANDLE, day=30))
    result = ingest(live_server.store, SeedTriage(), items, actor=CLI_ACTOR)
    live_server.comments.update({c.external_id: c.comment_id for c in result.created})
    return live_server


@pytest.fixture(params=list(VIEWPORTS))
def sized(request: pytest.FixtureRequest, browser: Any) -> Iterator[tuple[str, Any]]:
    """(width name, a page of a fresh context at that viewport)."""
    context = browser.new_context(locale="en-US", viewport=VIEWPORTS[request.param])
    context.set_default_timeout(10_000)
    yield request.param, context.new_page()
    context.close()


# The rows that fit on one screen from the first row down: how far a person sees without scrolling.
_ROWS_ON_A_SCREEN = """() => {
  const rows = Array.from(document.querySelectorAll('tr[data-row]'));
  if (!rows.length) return [0, 0];
  const top = rows[0].getBoundingClientRect().top;
  const fit = rows.filter(r => r.getBoundingClientRect().bottom - top <= window.innerHeight).length;
  const first = rows[0].getBoundingClientRect();
  return [fit, Math.round(first.height)];
}"""


def _rows_on_a_screen(page: Any) -> tuple[int, int]:
    fit, height = page.evaluate(_ROWS_ON_A_SCREEN)
    return int(fit), int(height)


def test_compact_rows_fit_twice_as_many_and_are_remembered(
    crowded: LiveServer, sized: tuple[str, Any], browser: Any, artifacts: Path
) -> None:
    server = crowded
    width, page = sized
    sign_in(page, server)
    assert page.locator("tr[data-row] .is-shielded").count() >= 20
    comfortable, comfortable_height = _rows_on_a_screen(page)
    page.screenshot(path=str(artifacts / f"phone-queue-comfortable-{width}.png"))
    switch = page.get_by_role("group", name="Rows:")
    assert switch.get_by_role("button", name="comfortable").get_attribute("aria-pressed") == "true"
    with page.expect_navigation():
        switch.get_by_role("button", name="compact").click()
    assert page.url == server.at("/desk/")
    assert page.get_by_role("button", name="compact").get_attribute("aria-pressed") == "true"
    compact, compact_height = _rows_on_a_screen(page)
    page.screenshot(path=str(artifacts / f"phone-queue-compact-{width}.png"))
    assert comfortable >= 1
    assert compact >= 2 * comfortable, (
        f"at {width} px {comfortable} comfortable rows ({comfortable_height} px each) and {compact} compact rows "
        f"({compact_height} px each) fit on a screen"
    )
    # Compact keeps what a moderator needs in a row: the link, the way to reveal, the labels.
    first = page.locator("tr[data-row]").first
    assert first.locator("[data-row-link]").is_visible()
    assert first.locator(".labels").is_visible()
    # The reveal button whole, not cut off by the comment's one line.
    cell = first.locator(".comment-cell").bounding_box()
    button = first.get_by_role("button", name="Reveal").bounding_box()
    assert cell is not None and button is not None
    assert button["width"] > 20 and cell["x"] <= button["x"]
    assert button["x"] + button["width"] <= cell["x"] + cell["width"]
    check_axe(page)
    if width == "390":
        check_no_overflow(page)

    # Kept for the person (not the browser): another device signing in gets compact rows too, and it is audited.
    with server.store.session() as s:
        prefs = s.scalar(select(User.preferences).where(User.name == server.users["moderator"]))
        audited = s.scalars(select(AuditEntry.detail).where(AuditEntry.action == "user.preferences")).all()
    assert prefs == {"shield": "blur", "density": "compact"}
    assert list(audited) == [{"shield": "blur", "density": "compact"}]
    other = browser.new_context(locale="en-US", viewport=VIEWPORTS[width])
    try:
        phone = other.new_page()
        sign_in(phone, server)
        assert phone.locator(".queue-layout.density-compact").count() == 1
    finally:
        other.close()

    # And back.
    with page.expect_navigation():
        page.get_by_role("button", name="comfortable").click()
    assert _rows_on_a_screen(page)[0] == comfortable


@pytest.mark.parametrize("density", ["comfortable", "compact"])
def test_nothing_is_cut_off_on_a_phone(crowded: LiveServer, browser: Any, artifacts: Path, density: str) -> None:
    """A link longer than the screen and a long handle, in the queue and on the comment's page, revealed."""
    server = crowded
    context = browser.new_context(locale="en-US", viewport=PHONE)
    context.set_default_timeout(10_000)
    page = context.new_page()
    try:
        sign_in(page, server)
        if density == "compact":
            with page.expect_navigation():
                page.get_by_role("button", name="compact").click()
        page.goto(server.at("/desk/?order=newest"))
        assert page.locator("tr[data-row]").first.get_attribute("data-row") == str(server.comments["long1"])
        check_no_overflow(page)
        # The queue is a list of cards: every cell of a row within the screen, under its column's name.
        row = page.locator("tr[data-row]").first
        box = row.bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
        status = row.locator("td").nth(5)
        assert status.get_attribute("data-label") == "Status"
        page.screenshot(path=str(artifacts / f"phone-queue-long-{density}-390.png"), full_page=True)

        page.goto(server.at(f"/desk/comments/{server.comments['long1']}"))
        page.get_by_role("button", name="Reveal").click()
        page.locator(".comment-text:not([aria-hidden])").first.wait_for()
        check_no_overflow(page)
        check_axe(page)
        page.screenshot(path=str(artifacts / f"phone-comment-long-{density}-390.png"), full_page=True)
    finally:
        context.close()


def test_the_filters_fold_on_a_phone(live_server: LiveServer, sized: tuple[str, Any], artifacts: Path) -> None:
    """On a phone the comments come first: the filters fold behind their heading, which says how many are set."""
    width, page = sized
    sign_in(page, live_server)
    toggle = page.get_by_role("button", name=re.compile("^Filters"))
    status = page.get_by_label("Status", exact=True)
    if width == "1366":
        assert toggle.get_attribute("aria-expanded") == "true" and status.is_visible()
        return
    assert toggle.get_attribute("aria-expanded") == "false" and not status.is_visible()
    table_top = page.locator("#queue-table").bounding_box()
    assert table_top is not None and table_top["y"] < PHONE["height"], "the first comments are not on the first screen"
    toggle.click()
    assert toggle.get_attribute("aria-expanded") == "true" and status.is_visible()
    page.get_by_label("Label", exact=True).select_option("insult")
    with page.expect_navigation():
        page.get_by_role("button", name="Apply the filters").click()
    toggle = page.get_by_role("button", name="Filters (1)")
    assert toggle.get_attribute("aria-expanded") == "false"
    page.keyboard.press("/")  # the shortcut to the filters opens them
    assert toggle.get_attribute("aria-expanded") == "true"
    assert page.evaluate("document.activeElement.id") == "f-q"  # the search box, the filters' first field
    check_axe(page)
    check_no_overflow(page)
    page.screenshot(path=str(artifacts / "phone-filters-open-390.png"), full_page=True)
    # A refused filter keeps the filters open, next to its message.
    page.goto(live_server.at("/desk/?author=someone"))
    assert page.get_by_role("button", name="Filters (1)").get_attribute("aria-expanded") == "true"
    assert page.get_by_label("Author (number)").is_visible()
