"""Comments edited or removed on the platform: the earlier text kept as a revision, a new verdict version
through re-triage, a person's decision never overwritten; removals leave the queue and cancel what is moot."""

from __future__ import annotations

from sqlalchemy import select

from hierniet.services import decisions, queue
from hierniet.services.ingest import ingest
from hierniet.services.removals import CANCEL_REASON, RemovalResult, record_removals
from hierniet.services.views import CommentStatus, IngestResult
from hierniet.store import repo
from hierniet.store.tables import AuditEntry, Comment, CommentRevision, QueuedAction, Verdict
from store.dbfixtures import Desk, FakeTriage, at, item


def _comment(desk: Desk, comment_id: int) -> Comment:
    with desk.store.session() as s:
        row = s.get(Comment, comment_id)
        assert row is not None
        return row


def _audit(desk: Desk, action: str) -> list[AuditEntry]:
    with desk.store.session() as s:
        return list(s.scalars(select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id)))


def _ingest(desk: Desk, triage: FakeTriage, *items: dict[str, object]) -> IngestResult:
    return ingest(desk.store, triage, list(items), actor=desk.actors["moderator"], now=at(2))


def test_an_edit_keeps_the_old_text_and_triages_the_new_one(desk: Desk, fake_triage: FakeTriage) -> None:
    first = ingest(
        desk.store, fake_triage, [item("c1", "Wanneer open?", channel_id=desk.channel_id)], actor=desk.actors["admin"]
    )
    cid = first.created[0].comment_id
    result = ingest(
        desk.store,
        fake_triage,
        [item("c1", "insult: jullie idioten", channel_id=desk.channel_id, edited=True)],
        actor=desk.actors["moderator"],
        now=at(3),
    )
    assert result.created == [] and result.duplicates == []
    [edited] = result.edited
    assert (edited.comment_id, edited.status, edited.step, edited.labels) == (cid, "open", "refer", ["insult"])
    assert (edited.previous_severity, edited.severity, edited.held) == (0, 2, False)
    assert fake_triage.calls == [1, 1]
    row = _comment(desk, cid)
    assert (row.text, row.status, row.verdict_version, row.edited_at) == ("insult: jullie idioten", "open", 2, at(3))
    with desk.store.session() as s:
        [revision] = s.scalars(select(CommentRevision)).all()
        assert [v.version for v in s.scalars(select(Verdict).where(Verdict.comment_id == cid))] == [1, 2]
    assert (revision.text, revision.verdict_version, revision.replaced_at) == ("Wanneer open?", 1, at(3))
    assert revision.received_at == row.received_at
    [audit] = _audit(desk, "comment.edited_on_platform")
    assert audit.subject_id == str(cid) and audit.detail["revision"] == revision.id
    assert audit.detail["previous"]["labels"] == ["ok"] and audit.detail["labels"] == ["insult"]
    detail = queue.comment_detail(desk.store, desk.actors["moderator"], cid)
    assert [(r.text, r.labels, r.severity) for r in detail.revisions] == [("Wanneer open?", ["ok"], 0)]
    assert detail.edited_at == at(3) and detail.text == "insult: jullie idioten"


def test_the_same_text_again_is_a_no_op(desk: Desk, fake_triage: FakeTriage) -> None:
    cid = _ingest(desk, fake_triage, item("c1", "insult: x", channel_id=desk.channel_id)).created[0].comment_id
    again = _ingest(desk, fake_triage, item("c1", "insult: x", channel_id=desk.channel_id, edited=True))
    assert again.edited == [] and [d.comment_id for d in again.duplicates] == [cid]
    assert fake_triage.calls == [1]
    assert _audit(desk, "comment.edited_on_platform") == []


def test_an_unmarked_new_text_is_an_edit_but_an_old_text_is_a_late_copy(desk: Desk, fake_triage: FakeTriage) -> None:
    cid = _ingest(desk, fake_triage, item("c1", "eerste", channel_id=desk.channel_id)).created[0].comment_id
    assert len(_ingest(desk, fake_triage, item("c1", "tweede", channel_id=desk.channel_id)).edited) == 1
    # A retried delivery of the first version, without the platform's edit mark: not an edit back.
    late = _ingest(desk, fake_triage, item("c1", "eerste", channel_id=desk.channel_id))
    assert late.edited == [] and [d.comment_id for d in late.duplicates] == [cid]
    assert _comment(desk, cid).text == "tweede"
    # Marked as an edit by the platform, going back to the first text is an edit like any other.
    back = _ingest(desk, fake_triage, item("c1", "eerste", channel_id=desk.channel_id, edited=True))
    assert len(back.edited) == 1 and _comment(desk, cid).text == "eerste"
    with desk.store.session() as s:
        assert [r.text for r in repo.revisions_for_comment(s, cid)] == ["eerste", "tweede"]


