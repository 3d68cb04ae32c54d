"""One comment on the desk: evidence, shielding and reveals, decisions by button, the post and history."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from sqlalchemy import select

from hierniet.services.auth import CLI_ACTOR
from hierniet.services.ingest import ingest
from hierniet.store.tables import AuditEntry, Comment, Decision, Post
from seed import SLUR, SeedTriage

from . import desk_fixtures
from .desk_fixtures import Pages, make_app, text_of

pages = desk_fixtures.pages


def _decisions(pages: Pages, key: str) -> list[Decision]:
    with pages.desk.store.session() as s:
        return list(s.scalars(select(Decision).where(Decision.comment_id == pages.comments[key]).order_by(Decision.id)))


def _reveals(pages: Pages) -> list[AuditEntry]:
    with pages.desk.store.session() as s:
        return list(s.scalars(select(AuditEntry).where(AuditEntry.action == "comment.revealed")))


def test_the_page_shows_text_evidence_labels_recommendation_and_history(pages: Pages) -> None:
    pages.login("moderator")
    r = pages.get(f"/desk/comments/{pages.comments['hate1']}")
    assert r.status_code == 200
    assert f'<mark title="hate · word list (nl/slur:{SLUR} (nl/slur.tsv:1))">{SLUR}</mark>' in r.text
    page = text_of(r.text)
    for words in (
        "Severity 3 · high",
        "hate (applies) 0.97",
        "Recommended step: hide and report",
        "Proposed reply (you may edit it)",
        "The platform did not say which post this comment answers.",
        "The author's history",
        "Blocking the author is a step only a lead may take",
    ):
        assert words in page, words
    assert '<textarea id="reply" name="reply"' in r.text
    # A moderator is offered only what they may do (issue 12): no button that would answer 403.
    assert 'value="block"' not in r.text and 'value="accept"' in r.text


def test_severe_content_starts_blurred_and_a_reveal_is_counted(pages: Pages) -> None:
    pages.login("moderator")
    comment = pages.comments["hate1"]
    r = pages.get(f"/desk/comments/{comment}")
    assert "is-shielded shield-blur" in r.text and 'aria-hidden="true" data-shielded-text' in r.text
    assert re.search(r"data-reveal-count>0<", r.text)
    r = pages.post(f"/desk/comments/{comment}/reveal", {"how": "click", "next": f"/desk/comments/{comment}"})
    assert r.url.path == f"/desk/comments/{comment}"
    assert "is-shielded" not in r.text and re.search(r"data-reveal-count>1<", r.text)
    # Through the page's script: JSON, and the same comment counts once a day.
    r = pages.client.post(
        f"/desk/comments/{comment}/reveal",
        data={"how": "key"},
        headers={"Accept": "application/json", "X-CSRF-Token": pages.csrf},
    )
    assert r.json()["revealed_today"] == 1 and r.json()["break_due"] is False
    entries = _reveals(pages)
    assert [(e.actor, e.subject_id, e.detail["how"]) for e in entries] == [
        ("moderator1", str(comment), "click"),
        ("moderator1", str(comment), "key"),
    ]


def test_a_comment_that_is_not_severe_is_not_shielded(pages: Pages) -> None:
    pages.login("moderator")
    r = pages.get(f"/desk/comments/{pages.comments['ins1']}")
    assert "is-shielded" not in r.text and "insult: jij idioot" in r.text


def test_the_preference_mask_and_show(pages: Pages) -> None:
    pages.login("moderator")
    comment = pages.comments["thr1"]
    pages.get("/desk/settings")
    r = pages.post("/desk/settings", {"shield": "mask", "locale": ""})
    assert "Your settings are saved." in r.text and 'value="mask" checked' in r.text
    r = pages.get(f"/desk/comments/{comment}")
    assert "is-shielded shield-mask" in r.text and " hidden data-shielded-text" in r.text
    assert _reveals(pages) == []
    pages.post("/desk/settings", {"shield": "show"})
    r = pages.get(f"/desk/comments/{comment}")
    assert "is-shielded" not in r.text
    assert [e.detail["how"] for e in _reveals(pages)] == ["shown"]  # seen without a click still counts
    r = pages.post("/desk/settings", {"shield": "loud"})
    assert r.status_code == 422 and "unknown way to show severe content" in r.text


def test_a_break_is_suggested_past_the_limit(pages: Pages) -> None:
    from fastapi.testclient import TestClient

    with TestClient(make_app(pages.desk, desk_break_after=2), base_url="https://testserver") as client:
        other = Pages(client, pages.desk, pages.comments)
        r = other.login("moderator")
        assert re.search(r'id="break-note"[^>]* hidden', r.text)
        for key in ("hate1", "thr1"):
            other.get(f"/desk/comments/{pages.comments[key]}")
            r = other.post(f"/desk/comments/{pages.comments[key]}/reveal")
        assert not re.search(r'id="break-note"[^>]* hidden', r.text)
        page = text_of(r.text)
        assert "Time for a break?" in page and "You have revealed 2 severe items today." in page
        assert "Tele-Onthaal 106" in page and "Télé-Accueil 107" in page and "+32 2 648 40 14" in page
        other.logout()
        other.login("lead")
        team = text_of(other.get("/desk/team").text)
        assert "moderator1 moderator 2 past the suggested limit" in team
        assert "lead1 lead 0" in team


def test_accept_goes_on_to_the_next_waiting_comment(pages: Pages) -> None:
    pages.login("moderator")
    pages.get(f"/desk/comments/{pages.comments['ins1']}")
    r = pages.post(
        f"/desk/comments/{pages.comments['ins1']}/decide", {"action": "accept", "reply": "", "original_reply": ""}
    )
    assert r.url.path == f"/desk/comments/{pages.comments['thr1']}"
    assert f"Decision recorded on comment #{pages.comments['ins1']}: refer to the code of conduct." in text_of(r.text)
    (decision,) = _decisions(pages, "ins1")
    assert (decision.kind, decision.step) == ("accept", "refer")
    with pages.desk.store.session() as s:
        audit = s.scalars(select(AuditEntry).where(AuditEntry.action == "decision.accept")).one()
    assert audit.subject_id == str(pages.comments["ins1"]) and audit.actor == "moderator1"


def test_an_edited_reply_is_an_edit(pages: Pages) -> None:
    pages.login("moderator")
    r = pages.get(f"/desk/comments/{pages.comments['ins1']}")
    original = re.search(r'name="original_reply" value="([^"]*)"', r.text)
    assert original is not None
    pages.post(
        f"/desk/comments/{pages.comments['ins1']}/decide",
        {"action": "accept", "reply": "Hou het beleefd, aub.", "original_reply": original.group(1)},
    )
    (decision,) = _decisions(pages, "ins1")
    assert (decision.kind, decision.reply) == ("edit", "Hou het beleefd, aub.")


def test_another_step_needs_a_reason(pages: Pages) -> None:
    pages.login("moderator")
    comment = pages.comments["ins1"]
    pages.get(f"/desk/comments/{comment}")
    r = pages.post(
        f"/desk/comments/{comment}/decide",
        {"action": "hide", "reply": "mijn tekst", "original_reply": "x"},
        follow_redirects=False,
    )
    # Post/Redirect/Get: back on the comment's own address, so a reload shows the page (issue 12).
    assert r.status_code == 303 and r.headers["location"] == f"/desk/comments/{comment}"
    r = pages.get(r.headers["location"])
    assert r.status_code == 200
    top = r.text.split('<main id="main"')[0]
    assert "Say why you choose “hide” instead of the recommended" in text_of(top) and "autofocus" in top
    assert ">mijn tekst</textarea>" in r.text
    # The error and the typed text are shown once: a reload shows the page as it is.
    again = pages.get(f"/desk/comments/{comment}")
    assert "Say why you choose" not in again.text and ">mijn tekst</textarea>" not in again.text
    pages.post(f"/desk/comments/{comment}/decide", {"action": "hide", "reason": "te grof"})
    (decision,) = _decisions(pages, "ins1")
    assert (decision.kind, decision.step, decision.reason) == ("override", "hide", "te grof")


def test_criticism_ok_and_escalate(pages: Pages) -> None:
    pages.login("moderator")
    pages.get("/desk/")
    pages.post(f"/desk/comments/{pages.comments['ins1']}/decide", {"action": "criticism"})
    pages.post(f"/desk/comments/{pages.comments['ins2']}/decide", {"action": "ok"})
    (criticism,) = _decisions(pages, "ins1")
    (ok,) = _decisions(pages, "ins2")
    assert (criticism.step, criticism.reason) == ("reply", "marked as criticism: not abuse")
    assert criticism.reply  # the policy's reply to criticism
    assert (ok.step, ok.reply, ok.reason) == ("none", "", "marked as ok: a false positive")
    r = pages.post(f"/desk/comments/{pages.comments['ok1']}/decide", {"action": "escalate", "reason": "twijfel"})
    assert f"Comment #{pages.comments['ok1']} is escalated to a lead." in text_of(r.text)
    with pages.desk.store.session() as s:
        assert s.scalars(select(Comment.status).where(Comment.id == pages.comments["ok1"])).one() == "escalated"


def test_unknown_and_invisible_comments_are_not_found(pages: Pages) -> None:
    pages.login("moderator")
    for comment in (9999, pages.comments["other"]):
        r = pages.get(f"/desk/comments/{comment}")
        assert r.status_code == 404 and "Not found" in r.text
    pages.get("/desk/")
    assert pages.post(f"/desk/comments/{pages.comments['other']}/reveal").status_code == 404


def test_the_post_it_answers(pages: Pages) -> None:
    with pages.desk.store.transaction() as tx:
        tx.add(
            Post(
                channel_id=pages.desk.channel_id,
                external_id="post-7",
                text="Het zwembad sluit in juli voor werken.",
                url="https://example.org/post-7",
                posted_at=datetime(2026, 3, 1, 9, tzinfo=UTC),
                created_at=datetime(2026, 3, 1, 9, tzinfo=UTC),
            )
        )
    result = ingest(
        pages.desk.store,
        SeedTriage(),
        [
            {"id": "p1", "text": "insult: sukkels", "channel_id": pages.desk.channel_id, "thread": "post-7"},
            {"id": "p2", "text": "insult: sukkels", "channel_id": pages.desk.channel_id, "thread": "post-8"},
        ],
        actor=CLI_ACTOR,
    )
    with_post, without = (c.comment_id for c in result.created)
    pages.login("moderator")
    page = text_of(pages.get(f"/desk/comments/{with_post}").text)
    assert "Het zwembad sluit in juli voor werken." in page and "Open the post on the platform" in page
    assert "The post (post-8) is not stored on the desk." in text_of(pages.get(f"/desk/comments/{without}").text)


def test_an_edited_comment_shows_its_earlier_text_shielded_when_severe(pages: Pages) -> None:
    comment = pages.comments["hate1"]
    softened = {"id": "hate1", "text": "sorry, dat was fout", "channel_id": pages.desk.channel_id, "edited": True}
    result = ingest(pages.desk.store, SeedTriage(), [softened], actor=CLI_ACTOR)
    assert [e.comment_id for e in result.edited] == [comment]
    pages.login("moderator")
    r = pages.get(f"/desk/comments/{comment}")
    page = text_of(r.text)
    assert "Edited on the platform" in page and "The earlier text:" in page
    # The new text is harmless and shown; the earlier one was hate: blurred, with its own reveal button.
    assert 'id="text-' + str(comment) + '" data-text-wrap' in r.text
    wrap = rf'<div class="text-wrap([^"]*)" id="text-{comment}-revision-\d+" data-text-wrap="{comment}"'
    revision = re.search(wrap, r.text)
    assert revision is not None and "is-shielded shield-blur" in revision.group(1)
    assert "sorry, dat was fout" in page
    r = pages.post(f"/desk/comments/{comment}/reveal", {"how": "click", "next": f"/desk/comments/{comment}"})
    assert "is-shielded" not in r.text and f"die {SLUR} moeten weg" in text_of(r.text)


def test_edited_after_a_decision_and_removed_on_the_platform_are_shown(pages: Pages) -> None:
    from hierniet.services import decisions
    from hierniet.services.removals import record_removals
    from hierniet.store import repo

    decided, removed = pages.comments["ins1"], pages.comments["ins2"]
    decisions.record_decision(pages.desk.store, pages.desk.actors["moderator"], decided, decisions.DecisionIn("refer"))
    edit = {"id": "ins1", "text": "insult: jij sukkel", "channel_id": pages.desk.channel_id, "edited": True}
    ingest(pages.desk.store, SeedTriage(), [edit], actor=CLI_ACTOR)
    with pages.desk.store.transaction() as tx:
        channel = repo.get_channel(tx, pages.desk.channel_id)
        assert channel is not None
        record_removals(tx, channel, ["ins2"], actor="connector:facebook", now=datetime(2026, 3, 9, tzinfo=UTC))
    pages.login("moderator")
    page = text_of(pages.get(f"/desk/comments/{decided}").text)
    assert "Edited on the platform after a decision: look again." in page
    page = text_of(pages.get(f"/desk/comments/{removed}").text)
    assert "Removed on the platform (" in page and "removed on the platform" in page  # the notice and the status
    waiting = pages.get("/desk/").text
    assert f'/desk/comments/{removed}"' not in waiting and f'/desk/comments/{decided}"' not in waiting
    listed = pages.get("/desk/", params={"status": "any"}).text
    assert "edited after the decision: look again" in text_of(listed)
    assert f'/desk/comments/{removed}"' in pages.get("/desk/", params={"status": "removed"}).text
    pages.post("/desk/settings", {"shield": "blur", "locale": "nl"})
    dutch = text_of(pages.get(f"/desk/comments/{decided}").text)
    assert "Bewerkt op het platform na een beslissing: kijk opnieuw." in dutch
