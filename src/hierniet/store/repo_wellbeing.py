"""The queries and writes of the moderators' wellbeing (issue 13): minutes of work in the queue, severe items
seen and revealed per person, and the organisation's severe rotation. Same rules as hierniet.store.repo: no
commits here, the caller's `Store.transaction()` commits.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from hierniet.store.repo_desk import REVEAL_ACTION
from hierniet.store.tables import AuditEntry, DeskActivity, SevereRotation


def note_minute(session: Session, user_id: int, minute: datetime, severe_seen: int) -> None:
    """The person worked in this minute; `severe_seen` more severe comments were opened shielded in it."""
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    stmt = insert(DeskActivity).values(user_id=user_id, minute=minute, severe_seen=severe_seen)
    if severe_seen:
        stmt = stmt.on_conflict_do_update(
            index_elements=["user_id", "minute"],
            set_={"severe_seen": DeskActivity.severe_seen + stmt.excluded.severe_seen},
        )
    else:
        stmt = stmt.on_conflict_do_nothing(index_elements=["user_id", "minute"])
    session.execute(stmt)


def activity_since(session: Session, user_ids: Sequence[int], since: datetime) -> list[tuple[int, datetime, int]]:
    """(user id, minute, severe items seen in it) of these people since `since`, oldest first."""
    if not user_ids:
        return []
    stmt = (
        select(DeskActivity.user_id, DeskActivity.minute, DeskActivity.severe_seen)
        .where(DeskActivity.user_id.in_(list(user_ids)), DeskActivity.minute >= since)
        .order_by(DeskActivity.minute)
    )
    return [(int(u), m, int(n or 0)) for u, m, n in session.execute(stmt)]


def reveals_since(session: Session, user_ids: Sequence[int], since: datetime) -> list[tuple[int, str, datetime]]:
    """(user id, comment id, when) of each reveal by these people since `since` (a comment may recur)."""
    if not user_ids:
        return []
    stmt = select(AuditEntry.user_id, AuditEntry.subject_id, AuditEntry.at).where(
        AuditEntry.action == REVEAL_ACTION,
        AuditEntry.user_id.in_(list(user_ids)),
        AuditEntry.at >= since,
    )
    return [(int(u), str(s), at) for u, s, at in session.execute(stmt) if u is not None and s is not None]


def rotation_of(session: Session, organisation_id: int) -> set[int]:
    stmt = select(SevereRotation.user_id).where(SevereRotation.organisation_id == organisation_id)
    return set(session.scalars(stmt))


def set_rotation(
    session: Session, organisation_id: int, user_ids: Sequence[int], added_by: int | None, now: datetime
) -> None:
    """The rotation becomes exactly these people (those already on it keep their date)."""
    current = rotation_of(session, organisation_id)
    wanted = set(user_ids)
    if current - wanted:
        session.execute(
            delete(SevereRotation).where(
                SevereRotation.organisation_id == organisation_id, SevereRotation.user_id.in_(list(current - wanted))
            )
        )
    for user_id in sorted(wanted - current):
        session.add(SevereRotation(organisation_id=organisation_id, user_id=user_id, added_by=added_by, added_at=now))
