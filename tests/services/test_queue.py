"""Reading the desk: queue filters, counts, one comment, authors and the audit log."""

from __future__ import annotations

import pytest

from hierniet.bounds import MAX_ID
from hierniet.services import authors, decisions, queue
from hierniet.services.audit import audit_log
from hierniet.services.decisions import DecisionIn
from hierniet.services.errors import Forbidden, InvalidInput, NotFound
from hierniet.services.ingest import ingest
from hierniet.services.queue import QueueFilters
from store.dbfixtures import Desk, FakeTriage, at, item


@pytest.fixture
def filled(desk: Desk, fake_triage: FakeTriage) -> Desk:
    ingest(
        desk.store,
        fake_triage,
        [
            item("ok", "Hoe laat open?", channel_id=desk.channel_id, author="a1", day=1),
            item("ins", "insult: idioot", channel_id=desk.channel_id, author="a2", day=2),
            item("spam", "spam: koop nu", channel_id=desk.channel_id, author="a3", day=3),
            item("thr", "threat: pas op", channel_id=desk.channel_id, author="a2", day=4),
            item("crit", "criticism: slechte dienst", channel_id=desk.channel_id, author="a4", day=5),
            item("other", "insult: elders", channel_id=desk.other_channel_id, author="a2", day=5),
        ],
        actor=desk.actors["root"],
    )
    return desk


def _ids(desk: Desk, actor: str = "moderator", **filters: object) -> list[str]:
    page = queue.queue(desk.store, desk.actors[actor], QueueFilters(**filters))  # type: ignore[arg-type]
    return [i.external_id for i in page.items]


def test_the_queue_shows_what_waits_most_severe_first(filled: Desk) -> None:
    assert _ids(filled) == ["thr", "ins", "crit"]  # escalated threat, open insult, open criticism
    assert _ids(filled, "root") == ["thr", "ins", "other", "crit"]  # root sees every organisation


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"status": ("any",)}, ["thr", "ins", "spam", "ok", "crit"]),
        ({"status": ("auto",)}, ["spam"]),
        ({"status": ("clear", "escalated")}, ["thr", "ok"]),
        ({"label": "insult"}, ["ins"]),
        ({"label": "spam", "status": ("any",)}, ["spam"]),
        ({"language": "fr"}, []),
        ({"severity": 2}, ["ins"]),
        ({"min_severity": 3}, ["thr"]),
        ({"since": at(2), "until": at(5)}, ["thr", "ins"]),
        ({"order": "newest", "status": ("any",)}, ["crit", "thr", "spam", "ins", "ok"]),
        ({"order": "oldest"}, ["ins", "thr", "crit"]),
    ],
)
def test_queue_filters(filled: Desk, filters: dict[str, object], expected: list[str]) -> None:
    assert _ids(filled, **filters) == expected


def test_queue_filters_by_channel_and_author(filled: Desk) -> None:
    page = queue.queue(filled.store, filled.actors["moderator"], QueueFilters(status=("any",)))
    a2 = next(i.author.id for i in page.items if i.external_id == "ins" and i.author)
    assert _ids(filled, author_id=a2, status=("any",)) == ["thr", "ins"]
    assert _ids(filled, "root", channel_id=filled.other_channel_id) == ["other"]
    assert _ids(filled, channel_id=filled.other_channel_id) == []  # not the moderator's organisation


def test_paging(filled: Desk) -> None:
    page = queue.queue(filled.store, filled.actors["moderator"], QueueFilters(status=("any",)), limit=2, offset=2)
    assert (page.total, page.limit, page.offset, [i.external_id for i in page.items]) == (5, 2, 2, ["spam", "ok"])


def test_an_offset_as_large_as_the_api_allows_is_an_empty_page(filled: Desk) -> None:
    # The API takes any 64-bit offset; the capped count adds the page to it, which overflowed SQLite's LIMIT.
    searched = QueueFilters(status=("any",), q="spam")
    for filters in (QueueFilters(status=("any",)), searched):
        page = queue.queue(filled.store, filled.actors["moderator"], filters, limit=100, offset=MAX_ID)
        assert page.items == [] and page.offset == MAX_ID


