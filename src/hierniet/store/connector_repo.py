"""The connectors' queries: the outbox's leases, poll cursors, daily quotas and the webhook replay guard.

Like hierniet.store.repo, nothing here commits: callers run these inside `Store.transaction()`. Every
state change of an outbox row is a compare-and-set (UPDATE ... WHERE the row is still in the state the
caller saw), so two workers, or a worker and a person's new decision, can never both win.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import CursorResult, and_, delete, insert, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from hierniet.store.tables import (
    Author,
    Channel,
    Comment,
    ConnectorCursor,
    QueuedAction,
    QuotaUsage,
    WebhookEvent,
    utcnow,
)

QUEUED = "queued"


def _count(result: Any) -> int:
    return int(result.rowcount) if isinstance(result, CursorResult) else 0


# ---------------------------------------------------------------------------------------------- the outbox


def _claimable(now: datetime) -> Any:
    return and_(
        QueuedAction.status == QUEUED,
        QueuedAction.not_before <= now,
        or_(QueuedAction.lease_until.is_(None), QueuedAction.lease_until < now),
    )


def due_actions(session: Session, now: datetime, limit: int) -> list[int]:
    """Ids of queued actions that are due, unclaimed (or whose lease ran out), on active channels; oldest first."""
    stmt = (
        select(QueuedAction.id)
        .join(Channel, QueuedAction.channel_id == Channel.id)
        .where(_claimable(now), Channel.active.is_(True))
        .order_by(QueuedAction.not_before, QueuedAction.id)
        .limit(limit)
    )
    return list(session.scalars(stmt))


def claim(session: Session, action_id: int, worker: str, now: datetime, lease_until: datetime, key: str) -> bool:
    """Take the lease of one action if it is still claimable; sets an idempotency key if it has none."""
    row = session.get(QueuedAction, action_id)
    values: dict[str, Any] = {"claimed_by": worker, "claimed_at": now, "lease_until": lease_until, "updated_at": now}
    if row is not None and row.idempotency_key is None:
        values["idempotency_key"] = key
    result = session.execute(update(QueuedAction).where(QueuedAction.id == action_id, _claimable(now)).values(**values))
    return _count(result) == 1


@dataclass(frozen=True, slots=True)
class ClaimedAction:
    """An action this worker holds, with what its connector needs to address it."""

    id: int
    action: str
    payload: dict[str, Any]
    attempts: int
    idempotency_key: str
    in_doubt: bool  # an earlier worker began sending it and did not record how it went
    channel_id: int
    organisation_id: int
    platform: str
    comment_id: int
    comment_external_id: str
    thread_external_id: str | None
    parent_external_id: str | None
    author_external_id: str | None
    decision_id: int | None


def claimed(session: Session, worker: str, ids: Sequence[int]) -> list[ClaimedAction]:
    if not ids:
        return []
    stmt = (
        select(QueuedAction, Channel, Comment, Author.external_id)
        .join(Channel, QueuedAction.channel_id == Channel.id)
        .join(Comment, QueuedAction.comment_id == Comment.id)
        .outerjoin(Author, Comment.author_id == Author.id)
        .where(QueuedAction.id.in_(list(ids)), QueuedAction.claimed_by == worker)
        .order_by(QueuedAction.not_before, QueuedAction.id)
    )
    return [
        ClaimedAction(
            id=a.id,
            action=a.action,
            payload=dict(a.payload or {}),
            attempts=a.attempts,
            idempotency_key=a.idempotency_key or "",
            in_doubt=a.sent_at is not None,
            channel_id=ch.id,
            organisation_id=ch.organisation_id,
            platform=ch.platform,
            comment_id=c.id,
            comment_external_id=c.external_id,
            thread_external_id=c.thread_external_id,
            parent_external_id=c.parent_external_id,
            author_external_id=author,
            decision_id=a.decision_id,
        )
        for a, ch, c, author in session.execute(stmt)
    ]


def mark_sending(session: Session, action_id: int, worker: str, now: datetime, lease_until: datetime) -> bool:
    """Record that the call is about to go out (committed before it does); False when the lease was lost or a
    person cancelled the action meanwhile, and then it must not be sent."""
    result = session.execute(
        update(QueuedAction)
        .where(QueuedAction.id == action_id, QueuedAction.claimed_by == worker, QueuedAction.status == QUEUED)
        .values(sent_at=now, lease_until=lease_until, attempts=QueuedAction.attempts + 1, updated_at=now)
    )
    return _count(result) == 1


def finish(session: Session, action_id: int, worker: str, **values: Any) -> bool:
    """Record the outcome and drop the lease, if this worker still holds it."""
    values.setdefault("updated_at", utcnow())
    result = session.execute(
        update(QueuedAction)
        .where(QueuedAction.id == action_id, QueuedAction.claimed_by == worker)
        .values(claimed_by=None, claimed_at=None, lease_until=None, **values)
    )
    return _count(result) == 1


def get_action(session: Session, action_id: int) -> QueuedAction | None:
    return session.get(QueuedAction, action_id)


# ---------------------------------------------------------------------------------------------- channels


def active_channels(session: Session, platforms: Sequence[str]) -> list[Channel]:
    stmt = select(Channel).where(Channel.active.is_(True), Channel.platform.in_(list(platforms))).order_by(Channel.id)
    return list(session.scalars(stmt))


def set_connection(
    session: Session,
    channel_id: int,
    *,
    ciphertext: str | None,
    hint: dict[str, str],
    config: dict[str, Any],
    active: bool = True,
) -> None:
    session.execute(
        update(Channel)
        .where(Channel.id == channel_id)
        .values(credentials_ciphertext=ciphertext, credentials_hint=hint, connector_config=config, active=active)
    )


# ---------------------------------------------------------------------------------------------- cursors


def get_cursor(session: Session, channel_id: int) -> ConnectorCursor | None:
    return session.get(ConnectorCursor, channel_id)


def save_cursor(session: Session, channel_id: int, **values: Any) -> None:
    values["updated_at"] = utcnow()
    result = session.execute(update(ConnectorCursor).where(ConnectorCursor.channel_id == channel_id).values(**values))
    if _count(result) == 0:
        values.setdefault("failures", 0)
        session.execute(insert(ConnectorCursor).values(channel_id=channel_id, **values))


# ---------------------------------------------------------------------------------------------- quotas


def spend_quota(session: Session, key: str, day: str, units: int, limit: int) -> bool:
    """Add `units` to today's count unless that passes `limit`; one statement, so concurrent spenders agree."""
    now = utcnow()
    stmt = (
        update(QuotaUsage)
        .where(QuotaUsage.quota_key == key, QuotaUsage.day == day, QuotaUsage.units + units <= limit)
        .values(units=QuotaUsage.units + units, updated_at=now)
    )
    if _count(session.execute(stmt)) == 1:
        return True
    if session.get(QuotaUsage, (key, day)) is not None:
        return False
    if units > limit:
        return False
    try:
        with session.begin_nested():
            session.execute(insert(QuotaUsage).values(quota_key=key, day=day, units=units, updated_at=now))
        return True
    except IntegrityError:  # another worker made today's row first: spend through it
        return _count(session.execute(stmt)) == 1


