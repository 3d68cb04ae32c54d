"""Evidence packs in a real browser (issue 13), at a laptop's width and a phone's: a lead opens a comment reported
to Unia, reveals it, copies the text for Unia's form with the button, downloads the pack (which verifies against
the audit log) and ticks the report's to-do; the page passes axe-core and fits the phone.

Screenshots go to test-artifacts/.
"""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Any

import pytest

from hierniet.services import decisions, evidence
from hierniet.services.auth import Actor, Role
from hierniet.services.decisions import DecisionIn
from hierniet.store import repo
from hierniet.store.tables import AuditEntry

from .conftest import VIEWPORTS, LiveServer, check_axe, check_no_overflow, sign_in


@pytest.mark.parametrize("width", list(VIEWPORTS))
def test_a_lead_copies_the_unia_text_downloads_the_pack_and_ticks_the_report(
    browser: Any, live_server: LiveServer, artifacts: Path, tmp_path: Path, width: str
) -> None:
    server = live_server
    with server.store.session() as s:
        lead_user = repo.user_by_name(s, server.users["lead"])
        assert lead_user is not None
    lead = Actor(lead_user.id, lead_user.name, Role.LEAD, server.organisation_id)
    cid = server.comments["hate1"]
    decisions.record_decision(server.store, lead, cid, DecisionIn(step="hide", reason="haat", reports=("unia",)))
    context = browser.new_context(
        locale="en-US",
        viewport=VIEWPORTS[width],
        accept_downloads=True,
        permissions=["clipboard-read", "clipboard-write"],
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    try:
        sign_in(page, server, "lead")
        page.goto(server.at(f"/desk/comments/{cid}"))
        panel = page.locator("section.evidence")
        assert "Reveal the comment to see the text to paste" in panel.inner_text()
        page.locator("[data-reveal-form] button").first.click()
        page.wait_for_load_state()
        page.goto(server.at(f"/desk/comments/{cid}"))
        box = page.get_by_label("Text for Unia's online report form")
        assert box.input_value().startswith("Report to Unia\n") and "moeten weg" in box.input_value()
        copy = page.get_by_role("button", name="Copy the text")
        assert copy.is_visible()  # shown by the page's script; hidden without JavaScript
        copy.click()
        page.get_by_text("The text is copied: paste it into the form.").wait_for()
        assert page.evaluate("navigator.clipboard.readText()") == box.input_value()
        check_axe(page)
        check_no_overflow(page)
        page.screenshot(path=str(artifacts / f"evidence-comment-{width}.png"), full_page=True)
        with page.expect_download() as info:
            panel.locator("[data-report=unia]").get_by_role("button", name="Make evidence pack").click()
        download = info.value
        assert download.suggested_filename == f"hierniet-evidence-comment-{cid}-unia.zip"
        saved = tmp_path / download.suggested_filename
        download.save_as(saved)
        with zipfile.ZipFile(saved) as z:
            assert z.read("unia.txt").decode() == box.input_value()
        result = evidence.verify_pack(server.store, lead, saved.read_bytes())
        assert result.ok and result.same_zip and result.packed_by == lead.name
        # The report to Unia is a to-do on the comment now: tick it once the form is sent.
        page.goto(server.at(f"/desk/comments/{cid}"))
        todo = page.locator(".platform-actions li", has_text="send the report to Unia")
        assert "To do outside the platform" in todo.inner_text()
        todo.get_by_role("button", name="Done by hand").click()
        page.wait_for_load_state()
        assert "done by hand by lead1" in page.locator(".platform-actions").inner_text()
        with server.store.session() as s:
            ticked = s.query(AuditEntry).filter(AuditEntry.action == "action.done_by_hand").all()
        assert [e.detail["action"] for e in ticked] == ["report_unia"]
        check_no_overflow(page)
    finally:
        context.close()
