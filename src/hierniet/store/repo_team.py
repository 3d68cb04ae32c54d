"""The queries and writes of the desk as a team (issue 12): who is on a comment (claims and assignments),
each person's saved queue filters, and the outbox as leads see it (retry, done by hand).

Kept beside hierniet.store.repo (same rules: no commits here, the caller's `Store.transaction()` commits).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, delete, func, or_, select, update
from sqlalchemy.orm import Session, aliased

from hierniet.store.tables import Channel, Comment, CommentClaim, Post, QueuedAction, SavedFilter, User

# --- claims and assignments ----------------------------------------------------------------------------------


def live(now: datetime) -> ColumnElement[bool]:
    """A claim still holds: an assignment (no expiry), or a claim not yet expired."""
    return or_(CommentClaim.expires_at.is_(None), CommentClaim.expires_at > now)


def get_claim(session: Session, comment_id: int) -> CommentClaim | None:
    return session.get(CommentClaim, comment_id)


def claims_for(
    session: Session, comment_ids: Sequence[int], now: datetime
) -> dict[int, tuple[CommentClaim, User, User | None]]:
    """The live claim of each of these comments that has one, with its holder and who assigned it."""
    if not comment_ids:
        return {}
    assigner = aliased(User)
    stmt = (
        select(CommentClaim, User, assigner)
        .join(User, CommentClaim.user_id == User.id)
        .outerjoin(assigner, CommentClaim.assigned_by == assigner.id)
        .where(CommentClaim.comment_id.in_(list(comment_ids)), live(now))
    )
    return {c.comment_id: (c, u, a) for c, u, a in session.execute(stmt)}


def put_claim(
    session: Session,
    comment_id: int,
    *,
    user_id: int,
    claimed_at: datetime,
    expires_at: datetime | None,
    assigned_by: int | None,
) -> None:
    """Make `user_id` the comment's holder, replacing whoever held it (the caller decided that it may)."""
    session.execute(delete(CommentClaim).where(CommentClaim.comment_id == comment_id))
    session.add(
        CommentClaim(
            comment_id=comment_id,
            user_id=user_id,
            claimed_at=claimed_at,
            expires_at=expires_at,
            assigned_by=assigned_by,
        )
    )
    session.flush()


def extend_claim(session: Session, comment_id: int, user_id: int, expires_at: datetime) -> None:
    """The holder opened it again: their claim (not an assignment, which has no end) lasts longer."""
    session.execute(
        update(CommentClaim)
        .where(
            CommentClaim.comment_id == comment_id,
            CommentClaim.user_id == user_id,
            CommentClaim.expires_at.is_not(None),
        )
        .values(expires_at=expires_at)
    )


def release(session: Session, comment_ids: Sequence[int]) -> None:
    if comment_ids:
        session.execute(delete(CommentClaim).where(CommentClaim.comment_id.in_(list(comment_ids))))


def held_by(user_id: int, now: datetime) -> ColumnElement[bool]:
    """The queue's "assigned to me" filter: comments this person holds (assigned, or claimed and live)."""
    return (
        select(CommentClaim.comment_id)
        .where(CommentClaim.comment_id == Comment.id, CommentClaim.user_id == user_id, live(now))
        .exists()
    )


# --- saved filters --------------------------------------------------------------------------------------------


def saved_filters(session: Session, user_id: int) -> list[SavedFilter]:
    stmt = select(SavedFilter).where(SavedFilter.user_id == user_id).order_by(SavedFilter.name, SavedFilter.id)
    return list(session.scalars(stmt))


def saved_filter_by_name(session: Session, user_id: int, name: str) -> SavedFilter | None:
    stmt = select(SavedFilter).where(SavedFilter.user_id == user_id, SavedFilter.name == name)
    return session.scalars(stmt).first()


def save_filter(session: Session, user_id: int, name: str, query: str, now: datetime) -> SavedFilter:
    """Add the filter, or give an existing one of that name the new query (saving again updates it)."""
    row = saved_filter_by_name(session, user_id, name)
    if row is None:
        row = SavedFilter(user_id=user_id, name=name, query=query, created_at=now)
        session.add(row)
    else:
        row.query = query
    session.flush()
    return row