@pytest.mark.parametrize(
    ("filters", "message"),
    [
        (QueueFilters(label="rude"), "unknown label 'rude'"),
        (QueueFilters(language="es"), "unknown language 'es'"),
        (QueueFilters(status=("waiting",)), "unknown status 'waiting'"),
        (QueueFilters(severity=7), "out of range"),
        (QueueFilters(order="random"), "unknown order"),
        (QueueFilters(since=at(1).replace(tzinfo=None)), "no timezone"),
    ],
)
def test_bad_filters_say_how_to_fix_them(filled: Desk, filters: QueueFilters, message: str) -> None:
    with pytest.raises(InvalidInput, match=message):
        queue.queue(filled.store, filled.actors["moderator"], filters)


def test_counts(filled: Desk) -> None:
    counts = queue.counts(filled.store, filled.actors["moderator"])
    assert counts.total == 5
    assert counts.by_status == {"clear": 1, "open": 2, "auto": 1, "escalated": 1}
    assert counts.by_label == {"ok": 1, "insult": 1, "spam": 1, "threat": 1, "criticism": 1}
    assert counts.by_step["police"] == 1
    assert sum(counts.by_severity.values()) == 5
    open_only = queue.counts(filled.store, filled.actors["moderator"], QueueFilters(status=("open",)))
    assert open_only.total == 2


def test_one_comment_with_the_authors_history(filled: Desk) -> None:
    page = queue.queue(filled.store, filled.actors["lead"], QueueFilters(label="threat"))
    detail = queue.comment_detail(filled.store, filled.actors["lead"], page.items[0].id, now=at(6))
    assert detail.status == "escalated"
    assert detail.recommendation is not None and detail.recommendation.alert_lead
    assert detail.author_history is not None
    # a2's earlier insult (day 2) on this organisation; the other organisation's insult is not here, and the
    # threat (day 4) is the comment itself, not yet decided: no strike against itself (issue 12).
    assert [e.step for e in detail.author_history.entries] == ["refer"]
    assert (detail.author_history.strikes, detail.author_history.window_days) == (1, 90)
    later = queue.comment_detail(filled.store, filled.actors["lead"], page.items[0].id, now=at(6).replace(month=8))
    assert later.author_history is not None and later.author_history.entries == []  # out of the window
    with pytest.raises(NotFound, match="no comment 999"):
        queue.comment_detail(filled.store, filled.actors["lead"], 999)


def test_authors_list_and_detail(filled: Desk) -> None:
    page = authors.list_authors(filled.store, filled.actors["moderator"])
    assert page.total == 4
    assert page.items[0].author.external_id == "a2" and page.items[0].comments == 2
    flagged = authors.list_authors(filled.store, filled.actors["moderator"], flagged_only=True)
    assert {s.author.external_id for s in flagged.items} == {"a2", "a3"}
    found = authors.list_authors(filled.store, filled.actors["moderator"], search="A3")
    assert [s.author.external_id for s in found.items] == ["a3"]
    a2 = page.items[0].author.id
    own = authors.author_detail(filled.store, filled.actors["moderator"], a2, now=at(6))
    assert [h.organisation_id for h in own.histories] == [filled.organisation_id]
    assert [e.step for e in own.histories[0].entries] == ["refer", "police"]
    everywhere = authors.author_detail(filled.store, filled.actors["root"], a2, now=at(6))
    assert [h.organisation_id for h in everywhere.histories] == [filled.organisation_id, filled.other_organisation_id]
    assert [e.step for e in everywhere.histories[1].entries] == ["refer"]


def test_audit_log_is_for_leads(filled: Desk) -> None:
    page = queue.queue(filled.store, filled.actors["moderator"], QueueFilters(label="insult"))
    decisions.record_decision(filled.store, filled.actors["moderator"], page.items[0].id, DecisionIn(step="refer"))
    with pytest.raises(Forbidden, match="read the audit log"):
        audit_log(filled.store, filled.actors["moderator"])
    entries = audit_log(filled.store, filled.actors["lead"], action="decision")
    assert [(e.action, e.actor) for e in entries.items] == [("decision.accept", "moderator1")]
    everything = audit_log(filled.store, filled.actors["lead"])
    assert {e.action for e in everything.items} == {"comments.ingested", "decision.accept"}
    # The other organisation's entries stay with it.
    assert all(e.organisation_id == filled.organisation_id for e in everything.items)
