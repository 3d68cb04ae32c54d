"""People's decisions: append-only, role checks, escalations, outbox calls, re-triage never overriding a person."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from hierniet.services import decisions, queue
from hierniet.services.decisions import DecisionIn
from hierniet.services.errors import Conflict, Forbidden, InvalidInput, NotFound
from hierniet.services.ingest import ingest
from hierniet.store.tables import Decision, QueuedAction
from store.dbfixtures import Desk, FakeTriage, at, item


def _ingest(desk: Desk, triage: FakeTriage, *texts: str, author: str = "a1") -> list[int]:
    result = ingest(
        desk.store,
        triage,
        [item(f"c{i}-{author}", t, channel_id=desk.channel_id, author=author, day=i + 1) for i, t in enumerate(texts)],
        actor=desk.actors["admin"],
    )
    return [c.comment_id for c in result.created]


def _actions(desk: Desk, comment_id: int) -> list[tuple[str, str]]:
    with desk.store.session() as s:
        rows = s.scalars(select(QueuedAction).where(QueuedAction.comment_id == comment_id).order_by(QueuedAction.id))
        return [(a.action, a.status) for a in rows]


def test_accepting_a_recommendation(desk: Desk, fake_triage: FakeTriage) -> None:
    (cid,) = _ingest(desk, fake_triage, "insult: idiot")
    view = decisions.record_decision(desk.store, desk.actors["moderator"], cid, DecisionIn(step="refer"))
    assert (view.kind, view.step, view.user) == ("accept", "refer", "moderator1")
    assert view.reply  # the recommended reply with the charter link
    detail = queue.comment_detail(desk.store, desk.actors["moderator"], cid)
    assert detail.status == "decided"
    assert [d.id for d in detail.decisions] == [view.id]
    assert _actions(desk, cid) == [("reply", "queued")]


def test_editing_the_reply_is_an_edit(desk: Desk, fake_triage: FakeTriage) -> None:
    (cid,) = _ingest(desk, fake_triage, "insult: idiot")
    view = decisions.record_decision(
        desk.store, desk.actors["moderator"], cid, DecisionIn(step="refer", reply="Hou het beleefd, aub.")
    )
    assert (view.kind, view.reply) == ("edit", "Hou het beleefd, aub.")


def test_an_override_needs_a_reason(desk: Desk, fake_triage: FakeTriage) -> None:
    (cid,) = _ingest(desk, fake_triage, "insult: idiot")
    with pytest.raises(InvalidInput, match="give a reason"):
        decisions.record_decision(desk.store, desk.actors["moderator"], cid, DecisionIn(step="hide"))
    view = decisions.record_decision(
        desk.store, desk.actors["moderator"], cid, DecisionIn(step="hide", reason="third time today")
    )
    assert view.kind == "override"
    assert [a for a, _ in _actions(desk, cid)] == ["hide", "reply"]


def test_unknown_steps_and_reports_are_refused(desk: Desk, fake_triage: FakeTriage) -> None:
    (cid,) = _ingest(desk, fake_triage, "insult: idiot")
    with pytest.raises(InvalidInput, match="unknown step 'ban'"):
        decisions.record_decision(desk.store, desk.actors["moderator"], cid, DecisionIn(step="ban"))
    with pytest.raises(InvalidInput, match="unknown report 'fbi'"):
        decisions.record_decision(desk.store, desk.actors["moderator"], cid, DecisionIn(step="refer", reports=("fbi",)))


@pytest.mark.parametrize(
    ("decision", "what"),
    [
        (DecisionIn(step="block", reason="persists"), "block"),
        (DecisionIn(step="police", reason="credible"), "police"),
        (DecisionIn(step="hide_report", reason="x", reports=("platform", "police")), "police"),
    ],
)
def test_moderators_may_not_block_or_call_the_police(
    desk: Desk, fake_triage: FakeTriage, decision: DecisionIn, what: str
) -> None:
    (cid,) = _ingest(desk, fake_triage, "insult: idiot")
    with pytest.raises(Forbidden, match=f"(?s){what}.*role lead"):
        decisions.record_decision(desk.store, desk.actors["moderator"], cid, decision)
    assert decisions.record_decision(desk.store, desk.actors["lead"], cid, decision).step == decision.step


def test_a_moderator_may_not_undo_a_leads_block(desk: Desk, fake_triage: FakeTriage) -> None:
    (cid,) = _ingest(desk, fake_triage, "insult: idiot")
    decisions.record_decision(desk.store, desk.actors["lead"], cid, DecisionIn(step="block", reason="persists"))
    with pytest.raises(Forbidden, match="change a 'block' decision"):
        decisions.record_decision(desk.store, desk.actors["moderator"], cid, DecisionIn(step="none", reason="oops"))


def test_escalations_are_resolved_by_a_lead(desk: Desk, fake_triage: FakeTriage) -> None:
    (cid,) = _ingest(desk, fake_triage, "insult: idiot")
    view = decisions.escalate(desk.store, desk.actors["moderator"], cid, "not sure: sarcasm?")
    assert (view.kind, view.reason) == ("escalate", "not sure: sarcasm?")
    assert queue.comment_detail(desk.store, desk.actors["moderator"], cid).status == "escalated"
    with pytest.raises(Conflict, match="already escalated"):
        decisions.escalate(desk.store, desk.actors["moderator"], cid)
    with pytest.raises(Forbidden, match="resolve an escalated comment"):
        decisions.record_decision(desk.store, desk.actors["moderator"], cid, DecisionIn(step="refer"))
    decisions.record_decision(desk.store, desk.actors["lead"], cid, DecisionIn(step="refer"))
    assert queue.comment_detail(desk.store, desk.actors["lead"], cid).status == "decided"


def test_alerts_arrive_escalated(desk: Desk, fake_triage: FakeTriage) -> None:
    (cid,) = _ingest(desk, fake_triage, "selfharm: ik kan niet meer")
    with pytest.raises(Forbidden):
        decisions.record_decision(desk.store, desk.actors["moderator"], cid, DecisionIn(step="care"))
    view = decisions.record_decision(desk.store, desk.actors["lead"], cid, DecisionIn(step="care"))
    assert view.kind == "accept" and "1813" in view.reply


def test_decisions_are_appended_never_replaced(desk: Desk, fake_triage: FakeTriage) -> None:
    (cid,) = _ingest(desk, fake_triage, "insult: idiot")
    first = decisions.record_decision(desk.store, desk.actors["moderator"], cid, DecisionIn(step="refer"))
    second = decisions.record_decision(
        desk.store, desk.actors["moderator"], cid, DecisionIn(step="none", reason="was a quote")
    )
    with desk.store.session() as s:
        rows = list(s.scalars(select(Decision).order_by(Decision.id)))
    assert [(d.id, d.step) for d in rows] == [(first.id, "refer"), (second.id, "none")]
    detail = queue.comment_detail(desk.store, desk.actors["moderator"], cid)
    assert [d.step for d in detail.decisions] == ["refer", "none"]
    # The reply queued by the first decision is no longer wanted.
    assert _actions(desk, cid) == [("reply", "cancelled")]


def test_overriding_an_automatic_hide_cancels_or_reverts_it(desk: Desk, fake_triage: FakeTriage) -> None:
    a, b = _ingest(desk, fake_triage, "spam: koop", "spam: nog eens", author="spammer")
    assert _actions(desk, a) == [("hide", "queued")]
    decisions.record_decision(desk.store, desk.actors["moderator"], a, DecisionIn(step="none", reason="real offer"))
    assert _actions(desk, a) == [("hide", "cancelled")]
    with desk.store.transaction() as tx:  # the connector carried out b's hide already
        tx.execute(QueuedAction.__table__.update().where(QueuedAction.comment_id == b).values(status="done"))
    decisions.record_decision(desk.store, desk.actors["moderator"], b, DecisionIn(step="none", reason="real offer"))
    assert [x for x, _ in _actions(desk, b)] == ["hide", "report", "unhide"]  # b came second: hide_report


def test_retriage_adds_a_version_and_never_changes_a_persons_decision(desk: Desk, fake_triage: FakeTriage) -> None:
    decided, fresh = _ingest(desk, fake_triage, "insult: a", "insult: b")
    decisions.record_decision(desk.store, desk.actors["moderator"], decided, DecisionIn(step="none", reason="joke"))
    versions = decisions.retriage(desk.store, fake_triage, desk.actors["lead"], [decided, fresh])
    assert versions == [2, 2]
    kept = queue.comment_detail(desk.store, desk.actors["lead"], decided)
    assert (kept.status, kept.verdict_versions) == ("decided", 2)
    assert kept.verdict is not None and kept.verdict.version == 2
    assert kept.recommendation is not None and kept.recommendation.step == "none"  # the person's step stands
    assert [d.step for d in kept.decisions] == ["none"]
    other = queue.comment_detail(desk.store, desk.actors["lead"], fresh)
    assert other.status == "open"
    # The comment's own first reading is no strike against itself, and the joke no longer counts.
    assert other.recommendation is not None and other.recommendation.step == "refer"


def test_retriage_is_for_leads(desk: Desk, fake_triage: FakeTriage) -> None:
    (cid,) = _ingest(desk, fake_triage, "insult: a")
    with pytest.raises(Forbidden):
        decisions.retriage(desk.store, fake_triage, desk.actors["moderator"], [cid])


def test_clearing_an_authors_record(desk: Desk, fake_triage: FakeTriage) -> None:
    _ingest(desk, fake_triage, "insult: a", "insult: b")  # the author stands at 'hide' now
    with desk.store.session() as s:
        author_id = s.scalar(select(Decision.author_id)) or 1
    with pytest.raises(Forbidden):
        decisions.clear_author(desk.store, desk.actors["moderator"], author_id, "new start")
    with pytest.raises(InvalidInput, match="give a reason"):
        decisions.clear_author(desk.store, desk.actors["lead"], author_id, " ")
    view = decisions.clear_author(desk.store, desk.actors["lead"], author_id, "apologised by mail", now=at(2, 18))
    assert (view.kind, view.comment_id) == ("clear_author", None)
    result = ingest(
        desk.store,
        fake_triage,
        [item("after", "insult: c", channel_id=desk.channel_id, author="a1", day=3)],
        actor=desk.actors["moderator"],
    )
    assert result.created[0].step == "refer"


def test_other_organisations_comments_are_invisible(desk: Desk, fake_triage: FakeTriage) -> None:
    result = ingest(
        desk.store, fake_triage, [item("x", "insult: a", channel_id=desk.other_channel_id)], actor=desk.actors["root"]
    )
    cid = result.created[0].comment_id
    with pytest.raises(NotFound):
        decisions.record_decision(desk.store, desk.actors["lead"], cid, DecisionIn(step="refer"))
    with pytest.raises(NotFound):
        queue.comment_detail(desk.store, desk.actors["lead"], cid)
    assert decisions.record_decision(desk.store, desk.actors["root"], cid, DecisionIn(step="refer")).kind == "accept"
