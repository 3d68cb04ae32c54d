"""The desk's team pages (issue 12) through the real app: who is on a comment in the queue and on its page,
taking over, assigning, "assigned to me", saved and remembered filters, the outbox, and to-dos done by hand."""

from __future__ import annotations

import re
import warnings

from hierniet.services import decisions
from hierniet.store import repo
from hierniet.store.tables import AuditEntry, QueuedAction, utcnow

from . import desk_fixtures
from .desk_fixtures import NAMES, Pages, make_app, text_of

pages = desk_fixtures.pages

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient


def _second(pages: Pages) -> Pages:
    """Another person's browser on the same desk."""
    client = TestClient(make_app(pages.desk), base_url="https://testserver")
    return Pages(client, pages.desk, pages.comments)


def _audit(pages: Pages, action: str) -> list[AuditEntry]:
    with pages.desk.store.session() as s:
        return list(s.query(AuditEntry).filter(AuditEntry.action == action))


def test_the_second_person_is_warned_and_can_take_over(pages: Pages) -> None:
    cid = pages.comments["ins1"]
    pages.login("moderator")
    mine = pages.get(f"/desk/comments/{cid}")
    assert "You are on it" in text_of(mine.text)
    lead = _second(pages)
    lead.login("lead")
    page = lead.get(f"/desk/comments/{cid}")
    words = text_of(page.text)
    assert f"{NAMES['moderator']} is on it, 1 min" in words and "Take it over" in words
    # The warning does not lock the lead out: the decision form is there.
    assert 'id="decide-form"' in page.text
    queue = text_of(lead.get("/desk/?status=any").text)
    assert f"{NAMES['moderator']} is on it, 1 min" in queue
    r = lead.post(f"/desk/comments/{cid}/take-over")
    assert r.status_code == 200 and r.url.path == f"/desk/comments/{cid}"
    assert "You are on comment" in text_of(r.text)
    assert f"{NAMES['lead']} is on it" in text_of(pages.get(f"/desk/comments/{cid}").text)
    assert [e.detail["from"] for e in _audit(pages, "comment.taken_over")] == [NAMES["moderator"]]


def test_a_lead_assigns_and_the_moderator_filters_on_it(pages: Pages) -> None:
    cid = pages.comments["thr1"]
    pages.login("lead")
    page = pages.get(f"/desk/comments/{cid}")
    options = dict(re.findall(r'<option value="(\d+)"[^>]*>([^<(]+) \(', page.text.split('id="assign-to"')[1]))
    moderator_id = next(i for i, name in options.items() if name == NAMES["moderator"])
    r = pages.post(f"/desk/comments/{cid}/assign", {"user_id": moderator_id})
    assert f"assigned to {NAMES['moderator']}" in text_of(r.text)
    for wrong_id in ("nobody", "9" * 30):
        bad = pages.post(f"/desk/comments/{cid}/assign", {"user_id": wrong_id})
        assert bad.status_code == 200 and "Nobody assigned" in text_of(bad.text)
    mod = _second(pages)
    mod.login("moderator")
    mine = mod.get("/desk/?assigned=me&status=any")
    ids = re.findall(r'data-row="(\d+)"', mine.text)
    assert ids == [str(cid)] and "assigned to you" in text_of(mine.text)
    # The moderator cannot assign (403) and sees no assign form.
    assert 'id="assign-to"' not in mod.get(f"/desk/comments/{cid}").text
    assert mod.post(f"/desk/comments/{cid}/assign", {"user_id": moderator_id}).status_code == 403
    wrong = mod.get("/desk/?assigned=everyone")
    assert "Unknown value 'everyone' for 'assigned'" in text_of(wrong.text)


def test_deciding_releases_the_comment(pages: Pages) -> None:
    cid = pages.comments["ins1"]
    pages.login("moderator")
    pages.get(f"/desk/comments/{cid}")
    pages.post(f"/desk/comments/{cid}/decide", {"action": "refer", "reason": "test"})
    lead = _second(pages)
    lead.login("lead")
    assert "is on it" not in text_of(lead.get(f"/desk/comments/{cid}").text)


def test_the_queue_remembers_the_last_filter_and_clear_forgets_it(pages: Pages) -> None:
    pages.login("moderator")
    pages.get("/desk/?status=any&label=insult")
    back = pages.get("/desk/", follow_redirects=False)
    assert back.status_code == 303 and back.headers["location"] == "/desk/?status=any&label=insult"
    # Another person's queue is their own.
    other = _second(pages)
    other.login("lead")
    assert other.get("/desk/", follow_redirects=False).status_code == 200
    cleared = pages.get("/desk/?clear=1")
    assert cleared.url.query in ("", b"") and pages.get("/desk/", follow_redirects=False).status_code == 200
    # A filter with a mistake is not remembered.
    pages.get("/desk/?severity=lots")
    assert pages.get("/desk/", follow_redirects=False).status_code == 200


