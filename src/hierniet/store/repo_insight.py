"""The queries of the insight dashboard and the transparency report (issue 13): counts grouped in SQL over one
organisation's channels and one period, never the comments themselves (but for a few masked examples).

Same rules as hierniet.store.repo: no commits here. The period is half-open, [start, end), in UTC; the service
(hierniet.services.insight) turns the desk's days (Europe/Brussels) into it. Days are grouped by the UTC hour
here and folded into the desk's days by the service: every offset of the desk's time zone is a whole number of
hours, and SQLite needs no time-zone database that way (it has none).

On PostgreSQL a period's whole UTC days are read from the insight counts that triggers keep (`insight_counts`,
migration 0021: per channel and UTC day, the comments per hour), their hours summed per day of the desk's zone
by PostgreSQL; only the period's two ends, less than a day each, are read from the comments. Every figure is
a sum, so the two add up exactly.
"""

from __future__ import annotations

import importlib
import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Float,
    and_,
    case,
    cast,
    delete,
    func,
    literal,
    literal_column,
    or_,
    select,
    text,
    tuple_,
    union_all,
)
from sqlalchemy.orm import Session

from hierniet.store.tables import Comment, CommentCount, Decision, InsightCount, Recommendation, Verdict, VerdictLabel

#: Decisions that take (or keep) a step on the comment: what "a person decided" means for the figures.
PERSON_KINDS: tuple[str, ...] = ("accept", "edit", "override")
#: The statuses of a comment a person decided on, escalated, or whose decision was undone: the only ones with
#: decisions that count (automatic and clear comments have none; a removed one at most an escalation, as a
#: comment is marked removed only while nobody decided), so the others need no look-up.
WITH_DECISIONS: tuple[str, ...] = ("decided", "open", "escalated")
#: The comment statuses that wait for a person.
WAITING: tuple[str, ...] = ("open", "escalated")


@dataclass(frozen=True, slots=True)
class Scope:
    """The channels (all of one organisation, or a chosen few) and the period [start, end) in UTC."""

    channel_ids: tuple[int, ...]
    start: datetime
    end: datetime
    #: The time zone (IANA name) of the desk's days: on PostgreSQL the kept hours of whole days are summed per day
    #: of this zone (its midnight stands for the day in `Counts.hourly`), every other hour is given as it is.
    zone: str = "UTC"


