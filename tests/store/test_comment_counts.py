"""The counts kept by PostgreSQL triggers (0018) equal the counts read from the comments, through ingestion,
edits, decisions and erasure, and after the worker folds them (repo.compact_comment_counts)."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select, text

from hierniet.services import decisions
from hierniet.services.decisions import DecisionIn
from hierniet.services.ingest import ingest
from hierniet.store import repo
from hierniet.store.tables import CommentCount

from .dbfixtures import Desk, FakeTriage, item


def _both(desk: Desk, q: repo.QueueQuery) -> tuple[dict[str, dict[str, int]], dict[str, dict[str, int]]]:
    with desk.store.session() as s:
        return repo.counts(s, q), repo.counted_from_comments(s, q)


def _queries(desk: Desk) -> list[repo.QueueQuery]:
    return [
        repo.QueueQuery(),
        repo.QueueQuery(organisation_id=desk.organisation_id),
        repo.QueueQuery(organisation_id=desk.organisation_id, statuses=("open", "escalated")),
        repo.QueueQuery(channel_id=desk.channel_id, statuses=("decided",)),
        repo.QueueQuery(organisation_id=desk.other_organisation_id),
    ]


def test_counts_kept_by_triggers_match_the_comments(desk: Desk, fake_triage: FakeTriage) -> None:
    if desk.store.engine.dialect.name != "postgresql":
        pytest.skip("the counts are kept by PostgreSQL triggers; SQLite counts the comments")
    texts = ["insult: a", "spam: b", "threat: c", "fine d", "hate: e", "fine f", "criticism: g"]
    items = [item(f"k{n}", t, channel_id=desk.channel_id, author=f"u{n % 3}") for n, t in enumerate(texts)]
    items.append(item("o1", "insult: other", channel_id=desk.other_channel_id))
    created = {
        c.external_id: c.comment_id for c in ingest(desk.store, fake_triage, items, actor=desk.actors["admin"]).created
    }
    # An edit that changes the verdict, and one ingested again unchanged (counted once).
    ingest(
        desk.store,
        fake_triage,
        [item("k3", "threat: now", channel_id=desk.channel_id, author="u0")],
        actor=desk.actors["admin"],
    )
    decisions.record_decision(desk.store, desk.actors["lead"], created["k0"], DecisionIn(step="refer", reason="x"))
    decisions.record_decision(desk.store, desk.actors["lead"], created["k1"], DecisionIn(step="hide", reason="x"))
    for q in _queries(desk):
        summed, counted = _both(desk, q)
        assert summed == counted, q
    with desk.store.session() as s:
        assert repo.counts(s, repo.QueueQuery())["status"]  # not empty
        before = s.scalar(select(func.count()).select_from(CommentCount))
    with desk.store.transaction() as tx:
        removed = repo.compact_comment_counts(tx)
    with desk.store.session() as s:
        after = s.scalar(select(func.count()).select_from(CommentCount))
    assert removed == before - after and after < before
    for q in _queries(desk):
        summed, counted = _both(desk, q)
        assert summed == counted, q
    # A text-only update (a redaction) adds no rows; a deleted comment is uncounted.
    with desk.store.transaction() as tx:
        tx.execute(text("UPDATE comments SET text = 'x' WHERE id = :i"), {"i": created["k5"]})
    with desk.store.session() as s:
        assert s.scalar(select(func.count()).select_from(CommentCount)) == after


def test_compactions_beside_ingestion_lose_nothing(desk: Desk, fake_triage: FakeTriage) -> None:
    if desk.store.engine.dialect.name != "postgresql":
        pytest.skip("the counts are kept by PostgreSQL triggers")
    errors: list[BaseException] = []

    def feed(prefix: str) -> None:
        try:
            for k in range(5):
                batch = [
                    item(f"{prefix}{k}-{n}", "insult: x" if n % 2 else "fine", channel_id=desk.channel_id)
                    for n in range(10)
                ]
                ingest(desk.store, fake_triage, batch, actor=desk.actors["admin"])
        except BaseException as exc:  # surfaced below
            errors.append(exc)

    def fold() -> None:
        try:
            for _ in range(10):
                with desk.store.transaction() as tx:
                    repo.compact_comment_counts(tx)
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=feed, args=(p,)) for p in "ab"] + [
        threading.Thread(target=fold) for _ in range(2)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    summed, counted = _both(desk, repo.QueueQuery())
    assert summed == counted and sum(counted["status"].values()) == 100
