"""The moderation desk in a real browser: sign in, triage by keyboard, reveal, decide, bulk, languages, roles.

Screenshots of the queue and of a comment page go to test-artifacts/.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from sqlalchemy import select

from hierniet.store.tables import AuditEntry, Decision

from .conftest import LiveServer


def _sign_in(page: Any, server: LiveServer, role: str = "moderator") -> None:
    page.goto(server.at("/desk/"))
    assert page.url.startswith(server.at("/desk/login"))
    page.get_by_label("Name").fill(server.users[role])
    page.get_by_label("Password").fill(server.password)
    page.get_by_label("Password").press("Enter")
    page.wait_for_url(server.at("/desk/"))


def _decisions(server: LiveServer, key: str) -> list[Decision]:
    with server.store.session() as s:
        return list(
            s.scalars(select(Decision).where(Decision.comment_id == server.comments[key]).order_by(Decision.id))
        )


def _audit(server: LiveServer, action: str) -> list[AuditEntry]:
    with server.store.session() as s:
        return list(s.scalars(select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id)))


def _status_says(page: Any, words: str) -> None:
    """Wait until the polite live region says `words` (the page puts its messages there again after loading,
    so screen readers read them)."""
    page.locator("#status", has_text=words).wait_for()


def _counter(page: Any) -> str:
    return str(page.locator("#reveal-count").inner_text()).strip()


def _counter_reaches(page: Any, value: str) -> None:
    # Polled from here: the desk's Content-Security-Policy (rightly) refuses the eval of wait_for_function.
    for _ in range(100):
        if _counter(page) == value:
            return
        page.wait_for_timeout(50)
    raise AssertionError(f"the reveal counter shows {_counter(page)}, not {value}")


def test_sign_in_and_triage_by_keyboard(page: Any, live_server: LiveServer, artifacts: Path) -> None:
    server = live_server
    _sign_in(page, server)
    rows = page.locator("tr[data-row]")
    assert rows.count() == 3  # threat (escalated), then the two insults
    page.screenshot(path=str(artifacts / "desk-queue.png"), full_page=True)

    page.keyboard.press("j")  # the threat
    page.keyboard.press("j")  # the first insult
    assert page.evaluate("document.activeElement.textContent").startswith(f"#{server.comments['ins1']}")
    page.keyboard.press("Enter")
    page.wait_for_url(server.at(f"/desk/comments/{server.comments['ins1']}"))
    page.screenshot(path=str(artifacts / "desk-comment.png"), full_page=True)

    page.keyboard.press("?")
    assert page.locator("#help").is_visible()
    assert page.locator("#help").get_by_text("Accept the recommendation").is_visible()
    page.keyboard.press("Escape")
    assert not page.locator("#help").is_visible()

    # Typing in the reply does not fire shortcuts ("a" would accept).
    page.keyboard.press("t")
    reply = page.locator("#reply")
    assert page.evaluate("document.activeElement.id") == "reply"
    reply.press("Control+End")
    page.keyboard.type(" Bedankt, a.")
    assert page.url == server.at(f"/desk/comments/{server.comments['ins1']}")
    assert _decisions(server, "ins1") == []
    page.keyboard.press("Escape")  # leave the text field: shortcuts work again
    with page.expect_navigation():
        page.keyboard.press("a")
    assert page.url != server.at(f"/desk/comments/{server.comments['ins1']}")
    _status_says(page, "Decision recorded on comment")

    (decision,) = _decisions(server, "ins1")
    assert (decision.kind, decision.step) == ("edit", "refer")
    assert decision.reply.endswith("Bedankt, a.")
    (entry,) = _audit(server, "decision.edit")
    assert (entry.actor, entry.subject_id) == ("moderator1", str(server.comments["ins1"]))


def test_reveal_a_blurred_comment(page: Any, live_server: LiveServer) -> None:
    server = live_server
    _sign_in(page, server)
    page.goto(server.at(f"/desk/comments/{server.comments['hate1']}"))
    text = page.locator(f"#text-{server.comments['hate1']} .comment-text")
    assert "blur" in text.evaluate("el => getComputedStyle(el).filter")
    assert page.locator("mark").count() == 1
    assert _counter(page) == "0"
    page.get_by_role("button", name=re.compile("Reveal")).click()
    _counter_reaches(page, "1")
    assert text.evaluate("el => getComputedStyle(el).filter") == "none"
    assert page.locator("mark").get_attribute("title") == "hate · word list (nl/slur:xslurx (nl/slur.tsv:1))"
    _status_says(page, "Severe items revealed today: 1")

    # The threat, by keyboard.
    page.goto(server.at(f"/desk/comments/{server.comments['thr1']}"))
    page.keyboard.press("v")
    _counter_reaches(page, "2")
    page.goto(server.at("/desk/?status=any"))
    assert _counter(page) == "2"
    assert [(e.subject_id, e.detail["how"]) for e in _audit(server, "comment.revealed")] == [
        (str(server.comments["hate1"]), "click"),
        (str(server.comments["thr1"]), "key"),
    ]


def test_a_slur_is_masked_in_the_queue(page: Any, live_server: LiveServer) -> None:
    _sign_in(page, live_server)
    page.goto(live_server.at("/desk/?status=any&label=hate"))
    assert "xslurx" not in page.content()
    assert page.locator(".masked").first.inner_text() == "x•••••"


def test_bulk_decision(page: Any, live_server: LiveServer) -> None:
    server = live_server
    _sign_in(page, server)
    page.goto(server.at("/desk/?label=insult"))
    page.get_by_label("Select every comment on this page").check()
    page.get_by_label("With the selected comments").select_option("accept")
    with page.expect_navigation():
        page.get_by_role("button", name="Apply to the selected comments").click()
    _status_says(page, "recorded on 2 comments")
    assert page.locator("tr[data-row]").count() == 0
    for key in ("ins1", "ins2"):
        (decision,) = _decisions(server, key)
        assert (decision.kind, decision.step) == ("accept", "refer")


def test_language_switch(page: Any, live_server: LiveServer) -> None:
    _sign_in(page, live_server)
    assert page.locator("h1").inner_text().startswith("Queue")
    page.get_by_label("Language", exact=True).select_option("fr")
    with page.expect_navigation():
        page.get_by_role("button", name="Switch").click()
    assert page.locator("h1").inner_text().startswith("File d'attente")
    assert page.locator("html").get_attribute("lang") == "fr"
    page.get_by_label("Langue", exact=True).select_option("nl")
    with page.expect_navigation():
        page.get_by_role("button", name="Changer").click()
    assert page.locator("h1").inner_text().startswith("Wachtrij")


def test_a_moderator_cannot_do_a_leads_action(page: Any, live_server: LiveServer) -> None:
    server = live_server
    _sign_in(page, server)
    page.goto(server.at(f"/desk/comments/{server.comments['ins2']}"))
    page.get_by_label(re.compile("^Reason")).fill("keeps trolling")
    page.keyboard.press("Escape")
    with page.expect_navigation():
        page.keyboard.press("b")
    alert = page.get_by_role("alert").filter(has_text="This needs the role lead or higher")
    assert alert.is_visible()
    assert page.locator("#reason").input_value() == "keeps trolling"
    assert _decisions(server, "ins2") == []
    page.goto(server.at("/desk/team"))
    assert "Not allowed" in page.locator("h1").inner_text()
    assert page.get_by_role("link", name="Team").count() == 0
