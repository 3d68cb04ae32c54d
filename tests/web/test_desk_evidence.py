"""Evidence packs on the desk (issue 13): where a report to Unia or the police is recommended or chosen, a lead
sees the text to paste in their language and downloads the pack; the pack verifies against the audit log, and
the report's to-do is ticked on the comment's page (SQLite and PostgreSQL)."""

from __future__ import annotations

import io
import json
import zipfile

from hierniet.services import decisions, evidence
from hierniet.services.decisions import DecisionIn
from hierniet.store import repo
from hierniet.store.tables import AuditEntry, Comment

from . import desk_fixtures
from .desk_fixtures import Pages, text_of

pages = desk_fixtures.pages


def _audit(pages: Pages, action: str) -> list[AuditEntry]:
    with pages.desk.store.session() as s:
        return list(s.query(AuditEntry).filter(AuditEntry.action == action).order_by(AuditEntry.id))


def _report_unia(pages: Pages, key: str = "hate1") -> int:
    """A lead's decision that reports the comment to Unia (the seed's organisation is not known to be Belgian)."""
    cid = pages.comments[key]
    decisions.record_decision(
        pages.desk.store, pages.desk.actors["lead"], cid, DecisionIn(step="hide", reason="haat", reports=("unia",))
    )
    return cid


def test_a_lead_copies_the_unia_text_and_downloads_a_pack_that_verifies(pages: Pages) -> None:
    cid = _report_unia(pages)
    pages.login("lead")
    pages.post("/desk/settings", {"locale": "fr", "shield": "show"})
    page = pages.get(f"/desk/comments/{cid}")
    assert page.status_code == 200
    words = text_of(page.text)
    assert "Signalement à Unia" in words and "Que s'est-il passé ?" in words
    assert 'data-copy="statement-unia"' in page.text and "statement-police" not in page.text
    r = pages.post(f"/desk/comments/{cid}/evidence", {"purpose": "unia"})
    assert r.status_code == 200 and r.headers["content-type"] == "application/zip"
    assert r.headers["content-disposition"] == f'attachment; filename="hierniet-evidence-comment-{cid}-unia.zip"'
    with zipfile.ZipFile(io.BytesIO(r.content)) as z:
        doc = json.loads(z.read("evidence.json"))
        unia = z.read("unia.txt").decode()
    assert doc["language"] == "fr" and doc["prepared_by"] == "lead1" and unia.startswith("Signalement à Unia\n")
    [entry] = _audit(pages, "evidence.packed")
    assert entry.subject_id == r.headers["x-evidence-manifest-sha256"] and entry.detail["comment_ids"] == [cid]
    assert evidence.verify_pack(pages.desk.store, pages.desk.actors["lead"], r.content).same_zip
    # The report is a to-do on the comment now; ticking it is audited and shows who did it.
    with pages.desk.store.session() as s:
        [todo] = [a for a in repo.actions_for_comment(s, cid) if a.action == "report_unia"]
    page = pages.get(f"/desk/comments/{cid}")
    assert "envoyer le signalement à Unia (formulaire en ligne)" in text_of(page.text)
    done = pages.post(f"/desk/outbox/{todo.id}/done", {"next": f"/desk/comments/{cid}"})
    assert done.status_code == 200
    assert [e.detail["action"] for e in _audit(pages, "action.done_by_hand")] == ["report_unia"]
    # The audit page says what happened in the person's language.
    log = text_of(pages.get("/desk/audit").text)
    assert "dossier de preuves" in log.lower()


