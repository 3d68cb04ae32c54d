"""The severe rotation moves its comments up the queue (issue 13, part 4): a person a lead put on the rotation
is offered the rotation's comments first, each part in the usual order, and keyset and offset paging cross the
boundary between the parts losing and doubling nothing; the others keep the usual order (the desk shields the
rotation's comments for them). Both stores: the PostgreSQL variant skips without HIERNIET_TEST_DATABASE_URL."""

from __future__ import annotations

import base64
import random
from datetime import UTC

import pytest

from hierniet.services import queue as service
from hierniet.services import wellbeing
from hierniet.services.decisions import DecisionIn, record_decision
from hierniet.services.errors import InvalidInput
from hierniet.services.ingest import ingest
from hierniet.services.views import QueueItem
from hierniet.store import repo, repo_desk
from store.dbfixtures import Desk, FakeTriage, item

# FakeTriage: threat is critical (4), selfharm and hate high (3), insult medium, spam low, fine none.
KINDS = ("insult", "spam", "threat", "hate", "fine", "selfharm", "fine", "insult")
ORDERS = ("severity", "oldest", "newest")


def _add(desk: Desk, triage: FakeTriage, rng: random.Random, prefix: str, n: int) -> list[int]:
    items = [
        # Few distinct days: many comments share a severity and a time, and only the id tells them apart.
        item(f"{prefix}{k}", f"{rng.choice(KINDS)}: {prefix}{k}", channel_id=desk.channel_id, day=rng.randint(1, 4))
        for k in range(n)
    ]
    return [c.comment_id for c in ingest(desk.store, triage, items, actor=desk.actors["admin"]).created]


def _on_rotation(desk: Desk, *who: str) -> None:
    with desk.store.transaction() as tx:
        for actor in desk.actors.values():
            assert actor.user_id is not None
            repo_desk.set_password_hash(tx, actor.user_id, "x")
    wellbeing.set_rotation(desk.store, desk.actors["lead"], [desk.actors[w].user_id or 0 for w in who])


def _rotations(item: QueueItem, labels: tuple[str, ...] = ("threat", "self_harm")) -> bool:
    return item.severity >= 4 or any(label in labels for label in item.labels)


def _all(desk: Desk, who: str, filters: service.QueueFilters) -> list[QueueItem]:
    return service.queue(desk.store, desk.actors[who], filters, limit=500).items


def _by_cursor(desk: Desk, who: str, filters: service.QueueFilters, limit: int) -> list[int]:
    seen: list[int] = []
    after: str | None = None
    for _ in range(100):
        page = service.queue(desk.store, desk.actors[who], filters, limit=limit, after=after)
        seen += [i.id for i in page.items]
        if page.next_after is None:
            return seen
        after = page.next_after
    raise AssertionError("the cursor never reached the end of the queue")


@pytest.mark.parametrize("order", ORDERS)
def test_the_rotation_comes_first_for_its_people_only(desk: Desk, fake_triage: FakeTriage, order: str) -> None:
    _add(desk, fake_triage, random.Random(13), "a", 48)
    filters = service.QueueFilters(status=(service.ANY_STATUS,), order=order)
    usual = _all(desk, "moderator", filters)
    assert any(_rotations(i) for i in usual) and not all(_rotations(i) for i in usual)
    _on_rotation(desk, "lead")
    # The lead, on the rotation: the rotation's comments first, each part in the usual order.
    expected = [i.id for i in usual if _rotations(i)] + [i.id for i in usual if not _rotations(i)]
    mine = _all(desk, "lead", filters)
    assert [i.id for i in mine] == expected
    if order != "severity":
        assert expected != [i.id for i in usual]  # by time, the rotation really moved up
    # The moderator, not on it: the usual order, the rotation's comments withheld (shown shielded on the desk).
    assert [i.id for i in _all(desk, "moderator", filters)] == [i.id for i in usual]
    offering = wellbeing.standing(desk.store, desk.actors["moderator"], UTC, 25).offering
    assert all((offering.withheld(i.labels, i.severity) is not None) == _rotations(i) for i in usual)
    # Paging, by cursor and by offset, with the boundary inside a page and on a page's edge.
    boundary = sum(1 for i in usual if _rotations(i))
    for limit in (5, boundary, boundary + 1, 7):
        assert _by_cursor(desk, "lead", filters, limit) == expected, limit
        by_offset: list[int] = []
        for offset in range(0, len(expected), limit):
            page = service.queue(desk.store, desk.actors["lead"], filters, limit=limit, offset=offset)
            by_offset += [i.id for i in page.items]
            assert page.total == len(expected)
        assert by_offset == expected, limit


