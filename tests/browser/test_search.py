"""Search and the author page in a real browser (issue 12), at 1366 and 390 px: the queue's search box with
the filters, shielded results, the authors a search names, and the author page reached from a comment.

Screenshots per scenario and width go to test-artifacts/.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from seed import SLUR

from .conftest import VIEWPORTS, LiveServer, open_filters, sign_in


def _row_ids(page: Any) -> list[int]:
    return [int(x) for x in page.locator("tr[data-row]").evaluate_all("rows => rows.map(r => r.dataset.row)")]


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_search_from_the_queue(page: Any, live_server: LiveServer, artifacts: Path, viewport: str) -> None:
    server = live_server
    width = VIEWPORTS[viewport]["width"]
    page.set_viewport_size(VIEWPORTS[viewport])
    sign_in(page, server)
    box = page.get_by_label("Search the comments and their authors")
    # The box fits the screen, whatever the width (the phone included).
    found = box.bounding_box()
    assert found is not None and found["x"] >= 0 and found["x"] + found["width"] <= width
    # "/" (the keyboard shortcut to the filters) lands in the search box, as on most sites.
    page.keyboard.press("/")
    assert page.evaluate("document.activeElement.id") == "f-q"
    page.keyboard.type("IDIOOT")
    box.press("Enter")
    page.wait_for_url("**/desk/?q=IDIOOT*")
    assert _row_ids(page) == [server.comments["ins1"]]
    assert page.get_by_label("Search the comments and their authors").input_value() == "IDIOOT"
    page.screenshot(path=str(artifacts / f"search-queue-{viewport}.png"), full_page=True)

    # Combined with a filter: every status, then the words of a hate comment. The result stays shielded and
    # the slur masked, as in the queue.
    open_filters(page)  # on a phone the other filters fold away; the search box stays in view
    page.get_by_label("Status").select_option("any")
    box = page.get_by_label("Search the comments and their authors")
    box.fill("moeten weg")
    box.press("Enter")
    page.wait_for_url("**/desk/?q=moeten+weg&status=any*")
    assert _row_ids(page) == [server.comments["hate1"]]
    assert page.locator("tr[data-row] .is-shielded").count() == 1
    assert SLUR not in page.locator("#queue-table").inner_text()
    page.screenshot(path=str(artifacts / f"search-shielded-{viewport}.png"), full_page=True)

    # A search that cannot run says why at the top of the results, and the box keeps what was typed.
    box = page.get_by_label("Search the comments and their authors")
    box.fill("?!")
    box.press("Enter")
    page.locator("#alerts", has_text="The search cannot be run").wait_for()


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_the_author_page_from_a_comment_and_a_search(
    page: Any, live_server: LiveServer, artifacts: Path, viewport: str
) -> None:
    server = live_server
    page.set_viewport_size(VIEWPORTS[viewport])
    sign_in(page, server)
    page.goto(server.at(f"/desk/comments/{server.comments['thr1']}"))
    page.get_by_role("link", name="a5", exact=True).click()
    page.wait_for_url("**/desk/authors/*")
    assert page.get_by_role("heading", name="Every comment of this author, newest first").is_visible()
    assert _row_ids(page) == [server.comments["thr1"]]
    assert page.locator("tr[data-row] .is-shielded").count() == 1  # a threat: shielded here too
    page.screenshot(path=str(artifacts / f"search-author-{viewport}.png"), full_page=True)
    author_url = page.url

    # The same author named by a search for their handle, linked to the same page.
    page.goto(server.at("/desk/?q=a5&status=any"))
    page.get_by_role("region", name="Authors matching the search").get_by_role("link", name="a5").click()
    page.wait_for_url(author_url)