def test_versions_of_one_comment_in_one_batch_are_applied_in_order(desk: Desk, fake_triage: FakeTriage) -> None:
    result = _ingest(
        desk,
        fake_triage,
        item("c1", "Bedankt!", channel_id=desk.channel_id),
        item("c1", "insult: toch niet, idioten", channel_id=desk.channel_id, edited=True),
        item("c1", "insult: toch niet, idioten", channel_id=desk.channel_id, edited=True),
    )
    assert [c.index for c in result.created] == [0]
    assert [(e.index, e.step) for e in result.edited] == [(1, "refer")]
    assert [d.index for d in result.duplicates] == [2]
    cid = result.created[0].comment_id
    assert _comment(desk, cid).text == "insult: toch niet, idioten"
    with desk.store.session() as s:
        assert [r.text for r in repo.revisions_for_comment(s, cid)] == ["Bedankt!"]


def test_an_edit_after_a_decision_keeps_the_decision(desk: Desk, fake_triage: FakeTriage) -> None:
    cid = _ingest(desk, fake_triage, item("c1", "insult: sukkel", channel_id=desk.channel_id)).created[0].comment_id
    decisions.record_decision(desk.store, desk.actors["moderator"], cid, decisions.DecisionIn(step="refer"))
    # Softened: the decision stands and the comment stays decided, flagged for a second look.
    softer = _ingest(desk, fake_triage, item("c1", "sorry, dat was te veel", channel_id=desk.channel_id, edited=True))
    assert [(e.status, e.held) for e in softer.edited] == [("decided", True)]
    row = _comment(desk, cid)
    assert (row.status, row.decided_step, row.edited_after_decision, row.step) == ("decided", "refer", True, "none")
    assert queue.queue(desk.store, desk.actors["moderator"], queue.QueueFilters()).items == []
    # Worse than what was decided on: back in the queue, the person's decided step still there.
    worse = _ingest(desk, fake_triage, item("c1", "threat: ik weet waar je woont", channel_id=desk.channel_id))
    assert [(e.status, e.held) for e in worse.edited] == [("escalated", False)]
    row = _comment(desk, cid)
    assert (row.status, row.decided_step, row.edited_after_decision) == ("escalated", "refer", True)
    [waiting] = queue.queue(desk.store, desk.actors["lead"], queue.QueueFilters()).items
    assert waiting.id == cid and waiting.edited_after_decision
    with desk.store.session() as s:
        assert len(repo.decisions_for_comment(s, cid)) == 1  # nothing appended or changed by the machine
        # No machine step was queued over the person's decision.
        assert {a.action for a in s.scalars(select(QueuedAction))} == {"reply"}
    [back] = [a for a in _audit(desk, "comment.edited_on_platform") if a.detail["back_in_queue"]]
    assert back.detail["decided_step"] == "refer" and back.detail["previous"]["severity"] == 0
    # Deciding again is the second look: the flag goes.
    decisions.record_decision(desk.store, desk.actors["lead"], cid, decisions.DecisionIn(step="police"))
    assert _comment(desk, cid).edited_after_decision is False


def test_an_edit_into_spam_is_hidden_and_one_out_of_it_cancels_the_queued_hide(
    desk: Desk, fake_triage: FakeTriage
) -> None:
    cid = _ingest(desk, fake_triage, item("c1", "Mooi zo", channel_id=desk.channel_id)).created[0].comment_id
    _ingest(desk, fake_triage, item("c1", "spam: win een iPhone", channel_id=desk.channel_id, edited=True))
    with desk.store.session() as s:
        assert [(a.action, a.status) for a in repo.actions_for_comment(s, cid)] == [("hide", "queued")]
    _ingest(desk, fake_triage, item("c1", "Mooi zo!", channel_id=desk.channel_id, edited=True))
    with desk.store.session() as s:
        assert [(a.action, a.status) for a in repo.actions_for_comment(s, cid)] == [("hide", "cancelled")]
    assert _comment(desk, cid).status == "clear"


def _remove(desk: Desk, *external_ids: str) -> RemovalResult:
    with desk.store.transaction() as tx:
        channel = repo.get_channel(tx, desk.channel_id)
        assert channel is not None
        return record_removals(tx, channel, list(external_ids), actor="connector:facebook", now=at(5))