def delete_filter(session: Session, user_id: int, filter_id: int) -> SavedFilter | None:
    """Delete one of the person's filters; None when they have none with that id (someone else's included)."""
    row = session.get(SavedFilter, filter_id)
    if row is None or row.user_id != user_id:
        return None
    session.delete(row)
    session.flush()
    return row


# --- the outbox -----------------------------------------------------------------------------------------------

OutboxRow = tuple[QueuedAction, Comment, Channel, Post | None, User | None]


def _outbox_select() -> Any:
    ticked = aliased(User)
    return (
        select(QueuedAction, Comment, Channel, Post, ticked)
        .join(Comment, QueuedAction.comment_id == Comment.id)
        .join(Channel, QueuedAction.channel_id == Channel.id)
        .outerjoin(Post, and_(Post.channel_id == Channel.id, Post.external_id == Comment.thread_external_id))
        .outerjoin(ticked, QueuedAction.manual_by == ticked.id)
    )


def outbox(
    session: Session,
    *,
    organisation_id: int | None,
    statuses: Sequence[str],
    limit: int,
    offset: int,
) -> tuple[list[OutboxRow], int]:
    """Platform calls, the most recently changed first (ties by id, so pages never repeat a row)."""
    conditions: list[ColumnElement[bool]] = []
    if organisation_id is not None:
        conditions.append(Channel.organisation_id == organisation_id)
    if statuses:
        conditions.append(QueuedAction.status.in_(list(statuses)))
    total = (
        session.scalar(
            select(func.count(QueuedAction.id)).join(Channel, QueuedAction.channel_id == Channel.id).where(*conditions)
        )
        or 0
    )
    stmt = (
        _outbox_select()
        .where(*conditions)
        .order_by(QueuedAction.updated_at.desc(), QueuedAction.id.desc())
        .limit(limit)
        .offset(offset)
    )
    return [(a, c, ch, p, u) for a, c, ch, p, u in session.execute(stmt)], total


def outbox_counts(session: Session, organisation_id: int | None) -> dict[str, int]:
    stmt = select(QueuedAction.status, func.count(QueuedAction.id)).join(Channel, QueuedAction.channel_id == Channel.id)
    if organisation_id is not None:
        stmt = stmt.where(Channel.organisation_id == organisation_id)
    return {str(status): int(n) for status, n in session.execute(stmt.group_by(QueuedAction.status))}


def outbox_row(session: Session, action_id: int) -> OutboxRow | None:
    row = session.execute(_outbox_select().where(QueuedAction.id == action_id)).first()
    return (row[0], row[1], row[2], row[3], row[4]) if row else None


def actions_of_comment(session: Session, comment_id: int) -> list[OutboxRow]:
    stmt = _outbox_select().where(QueuedAction.comment_id == comment_id).order_by(QueuedAction.id)
    return [(a, c, ch, p, u) for a, c, ch, p, u in session.execute(stmt)]


def requeue(session: Session, action_id: int, now: datetime) -> bool:
    """A failed call back in the queue as if new (a fresh count of attempts, no lease, not sent)."""
    result = session.execute(
        update(QueuedAction)
        .where(QueuedAction.id == action_id, QueuedAction.status == "failed")
        .values(
            status="queued",
            attempts=0,
            not_before=now,
            claimed_by=None,
            claimed_at=None,
            lease_until=None,
            sent_at=None,
            finished_at=None,
            outcome=None,
            updated_at=now,
        )
    )
    return bool(getattr(result, "rowcount", 0) == 1)


def mark_done_by_hand(
    session: Session, action_id: int, *, from_statuses: Sequence[str], user_id: int, outcome: str, now: datetime
) -> bool:
    """A person did the call by hand on the platform: done, with who and when (only from `from_statuses`)."""
    result = session.execute(
        update(QueuedAction)
        .where(QueuedAction.id == action_id, QueuedAction.status.in_(list(from_statuses)))
        .values(
            status="done",
            outcome=outcome,
            finished_at=now,
            manual_by=user_id,
            manual_at=now,
            last_error=None,
            updated_at=now,
        )
    )
    return bool(getattr(result, "rowcount", 0) == 1)
