"""The desk as a team (issue 12): claims on opening, a lead's assignment, saved filters, the outbox with
retry and "done by hand", and calls a platform has no API for waiting as a to-do (SQLite and PostgreSQL)."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest

from hierniet.services import claims, decisions, outbox_desk, queue, saved_filters
from hierniet.services.actions import ActionStatus, by_hand
from hierniet.services.errors import Conflict, Forbidden, InvalidInput, NotFound
from hierniet.services.ingest import ingest
from hierniet.store import connector_repo as crepo
from hierniet.store import repo, repo_team
from hierniet.store.tables import AuditEntry, QueuedAction, utcnow
from store.dbfixtures import Desk, FakeTriage, item


def _comment(desk: Desk, triage: FakeTriage, ref: str = "c1", text: str = "insult: jij idioot") -> int:
    result = ingest(
        desk.store, triage, [item(ref, text, channel_id=desk.channel_id, author=ref)], actor=desk.actors["admin"]
    )
    assert not result.rejected, result.rejected
    return result.created[0].comment_id


def _audit(desk: Desk, action: str) -> list[AuditEntry]:
    with desk.store.session() as s:
        return list(s.query(AuditEntry).filter(AuditEntry.action == action).order_by(AuditEntry.id))


def _actions(desk: Desk, comment_id: int) -> dict[str, QueuedAction]:
    with desk.store.session() as s:
        return {a.action: a for a in repo.actions_for_comment(s, comment_id)}


# --- claims and assignments --------------------------------------------------------------------------------------


def test_opening_claims_for_a_few_minutes_and_warns_the_next_person(desk: Desk, fake_triage: FakeTriage) -> None:
    cid = _comment(desk, fake_triage)
    mod, lead = desk.actors["moderator"], desk.actors["lead"]
    now = utcnow()
    mine = claims.open_comment(desk.store, mod, cid, now=now)
    assert mine is not None and mine.mine and mine.user_id == mod.user_id and not mine.assigned
    assert mine.until == now + timedelta(minutes=claims.CLAIM_MINUTES)
    # The lead opening it is told who is on it; the claim stays the moderator's (a warning, not a takeover).
    seen = claims.open_comment(desk.store, lead, cid, now=now + timedelta(minutes=2))
    assert seen is not None and not seen.mine and seen.name == mod.name
    assert seen.minutes(now + timedelta(minutes=2)) == 2
    assert claims.holders(desk.store, lead, [cid], now=now + timedelta(minutes=2))[cid].user_id == mod.user_id
    # Opening it again extends one's own claim.
    again = claims.open_comment(desk.store, mod, cid, now=now + timedelta(minutes=4))
    assert again is not None and again.until == now + timedelta(minutes=4 + claims.CLAIM_MINUTES)
    # A claim that ran out is nobody's: the next to open it has it.
    later = now + timedelta(minutes=4 + claims.CLAIM_MINUTES + 1)
    assert claims.holders(desk.store, lead, [cid], now=later) == {}
    taken = claims.open_comment(desk.store, lead, cid, now=later)
    assert taken is not None and taken.mine and taken.user_id == lead.user_id
    # Nothing of this is an action to audit: opening is reading.
    assert _audit(desk, "comment.taken_over") == []


def test_taking_over_is_explicit_and_audited(desk: Desk, fake_triage: FakeTriage) -> None:
    cid = _comment(desk, fake_triage)
    mod, lead = desk.actors["moderator"], desk.actors["lead"]
    claims.open_comment(desk.store, mod, cid)
    holder = claims.take_over(desk.store, lead, cid)
    assert holder.mine and holder.user_id == lead.user_id
    [entry] = _audit(desk, "comment.taken_over")
    assert entry.detail["from"] == mod.name and entry.user_id == lead.user_id


def test_a_lead_assigns_and_the_assignee_finds_it_under_assigned_to_me(desk: Desk, fake_triage: FakeTriage) -> None:
    cid = _comment(desk, fake_triage)
    other = _comment(desk, fake_triage, "c2")
    mod, lead = desk.actors["moderator"], desk.actors["lead"]
    assert mod.user_id is not None
    with pytest.raises(Forbidden):
        claims.assign(desk.store, mod, cid, mod.user_id)
    with pytest.raises(Forbidden):
        claims.assignable(desk.store, mod, cid)
    holder = claims.assign(desk.store, lead, cid, mod.user_id, now=utcnow() - timedelta(hours=3))
    # An assignment does not run out.
    assert holder.assigned and holder.until is None and holder.assigned_by == lead.name
    assert claims.holders(desk.store, mod, [cid])[cid].mine
    [entry] = _audit(desk, "comment.assigned")
    assert entry.detail["to"] == mod.name
    # The moderator opening it keeps it assigned (no expiry added).
    opened = claims.open_comment(desk.store, mod, cid)
    assert opened is not None and opened.assigned and opened.mine
    # Someone else opening it is warned and does not get it.
    seen = claims.open_comment(desk.store, lead, cid)
    assert seen is not None and not seen.mine
    mine = queue.queue(desk.store, mod, queue.QueueFilters(assigned_to=mod.user_id))
    assert [i.id for i in mine.items] == [cid] and other not in [i.id for i in mine.items]
    assert queue.queue(desk.store, lead, queue.QueueFilters(assigned_to=lead.user_id)).total == 0


def test_only_a_person_of_the_comments_organisation_can_be_assigned(desk: Desk, fake_triage: FakeTriage) -> None:
    cid = _comment(desk, fake_triage)
    lead = desk.actors["lead"]
    with desk.store.transaction() as tx:
        outsider = repo.add_user(tx, name="elders", role="moderator", organisation_id=desk.other_organisation_id)
        outsider_id = outsider.id
    with pytest.raises(InvalidInput):
        claims.assign(desk.store, lead, cid, outsider_id)
    with pytest.raises(InvalidInput):
        claims.assign(desk.store, lead, cid, 999_999)
    assert claims.holders(desk.store, lead, [cid]) == {}


def test_deciding_or_escalating_releases_the_comment(desk: Desk, fake_triage: FakeTriage) -> None:
    first, second = _comment(desk, fake_triage), _comment(desk, fake_triage, "c2")
    mod = desk.actors["moderator"]
    claims.open_comment(desk.store, mod, first)
    claims.open_comment(desk.store, mod, second)
    assert set(claims.holders(desk.store, mod, [first, second])) == {first, second}
    decisions.record_decision(desk.store, mod, first, decisions.DecisionIn(step="refer", reason="test"))
    decisions.escalate(desk.store, mod, second, "not sure")
    assert claims.holders(desk.store, mod, [first, second]) == {}


def test_another_organisations_comment_cannot_be_claimed_or_taken(desk: Desk, fake_triage: FakeTriage) -> None:
    result = ingest(
        desk.store,
        fake_triage,
        [item("x1", "insult: elders", channel_id=desk.other_channel_id)],
        actor=desk.actors["root"],
    )
    cid = result.created[0].comment_id
    for call in (claims.open_comment, claims.take_over):
        with pytest.raises(NotFound):
            call(desk.store, desk.actors["moderator"], cid)


# --- calls a platform has no API for -------------------------------------------------------------------------------


def test_a_facebook_report_is_a_todo_for_a_person_never_sent_by_the_worker(desk: Desk, fake_triage: FakeTriage) -> None:
    assert by_hand("facebook", "report") and not by_hand("facebook", "hide")
    assert not by_hand("mastodon", "report") and by_hand("instagram", "block")
    assert not by_hand(None, "report") and not by_hand("other", "report")
    cid = _comment(desk, fake_triage, text="hate: ...")
    mod = desk.actors["moderator"]
    decisions.record_decision(desk.store, mod, cid, decisions.DecisionIn(step="hide_report"))
    actions = _actions(desk, cid)
    assert actions["report"].status == ActionStatus.MANUAL and actions["hide"].status == ActionStatus.QUEUED
    with desk.store.session() as s:
        due = crepo.due_actions(s, utcnow() + timedelta(days=1), 100)
    assert actions["hide"].id in due and actions["report"].id not in due
    # Deciding again does not add a second to-do; a decision that no longer reports cancels it.
    decisions.record_decision(desk.store, desk.actors["lead"], cid, decisions.DecisionIn(step="hide_report"))
    with desk.store.session() as s:
        assert [a.action for a in repo.actions_for_comment(s, cid)].count("report") == 1
    decisions.record_decision(
        desk.store, desk.actors["lead"], cid, decisions.DecisionIn(step="hide", reason="no report")
    )
    assert _actions(desk, cid)["report"].status == ActionStatus.CANCELLED


def test_done_by_hand_names_the_person_and_is_audited(desk: Desk, fake_triage: FakeTriage) -> None:
    cid = _comment(desk, fake_triage, text="hate: ...")
    mod = desk.actors["moderator"]
    decisions.record_decision(desk.store, mod, cid, decisions.DecisionIn(step="hide_report"))
    manual = [a for a in outbox_desk.comment_actions(desk.store, mod, cid) if a.status == ActionStatus.MANUAL]
    # The platform's report (no API on Facebook) and the report to Unia the step implies are both to-dos.
    assert sorted(a.action for a in manual) == ["report", "report_unia"]
    [todo] = [a for a in manual if a.action == "report"]
    assert todo.platform_url is not None and "facebook.com" in todo.platform_url
    done = outbox_desk.done_by_hand(desk.store, mod, todo.id, note="reported  in the app")
    assert done.status == ActionStatus.DONE and done.done_by == mod.name and done.by_hand and done.done_at
    row = _actions(desk, cid)["report"]
    assert row.manual_by == mod.user_id and row.outcome == f"done by hand by {mod.name}: reported in the app"
    [entry] = _audit(desk, "action.done_by_hand")
    assert entry.detail["was"] == "manual" and entry.detail["comment_id"] == cid and entry.user_id == mod.user_id
    with pytest.raises(Conflict):
        outbox_desk.done_by_hand(desk.store, mod, todo.id)
    # A queued call is the worker's: nobody ticks it.
    hide = _actions(desk, cid)["hide"]
    with pytest.raises(Conflict):
        outbox_desk.done_by_hand(desk.store, mod, hide.id)


def _fail(desk: Desk, action_id: int, outcome: str) -> None:
    with desk.store.transaction() as tx:
        row = tx.get(QueuedAction, action_id)
        assert row is not None
        row.status, row.outcome, row.attempts, row.sent_at = "failed", outcome, 8, utcnow()
        row.finished_at = row.updated_at = utcnow()


def test_a_lead_retries_a_failed_call_as_new(desk: Desk, fake_triage: FakeTriage) -> None:
    cid = _comment(desk, fake_triage, text="hate: ...")
    mod, lead = desk.actors["moderator"], desk.actors["lead"]
    decisions.record_decision(desk.store, mod, cid, decisions.DecisionIn(step="hide_report"))
    hide = _actions(desk, cid)["hide"]
    _fail(desk, hide.id, "(#200) The user hasn't authorized the application to perform this action")
    page = outbox_desk.outbox(desk.store, lead, status="failed")
    assert [i.id for i in page.items] == [hide.id]
    assert page.items[0].answer is not None and "authorized" in page.items[0].answer
    with pytest.raises(Forbidden):
        outbox_desk.retry(desk.store, mod, hide.id)
    with pytest.raises(Forbidden):
        outbox_desk.done_by_hand(desk.store, mod, hide.id)
    again = outbox_desk.retry(desk.store, lead, hide.id)
    assert again.status == ActionStatus.QUEUED and again.attempts == 0
    row = _actions(desk, cid)["hide"]
    assert row.sent_at is None and row.claimed_by is None and row.outcome is None
    [entry] = _audit(desk, "action.retried")
    assert "authorized" in entry.detail["previous_outcome"]
    with pytest.raises(Conflict):
        outbox_desk.retry(desk.store, lead, hide.id)
    # A lead may tick a failed call done by hand (they did it on the platform).
    _fail(desk, hide.id, "timeout")
    assert outbox_desk.done_by_hand(desk.store, lead, hide.id).status == ActionStatus.DONE


def test_the_outbox_shows_one_organisation_filtered_by_state(desk: Desk, fake_triage: FakeTriage) -> None:
    cid = _comment(desk, fake_triage, text="hate: ...")
    decisions.record_decision(desk.store, desk.actors["moderator"], cid, decisions.DecisionIn(step="hide_report"))
    elsewhere = (
        ingest(
            desk.store,
            fake_triage,
            [item("x1", "hate: elders", channel_id=desk.other_channel_id)],
            actor=desk.actors["root"],
        )
        .created[0]
        .comment_id
    )
    decisions.record_decision(desk.store, desk.actors["root"], elsewhere, decisions.DecisionIn(step="hide_report"))
    lead = desk.actors["lead"]
    every = outbox_desk.outbox(desk.store, lead)
    assert {i.comment_id for i in every.items} == {cid} and every.total == len(every.items)
    assert {i.status for i in outbox_desk.outbox(desk.store, lead, status="manual").items} == {"manual"}
    assert outbox_desk.counts(desk.store, lead)["manual"] == 2  # the platform's report and Unia's, by hand
    assert outbox_desk.outbox(desk.store, desk.actors["root"]).total > every.total
    with pytest.raises(InvalidInput):
        outbox_desk.outbox(desk.store, lead, status="automatic")
    with pytest.raises(Forbidden):
        outbox_desk.outbox(desk.store, desk.actors["moderator"])
    other_action = _actions(desk, elsewhere)["report"].id
    with pytest.raises(NotFound):
        outbox_desk.done_by_hand(desk.store, desk.actors["moderator"], other_action)


def test_comment_links_on_the_platforms() -> None:
    assert outbox_desk.comment_url("facebook", "111_222", "111") == "https://www.facebook.com/111?comment_id=222"
    assert outbox_desk.comment_url("youtube", "Ugx", "vid1") == "https://www.youtube.com/watch?v=vid1&lc=Ugx"
    assert outbox_desk.comment_url("x", "1234", None) == "https://x.com/i/web/status/1234"
    assert (
        outbox_desk.comment_url("bluesky", "at://did:plc:abc/app.bsky.feed.post/3k", None)
        == "https://bsky.app/profile/did:plc:abc/post/3k"
    )
    assert outbox_desk.comment_url("instagram", "1", None, "https://instagram.com/p/x") == "https://instagram.com/p/x"
    assert outbox_desk.comment_url("instagram", "1", None, "javascript:alert(1)") is None
    assert outbox_desk.comment_url("tiktok", "1", None) is None


# --- saved filters ------------------------------------------------------------------------------------------------


def test_saved_filters_are_each_persons_own(desk: Desk) -> None:
    mod, lead = desk.actors["moderator"], desk.actors["lead"]
    saved = saved_filters.save_filter(desk.store, mod, "  Haat  vandaag ", "label=hate&page=3&status=&severity=2")
    assert saved.name == "Haat vandaag" and saved.query == "label=hate&severity=2"
    again = saved_filters.save_filter(desk.store, mod, "Haat vandaag", "label=hate")
    assert again.id == saved.id and [f.query for f in saved_filters.list_filters(desk.store, mod)] == ["label=hate"]
    assert saved_filters.list_filters(desk.store, lead) == []
    with pytest.raises(NotFound):
        saved_filters.delete_filter(desk.store, lead, saved.id)
    for name, query in (("", "label=hate"), ("x", "page=2"), ("y" * 101, "label=hate")):
        with pytest.raises(InvalidInput):
            saved_filters.save_filter(desk.store, mod, name, query)
    assert saved_filters.delete_filter(desk.store, mod, saved.id).name == "Haat vandaag"
    assert saved_filters.list_filters(desk.store, mod) == []
    assert [e.detail["name"] for e in _audit(desk, "user.filter_saved")] == ["Haat vandaag", "Haat vandaag"]


def test_the_last_filter_is_remembered_per_person(desk: Desk) -> None:
    mod, lead = desk.actors["moderator"], desk.actors["lead"]
    assert saved_filters.last_filter(desk.store, mod) == ""
    saved_filters.remember_filter(desk.store, mod, "status=any&page=2")
    assert saved_filters.last_filter(desk.store, mod) == "status=any"
    assert saved_filters.last_filter(desk.store, lead) == ""
    # The person's other preferences stay.
    from hierniet.services import desk as desk_service

    desk_service.set_preferences(desk.store, mod, shield="mask")
    assert saved_filters.last_filter(desk.store, mod) == "status=any"
    saved_filters.remember_filter(desk.store, mod, "")
    assert saved_filters.last_filter(desk.store, mod) == ""
    with desk.store.session() as s:
        user = repo.get_user(s, mod.user_id or 0)
        assert user is not None and user.preferences["shield"] == "mask"


def test_reading_a_comment_nobody_waits_on_claims_nothing(desk: Desk, fake_triage: FakeTriage) -> None:
    decided, escalated = _comment(desk, fake_triage), _comment(desk, fake_triage, "c2")
    mod, lead = desk.actors["moderator"], desk.actors["lead"]
    decisions.record_decision(desk.store, mod, decided, decisions.DecisionIn(step="refer", reason="test"))
    decisions.escalate(desk.store, mod, escalated, "for a lead")
    assert claims.open_comment(desk.store, mod, decided) is None
    # An escalated comment waits for a lead: a moderator reading it does not hold it up; a lead does claim it.
    assert claims.open_comment(desk.store, mod, escalated) is None
    held = claims.open_comment(desk.store, lead, escalated)
    assert held is not None and held.mine


def test_two_people_opening_at_once_do_not_fail(desk: Desk, fake_triage: FakeTriage) -> None:
    """The lead's claim is written (not yet committed) while the moderator opens the comment: the moderator's
    page must name the lead, not fail (PostgreSQL: their insert meets the lead's row; SQLite: the writer lock
    makes them wait)."""
    cid = _comment(desk, fake_triage)
    mod, lead = desk.actors["moderator"], desk.actors["lead"]
    assert lead.user_id is not None
    now = utcnow()
    outcome: dict[str, object] = {}

    def moderator_opens() -> None:
        try:
            outcome["holder"] = claims.open_comment(desk.store, mod, cid, now=now)
        except Exception as exc:  # pragma: no cover - what the test is about
            outcome["error"] = exc

    with desk.store.transaction() as tx:
        repo_team.put_claim(
            tx, cid, user_id=lead.user_id, claimed_at=now, expires_at=now + timedelta(minutes=5), assigned_by=None
        )
        other = threading.Thread(target=moderator_opens)
        other.start()
        other.join(0.5)
    other.join(10)
    assert "error" not in outcome, outcome
    holder = outcome["holder"]
    assert isinstance(holder, claims.Holder) and holder.user_id == lead.user_id and not holder.mine


def test_a_platforms_answer_is_explained_in_words() -> None:
    reason = outbox_desk.reason_of
    assert reason("failed", "in doubt: an earlier attempt was interrupted") == "in_doubt"
    assert reason("queued", "channel not usable: channel 3 has no page_token") == "channel"
    assert reason("failed", "gave up after 8 attempts: rate limited: (#4) too many calls") == "rate_limited"
    assert reason("failed", "gave up after 8 attempts: ReadTimeout: timed out") == "gave_up"
    assert reason("failed", "facebook has no API for 'report': do it by hand") == "no_api"
    assert reason("failed", "(#100) Invalid parameter") == "refused"
    assert reason("done", "done by hand by anne") is None and reason("failed", None) is None
