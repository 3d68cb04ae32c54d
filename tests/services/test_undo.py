"""Undoing a decision (issue 12): a new decision; the earlier state back; the outbox cancelled or reversed."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select, update

from hierniet.services import decisions, offers, queue, undo
from hierniet.services.decisions import DecisionIn
from hierniet.services.errors import Conflict, Forbidden
from hierniet.services.ingest import ingest
from hierniet.store.tables import Comment, Decision, QueuedAction, utcnow
from store.dbfixtures import Desk, FakeTriage, item

WINDOW = timedelta(minutes=10)


def _ingest(desk: Desk, triage: FakeTriage, *texts: str, author: str = "a1") -> list[int]:
    result = ingest(
        desk.store,
        triage,
        [item(f"u{i}-{author}", t, channel_id=desk.channel_id, author=author, day=i + 1) for i, t in enumerate(texts)],
        actor=desk.actors["admin"],
    )
    return [c.comment_id for c in result.created]


def _actions(desk: Desk, comment_id: int) -> list[tuple[str, str, int | None]]:
    with desk.store.session() as s:
        rows = s.scalars(select(QueuedAction).where(QueuedAction.comment_id == comment_id).order_by(QueuedAction.id))
        return [(a.action, a.status, a.decision_id) for a in rows]


def _state(desk: Desk, comment_id: int) -> tuple[str, str | None]:
    with desk.store.session() as s:
        row = s.get(Comment, comment_id)
        assert row is not None
        return row.status, row.decided_step


def test_undo_brings_back_the_earlier_decision_and_its_calls(desk: Desk, fake_triage: FakeTriage) -> None:
    (cid,) = _ingest(desk, fake_triage, "insult: idiot")
    mod = desk.actors["moderator"]
    first = decisions.record_decision(desk.store, mod, cid, DecisionIn(step="refer"))
    second = decisions.record_decision(desk.store, mod, cid, DecisionIn(step="hide", reason="te grof"))
    assert _state(desk, cid) == ("decided", "hide")
    result = undo.undo_decision(desk.store, mod, cid, second.id, window=WINDOW)
    assert result.status == "decided" and result.undone == second.id
    assert (result.decision.kind, result.decision.step) == ("undo", "refer")
    assert _state(desk, cid) == ("decided", "refer")
    # The hide (and the hide's reply) never went out; the refer's reply stands again.
    live = [(a, s) for a, s, _d in _actions(desk, cid) if s == "queued"]
    assert live == [("reply", "queued")] and "hide" in result.cancelled
    detail = queue.comment_detail(desk.store, mod, cid)
    assert [d.kind for d in detail.decisions] == ["accept", "override", "undo"]
    assert detail.author_history is not None
    # The author's history counts the refer that stands again, once.
    assert [(e.step, e.counts) for e in detail.author_history.entries] == [("refer", True)]
    # The undo itself is not undone: decide anew instead.
    with pytest.raises(Conflict, match="cannot be undone"):
        undo.undo_decision(desk.store, mod, cid, result.decision.id, window=WINDOW)
    assert first.id < second.id


def test_a_call_on_its_way_is_reversed_after_its_lease(desk: Desk, fake_triage: FakeTriage) -> None:
    (cid,) = _ingest(desk, fake_triage, "insult: idiot")
    mod = desk.actors["moderator"]
    made = decisions.record_decision(desk.store, mod, cid, DecisionIn(step="hide", reason="te grof"))
    lease = utcnow() + timedelta(minutes=5)
    with desk.store.transaction() as tx:
        # A worker claimed the hide and marked it sent: it may be carried out right now.
        tx.execute(
            update(QueuedAction)
            .where(QueuedAction.comment_id == cid, QueuedAction.action == "hide")
            .values(sent_at=utcnow(), claimed_by="w1", lease_until=lease)
        )
    result = undo.undo_decision(desk.store, mod, cid, made.id, window=WINDOW)
    assert result.reversed == ["unhide"] and result.cancelled == ["reply"]
    with desk.store.session() as s:
        hide = s.scalars(select(QueuedAction).where(QueuedAction.action == "hide")).one()
        unhide = s.scalars(select(QueuedAction).where(QueuedAction.action == "unhide")).one()
    assert hide.status == "queued"  # not cancelled under the worker's feet
    assert unhide.not_before >= lease - timedelta(seconds=1) and unhide.decision_id == result.decision.id
    assert unhide.payload["reverses"] == hide.id
    assert _state(desk, cid) == ("open", None)


def test_undo_checks_who_and_when(desk: Desk, fake_triage: FakeTriage) -> None:
    (cid,) = _ingest(desk, fake_triage, "insult: idiot")
    made = decisions.record_decision(desk.store, desk.actors["moderator"], cid, DecisionIn(step="refer"))
    with pytest.raises(Forbidden, match="only the person who decided"):
        undo.undo_decision(desk.store, desk.actors["lead"], cid, made.id, window=WINDOW)
    later = utcnow() + WINDOW + timedelta(seconds=1)
    with pytest.raises(Conflict, match="can no longer be undone"):
        undo.undo_decision(desk.store, desk.actors["moderator"], cid, made.id, window=WINDOW, now=later)
    detail = queue.comment_detail(desk.store, desk.actors["moderator"], cid)
    assert undo.undoable(desk.store, desk.actors["moderator"], detail, window=WINDOW) is not None
    assert undo.undoable(desk.store, desk.actors["lead"], detail, window=WINDOW) is None
    assert undo.undoable(desk.store, desk.actors["moderator"], detail, window=WINDOW, now=later) is None
    with desk.store.session() as s:
        assert s.scalars(select(Decision.kind).where(Decision.comment_id == cid)).all() == ["accept"]


def test_offers_follow_the_decision_services_checks(desk: Desk, fake_triage: FakeTriage) -> None:
    *_, last = _ingest(desk, fake_triage, "insult: a", "insult: b", "insult: c", author="troll")
    mod, lead = desk.actors["moderator"], desk.actors["lead"]
    detail = queue.comment_detail(desk.store, mod, last)
    assert detail.recommendation is not None and detail.recommendation.step == "block"
    mine = offers.offers(mod, detail)
    assert mine.for_lead == ["accept", "block"] and mine.lead_must_accept and "escalate" in mine.offered
    assert offers.offers(lead, detail).for_lead == []
    # Every offered button is one the service accepts; every held-back one it refuses.
    for action in mine.for_lead:
        with pytest.raises(Forbidden):
            from hierniet.services import desk as desk_service

            desk_service.decide(desk.store, mod, last, action, reason="test")
    # Once a lead blocked, a moderator may not change it: nothing but escalation... which a lead then answers.
    decisions.record_decision(desk.store, lead, last, DecisionIn(step="block"))
    after = offers.offers(mod, queue.comment_detail(desk.store, mod, last))
    assert "hide" in after.for_lead and "reply" in after.for_lead and after.offered == ["escalate"]
    assert after.decided_severe and not mine.decided_severe


def test_undo_puts_a_comment_back_where_the_policy_left_it(desk: Desk, fake_triage: FakeTriage) -> None:
    ok, spam = _ingest(desk, fake_triage, "Hoe laat gaat het zwembad open?", "spam: koop nu")
    mod = desk.actors["moderator"]
    before = {cid: _state(desk, cid)[0] for cid in (ok, spam)}
    assert before[ok] == "clear"
    for cid in (ok, spam):
        made = decisions.record_decision(desk.store, mod, cid, DecisionIn(step="reply", reason="toch antwoorden"))
        result = undo.undo_decision(desk.store, mod, cid, made.id, window=WINDOW)
        # Back to the status the policy gave it (clear, automatic, ...), not simply "open".
        assert result.status == before[cid] and _state(desk, cid) == (before[cid], None)
    if before[spam] == "auto":
        # The step the policy applied by itself stands again, with its calls.
        assert any(s == "queued" and d is not None for _a, s, d in _actions(desk, spam))


# --- blocks, mutes and bans (a lead's step) ---------------------------------------------------------------------


def _send_all(desk: Desk, comment_id: int) -> None:
    """The worker sent every queued call of the comment and the platform did it."""
    with desk.store.transaction() as tx:
        tx.execute(
            update(QueuedAction)
            .where(QueuedAction.comment_id == comment_id, QueuedAction.status == "queued")
            .values(status="done", sent_at=utcnow(), finished_at=utcnow(), outcome="done on the platform")
        )


def _rows(desk: Desk, comment_id: int) -> list[QueuedAction]:
    with desk.store.session() as s:
        return list(
            s.scalars(select(QueuedAction).where(QueuedAction.comment_id == comment_id).order_by(QueuedAction.id))
        )


def _channel(desk: Desk, platform: str, policy_yaml: str | None = None) -> int:
    from hierniet.store import repo

    with desk.store.transaction() as tx:
        return repo.add_channel(
            tx,
            organisation_id=desk.organisation_id,
            platform=platform,
            external_id=f"{platform}-1",
            name=platform,
            policy_yaml=policy_yaml,
            credentials_ref=None,
        ).id


def _ingest_on(desk: Desk, triage: FakeTriage, channel_id: int, text: str) -> int:
    result = ingest(
        desk.store,
        triage,
        [item(f"b-{channel_id}", text, channel_id=channel_id, author="troll")],
        actor=desk.actors["admin"],
    )
    return result.created[0].comment_id


def test_undoing_a_block_lifts_the_ban_through_the_outbox(desk: Desk, fake_triage: FakeTriage) -> None:
    (cid,) = _ingest(desk, fake_triage, "insult: idiot")
    lead = desk.actors["lead"]
    made = decisions.record_decision(desk.store, lead, cid, DecisionIn(step="block", reason="blijft schelden"))
    assert "ban_from_page" in [a.action for a in _rows(desk, cid)]  # Facebook: the policy's block_action
    _send_all(desk, cid)
    result = undo.undo_decision(desk.store, lead, cid, made.id, window=WINDOW)
    assert "unban_from_page" in result.reversed and "ban_from_page" not in result.by_hand
    # The reply's id on Facebook is not known here: deleting it is a to-do for a person.
    assert result.to_do == ["delete_reply"]
    (lift,) = [a for a in _rows(desk, cid) if a.action == "unban_from_page"]
    ban = next(a for a in _rows(desk, cid) if a.action == "ban_from_page")
    assert lift.status == "queued" and lift.payload["reverses"] == ban.id
    # A later decision that does not block leaves the lifting of the ban queued...
    decisions.record_decision(desk.store, lead, cid, DecisionIn(step="refer", reason="toch maar verwijzen"))
    assert next(a for a in _rows(desk, cid) if a.id == lift.id).status == "queued"
    # ... one that blocks again cancels it before it is sent: the ban still stands, nothing is sent twice.
    decisions.record_decision(desk.store, lead, cid, DecisionIn(step="block", reason="toch blokkeren"))
    rows = _rows(desk, cid)
    assert next(a for a in rows if a.id == lift.id).status == "cancelled"
    assert [a.status for a in rows if a.action == "ban_from_page"] == ["done"]


def test_a_block_lifted_on_the_platform_is_made_again_by_a_new_block(desk: Desk, fake_triage: FakeTriage) -> None:
    (cid,) = _ingest(desk, fake_triage, "insult: idiot")
    lead = desk.actors["lead"]
    made = decisions.record_decision(desk.store, lead, cid, DecisionIn(step="block", reason="blijft schelden"))
    _send_all(desk, cid)
    undo.undo_decision(desk.store, lead, cid, made.id, window=WINDOW)
    _send_all(desk, cid)  # the ban is lifted on Facebook
    decisions.record_decision(desk.store, lead, cid, DecisionIn(step="block", reason="toch blokkeren"))
    assert [a.status for a in _rows(desk, cid) if a.action == "ban_from_page"] == ["done", "queued"]


def test_a_block_no_api_lifts_is_a_to_do_with_the_reason_in_words(desk: Desk, fake_triage: FakeTriage) -> None:
    from hierniet.services import outbox_desk

    youtube = _channel(desk, "youtube")
    cid = _ingest_on(desk, fake_triage, youtube, "insult: idiot")
    lead = desk.actors["lead"]
    made = decisions.record_decision(desk.store, lead, cid, DecisionIn(step="block", reason="blijft schelden"))
    assert "reject_and_ban_author" in [a.action for a in _rows(desk, cid)]
    _send_all(desk, cid)
    result = undo.undo_decision(desk.store, lead, cid, made.id, window=WINDOW)
    assert "reject_and_ban_author" in result.by_hand and result.to_do[0] == "unblock"
    (todo,) = [a for a in _rows(desk, cid) if a.action == "unblock"]
    assert todo.status == "manual" and todo.decision_id == result.decision.id
    assert "youtube connector has no API for 'unblock'" in (todo.last_error or "")
    assert "by hand" in (todo.last_error or "")
    # The outbox lists it as a to-do, with the words and the comment's address; a later decision keeps it.
    decisions.record_decision(desk.store, lead, cid, DecisionIn(step="refer", reason="toch maar verwijzen"))
    manual = outbox_desk.outbox(desk.store, lead, status="manual").items
    (item_,) = [i for i in manual if i.id == todo.id]
    assert item_.action == "unblock" and item_.reason == "no_api" and item_.answer == todo.last_error
    done = outbox_desk.done_by_hand(desk.store, desk.actors["moderator"], todo.id, note="opgeheven in Studio")
    assert done.status == "done" and done.done_by == desk.actors["moderator"].name


def test_an_undone_mute_is_taken_back_where_the_connector_can(desk: Desk, fake_triage: FakeTriage) -> None:
    policy = (
        "extends: default\nplatforms:\n  mastodon:\n"
        "    hide: false\n    delete: false\n    block: true\n    block_action: mute\n    report: true\n"
    )
    mastodon = _channel(desk, "mastodon", policy)
    cid = _ingest_on(desk, fake_triage, mastodon, "insult: idiot")
    lead = desk.actors["lead"]
    made = decisions.record_decision(desk.store, lead, cid, DecisionIn(step="block", reason="blijft schelden"))
    assert "mute" in [a.action for a in _rows(desk, cid)]
    _send_all(desk, cid)
    result = undo.undo_decision(desk.store, lead, cid, made.id, window=WINDOW)
    assert "unmute" in result.reversed and "mute" not in result.by_hand and "unmute" not in result.to_do


def test_only_a_lead_undoes_a_block(desk: Desk, fake_triage: FakeTriage) -> None:
    from hierniet.services.auth import Actor, Role

    (cid,) = _ingest(desk, fake_triage, "insult: idiot")
    lead = desk.actors["lead"]
    made = decisions.record_decision(desk.store, lead, cid, DecisionIn(step="block", reason="blijft schelden"))
    # The same person, made a moderator since: a block is a lead's step, and so is taking it back.
    demoted = Actor(lead.user_id, lead.name, Role.MODERATOR, lead.organisation_id)
    detail = queue.comment_detail(desk.store, lead, cid)
    assert undo.undoable(desk.store, lead, detail, window=WINDOW) is not None
    assert undo.undoable(desk.store, demoted, detail, window=WINDOW) is None
    with pytest.raises(Forbidden, match="undo a 'block' decision"):
        undo.undo_decision(desk.store, demoted, cid, made.id, window=WINDOW)
    assert _state(desk, cid) == ("decided", "block")
    assert undo.undo_decision(desk.store, lead, cid, made.id, window=WINDOW).status == "open"
