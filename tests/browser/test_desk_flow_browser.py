"""Issue 12's desk flow in Chromium, at 1366 px and at 390 px (a phone): only the decisions a person may take,
a refused decision back on the comment's address with the error at the top and focused, undo, an unknown
queue filter said at the top, the join form sent twice, the channels page, the favicon and HEAD.

A screenshot per scenario and width goes to test-artifacts/.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from hierniet.services.auth import CLI_ACTOR
from hierniet.services.ingest import ingest
from hierniet.store.tables import Decision, Signatory
from seed import SeedTriage
from store.dbfixtures import item

from .conftest import LiveServer

WIDTHS = {"wide": (1366, 900), "phone": (390, 844)}


@pytest.fixture(params=sorted(WIDTHS))
def width(request: pytest.FixtureRequest, page: Any) -> str:
    w, h = WIDTHS[request.param]
    page.set_viewport_size({"width": w, "height": h})
    return str(request.param)


def _sign_in(page: Any, server: LiveServer, role: str = "moderator") -> None:
    page.goto(server.at("/desk/login"))
    page.get_by_label("Name").fill(server.users[role])
    page.get_by_label("Password").fill(server.password)
    page.get_by_label("Password").press("Enter")
    page.wait_for_url(server.at("/desk/"))


def _troll(server: LiveServer) -> int:
    """Three insults by one author: the third is recommended 'block', a lead's step."""
    result = ingest(
        server.store,
        SeedTriage(),
        [
            item(f"troll{n}", f"insult: sukkel nummer {n}", channel_id=server.channel_id, author="troll", day=n)
            for n in (1, 2, 3)
        ],
        actor=CLI_ACTOR,
    )
    return max(result.created, key=lambda c: c.external_id).comment_id


def _in_view_and_focused(page: Any, selector: str) -> None:
    box = page.locator(selector).bounding_box()
    viewport = page.viewport_size
    assert box is not None and box["y"] >= 0 and box["y"] + min(box["height"], 40) <= viewport["height"], box
    assert page.evaluate("document.activeElement && document.activeElement.id") == selector.lstrip("#")


def test_a_moderator_is_offered_only_their_steps_and_sees_a_refusal_at_the_top(
    page: Any, live_server: LiveServer, artifacts: Path, width: str
) -> None:
    server = live_server
    comment = _troll(server)
    _sign_in(page, server)
    page.goto(server.at(f"/desk/comments/{comment}"))
    buttons = page.locator("#decide-form button[name=action]")
    values = [buttons.nth(i).get_attribute("value") for i in range(buttons.count())]
    assert "accept" not in values and "block" not in values and "escalate" in values
    assert page.get_by_text("Only a lead may take the recommended step.").is_visible()
    # Another step without the reason it needs: refused, back on the comment's own address.
    page.locator("#reply").fill("Mijn eigen antwoord")
    page.locator("#decide-form button[value=hide]").click()
    page.wait_for_url(server.at(f"/desk/comments/{comment}"))
    alert = page.locator("#alerts")
    assert "give a reason" in alert.inner_text()
    _in_view_and_focused(page, "#alerts")
    assert page.locator("#reply").input_value() == "Mijn eigen antwoord"
    page.screenshot(path=str(artifacts / f"flow-refused-{width}.png"), full_page=False)
    # A reload shows the page (it answered 405 on /decide), the spent error gone.
    response = page.reload()
    assert response is not None and response.status == 200
    assert page.locator("#alerts").inner_text().strip() == ""
    with server.store.session() as s:
        assert s.scalar(select(func.count(Decision.id)).where(Decision.comment_id == comment)) == 0


def _help_keys(page: Any) -> dict[str, str]:
    """The keyboard help dialog's rows: key -> what it does, as the dialog lists them."""
    rows = page.locator("#help tr")
    out: dict[str, str] = {}
    for i in range(rows.count()):
        cells = rows.nth(i).locator("td")
        if cells.count() == 2:
            out[cells.nth(0).inner_text().strip()] = cells.nth(1).inner_text().strip()
    return out


