"""Ingestion: batches triaged at once, stored with verdict and recommendation; duplicates are no-ops;
bad items are rejected by index and the rest kept; the author's history comes from the store."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from hierniet.services import admin, decisions, queue
from hierniet.services.auth import CLI_ACTOR
from hierniet.services.ingest import ChannelRef, CommentIn, ingest
from hierniet.store import repo
from hierniet.store.tables import AuditEntry, Comment, QueuedAction, Recommendation, Verdict, VerdictLabel
from store.dbfixtures import Desk, FakeTriage, at, item


def _count(desk: Desk, table: type) -> int:
    with desk.store.session() as s:
        return int(s.scalar(select(func.count()).select_from(table)) or 0)


def test_a_batch_is_triaged_once_and_stored_with_verdict_and_recommendation(
    desk: Desk, fake_triage: FakeTriage
) -> None:
    items = [
        item("c1", "Wanneer opent het zwembad?", channel_id=desk.channel_id, author="a1"),
        item("c2", "insult: jullie idioten", channel_id=desk.channel_id, author="a2"),
        item("c3", "spam: koop nu", channel_id=desk.channel_id, author="a3"),
    ]
    result = ingest(desk.store, fake_triage, items, actor=desk.actors["moderator"])
    assert fake_triage.calls == [3]
    assert [c.external_id for c in result.created] == ["c1", "c2", "c3"]
    assert [(c.status, c.step) for c in result.created] == [("clear", "none"), ("open", "refer"), ("auto", "hide")]
    assert _count(desk, Comment) == 3
    assert _count(desk, Verdict) == 3
    assert _count(desk, VerdictLabel) == 3
    assert _count(desk, Recommendation) == 3
    detail = queue.comment_detail(desk.store, desk.actors["moderator"], result.created[1].comment_id)
    assert detail.verdict is not None and detail.verdict.labels == ["insult"]
    assert detail.recommendation is not None and detail.recommendation.step == "refer"
    assert "charter" in detail.recommendation.reply.lower() or "hierniet" in detail.recommendation.reply.lower()
    assert detail.author is not None and detail.author.external_id == "a2"


def test_automatic_steps_queue_their_platform_calls(desk: Desk, fake_triage: FakeTriage) -> None:
    ingest(desk.store, fake_triage, [item("s1", "spam: win", channel_id=desk.channel_id)], actor=desk.actors["admin"])
    with desk.store.session() as s:
        actions = [a.action for a in s.scalars(select(QueuedAction))]
    assert actions == ["hide"]  # spam is silent: no reply


def test_alerts_go_to_the_lead(desk: Desk, fake_triage: FakeTriage) -> None:
    result = ingest(
        desk.store,
        fake_triage,
        [
            item("t1", "threat: ik weet waar je woont", channel_id=desk.channel_id),
            item("h1", "selfharm: ik kan niet meer", channel_id=desk.channel_id, author="a9"),
        ],
        actor=desk.actors["moderator"],
    )
    assert [(c.status, c.step) for c in result.created] == [("escalated", "police"), ("escalated", "care")]


def test_duplicates_are_no_ops(desk: Desk, fake_triage: FakeTriage) -> None:
    first = ingest(
        desk.store,
        fake_triage,
        [item("c1", "insult: a", channel_id=desk.channel_id), item("c1", "insult: a", channel_id=desk.channel_id)],
        actor=desk.actors["moderator"],
    )
    assert len(first.created) == 1
    assert [(d.index, d.comment_id) for d in first.duplicates] == [(1, first.created[0].comment_id)]
    again = ingest(
        desk.store,
        fake_triage,
        [item("c1", "insult: a", channel_id=desk.channel_id, edited=True)],
        actor=desk.actors["moderator"],
    )
    assert again.created == [] and again.edited == []
    assert [(d.index, d.comment_id, d.external_id) for d in again.duplicates] == [
        (0, first.created[0].comment_id, "c1")
    ]
    assert fake_triage.calls == [1]  # the duplicate was not even triaged
    assert _count(desk, Comment) == 1
    with desk.store.session() as s:
        assert s.scalar(select(Comment.text)) == "insult: a"


def test_the_same_id_on_another_platform_is_another_comment(desk: Desk, fake_triage: FakeTriage) -> None:
    insta = admin.create_channel(
        desk.store, CLI_ACTOR, organisation_id=desk.organisation_id, platform="instagram", external_id="gent"
    )
    result = ingest(
        desk.store,
        fake_triage,
        [item("c1", "a", channel_id=desk.channel_id), item("c1", "b", channel_id=insta.id)],
        actor=desk.actors["root"],
    )
    assert len(result.created) == 2
    assert result.duplicates == []


def test_bad_items_are_rejected_by_index_and_the_rest_is_kept(desk: Desk, fake_triage: FakeTriage) -> None:
    items: list[object] = [
        item("ok1", "hallo", channel_id=desk.channel_id),
        {"id": "no-text", "channel_id": desk.channel_id},
        {"text": "no id", "channel_id": desk.channel_id},
        item("blank", "   ", channel_id=desk.channel_id),
        {"id": "naive", "text": "x", "channel_id": desk.channel_id, "posted_at": "2026-01-01T10:00:00"},
        {"id": "nochan", "text": "x"},
        {"id": "badplat", "text": "x", "platform": "myspace", "channel": "gent"},
        {"id": "mismatch", "text": "x", "platform": "youtube", "channel_id": desk.channel_id},
        {"id": "unknown", "text": "x", "platform": "facebook", "channel": "nope"},
        {"id": "other-org", "text": "x", "channel_id": desk.other_channel_id},
        "just a string",
        item("ok2", "insult: x", channel_id=desk.channel_id),
    ]
    result = ingest(desk.store, fake_triage, items, actor=desk.actors["moderator"])
    assert [c.external_id for c in result.created] == ["ok1", "ok2"]
    errors = {r.index: (r.external_id, r.error) for r in result.rejected}
    assert sorted(errors) == list(range(1, 11))
    assert errors[1] == ("no-text", "text: missing (every comment needs an id and a text)")
    assert errors[2][0] is None and errors[2][1].startswith("id: missing")
    assert "empty" in errors[3][1]
    assert "timezone" in errors[4][1]
    assert "no channel" in errors[5][1]
    assert "unknown platform 'myspace'" in errors[6][1]
    assert "does not match channel" in errors[7][1]
    assert "unknown channel facebook/nope" in errors[8][1]
    assert "another organisation" in errors[9][1]
    assert "valid dictionary" in errors[10][1] or "object" in errors[10][1]


def test_comments_by_platform_and_channel_name(desk: Desk, fake_triage: FakeTriage) -> None:
    result = ingest(
        desk.store,
        fake_triage,
        [{"id": "p1", "text": "hoi", "platform": "fb", "channel": "gent", "post": "post-9", "lang": "nl"}],
        actor=desk.actors["moderator"],
    )
    assert len(result.created) == 1
    detail = queue.comment_detail(desk.store, desk.actors["moderator"], result.created[0].comment_id)
    assert (detail.platform, detail.thread, detail.channel.external_id) == ("facebook", "post-9", "gent")


def test_default_channel_for_items_that_name_none(desk: Desk, fake_triage: FakeTriage) -> None:
    result = ingest(
        desk.store,
        fake_triage,
        [{"id": "d1", "text": "x"}],
        actor=desk.actors["moderator"],
        default_channel=ChannelRef.parse("facebook/gent"),
    )
    assert len(result.created) == 1
    with pytest.raises(ValueError, match="PLATFORM/ID"):
        ChannelRef.parse("gent")


def test_persisting_authors_climb_the_ladder_from_stored_history(desk: Desk, fake_triage: FakeTriage) -> None:
    mod = desk.actors["moderator"]
    first = ingest(desk.store, fake_triage, [item("i1", "insult: a", channel_id=desk.channel_id, day=1)], actor=mod)
    second = ingest(desk.store, fake_triage, [item("i2", "insult: b", channel_id=desk.channel_id, day=2)], actor=mod)
    third = ingest(desk.store, fake_triage, [item("i3", "insult: c", channel_id=desk.channel_id, day=3)], actor=mod)
    assert [r.created[0].step for r in (first, second, third)] == ["refer", "hide", "block"]
    # Another author, and the same author on another organisation's channel, start from the bottom.
    others = ingest(
        desk.store,
        fake_triage,
        [
            item("j1", "insult: d", channel_id=desk.channel_id, author="someone-else", day=4),
            item("k1", "insult: e", channel_id=desk.other_channel_id, author="a1", day=4),
        ],
        actor=desk.actors["root"],
    )
    assert [c.step for c in others.created] == ["refer", "refer"]


def test_earlier_comments_in_the_same_batch_count(desk: Desk, fake_triage: FakeTriage) -> None:
    # Given out of order: the history follows the posting times.
    result = ingest(
        desk.store,
        fake_triage,
        [
            item("b2", "insult: second", channel_id=desk.channel_id, day=2),
            item("b1", "insult: first", channel_id=desk.channel_id, day=1),
        ],
        actor=desk.actors["moderator"],
    )
    assert {c.external_id: c.step for c in result.created} == {"b1": "refer", "b2": "hide"}


def test_old_steps_fall_out_of_the_escalation_window(desk: Desk, fake_triage: FakeTriage) -> None:
    mod = desk.actors["moderator"]
    old = {"posted_at": datetime(2025, 1, 1, tzinfo=UTC).isoformat()}
    ingest(desk.store, fake_triage, [item("o1", "insult: old", channel_id=desk.channel_id) | old], actor=mod)
    result = ingest(desk.store, fake_triage, [item("o2", "insult: new", channel_id=desk.channel_id)], actor=mod)
    assert result.created[0].step == "refer"


def test_a_persons_override_to_nothing_removes_the_strike(desk: Desk, fake_triage: FakeTriage) -> None:
    mod = desk.actors["moderator"]
    first = ingest(desk.store, fake_triage, [item("p1", "insult: a", channel_id=desk.channel_id, day=1)], actor=mod)
    decisions.record_decision(
        desk.store,
        mod,
        first.created[0].comment_id,
        decisions.DecisionIn(step="none", reason="irony between friends"),
        now=at(1, 15),
    )
    second = ingest(desk.store, fake_triage, [item("p2", "insult: b", channel_id=desk.channel_id, day=2)], actor=mod)
    assert second.created[0].step == "refer"


def test_chunks_are_separate_transactions_with_an_audit_line_each(desk: Desk, fake_triage: FakeTriage) -> None:
    items = [item(f"c{i}", "hoi", channel_id=desk.channel_id, author=None) for i in range(5)]
    result = ingest(desk.store, fake_triage, items, actor=desk.actors["moderator"], chunk_size=2)
    assert [c.index for c in result.created] == [0, 1, 2, 3, 4]
    assert fake_triage.calls == [2, 2, 1]
    with desk.store.session() as s:
        lines = list(s.scalars(select(AuditEntry).where(AuditEntry.action == "comments.ingested")))
    assert [e.detail["created"] for e in lines] == [2, 2, 1]
    assert all(e.actor == "moderator1" and e.organisation_id == desk.organisation_id for e in lines)


def test_comment_in_accepts_the_file_spellings() -> None:
    c = CommentIn.model_validate(
        {"external_id": 12, "text": "x", "post": "p", "lang": "fr", "created_at": "2026-01-01T10:00:00Z", "extra": 1}
    )
    assert (c.id, c.thread, c.language, c.posted_at) == ("12", "p", "fr", datetime(2026, 1, 1, 10, tzinfo=UTC))


def test_real_triage_end_to_end(desk: Desk, real_triage: FakeTriage) -> None:
    result = ingest(
        desk.store,
        real_triage,
        [
            item("r1", "Wanneer gaat het zwembad in Gent terug open?", channel_id=desk.channel_id, author="x1"),
            item("r2", "Vuile idioten zijn jullie, allemaal!", channel_id=desk.channel_id, author="x2"),
            item("r3", "Merci pour votre réponse rapide, très aimable", channel_id=desk.channel_id, author="x3"),
        ],
        actor=desk.actors["moderator"],
    )
    by_id = {c.external_id: c for c in result.created}
    # A question gets the reply step (replies.answer_questions); thanks get nothing.
    assert by_id["r1"].step == "reply" and by_id["r3"].step == "none"
    assert "insult" in by_id["r2"].labels and by_id["r2"].step in ("refer", "hide")
    detail = queue.comment_detail(desk.store, desk.actors["moderator"], by_id["r3"].comment_id)
    assert detail.verdict is not None and detail.verdict.language == "fr"
    assert detail.verdict.model_version.startswith("hierniet-triage")


def test_a_repeat_in_the_next_chunk_is_a_duplicate(desk: Desk, fake_triage: FakeTriage) -> None:
    # The next chunk is checked while this one is written: whichever way the race goes, one comment is stored.
    items = [
        item("same", "insult: a", channel_id=desk.channel_id),
        item("same", "insult: a", channel_id=desk.channel_id),
    ]
    result = ingest(desk.store, fake_triage, items, actor=desk.actors["moderator"], chunk_size=1)
    assert [c.index for c in result.created] == [0]
    assert [(d.index, d.comment_id) for d in result.duplicates] == [(1, result.created[0].comment_id)]
    assert _count(desk, Comment) == 1


def test_a_stale_duplicate_check_is_retried(
    desk: Desk, fake_triage: FakeTriage, monkeypatch: pytest.MonkeyPatch
) -> None:
    ingest(desk.store, fake_triage, [item("c1", "x", channel_id=desk.channel_id)], actor=desk.actors["moderator"])
    real = repo.stored_texts
    calls: list[int] = []

    def stale_once(session: object, channel_id: int, external_ids: object) -> dict[str, repo.StoredText]:
        calls.append(1)
        return {} if len(calls) == 1 else real(session, channel_id, external_ids)  # type: ignore[arg-type]

    monkeypatch.setattr(repo, "stored_texts", stale_once)
    result = ingest(
        desk.store,
        fake_triage,
        [item("c1", "x", channel_id=desk.channel_id), item("c2", "y", channel_id=desk.channel_id)],
        actor=desk.actors["moderator"],
    )
    assert [c.external_id for c in result.created] == ["c2"]
    assert [d.external_id for d in result.duplicates] == ["c1"]
    assert _count(desk, Comment) == 2
