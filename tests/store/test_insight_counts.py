"""The insight counts kept by PostgreSQL triggers (0021) give the figures the comments give, through ingestion,
an edit that changes the verdict, decisions, an undo, an erasure, a backfill of old comments and a deleted
comment, and after the worker folds them (repo_insight.compact); the dashboard's service then gives the same
figures from them as from the comments."""

from __future__ import annotations

import threading
import time
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from hierniet.services import decisions, insight, privacy, undo
from hierniet.services.decisions import DecisionIn
from hierniet.services.ingest import ingest
from hierniet.store import repo_insight
from hierniet.store.repo_insight import Counts, Scope
from hierniet.store.tables import Comment, InsightCount

from .dbfixtures import Desk, FakeTriage, at, item


def _normal(counts: Counts, zone: str) -> tuple[Counter[object], Counter[object], Counter[object], Counter[object]]:
    """The groupings as sums per key (rows of the kept counts and of the scans may split a key differently), the
    hours per day of `zone`, as the service folds them."""
    hours: Counter[object] = Counter()
    acting: Counter[object] = Counter()
    for hour, n, a in counts.hourly:
        day = hour.astimezone(ZoneInfo(zone)).date()
        hours[day] += n
        acting[day] += a
    breakdown: Counter[object] = Counter()
    for ch, platform, language, status, n in counts.breakdown:
        breakdown[(ch, platform, language, status)] += n
    outcomes: Counter[object] = Counter()
    for labels, status, decided, step, n in counts.outcomes:
        outcomes[(tuple(labels), status, decided, step)] += n
    return (+hours, +acting, +breakdown, +outcomes)


def _scopes(desk: Desk) -> list[Scope]:
    both = (desk.channel_id, desk.other_channel_id)
    utc = datetime(2026, 2, 27, 23, tzinfo=UTC)  # 28 February to 9 March in Brussels: whole days and two ends
    brussels = "Europe/Brussels"
    return [
        Scope(both, utc, datetime(2026, 3, 9, 23, tzinfo=UTC), brussels),
        Scope((desk.channel_id,), utc, datetime(2026, 3, 9, 23, tzinfo=UTC), brussels),
        # 29 March 2026 has 23 hours in Brussels (summer time from 02:00): the days around it fold right.
        Scope(both, datetime(2026, 3, 27, 23, tzinfo=UTC), datetime(2026, 3, 30, 22, tzinfo=UTC), brussels),
        Scope(both, datetime(2026, 3, 2, tzinfo=UTC), datetime(2026, 3, 4, tzinfo=UTC)),  # whole days only
        Scope(both, datetime(2026, 3, 2, 9, tzinfo=UTC), datetime(2026, 3, 3, 12, tzinfo=UTC)),  # no whole day
        Scope(both, datetime(2025, 12, 31, 23, tzinfo=UTC), datetime(2026, 12, 31, 23, tzinfo=UTC)),  # a year
    ]


def _same(desk: Desk, *, filled: bool = True) -> None:
    """Every kept figure of every scope equals the one read from the comments (`filled`: and every scope holds
    comments, so that the comparison says something)."""
    with desk.store.session() as s:
        for scope in _scopes(desk):
            kept = _normal(repo_insight.counts(s, scope), scope.zone)
            scanned = _normal(repo_insight._scanned(s, scope), scope.zone)
            assert kept == scanned, scope
            assert sum(kept[0].values()) > 0 or not filled, scope
            kinds, kinds_scanned = Counter[object](), Counter[object]()
            for kind, reports, n in repo_insight.decisions_by_kind(s, scope):
                kinds[(kind, tuple(reports))] += n
            for kind, reports, n in repo_insight._decisions_scanned(s, scope):
                kinds_scanned[(kind, tuple(reports))] += n
            assert +kinds == +kinds_scanned, scope
            assert repo_insight.decision_delays(s, scope, FRACTIONS) == _delays_scanned(s, scope), scope
            auto, auto_scanned = Counter[object](), Counter[object]()
            for reports, n in repo_insight.automatic_reports(s, scope):
                auto[tuple(reports)] += n
            for reports, n in repo_insight._automatic_scanned(s, scope):
                auto_scanned[tuple(reports)] += n
            assert +auto == +auto_scanned, scope
        # The backlog (its total from comment_counts, the young ones from the index) against a count by hand.
        waiting = s.execute(
            select(Comment.channel_id, Comment.received_at).where(Comment.status.in_(("open", "escalated")))
        ).all()
        edges = insight.BACKLOG_EDGES
        later = [datetime.now(UTC) + timedelta(days=d) for d in (0, 3, 30)]  # young, a few days, all in the last
        for now in (datetime(2026, 3, 5, 12, tzinfo=UTC), *later):
            for ids in ((desk.channel_id, desk.other_channel_id), (desk.channel_id,)):
                mine = [at_ for ch, at_ in waiting if ch in ids]
                expected = [0] * (len(edges) + 1)
                for at_ in mine:
                    age = (now - at_).total_seconds()
                    expected[next((i for i, edge in enumerate(edges) if age < edge), len(edges))] += 1
                got = repo_insight.backlog(s, ids, now, edges)
                assert got == (expected, min(mine) if mine else None), (now, ids)


