"""Keyset pagination of the queue (issue 16): following `next_after` shows every comment exactly once, in the
queue's order, while comments arrive and are decided between pages."""

from __future__ import annotations

import random

import pytest

from hierniet.services import queue as service
from hierniet.services.decisions import DecisionIn, record_decision
from hierniet.services.errors import InvalidInput
from hierniet.services.ingest import ingest
from store.dbfixtures import Desk, FakeTriage, item

KINDS = ("insult", "spam", "threat", "hate", "fine", "selfharm")


def _add(desk: Desk, triage: FakeTriage, rng: random.Random, prefix: str, n: int) -> list[int]:
    items = [
        # Few distinct days: many comments share a severity and a time, and only the id tells them apart.
        item(f"{prefix}{k}", f"{rng.choice(KINDS)}: {prefix}{k}", channel_id=desk.channel_id, day=rng.randint(1, 3))
        for k in range(n)
    ]
    result = ingest(desk.store, triage, items, actor=desk.actors["admin"])
    return [c.comment_id for c in result.created]


@pytest.mark.parametrize("order", ["severity", "oldest", "newest"])
def test_every_comment_once_while_comments_arrive(desk: Desk, fake_triage: FakeTriage, order: str) -> None:
    rng = random.Random(16)
    before = set(_add(desk, fake_triage, rng, "a", 60))
    actor = desk.actors["moderator"]
    filters = service.QueueFilters(status=(service.ANY_STATUS,), order=order)
    seen: list[int] = []
    after: str | None = None
    pages = 0
    while True:
        page = service.queue(desk.store, actor, filters, limit=7, after=after)
        seen += [i.id for i in page.items]
        pages += 1
        if page.next_after is None:
            break
        after = page.next_after
        # Between two pages: new comments arrive (some sort before the cursor, some after) and one is decided.
        _add(desk, fake_triage, rng, f"n{pages}-", 3)
        record_decision(desk.store, desk.actors["lead"], page.items[0].id, DecisionIn(step="refer", reason="seen"))
        assert pages < 100
    assert len(seen) == len(set(seen)), "a comment was shown twice"
    assert before <= set(seen), f"comments skipped: {sorted(before - set(seen))}"


def test_keyset_pages_follow_the_queue_order(desk: Desk, fake_triage: FakeTriage) -> None:
    _add(desk, fake_triage, random.Random(3), "b", 40)
    actor = desk.actors["moderator"]
    for order in ("severity", "oldest", "newest"):
        filters = service.QueueFilters(status=(service.ANY_STATUS,), order=order)
        everything = [i.id for i in service.queue(desk.store, actor, filters, limit=500).items]
        paged: list[int] = []
        after = None
        while True:
            page = service.queue(desk.store, actor, filters, limit=6, after=after)
            paged += [i.id for i in page.items]
            if page.next_after is None:
                break
            after = page.next_after
        assert paged == everything, order
        # Offsets still work and give the same pages while nothing changes.
        assert [i.id for i in service.queue(desk.store, actor, filters, limit=6, offset=6).items] == everything[6:12]


def test_a_bad_cursor_says_what_to_pass(desk: Desk) -> None:
    actor = desk.actors["moderator"]
    with pytest.raises(InvalidInput, match="next_after"):
        service.queue(desk.store, actor, service.QueueFilters(), after="not-a-cursor")
    with pytest.raises(InvalidInput, match="not both"):
        key = service.encode_after(service.repo.QueueKey(2, service.utcnow(), 5))
        service.queue(desk.store, actor, service.QueueFilters(), after=key, offset=10)