def test_a_removed_comment_nobody_decided_on_leaves_the_queue(desk: Desk, fake_triage: FakeTriage) -> None:
    result = _ingest(
        desk,
        fake_triage,
        item("c1", "insult: idioot", channel_id=desk.channel_id),
        item("c2", "spam: koop", channel_id=desk.channel_id, author="a2"),
        item("c3", "selfharm: ik kan niet meer", channel_id=desk.channel_id, author="a3"),
    )
    insult, spam, care = (c.comment_id for c in result.created)
    removal = _remove(desk, "c1", "c2", "c3", "never-seen")
    assert removal.removed == [insult, spam, care] and removal.unknown == ["never-seen"]
    assert (_comment(desk, insult).status, _comment(desk, insult).removed_at) == ("removed", at(5))
    assert _comment(desk, spam).status == "removed"
    # An alert for a lead keeps waiting: the person who wrote it still matters.
    assert (_comment(desk, care).status, _comment(desk, care).removed_at) == ("escalated", at(5))
    waiting = queue.queue(desk.store, desk.actors["lead"], queue.QueueFilters()).items
    assert [i.id for i in waiting] == [care] and waiting[0].removed_at == at(5)
    counts = queue.counts(desk.store, desk.actors["moderator"])
    assert counts.by_status["removed"] == 2
    removed = queue.queue(desk.store, desk.actors["moderator"], queue.QueueFilters(status=("removed",))).items
    assert sorted(i.id for i in removed) == [insult, spam]
    with desk.store.session() as s:
        [hide] = repo.actions_for_comment(s, spam)
    assert (hide.status, hide.outcome) == ("cancelled", CANCEL_REASON)
    # The evidence stays: text and verdict.
    detail = queue.comment_detail(desk.store, desk.actors["moderator"], insult)
    assert detail.text == "insult: idioot" and detail.verdict is not None and detail.removed_at == at(5)
    assert len(_audit(desk, "comment.removed_on_platform")) == 3
    assert _remove(desk, "c1").removed == []  # twice is a no-op
    assert len(_audit(desk, "comment.removed_on_platform")) == 3


def test_a_decided_removed_comment_keeps_its_decision_and_its_report(desk: Desk, fake_triage: FakeTriage) -> None:
    cid = _ingest(desk, fake_triage, item("c1", "hate: ...", channel_id=desk.channel_id)).created[0].comment_id
    decisions.record_decision(desk.store, desk.actors["moderator"], cid, decisions.DecisionIn(step="hide_report"))
    with desk.store.session() as s:
        before = {a.action: a.status for a in repo.actions_for_comment(s, cid)}
    # Facebook has no reporting API: the report is a to-do for a person ("manual"), kept like a queued one.
    assert before["report"] == "manual" and before["hide"] == "queued"
    _remove(desk, "c1")
    row = _comment(desk, cid)
    assert (row.status, row.decided_step, row.removed_at) == (CommentStatus.DECIDED, "hide_report", at(5))
    with desk.store.session() as s:
        after = {a.action: a.status for a in repo.actions_for_comment(s, cid)}
    assert after["report"] == "manual"
    assert {status for action, status in after.items() if action != "report"} == {"cancelled"}
    [audit] = _audit(desk, "comment.removed_on_platform")
    assert audit.detail["kept"] == ["report"] and audit.detail["status"] == "decided"


def test_an_undos_lifting_of_a_ban_outlives_the_comments_removal(desk: Desk, fake_triage: FakeTriage) -> None:
    from datetime import timedelta

    from sqlalchemy import update

    from hierniet.services import undo
    from hierniet.store.tables import QueuedAction

    cid = _ingest(desk, fake_triage, item("c1", "insult: idioot", channel_id=desk.channel_id)).created[0].comment_id
    lead = desk.actors["lead"]
    made = decisions.record_decision(desk.store, lead, cid, decisions.DecisionIn(step="block", reason="blijft"))
    with desk.store.transaction() as tx:
        tx.execute(update(QueuedAction).where(QueuedAction.comment_id == cid).values(status="done"))
    undo.undo_decision(desk.store, lead, cid, made.id, window=timedelta(minutes=10))
    _remove(desk, "c1")
    with desk.store.session() as s:
        after = {a.action: a.status for a in repo.actions_for_comment(s, cid)}
    # The author is banned whatever became of the comment: lifting the ban still goes out; unhiding does not.
    assert after["unban_from_page"] == "queued" and after["unhide"] == "cancelled"