def test_the_keyboard_help_lists_only_the_keys_of_offered_buttons(
    page: Any, live_server: LiveServer, artifacts: Path
) -> None:
    server = live_server
    page.set_viewport_size({"width": 1366, "height": 900})
    comment = _troll(server)
    _sign_in(page, server)
    page.goto(server.at(f"/desk/comments/{comment}"))
    page.keyboard.press("?")
    page.locator("#help").wait_for()
    keys = _help_keys(page)
    page.screenshot(path=str(artifacts / "flow-help-moderator-1366.png"), full_page=False)
    # The recommended step is a block, a lead's: its buttons are not offered, so neither are their keys.
    assert "a" not in keys and "b" not in keys, keys
    assert "Accept the recommendation" not in keys.values() and "Block the author" not in keys.values()
    # Every decision key the help lists is a button on the page, and the other way round.
    buttons = page.locator("#decide-form button[data-key]")
    offered = {buttons.nth(i).get_attribute("data-key") for i in range(buttons.count())}
    decision_keys = {k for k in keys if k not in ("v", "t", "u", "Esc", "?")}
    assert decision_keys == offered and "e" in offered
    # Pressing a key that is not listed does nothing: no decision is recorded.
    page.keyboard.press("Escape")
    page.keyboard.press("b")
    page.wait_for_timeout(300)
    with server.store.session() as s:
        assert s.scalar(select(func.count(Decision.id)).where(Decision.comment_id == comment)) == 0
    # A lead is offered the block: the same comment's help lists its keys.
    page.context.clear_cookies()
    _sign_in(page, server, "lead")
    page.goto(server.at(f"/desk/comments/{comment}"))
    page.keyboard.press("?")
    page.locator("#help").wait_for()
    lead_keys = _help_keys(page)
    assert lead_keys.get("a") == "Accept the recommendation" and lead_keys.get("b") == "Block the author"


def test_undo_a_decision(page: Any, live_server: LiveServer, artifacts: Path, width: str) -> None:
    server = live_server
    comment = server.comments["ins1"]
    _sign_in(page, server)
    page.goto(server.at(f"/desk/comments/{comment}"))
    page.locator("#reason").fill("te grof")
    page.locator("#decide-form button[value=hide]").click()
    page.wait_for_url(lambda url: not url.endswith(f"/desk/comments/{comment}"))
    page.goto(server.at(f"/desk/comments/{comment}"))
    undo = page.get_by_role("button", name="Undo this decision")
    undo.scroll_into_view_if_needed()
    assert undo.is_visible()
    undo.click()
    page.wait_for_url(server.at(f"/desk/comments/{comment}"))
    page.locator("#status", has_text="Decision undone").wait_for()
    assert page.locator(".status-tag").inner_text().strip() == "open"
    assert page.get_by_role("button", name="Undo this decision").count() == 0
    page.screenshot(path=str(artifacts / f"flow-undone-{width}.png"), full_page=False)
    with server.store.session() as s:
        kinds = s.scalars(select(Decision.kind).where(Decision.comment_id == comment).order_by(Decision.id)).all()
    assert kinds == ["override", "undo"]


def test_an_unknown_queue_filter_is_said_at_the_top(
    page: Any, live_server: LiveServer, artifacts: Path, width: str
) -> None:
    server = live_server
    _sign_in(page, server)
    page.goto(server.at("/desk/?status=automatic"))
    assert "Status 'automatic' is not one of the choices" in page.locator("#alerts").inner_text()
    _in_view_and_focused(page, "#alerts")
    assert page.locator("tr[data-row]").count() == 3  # the waiting comments, said so
    page.screenshot(path=str(artifacts / f"flow-unknown-filter-{width}.png"), full_page=False)


def test_join_twice_channels_favicon_and_head(page: Any, live_server: LiveServer, artifacts: Path, width: str) -> None:
    server = live_server
    for _ in range(2):
        page.goto(server.at("/en/join"))
        page.locator("input#name").fill("Stad Voorbeeld")
        page.locator("select[name=type]").select_option("city")
        page.locator("input[name=website]").fill("www.voorbeeld.be")
        page.locator("input[name=email]").fill("info@voorbeeld.be")
        page.locator("form.join button[type=submit]").click()
        page.wait_for_url(lambda url: "sent=" in url)
    assert page.url.endswith("sent=again")
    assert page.get_by_text("We already have this request").is_visible()
    page.screenshot(path=str(artifacts / f"flow-join-again-{width}.png"), full_page=False)
    with server.store.session() as s:
        assert s.scalar(select(func.count(Signatory.id))) == 1

    _sign_in(page, server, "admin")
    page.goto(server.at("/desk/channels"))
    table = page.locator("table.channels")
    assert table.locator("th").first.inner_text().strip() == "Organisation"
    assert table.locator("tbody td").first.inner_text().strip() == "Stad Gent"
    assert table.get_by_role("link", name="enter its secrets").count() == 1
    page.screenshot(path=str(artifacts / f"flow-channels-{width}.png"), full_page=True)

    icon = page.request.get(server.at("/favicon.ico"))
    assert icon.status == 200 and icon.headers["content-type"] == "image/x-icon"
    for path in ("/", "/en/", "/desk/", "/desk/channels", "/favicon.ico"):
        head = page.request.head(server.at(path), max_redirects=0)
        get = page.request.get(server.at(path), max_redirects=0)
        assert head.status == get.status and head.status != 405 and head.body() == b"", path