def test_the_text_waits_for_a_reveal_and_moderators_see_no_packs(pages: Pages) -> None:
    cid = _report_unia(pages)
    pages.login("lead")
    shielded = text_of(pages.get(f"/desk/comments/{cid}").text)
    assert "Reveal the comment to see the text to paste" in shielded and "Make evidence pack" in shielded
    assert "moeten weg" not in shielded.split("Reports and evidence")[1]
    pages.post(f"/desk/comments/{cid}/reveal", {"how": "click"})
    shown = pages.get(f"/desk/comments/{cid}")
    assert "What happened?" in text_of(shown.text) and "moeten weg" in text_of(shown.text)
    pages.logout()
    pages.login("moderator")
    page = pages.get(f"/desk/comments/{cid}")
    assert "Reports and evidence" not in text_of(page.text) and "/evidence" not in page.text
    refused = pages.post(f"/desk/comments/{cid}/evidence", {"purpose": "unia"})
    assert refused.status_code == 403
    assert "This needs the role lead or higher (yours is moderator)" in text_of(refused.text)
    assert _audit(pages, "evidence.packed") == []


def test_a_pack_for_a_lawyer_and_a_bad_purpose(pages: Pages) -> None:
    cid = pages.comments["ins1"]
    pages.login("lead")
    page = pages.get(f"/desk/comments/{cid}")
    # Nothing reported on this one: no text to paste, but a pack can still be made (for a lawyer by default).
    assert "data-copy" not in page.text and 'id="evidence-purpose"' in page.text
    r = pages.post(f"/desk/comments/{cid}/evidence", {"purpose": "lawyer"})
    with zipfile.ZipFile(io.BytesIO(r.content)) as z:
        assert sorted(z.namelist()) == ["MANIFEST.sha256", "evidence.json", "evidence.pdf", "report.txt"]
    bad = pages.post(f"/desk/comments/{cid}/evidence", {"purpose": "press"})
    assert bad.url.path == f"/desk/comments/{cid}" and "unknown purpose" in text_of(bad.text)
    assert len(_audit(pages, "evidence.packed")) == 1
    # Someone else's organisation: not found, as its page.
    other = pages.post(f"/desk/comments/{pages.comments['other']}/evidence", {"purpose": "lawyer"})
    assert other.status_code == 404


def test_a_lead_makes_one_pack_of_an_authors_history_from_their_page(pages: Pages) -> None:
    cid = pages.comments["hate1"]
    with pages.desk.store.session() as s:
        author_id = s.get(Comment, cid).author_id  # type: ignore[union-attr]
    pages.login("lead")
    page = pages.get(f"/desk/authors/{author_id}")
    assert "Evidence pack of this author" in text_of(page.text) and 'id="author-evidence-purpose"' in page.text
    r = pages.post(f"/desk/authors/{author_id}/evidence", {"purpose": "police"})
    assert r.status_code == 200 and r.headers["content-type"] == "application/zip"
    with zipfile.ZipFile(io.BytesIO(r.content)) as z:
        doc = json.loads(z.read("evidence.json"))
    assert cid in [c["id"] for c in doc["comments"]]
    [entry] = _audit(pages, "evidence.packed")
    assert entry.detail["author_id"] == author_id
    bad = pages.post(f"/desk/authors/{author_id}/evidence", {"purpose": "press"})
    assert bad.url.path == f"/desk/authors/{author_id}" and "unknown purpose" in text_of(bad.text)
    pages.logout()
    pages.login("moderator")
    assert "Evidence pack of this author" not in text_of(pages.get(f"/desk/authors/{author_id}").text)
    assert pages.post(f"/desk/authors/{author_id}/evidence", {"purpose": "police"}).status_code == 403


def test_a_decision_that_names_unia_leaves_the_report_to_do_at_once(pages: Pages) -> None:
    # No pack made: the decision alone puts "send the report to Unia" among the comment's to-dos, once.
    cid = _report_unia(pages)
    with pages.desk.store.session() as s:
        todos = [a for a in repo.actions_for_comment(s, cid) if a.action == "report_unia"]
    assert [(a.status, a.payload) for a in todos] == [("manual", {"to": "unia"})]
    pages.login("lead")
    assert "send the report to Unia" in text_of(pages.get(f"/desk/comments/{cid}").text)
    pages.post(f"/desk/comments/{cid}/evidence", {"purpose": "unia"})
    with pages.desk.store.session() as s:
        assert len([a for a in repo.actions_for_comment(s, cid) if a.action == "report_unia"]) == 1