def exhaust_quota(session: Session, key: str, day: str, limit: int) -> None:
    now = utcnow()
    stmt = (
        update(QuotaUsage).where(QuotaUsage.quota_key == key, QuotaUsage.day == day).values(units=limit, updated_at=now)
    )
    if _count(session.execute(stmt)) == 0:
        session.execute(insert(QuotaUsage).values(quota_key=key, day=day, units=limit, updated_at=now))


def quota_used(session: Session, key: str, day: str) -> int:
    row = session.get(QuotaUsage, (key, day))
    return row.units if row is not None else 0


# ---------------------------------------------------------------------------------------------- replay guard


def seen_events(session: Session, channel_id: int, keys: Sequence[str]) -> set[str]:
    if not keys:
        return set()
    stmt = select(WebhookEvent.event_key).where(
        WebhookEvent.channel_id == channel_id, WebhookEvent.event_key.in_(list(keys))
    )
    return set(session.scalars(stmt))


def remember_events(session: Session, channel_id: int, keys: Sequence[str], now: datetime) -> None:
    """Record the events; raises IntegrityError when another request recorded one of them first."""
    if keys:
        session.execute(
            insert(WebhookEvent), [{"channel_id": channel_id, "event_key": k, "received_at": now} for k in keys]
        )


def forget_events(session: Session, before: datetime) -> int:
    return _count(session.execute(delete(WebhookEvent).where(WebhookEvent.received_at < before)))