def test_saving_and_deleting_a_filter(pages: Pages) -> None:
    pages.login("moderator")
    page = pages.get("/desk/?status=any&label=hate")
    assert 'name="query" value="status=any&amp;label=hate"' in page.text
    r = pages.post("/desk/filters", {"name": "Haat", "query": "status=any&label=hate"})
    assert "Filter 'Haat' saved." in text_of(r.text)
    assert '<a href="/desk/?status=any&amp;label=hate" aria-current="true">Haat</a>' in r.text
    nameless = pages.post("/desk/filters", {"name": " ", "query": "status=any"})
    assert "Give the filter a name." in text_of(nameless.text)
    [filter_id] = re.findall(r'action="/desk/filters/(\d+)/delete"', r.text)
    lead = _second(pages)
    lead.login("lead")
    assert lead.post(f"/desk/filters/{filter_id}/delete").status_code == 404
    gone = pages.post(f"/desk/filters/{filter_id}/delete", {"next": "/desk/?status=any"})
    assert "Filter 'Haat' deleted." in text_of(gone.text) and "No saved filters yet." in text_of(gone.text)


def _hide_report(pages: Pages, cid: int) -> dict[str, QueuedAction]:
    decisions.record_decision(
        pages.desk.store, pages.desk.actors["lead"], cid, decisions.DecisionIn(step="hide_report", reason="test")
    )
    with pages.desk.store.session() as s:
        return {a.action: a for a in repo.actions_for_comment(s, cid)}


def test_a_facebook_report_is_a_todo_on_the_comment_page_done_by_hand(pages: Pages) -> None:
    cid = pages.comments["hate1"]
    actions = _hide_report(pages, cid)
    assert actions["report"].status == "manual"
    pages.login("moderator")
    page = pages.get(f"/desk/comments/{cid}")
    words = text_of(page.text)
    assert "report: queued" not in words and "report to the platform: to do by hand" in words
    assert "To do by hand: the platform has no API for this step." in words
    assert 'href="https://www.facebook.com/' in page.text
    r = pages.post(f"/desk/outbox/{actions['report'].id}/done", {"next": f"/desk/comments/{cid}"})
    assert r.url.path == f"/desk/comments/{cid}"
    assert f"done by hand by {NAMES['moderator']}" in text_of(r.text)
    [entry] = _audit(pages, "action.done_by_hand")
    assert entry.detail["action"] == "report"
    # Ticked once, it is done: a second tick (another tab) is told so, where it came from.
    again = pages.post(f"/desk/outbox/{actions['report'].id}/done", {"next": f"/desk/comments/{cid}"})
    assert again.url.path == f"/desk/comments/{cid}"
    assert "cannot be ticked done by hand: it is neither a to-do nor failed" in text_of(again.text)
    assert len(_audit(pages, "action.done_by_hand")) == 1
    # The same page in Dutch says it in Dutch.
    pages.post("/desk/language", {"locale": "nl", "next": f"/desk/comments/{cid}"})
    dutch = text_of(pages.get(f"/desk/comments/{cid}").text)
    assert "met de hand" in dutch


def test_the_outbox_page_for_leads_with_retry(pages: Pages) -> None:
    cid = pages.comments["hate1"]
    actions = _hide_report(pages, cid)
    with pages.desk.store.transaction() as tx:
        row = tx.get(QueuedAction, actions["hide"].id)
        assert row is not None
        row.status, row.outcome, row.attempts = "failed", "(#10) Permission denied: pages_manage_engagement", 8
        row.updated_at = row.finished_at = utcnow()
    pages.login("moderator")
    assert pages.get("/desk/outbox").status_code == 403
    assert "/desk/outbox" not in pages.get("/desk/settings").text
    lead = _second(pages)
    lead.login("lead")
    page = lead.get("/desk/outbox?status=failed")
    words = text_of(page.text)
    assert "hide the comment" in words and "Permission denied: pages_manage_engagement" in words
    assert "The platform refused the call." in words
    assert "report to the platform" not in words  # filtered out: it is a to-do, not failed
    assert "report to the platform" in text_of(lead.get("/desk/outbox?status=manual").text)
    unknown = lead.get("/desk/outbox?status=automatic")
    assert unknown.status_code == 200 and "Unknown state 'automatic'" in text_of(unknown.text)
    r = lead.post(f"/desk/outbox/{actions['hide'].id}/retry", {"next": "/desk/outbox?status=failed"})
    assert "is queued again" in text_of(r.text) and "No platform calls here." in text_of(r.text)
    again = lead.post(f"/desk/outbox/{actions['hide'].id}/retry")
    assert "Only a failed call can be retried" in text_of(again.text)
    assert len(_audit(pages, "action.retried")) == 1


def test_after_a_decision_the_desk_skips_a_comment_someone_else_is_on(pages: Pages) -> None:
    pages.login("moderator")
    first = pages.post(f"/desk/comments/{pages.comments['ins1']}/decide", {"action": "refer", "reason": "test"})
    taken = int(first.url.path.rsplit("/", 1)[1])  # where the desk went next: the first waiting comment
    assert taken != pages.comments["ins1"]
    lead = _second(pages)
    lead.login("lead")
    lead.get(f"/desk/comments/{taken}")  # the lead is on it now
    second = pages.post(f"/desk/comments/{pages.comments['ins2']}/decide", {"action": "refer", "reason": "test"})
    assert second.url.path != f"/desk/comments/{taken}"