@pytest.mark.parametrize("path", ["sorted from its ids", "walked in the order's index"])
@pytest.mark.parametrize("order", ORDERS)
def test_a_large_queue_pages_the_same_either_way(
    desk: Desk, fake_triage: FakeTriage, monkeypatch: pytest.MonkeyPatch, order: str, path: str
) -> None:
    """Past COUNT_LIMIT matches the first part is read from its ids where it is small (FIRST_FEW), else walked
    in the order's index: both give the queue the small one gives, by cursor and by offset."""
    _add(desk, fake_triage, random.Random(17), "l", 40)
    _on_rotation(desk, "lead")
    filters = service.QueueFilters(status=(service.ANY_STATUS,), order=order)
    expected = [i.id for i in _all(desk, "lead", filters)]
    boundary = sum(1 for i in _all(desk, "lead", filters) if _rotations(i))
    monkeypatch.setattr(service, "COUNT_LIMIT", 5)  # the queue is "large": its total is not counted exactly
    monkeypatch.setattr(repo, "FIRST_FEW", 2 * boundary if path == "sorted from its ids" else boundary - 1)
    for limit in (4, boundary):
        assert _by_cursor(desk, "lead", filters, limit) == expected, limit
        by_offset: list[int] = []
        for offset in range(0, len(expected), limit):
            page = service.queue(desk.store, desk.actors["lead"], filters, limit=limit, offset=offset)
            # Counted exactly only once the page reaches past what is counted anyway (offset + limit).
            assert page.total_exact == (offset + limit >= len(expected)), offset
            by_offset += [i.id for i in page.items]
        assert by_offset == expected, limit


def test_a_severity_order_moves_self_harm_above_hate(desk: Desk, fake_triage: FakeTriage) -> None:
    items = [item(f"h{k}", f"hate: h{k}", channel_id=desk.channel_id, day=1) for k in range(3)]
    items.append(item("s", "selfharm: s", channel_id=desk.channel_id, day=2))
    ids = [c.comment_id for c in ingest(desk.store, fake_triage, items, actor=desk.actors["admin"]).created]
    _on_rotation(desk, "moderator")
    assert [i.id for i in _all(desk, "lead", service.QueueFilters())] == ids  # high, then oldest first
    assert [i.id for i in _all(desk, "moderator", service.QueueFilters())] == [ids[3], *ids[:3]]
    # Past their daily cap the rotation's comments are not offered to them: nothing is moved up then.
    capped = service.queue(desk.store, desk.actors["moderator"], service.QueueFilters(), capped=True)
    assert [i.id for i in capped.items] == ids


def test_the_policy_names_the_rotations_labels(desk: Desk, fake_triage: FakeTriage) -> None:
    ids = _add(desk, fake_triage, random.Random(5), "p", 30)
    with desk.store.transaction() as tx:
        organisation = repo.get_organisation(tx, desk.organisation_id)
        assert organisation is not None
        organisation.policy_yaml = (
            "extends: default\nwellbeing:\n  rotation_labels: [spam]\n  rotation_from_severity: none\n"
        )
    _on_rotation(desk, "moderator")
    filters = service.QueueFilters(status=(service.ANY_STATUS,))
    usual = _all(desk, "lead", filters)
    assert len(usual) == len(ids)
    # From severity "none" on, every comment is the rotation's: the order is the usual one.
    assert [i.id for i in _all(desk, "moderator", filters)] == [i.id for i in usual]
    with desk.store.transaction() as tx:
        organisation = repo.get_organisation(tx, desk.organisation_id)
        assert organisation is not None
        organisation.policy_yaml = "extends: default\nwellbeing:\n  rotation_labels: [spam]\n"
    spam = [i.id for i in usual if "spam" in i.labels or i.severity >= 4]
    rest = [i.id for i in usual if i.id not in spam]
    assert spam and [i.id for i in _all(desk, "moderator", filters)] == spam + rest
    assert _by_cursor(desk, "moderator", filters, 4) == spam + rest


def test_every_comment_once_while_comments_arrive_on_the_rotation(desk: Desk, fake_triage: FakeTriage) -> None:
    rng = random.Random(31)
    before = set(_add(desk, fake_triage, rng, "b", 50))
    _on_rotation(desk, "moderator")
    filters = service.QueueFilters(status=(service.ANY_STATUS,))
    seen: list[int] = []
    after: str | None = None
    for pages in range(1, 100):
        page = service.queue(desk.store, desk.actors["moderator"], filters, limit=6, after=after)
        seen += [i.id for i in page.items]
        if page.next_after is None:
            break
        after = page.next_after
        # Between two pages: new comments arrive on both sides of the boundary, and one is decided.
        _add(desk, fake_triage, rng, f"n{pages}-", 3)
        record_decision(desk.store, desk.actors["lead"], page.items[0].id, DecisionIn(step="refer", reason="seen"))
    assert len(seen) == len(set(seen)), "a comment was shown twice"
    assert before <= set(seen), f"comments skipped: {sorted(before - set(seen))}"


def test_a_cursor_made_before_joining_the_rotation_still_pages_right(desk: Desk, fake_triage: FakeTriage) -> None:
    _add(desk, fake_triage, random.Random(7), "c", 30)
    filters = service.QueueFilters(status=(service.ANY_STATUS,), order="oldest")
    _on_rotation(desk, "lead")
    expected = [i.id for i in _all(desk, "lead", filters)]
    for cut in (3, 12, 25):
        last = next(i for i in _all(desk, "lead", filters) if i.id == expected[cut - 1])
        # A cursor as it was made before the rotation: no word about the part it ended in.
        old = service.encode_after(repo.QueueKey(last.severity, last.posted_at, last.id))
        page = service.queue(desk.store, desk.actors["lead"], filters, limit=500, after=old)
        assert [i.id for i in page.items] == expected[cut:], cut
    # A cursor whose part is neither 0 nor 1 is no cursor of this queue.
    bad = base64.urlsafe_b64encode(f"1|{last.posted_at.isoformat()}|{last.id}|2".encode()).decode()
    with pytest.raises(InvalidInput, match="next_after"):
        service.queue(desk.store, desk.actors["lead"], filters, after=bad)