#: Fractions whose nearest rank rounds up, down and lands on the last value.
FRACTIONS = (0.1, 0.5, 0.7, 0.9, 1.0)


def _delays_scanned(s: Session, scope: Scope) -> tuple[int, list[float]]:
    """The delays' count and percentiles read from the comments with PostgreSQL's own percentile_disc."""
    seconds = repo_insight._delays(s, scope)
    columns = [func.count(seconds.c.seconds)] + [
        func.percentile_disc(p).within_group(seconds.c.seconds) for p in FRACTIONS
    ]
    row = s.execute(select(*columns).select_from(seconds)).one()
    n = int(row[0] or 0)
    return n, [repo_insight._clean(v) for v in row[1:]] if n else []


def _rows(desk: Desk) -> int:
    with desk.store.session() as s:
        return int(s.scalar(select(func.count()).select_from(InsightCount)) or 0)


def test_kept_counts_match_the_comments_through_every_change(desk: Desk, fake_triage: FakeTriage) -> None:
    if desk.store.engine.dialect.name != "postgresql":
        assert _rows(desk) == 0
        pytest.skip("the insight counts are kept by PostgreSQL triggers; SQLite reads the comments")
    admin, lead = desk.actors["admin"], desk.actors["lead"]
    texts = ["insult: a", "spam: b", "threat: c", "fine d", "hate: e", "fine f", "criticism: g", "criticism: h"]
    items = [item(f"k{n}", t, channel_id=desk.channel_id, author=f"u{n % 3}") for n, t in enumerate(texts)]
    for n, record in enumerate(items):
        # Spread over the days and hours, two at Brussels' midnight (23:xx UTC) to test the period's ends.
        record["posted_at"] = at(1 + n, hour=23 if n % 4 == 0 else 9 + n).isoformat()
    items.append(item("o1", "insult: other", channel_id=desk.other_channel_id, day=3))
    for n, hour in enumerate((0, 1, 22, 23)):  # around the change to summer time, 29 March 2026 at 01:00 UTC
        dst = item(f"dst{n}", "insult: dst", channel_id=desk.channel_id)
        dst["posted_at"] = at(28 + n // 2, hour=hour).isoformat()
        items.append(dst)
    created = {c.external_id: c.comment_id for c in ingest(desk.store, fake_triage, items, actor=admin).created}
    assert _rows(desk) > 0
    with desk.store.session() as s:  # the policy handled some alone: the kind 'a' is compared on real rows
        assert sum(n for _reports, n in repo_insight._automatic_scanned(s, _scopes(desk)[0])) > 0
    _same(desk)

    # An edit that changes the verdict (a re-triage of the projection), decisions, an undo.
    ingest(
        desk.store,
        fake_triage,
        [item("k3", "threat: now", channel_id=desk.channel_id, author="u0", day=4)],
        actor=admin,
    )
    decisions.record_decision(desk.store, lead, created["k0"], DecisionIn(step="refer", reason="x"))
    decisions.record_decision(desk.store, lead, created["k6"], DecisionIn(step="hide", reason="named someone"))
    taken = decisions.record_decision(desk.store, lead, created["k1"], DecisionIn(step="hide", reason="x"))
    decisions.escalate(desk.store, desk.actors["moderator"], created["k4"], reason="for the lead")
    decisions.record_decision(desk.store, lead, created["k7"], DecisionIn(step="reply", reason="x"))
    # A second decision on a decided comment: its first person's decision (the delay) stays.
    decisions.record_decision(desk.store, lead, created["k0"], DecisionIn(step="hide", reason="again"))
    with desk.store.session() as s:
        assert repo_insight.decision_delays(s, _scopes(desk)[0], (0.5,))[0] == 4
    _same(desk)
    undo.undo_decision(desk.store, lead, created["k1"], taken.id, window=timedelta(minutes=5), reason="oops")
    _same(desk)

    # A backfill of old comments (an import of last year's), and an author's erasure (texts go, counts stay).
    old = [item(f"old{n}", "insult: old", channel_id=desk.channel_id, author="u9") for n in range(3)]
    for n, record in enumerate(old):
        record["posted_at"] = datetime(2026, 1, 10 + n, 8, tzinfo=UTC).isoformat()
    ingest(desk.store, fake_triage, old, actor=admin)
    with desk.store.session() as s:
        author_id = s.scalar(select(Comment.author_id).where(Comment.id == created["k2"]))
    assert author_id is not None
    privacy.erase_author(desk.store, admin, author_id)
    _same(desk)

    # A comment gone from the table (by hand: nothing in hierniet deletes comments yet) is uncounted.
    with desk.store.transaction() as tx:
        tx.add(
            Comment(
                channel_id=desk.channel_id,
                platform="facebook",
                external_id="bare",
                text="x",
                posted_at=at(5, hour=10),
                status="open",
                language="nl",
                severity=2,
                labels=["insult"],
                step="refer",
            )
        )
    _same(desk)
    with desk.store.transaction() as tx:
        tx.execute(delete(Comment).where(Comment.external_id == "bare"))
    _same(desk)

    before = _rows(desk)
    with desk.store.transaction() as tx:
        removed = repo_insight.compact(tx)
    assert removed == before - _rows(desk) and removed > 0
    _same(desk)
    with desk.store.transaction() as tx:  # nothing appended since: a second fold changes nothing
        assert repo_insight.compact(tx) == 0
    _same(desk)


def test_the_service_reads_the_kept_counts_and_a_recount_restores_them(desk: Desk, fake_triage: FakeTriage) -> None:
    """The dashboard's month reads its whole days from the kept counts (emptied, they are missing from it), and a
    recount from the comments (repo_insight.recount: the repair after the table was emptied by hand) gives every
    figure again."""
    if desk.store.engine.dialect.name != "postgresql":
        pytest.skip("the insight counts are kept by PostgreSQL triggers")
    texts = ["insult: a", "spam: b", "criticism: c", "fine d", "hate: e", "threat: f"]
    items = [item(f"m{n}", t, channel_id=desk.channel_id, author=f"w{n}", day=1 + 4 * n) for n, t in enumerate(texts)]
    created = {
        c.external_id: c.comment_id for c in ingest(desk.store, fake_triage, items, actor=desk.actors["admin"]).created
    }
    lead = desk.actors["lead"]
    decisions.record_decision(desk.store, lead, created["m0"], DecisionIn(step="hide", reason="x"))
    now = datetime(2026, 4, 2, 12, tzinfo=UTC)

    def month() -> insight.Insight:
        return insight.insight(desk.store, lead, start=date(2026, 3, 1), end=date(2026, 3, 31), now=now)

    kept = month()
    assert kept.total == 6 and dict(kept.by_label)["criticism"] == 1 and kept.decisions.by_person == 1
    with desk.store.transaction() as tx:
        tx.execute(delete(InsightCount))
    assert month().total == 0  # every comment of the month lies in its whole days: all came from the kept counts
    with desk.store.transaction() as tx:
        assert repo_insight.recount(tx) > 0
    again = month()
    assert insight.tables(again) == insight.tables(kept) and again.total == kept.total


def test_folds_beside_ingestion_and_decisions_lose_nothing(desk: Desk, fake_triage: FakeTriage) -> None:
    """Two feeds, a person deciding what came in and two folds at the same time: the kept counts stay exact."""
    if desk.store.engine.dialect.name != "postgresql":
        pytest.skip("the insight counts are kept by PostgreSQL triggers")
    errors: list[BaseException] = []
    admin, lead = desk.actors["admin"], desk.actors["lead"]

    def feed(prefix: str) -> None:
        try:
            for k in range(4):
                batch = [
                    item(f"{prefix}{k}-{n}", "insult: x" if n % 2 else "fine", channel_id=desk.channel_id, day=1 + n)
                    for n in range(8)
                ]
                ingest(desk.store, fake_triage, batch, actor=admin)
        except BaseException as exc:  # surfaced below
            errors.append(exc)

    def decide() -> None:
        try:
            decided = 0
            for _ in range(100):  # while the feeds write, until six are decided
                with desk.store.session() as s:
                    waiting = s.scalars(
                        select(Comment.id).where(Comment.status.in_(("open", "escalated"))).limit(2)
                    ).all()
                for comment_id in waiting:
                    decisions.record_decision(desk.store, lead, comment_id, DecisionIn(step="hide", reason="x"))
                    decided += 1
                if decided >= 6:
                    return
                time.sleep(0.02)
        except BaseException as exc:
            errors.append(exc)

    def fold() -> None:
        try:
            for _ in range(8):
                with desk.store.transaction() as tx:
                    repo_insight.compact(tx)
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=feed, args=(p,)) for p in "ab"]
    threads += [threading.Thread(target=decide)] + [threading.Thread(target=fold) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    _same(desk, filled=False)
    with desk.store.session() as s:
        whole = _scopes(desk)[0]
        assert sum(n for _h, n, _a in repo_insight.counts(s, whole).hourly) == 64
        assert repo_insight.decision_delays(s, whole, (0.5,))[0] > 0