def _postgres(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def _in_scope(scope: Scope) -> ColumnElement[bool]:
    return and_(
        Comment.channel_id.in_(scope.channel_ids),
        Comment.posted_at >= scope.start,
        Comment.posted_at < scope.end,
    )


def _hour(session: Session, column: Any) -> Any:
    if _postgres(session):
        return func.date_trunc("hour", func.timezone("UTC", column))
    return func.strftime("%Y-%m-%d %H:00:00", column)


def _as_utc(value: Any) -> datetime:
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    assert isinstance(value, datetime)
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _seconds(session: Session, later: Any, earlier: Any) -> Any:
    if _postgres(session):
        return func.extract("epoch", later - earlier)
    return (func.julianday(later) - func.julianday(earlier)) * 86400.0


def prepare(session: Session) -> None:
    """Ready the session for the figures' queries: on PostgreSQL without JIT compilation, which costs tens of
    milliseconds a query and pays off only for scans far longer than a period's, and without parallel workers:
    with the kept counts every query reads a few thousand rows at most, and starting a worker took 10 ms of a
    query's 17 (EXPLAIN ANALYZE of a period's end: 0.8 ms of work). For this transaction only."""
    if _postgres(session):
        session.execute(text("SET LOCAL jit = off"))
        session.execute(text("SET LOCAL max_parallel_workers_per_gather = 0"))


def hourly(session: Session, scope: Scope) -> list[tuple[datetime, int, int]]:
    """(UTC hour, comments, comments needing action: severity above none) for each hour that has comments."""
    hour = _hour(session, Comment.posted_at).label("hour")
    stmt = (
        select(hour, func.count(), func.sum(case((Comment.severity > 0, 1), else_=0)))
        .where(_in_scope(scope))
        .group_by(hour)
    )
    return [(_as_utc(h), int(n), int(acting or 0)) for h, n, acting in session.execute(stmt)]


def breakdown(session: Session, scope: Scope) -> list[tuple[int, str, str, str, int]]:
    """(channel id, platform, language, status, comments) for the scope: one scan for every count by a column."""
    stmt = (
        select(Comment.channel_id, Comment.platform, Comment.language, Comment.status, func.count())
        .where(_in_scope(scope))
        .group_by(Comment.channel_id, Comment.platform, Comment.language, Comment.status)
    )
    return [(int(ch), str(p), str(lang), str(st), int(n)) for ch, p, lang, st, n in session.execute(stmt)]


def outcomes(session: Session, scope: Scope) -> list[tuple[list[str], str, str | None, str, int]]:
    """(labels, status, a person's step, the recommended step, comments) for the scope, grouped in one scan.

    The labels are the comment's own projection of its current verdict (a handful of distinct lists), so
    neither the verdicts nor their label rows are read: the label counts, what became of criticism and the
    people's steps against the recommendations all come from these few rows."""
    stmt = (
        select(Comment.labels, Comment.status, Comment.decided_step, Comment.step, func.count())
        .where(_in_scope(scope))
        .group_by(Comment.labels, Comment.status, Comment.decided_step, Comment.step)
    )
    return [(list(lb or []), str(st), dec, str(step), int(n)) for lb, st, dec, step, n in session.execute(stmt)]


@dataclass(frozen=True, slots=True)
class Counts:
    """`hourly`, `breakdown` and `outcomes` of one scope, read together (`counts`). An `hourly` row is one UTC
    hour, or (PostgreSQL, the kept whole days) one day of the scope's zone given by its midnight; several rows
    may share a key (of the kept days and of the ends): their sum is the count."""

    hourly: list[tuple[datetime, int, int]]
    breakdown: list[tuple[int, str, str, str, int]]
    outcomes: list[tuple[list[str], str, str | None, str, int]]


def counts(session: Session, scope: Scope) -> Counts:
    """`hourly`, `breakdown` and `outcomes` at once.

    On PostgreSQL the period's whole UTC days are read from `insight_counts` (kept exact by triggers, 0021: a few
    rows per channel and day) and only its two ends, less than a day each, from the comments: a year costs
    about what a week did. SQLite runs the three queries over the comments."""
    if not _postgres(session):
        return Counts(hourly(session, scope), breakdown(session, scope), outcomes(session, scope))
    days, ends = _parts(scope)
    out = _kept(session, scope.channel_ids, *days, zone=scope.zone) if days is not None else Counts([], [], [])
    for part in ends:
        scanned = _scanned(session, part)
        out.hourly.extend(scanned.hourly)
        out.breakdown.extend(scanned.breakdown)
        out.outcomes.extend(scanned.outcomes)
    return out


def whole_days(start: datetime, end: datetime) -> tuple[datetime, datetime] | None:
    """[the first UTC midnight at or after `start`, the last at or before `end`), when that holds a day."""
    midnight = datetime.combine(start.astimezone(UTC).date(), datetime.min.time(), tzinfo=UTC)
    first = midnight if midnight == start else midnight + timedelta(days=1)
    last = datetime.combine(end.astimezone(UTC).date(), datetime.min.time(), tzinfo=UTC)
    return (first, last) if first < last else None


def _kept(session: Session, channel_ids: Sequence[int], first: datetime, last: datetime, *, zone: str) -> Counts:
    """The three groupings of the comments posted in [first, last) (whole UTC days) from `insight_counts`: the
    hours of kind 'h' summed per day of `zone` (a year is 365 rows, not 8,760: the service folds what it reads
    into the desk's days anyway), the days of 'b' and 'o' summed over the period, each grouped by what the
    figures need only. The appended rows not yet folded are summed with the rest; a group whose rows cancel
    out (every comment of it changed or gone) is left out."""
    ic = InsightCount
    # Summed per hour first, so the zone's day is worked out once an hour, not once a row (a row per channel
    # and hour, and more until folded); the day in a subquery of its own: the same bound zone in the select list
    # and in GROUP BY would be two expressions to PostgreSQL.
    per_hour = (
        select(ic.at.label("at"), func.sum(ic.n).label("n"), func.sum(ic.acting).label("acting"))
        .where(*_kept_rows("h", channel_ids, first, last))
        .group_by(ic.at)
        .subquery()
    )
    by_day = select(
        func.date_trunc("day", per_hour.c.at, zone).label("day"), per_hour.c.n, per_hour.c.acting
    ).subquery()
    hours = (
        select(by_day.c.day, func.sum(by_day.c.n), func.sum(by_day.c.acting))
        .group_by(by_day.c.day)
        .having(or_(func.sum(by_day.c.n) != 0, func.sum(by_day.c.acting) != 0))
    )
    by_column = (ic.channel_id, ic.platform, ic.language, ic.status)
    columns = (
        select(*by_column, func.sum(ic.n))
        .where(*_kept_rows("b", channel_ids, first, last))
        .group_by(*by_column)
        .having(func.sum(ic.n) != 0)
    )
    by_outcome = (ic.labels, ic.status, ic.decided_step, ic.step)
    outcomes = (
        select(*by_outcome, func.sum(ic.n))
        .where(*_kept_rows("o", channel_ids, first, last))
        .group_by(*by_outcome)
        .having(func.sum(ic.n) != 0)
    )
    return Counts(
        [(_as_utc(h), int(n), int(acting or 0)) for h, n, acting in session.execute(hours)],
        [(int(ch), str(p), str(lang), str(st), int(n)) for ch, p, lang, st, n in session.execute(columns)],
        [
            (list(json.loads(labels) if labels else []), str(st), decided, str(step), int(n))
            for labels, st, decided, step, n in session.execute(outcomes)
        ],
    )


def _kept_rows(kind: str, channel_ids: Sequence[int], first: datetime, last: datetime) -> list[ColumnElement[bool]]:
    """The rows of `kind` of these channels and the UTC days [first, last) in `insight_counts`."""
    ic = InsightCount
    # The kind spelt in the SQL, so the planner sees one value of the index's first column.
    return [
        ic.kind == literal_column(f"'{kind}'"),
        ic.channel_id.in_(list(channel_ids)),
        ic.at >= first,
        ic.at < last,
    ]


def _parts(scope: Scope) -> tuple[tuple[datetime, datetime] | None, list[Scope]]:
    """The scope's whole UTC days (None when it holds none) and the ends around them, less than a day each
    (the whole scope when it holds no whole day)."""
    days = whole_days(scope.start, scope.end)
    if days is None:
        return None, [scope]
    first, last = days
    ends = (
        Scope(scope.channel_ids, scope.start, first, scope.zone),
        Scope(scope.channel_ids, last, scope.end, scope.zone),
    )
    return days, [part for part in ends if part.start < part.end]


def _scanned(session: Session, scope: Scope) -> Counts:
    """The three groupings read from the scope's comments (PostgreSQL): one scan of the index feeds the three
    (GROUPING SETS) instead of three scans of the same index range."""
    # The constants spelt in the SQL (not bound): the hour in the select list and in the grouping sets must be the
    # same expression for PostgreSQL, and two bound parameters are two expressions to it.
    hour = func.date_trunc(literal_column("'hour'"), func.timezone(literal_column("'UTC'"), Comment.posted_at))
    by_column = (Comment.channel_id, Comment.platform, Comment.language, Comment.status)
    by_outcome = (Comment.labels, Comment.status, Comment.decided_step, Comment.step)
    stmt = (
        select(
            func.grouping(hour),
            func.grouping(Comment.channel_id),
            hour,
            *by_column,
            Comment.labels,
            Comment.decided_step,
            Comment.step,
            func.count(),
            func.sum(case((Comment.severity > 0, 1), else_=0)),
        )
        .where(_in_scope(scope))
        .group_by(func.grouping_sets(tuple_(hour), tuple_(*by_column), tuple_(*by_outcome)))
    )
    out = Counts([], [], [])
    for no_hour, no_channel, h, ch, platform, lang, status, labels, decided, step, n, acting in session.execute(stmt):
        if not no_hour:
            out.hourly.append((_as_utc(h), int(n), int(acting or 0)))
        elif not no_channel:
            out.breakdown.append((int(ch), str(platform), str(lang), str(status), int(n)))
        else:
            out.outcomes.append((list(labels or []), str(status), decided, str(step), int(n)))
    return out


def compact(session: Session) -> int:
    """Fold the rows of each `insight_counts` group that the triggers appended to since the last fold into one
    (PostgreSQL; the triggers only append), leaving out the groups that sum to nothing; the other groups are not
    touched, so a fold costs what was written since. Safe beside ingestion and another fold, as
    repo.compact_comment_counts: a row appended meanwhile is not deleted here, and a row another fold deleted
    first is skipped. The number of rows it removed."""
    if not _postgres(session):
        return 0
    group = "channel_id, kind, at, platform, language, status, labels, decided_step, step, decision, reports, seconds"
    # The key's first three columns are never NULL: plain equalities there let the fold find a group's rows by
    # the index (kind, channel_id, at); the others may be NULL, and NULL is a value of the group for them.
    same = " AND ".join(
        f"i.{c} = t.{c}" if c in ("channel_id", "kind", "at") else f"i.{c} IS NOT DISTINCT FROM t.{c}"
        for c in group.split(", ")
    )
    removed = session.execute(
        text(
            f"WITH touched AS (SELECT DISTINCT {group} FROM insight_counts WHERE NOT folded), "
            f"gone AS (DELETE FROM insight_counts i USING touched t WHERE {same} "
            f"RETURNING {', '.join(f'i.{c}' for c in group.split(', '))}, i.n, i.acting), "
            f"kept AS (INSERT INTO insight_counts ({group}, n, acting, folded) "
            f"SELECT {group}, sum(n), sum(acting), true FROM gone "
            "GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12 HAVING sum(n) <> 0 OR sum(acting) <> 0 RETURNING 1) "
            "SELECT (SELECT count(*) FROM gone) - (SELECT count(*) FROM kept)"
        )
    ).scalar()
    return int(removed or 0)


def recount(session: Session) -> int:
    """Count every comment into `insight_counts` anew (PostgreSQL), as migration 0021 did first: the repair when
    the table was emptied or edited by hand. Holds off writes to the comments, their decisions and their
    recommendations meanwhile (about 20 s at a million comments), so that no statement's rows are counted twice
    or not at all. The number of rows written."""
    if not _postgres(session):
        return 0
    # The migration's own count (one spelling of what the triggers count), read from its module.
    first_count = importlib.import_module("hierniet.store.migrations.versions.0021_insight_counts").count_all
    session.execute(text("LOCK TABLE comments, decisions, recommendations IN SHARE MODE"))
    session.execute(delete(InsightCount))
    written = 0
    for statement in first_count().split("; "):
        written += int(session.execute(text(statement)).rowcount or 0)  # type: ignore[attr-defined]
    return written


def decisions_by_kind(session: Session, scope: Scope) -> list[tuple[str, list[str], int]]:
    """(kind, reports, decisions) for the people's decisions on the scope's comments, grouped by kind and list
    of reports (a handful of distinct lists: any subset of platform, Unia, police). A report once filed stays
    filed, so an undone decision's reports count. The same (kind, reports) may come in several rows: their sum
    is the count. On PostgreSQL the whole UTC days come from `insight_counts` (kind 'k')."""
    if not _postgres(session):
        stmt = (
            select(Decision.kind, Decision.reports, func.count())
            .join(Comment, Decision.comment_id == Comment.id)
            .where(_in_scope(scope), Comment.status.in_(WITH_DECISIONS))
            .group_by(Decision.kind, Decision.reports)
        )
        return [(str(kind), list(reports or []), int(n)) for kind, reports, n in session.execute(stmt)]
    days, ends = _parts(scope)
    out = [row for part in ends for row in _decisions_scanned(session, part)]
    if days is not None:
        ic = InsightCount
        kept = (
            select(ic.decision, ic.reports, func.sum(ic.n))
            .where(*_kept_rows("k", scope.channel_ids, *days))
            .group_by(ic.decision, ic.reports)
            .having(func.sum(ic.n) != 0)
        )
        out += [(str(kind), list(json.loads(r) if r else []), int(n)) for kind, r, n in session.execute(kept)]
    return out


def _decisions_scanned(session: Session, scope: Scope) -> list[tuple[str, list[str], int]]:
    """`decisions_by_kind` read from the scope's comments (PostgreSQL)."""
    # Each comment of the period looks its decisions up by index (LATERAL): a plain join would read every
    # decision ever recorded to find the period's.
    found = (
        select(Decision.kind, Decision.reports)
        .where(Decision.comment_id == Comment.id)
        .correlate(Comment)
        .lateral("found")
    )
    stmt = (
        select(found.c.kind, found.c.reports, func.count())
        .select_from(Comment)
        .join(found, literal(True))
        .where(_in_scope(scope), Comment.status.in_(WITH_DECISIONS))
        .group_by(found.c.kind, found.c.reports)
    )
    return [(str(kind), list(reports or []), int(n)) for kind, reports, n in session.execute(stmt)]


def automatic_reports(session: Session, scope: Scope) -> list[tuple[list[str], int]]:
    """(reports, comments) for the comments whose latest recommendation the policy applied on its own. The same
    reports may come in several rows: their sum is the count. On PostgreSQL the whole UTC days come from
    `insight_counts` (kind 'a')."""
    if not _postgres(session):
        return _automatic_scanned(session, scope)
    days, ends = _parts(scope)
    out = [row for part in ends for row in _automatic_scanned(session, part)]
    if days is not None:
        ic = InsightCount
        kept = (
            select(ic.reports, func.sum(ic.n))
            .where(*_kept_rows("a", scope.channel_ids, *days))
            .group_by(ic.reports)
            .having(func.sum(ic.n) != 0)
        )
        out += [(list(json.loads(r) if r else []), int(n)) for r, n in session.execute(kept)]
    return out


def _automatic_scanned(session: Session, scope: Scope) -> list[tuple[list[str], int]]:
    """`automatic_reports` read from the scope's comments and their latest recommendations."""
    latest = (
        select(func.max(Recommendation.id))
        .where(Recommendation.comment_id == Comment.id)
        .correlate(Comment)
        .scalar_subquery()
    )
    stmt = (
        select(Recommendation.reports, func.count())
        .select_from(Comment)
        .join(Recommendation, Recommendation.id == latest)
        .where(_in_scope(scope), Comment.status == "auto", Recommendation.auto.is_(True))
        .group_by(Recommendation.reports)
    )
    return [(list(reports or []), int(n)) for reports, n in session.execute(stmt)]


def _delays(session: Session, scope: Scope) -> Any:
    """The seconds from the arrival (received_at) of each comment whose person's decision stands to that person's
    first decision on it. Read from the scope's decided comments, each looking its decisions up by index, so
    the decisions of other periods are never read."""
    person = (Decision.comment_id == Comment.id, Decision.kind.in_(PERSON_KINDS))
    if _postgres(session):
        # LATERAL: each comment's first decision looked up once. As a scalar subquery in the select list it was
        # inlined into every aggregate that reads the delay (the count and each percentile): three look-ups per
        # comment, two thirds of this query's time (EXPLAIN ANALYZE: one SubPlan per aggregate).
        lateral = select(func.min(Decision.created_at).label("at")).where(*person).correlate(Comment).lateral("first")
        decided = (
            select(lateral.c.at.label("at"), Comment.received_at.label("received_at"))
            .select_from(Comment)
            .join(lateral, literal(True))
            .where(_in_scope(scope), Comment.status == "decided")
            .subquery()
        )
    else:
        first = select(func.min(Decision.created_at)).where(*person).correlate(Comment).scalar_subquery()
        decided = (
            select(first.label("at"), Comment.received_at.label("received_at"))
            .where(_in_scope(scope), Comment.status == "decided")
            .subquery()
        )
    # A decided comment without a person's accept, edit or override (an imported state) has no delay: NULL,
    # which count() and the percentiles leave out.
    return select(_seconds(session, decided.c.at, decided.c.received_at).label("seconds")).subquery()


def _clean(value: Any) -> float:
    # SQLite counts in fractions of a day (julianday): its last digits are noise below a millisecond.
    return round(max(0.0, float(value or 0.0)), 3)


def decision_delays(session: Session, scope: Scope, fractions: Sequence[float]) -> tuple[int, list[float]]:
    """How many of the scope's comments a person decided, and the delays from arrival to the first person's
    decision at each fraction (nearest rank: the value at rank ceil(p * n)); no delays when none was decided."""
    if _postgres(session):
        return _delays_postgres(session, scope, fractions)
    seconds = _delays(session, scope)
    n = int(session.scalar(select(func.count(seconds.c.seconds))) or 0)
    if not n:
        return 0, []
    out = []
    for p in fractions:
        rank = max(0, math.ceil(p * n) - 1)
        ordered = select(seconds.c.seconds).where(seconds.c.seconds.is_not(None)).order_by(seconds.c.seconds)
        value = session.scalar(ordered.limit(1).offset(rank))
        out.append(_clean(value))
    return n, out


def _delays_postgres(session: Session, scope: Scope, fractions: Sequence[float]) -> tuple[int, list[float]]:
    """`decision_delays` on PostgreSQL: the delays of the whole UTC days from `insight_counts` (kind 'd': each
    delay with how many comments share it) and those of the ends read from the comments, merged in one sorted
    pass. The value at each fraction is the first whose running count reaches ceil(p * n), as percentile_disc
    picks it (in float8, as it computes the rank)."""
    days, ends = _parts(scope)
    parts: list[Any] = []
    for part in ends:
        scanned = _delays(session, part)
        parts.append(select(scanned.c.seconds, literal(1).label("n")).where(scanned.c.seconds.is_not(None)))
    if days is not None:
        ic = InsightCount
        parts.append(
            select(ic.seconds.label("seconds"), ic.n.label("n")).where(*_kept_rows("d", scope.channel_ids, *days))
        )
    merged = union_all(*parts).subquery() if len(parts) > 1 else parts[0].subquery()
    grouped = (
        select(merged.c.seconds, func.sum(merged.c.n).label("n"))
        .group_by(merged.c.seconds)
        .having(func.sum(merged.c.n) != 0)
        .subquery()
    )
    running = select(
        grouped.c.seconds,
        func.sum(grouped.c.n).over(order_by=grouped.c.seconds).label("upto"),
        func.sum(grouped.c.n).over().label("total"),
    ).subquery()
    as_float = Float(precision=53)
    rank = [func.ceil(cast(literal(float(p)), as_float) * cast(running.c.total, as_float)) for p in fractions]
    columns = [func.max(running.c.total)] + [func.min(running.c.seconds).filter(running.c.upto >= r) for r in rank]
    row = session.execute(select(*columns)).one()
    n = int(row[0] or 0)
    return n, [_clean(v) for v in row[1:]] if n else []


def _waiting() -> ColumnElement[bool]:
    # Spelt as the partial index ix_comments_waiting's condition (0014), constants included, so the planner
    # can prove the index covers it.
    return Comment.status.in_([literal_column(f"'{status}'") for status in WAITING])


def backlog(
    session: Session, channel_ids: Sequence[int], now: datetime, edges: Sequence[float]
) -> tuple[list[int], datetime | None]:
    """Comments of these channels waiting for a person now, by age since arrival (one count per bucket, the
    edges in seconds, ascending; the last bucket is everything older than the last edge), and the oldest's
    arrival."""
    # Arrival against each edge's moment (computed here), not an age per row: plain comparisons, read in the
    # partial index's order.
    whens = [
        (Comment.received_at > literal(now - timedelta(seconds=edge), Comment.received_at.type), i)
        for i, edge in enumerate(edges)
    ]
    bucket = case(*whens, else_=len(edges)).label("bucket")
    if _postgres(session) and edges:
        return _backlog_postgres(session, channel_ids, now, edges, bucket)
    counts = [0] * (len(edges) + 1)
    stmt = (
        select(bucket, func.count(), func.min(Comment.received_at))
        .where(Comment.channel_id.in_(list(channel_ids)), _waiting())
        .group_by(bucket)
    )
    oldest: datetime | None = None
    for i, n, first in session.execute(stmt):
        counts[int(i)] = int(n)
        if first is not None:
            at = _as_utc(first)
            oldest = at if oldest is None or at < oldest else oldest
    return counts, oldest


def _backlog_postgres(
    session: Session, channel_ids: Sequence[int], now: datetime, edges: Sequence[float], bucket: Any
) -> tuple[list[int], datetime | None]:
    """`backlog` on PostgreSQL without reading every waiting comment (a third of a store that is behind): how
    many wait is summed from the counts kept by triggers (comment_counts, 0018); only those younger than the
    last edge are read from the partial index, the rest are the last bucket; the oldest is the first entry of
    each channel in that index."""
    total = session.scalar(
        select(func.coalesce(func.sum(CommentCount.n), 0)).where(
            CommentCount.channel_id.in_(list(channel_ids)), CommentCount.status.in_(list(WAITING))
        )
    )
    since = literal(now - timedelta(seconds=max(edges)), Comment.received_at.type)
    stmt = (
        select(bucket, func.count())
        .where(Comment.channel_id.in_(list(channel_ids)), _waiting(), Comment.received_at > since)
        .group_by(bucket)
    )
    counts = [0] * (len(edges) + 1)
    for i, n in session.execute(stmt):
        counts[int(i)] = int(n)
    counts[-1] += int(total or 0) - sum(counts)
    firsts = [
        select(func.min(Comment.received_at)).where(Comment.channel_id == cid, _waiting()).scalar_subquery()
        for cid in channel_ids
    ]
    first = session.scalar(select(func.least(*firsts))) if firsts else None
    return counts, _as_utc(first) if first is not None else None


def example_rows(
    session: Session, scope: Scope, *, label: str, statuses: Sequence[str], limit: int
) -> list[tuple[Comment, Verdict]]:
    """A few comments of the scope carrying `label`, in one of `statuses`, with their current verdict (for the
    report's masked examples); erased texts left out. The most recent first."""
    stmt = (
        select(Comment, Verdict)
        .join(Verdict, and_(Verdict.comment_id == Comment.id, Verdict.version == Comment.verdict_version))
        .join(VerdictLabel, VerdictLabel.verdict_id == Verdict.id)
        .where(
            _in_scope(scope),
            VerdictLabel.label == label,
            Comment.status.in_(list(statuses)),
            Comment.redacted_at.is_(None),
        )
        .order_by(Comment.posted_at.desc(), Comment.id.desc())
        .limit(limit)
    )
    return [(c, v) for c, v in session.execute(stmt)]
