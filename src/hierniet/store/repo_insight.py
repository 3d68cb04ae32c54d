"""The queries of the insight dashboard and the transparency report (issue 13): counts grouped in SQL over one
organisation's channels and one period, never the comments themselves (but for a few masked examples).

Same rules as hierniet.store.repo: no commits here. The period is half-open, [start, end), in UTC; the service
(hierniet.services.insight) turns the desk's days (Europe/Brussels) into it. Days are grouped by the UTC hour
here and folded into the desk's days by the service: every offset of the desk's time zone is a whole number of
hours, and neither backend needs a time-zone database that way (SQLite has none).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, case, func, literal, select
from sqlalchemy.orm import Session

from hierniet.store.tables import Comment, Decision, Recommendation, Verdict, VerdictLabel

#: Decisions that take (or keep) a step on the comment: what "a person decided" means for the figures.
PERSON_KINDS: tuple[str, ...] = ("accept", "edit", "override")
#: The comment statuses that wait for a person.
WAITING: tuple[str, ...] = ("open", "escalated")


@dataclass(frozen=True, slots=True)
class Scope:
    """The channels (all of one organisation, or a chosen few) and the period [start, end) in UTC."""

    channel_ids: tuple[int, ...]
    start: datetime
    end: datetime


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


def hourly(session: Session, scope: Scope) -> list[tuple[datetime, int, int]]:
    """(UTC hour, comments, comments needing action: severity above none) for each hour that has comments."""
    hour = _hour(session, Comment.posted_at).label("hour")
    stmt = (
        select(hour, func.count(), func.sum(case((Comment.severity > 0, 1), else_=0)))
        .where(_in_scope(scope))
        .group_by(hour)
    )
    return [(_as_utc(h), int(n), int(acting or 0)) for h, n, acting in session.execute(stmt)]


def count_by(session: Session, scope: Scope, column: Any) -> dict[str, int]:
    """Comments of the scope by one of their own columns (channel_id, platform, language, status)."""
    stmt = select(column, func.count()).where(_in_scope(scope)).group_by(column)
    return {str(key): int(n) for key, n in session.execute(stmt)}


def _current_labels() -> Any:
    return (
        select()
        .select_from(Comment)
        .join(Verdict, and_(Verdict.comment_id == Comment.id, Verdict.version == Comment.verdict_version))
        .join(VerdictLabel, VerdictLabel.verdict_id == Verdict.id)
    )


def label_counts(session: Session, scope: Scope) -> dict[str, int]:
    """Comments of the scope by the labels of their current verdict (a comment counts once per label)."""
    stmt = (
        _current_labels()
        .add_columns(VerdictLabel.label, func.count())
        .where(_in_scope(scope))
        .group_by(VerdictLabel.label)
    )
    return {str(label): int(n) for label, n in session.execute(stmt)}


def outcomes_of_label(session: Session, scope: Scope, label: str) -> list[tuple[str, str | None, str, int]]:
    """(status, a person's step, the recommended step, comments) for the comments that carry `label` now."""
    stmt = (
        _current_labels()
        .add_columns(Comment.status, Comment.decided_step, Comment.step, func.count())
        .where(_in_scope(scope), VerdictLabel.label == label)
        .group_by(Comment.status, Comment.decided_step, Comment.step)
    )
    return [(str(st), dec, str(step), int(n)) for st, dec, step, n in session.execute(stmt)]


def decided(session: Session, scope: Scope) -> tuple[int, int]:
    """(comments a person decided, of which with another step than the recommendation's), from the comments'
    standing state: an undone decision no longer counts, and a re-decided comment counts once."""
    stmt = select(
        func.count(),
        func.sum(case((Comment.decided_step != Comment.step, 1), else_=0)),
    ).where(_in_scope(scope), Comment.status == "decided")
    n, overridden = session.execute(stmt).one()
    return int(n or 0), int(overridden or 0)


def decision_kinds(session: Session, scope: Scope) -> dict[str, int]:
    """The people's decisions on the scope's comments by kind (accept, edit, override, escalate, undo, ...)."""
    stmt = (
        select(Decision.kind, func.count())
        .join(Comment, Decision.comment_id == Comment.id)
        .where(_in_scope(scope))
        .group_by(Decision.kind)
    )
    return {str(kind): int(n) for kind, n in session.execute(stmt)}


def person_reports(session: Session, scope: Scope) -> list[tuple[list[str], int]]:
    """(reports, decisions) for the people's decisions on the scope's comments, grouped by their list of reports
    (a handful of distinct lists: any subset of platform, Unia, police). A report once filed stays filed, so an
    undone decision's reports count."""
    stmt = (
        select(Decision.reports, func.count())
        .join(Comment, Decision.comment_id == Comment.id)
        .where(_in_scope(scope), Decision.kind.in_(PERSON_KINDS))
        .group_by(Decision.reports)
    )
    return [(list(reports or []), int(n)) for reports, n in session.execute(stmt)]


def automatic_reports(session: Session, scope: Scope) -> list[tuple[list[str], int]]:
    """(reports, comments) for the comments whose latest recommendation the policy applied on its own."""
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


def decision_delays(session: Session, scope: Scope) -> tuple[int, Any]:
    """How many of the scope's comments a person decided, and a subquery of the seconds from each one's arrival
    (received_at) to its first person's decision (column `seconds`), for the service's percentiles."""
    first = (
        select(Decision.comment_id.label("comment_id"), func.min(Decision.created_at).label("at"))
        .join(Comment, Decision.comment_id == Comment.id)
        .where(_in_scope(scope), Decision.kind.in_(PERSON_KINDS))
        .group_by(Decision.comment_id)
        .subquery()
    )
    seconds = (
        select(_seconds(session, first.c.at, Comment.received_at).label("seconds"))
        .select_from(first)
        .join(Comment, Comment.id == first.c.comment_id)
        .subquery()
    )
    n = int(session.scalar(select(func.count()).select_from(seconds)) or 0)
    return n, seconds


def nth_delay(session: Session, seconds: Any, rank: int) -> float:
    """The `rank`-th smallest (from 0) of the delays subquery."""
    value = session.scalar(select(seconds.c.seconds).order_by(seconds.c.seconds).limit(1).offset(rank))
    # SQLite counts in fractions of a day (julianday): its last digits are noise below a millisecond.
    return round(max(0.0, float(value or 0.0)), 3)


def backlog(session: Session, channel_ids: Sequence[int], now: datetime, edges: Sequence[float]) -> list[int]:
    """Comments of these channels waiting for a person now, by age since arrival: one count per bucket, the
    bucket edges in seconds (ascending); the last bucket is everything older than the last edge."""
    age = _seconds(session, literal(now, Comment.received_at.type), Comment.received_at)
    whens = [(age < edge, i) for i, edge in enumerate(edges)]
    bucket = case(*whens, else_=len(edges)).label("bucket")
    stmt = (
        select(bucket, func.count())
        .where(Comment.channel_id.in_(list(channel_ids)), Comment.status.in_(WAITING))
        .group_by(bucket)
    )
    counts = [0] * (len(edges) + 1)
    for i, n in session.execute(stmt):
        counts[int(i)] = int(n)
    return counts


def oldest_waiting(session: Session, channel_ids: Sequence[int]) -> datetime | None:
    stmt = select(func.min(Comment.received_at)).where(
        Comment.channel_id.in_(list(channel_ids)), Comment.status.in_(WAITING)
    )
    value = session.scalar(stmt)
    return _as_utc(value) if value is not None else None


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
