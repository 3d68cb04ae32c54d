"""The queries and writes of alerts to the lead (issue 13): queued once per comment and kind, claimed by one
worker at a time, finished with the targets reached. Same rules as hierniet.store.repo: no commits here.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import and_, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import CursorResult
from sqlalchemy.orm import Session

from hierniet.store.tables import Alert, Channel, Organisation, User

QUEUED = "queued"


def add_alerts(session: Session, rows: Sequence[Mapping[str, Any]]) -> None:
    """Queue alerts; one that exists for the same comment and kind is left as it is (idempotent)."""
    if not rows:
        return
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    session.execute(insert(Alert).on_conflict_do_nothing(index_elements=["comment_id", "kind"]), list(rows))


def _claimable(now: datetime) -> Any:
    return and_(
        Alert.status == QUEUED,
        Alert.not_before <= now,
        or_(Alert.lease_until.is_(None), Alert.lease_until < now),
    )


def due_alerts(session: Session, now: datetime, limit: int) -> list[int]:
    stmt = select(Alert.id).where(_claimable(now)).order_by(Alert.not_before, Alert.id).limit(limit)
    return list(session.scalars(stmt))


def claim(session: Session, alert_id: int, worker: str, now: datetime, lease_until: datetime) -> bool:
    """Take the lease of one alert if nobody holds it (a compare-and-set: one worker wins)."""
    result = session.execute(
        update(Alert)
        .where(Alert.id == alert_id, _claimable(now))
        .values(claimed_by=worker, lease_until=lease_until, attempts=Alert.attempts + 1)
    )
    return isinstance(result, CursorResult) and result.rowcount == 1


@dataclass(frozen=True, slots=True)
class ClaimedAlert:
    id: int
    comment_id: int
    kind: str
    severity: int
    created_at: datetime
    attempts: int
    delivered: tuple[str, ...]
    organisation_id: int
    organisation_name: str
    organisation_policy: str | None
    channel_name: str
    platform: str
    channel_policy: str | None
    raid_id: int | None = None
    #: The people who may be told by e-mail: the organisation's active leads and admins, and the admins of every
    #: organisation, who have an address (hierniet.services.alerts decides which of them are told).
    people: tuple[AlertPerson, ...] = ()


@dataclass(frozen=True, slots=True)
class AlertPerson:
    user_id: int
    email: str
    locale: str | None
    role: str
    #: True for an admin of every organisation (no organisation of their own).
    everywhere: bool


def alert_people(session: Session, organisation_ids: Sequence[int]) -> dict[int, tuple[AlertPerson, ...]]:
    """Per organisation, its active leads and admins with an e-mail address, and the active admins of every
    organisation with one (under each organisation), by user id."""
    if not organisation_ids:
        return {}
    stmt = (
        select(User)
        .where(
            User.active.is_(True),
            User.email.is_not(None),
            or_(
                and_(User.organisation_id.in_(list(organisation_ids)), User.role.in_(("lead", "admin"))),
                and_(User.organisation_id.is_(None), User.role == "admin"),
            ),
        )
        .order_by(User.id)
    )
    found: dict[int, list[AlertPerson]] = {o: [] for o in organisation_ids}
    for u in session.scalars(stmt):
        person = AlertPerson(u.id, u.email or "", u.locale, u.role, u.organisation_id is None)
        for organisation_id in organisation_ids if u.organisation_id is None else [u.organisation_id]:
            found[organisation_id].append(person)
    return {o: tuple(people) for o, people in found.items()}


def claimed(session: Session, worker: str, ids: Sequence[int]) -> list[ClaimedAlert]:
    if not ids:
        return []
    stmt = (
        select(Alert, Organisation, Channel)
        .join(Organisation, Alert.organisation_id == Organisation.id)
        .join(Channel, Alert.channel_id == Channel.id)
        .where(Alert.id.in_(list(ids)), Alert.claimed_by == worker)
        .order_by(Alert.id)
    )
    rows = list(session.execute(stmt))
    people = alert_people(session, sorted({o.id for _, o, _ in rows}))
    return [
        ClaimedAlert(
            id=a.id,
            comment_id=a.comment_id,
            kind=a.kind,
            severity=a.severity,
            created_at=a.created_at,
            attempts=a.attempts,
            delivered=tuple(a.delivered or ()),
            organisation_id=o.id,
            organisation_name=o.name,
            organisation_policy=o.policy_yaml,
            channel_name=c.name or c.external_id,
            platform=c.platform,
            channel_policy=c.policy_yaml,
            raid_id=a.raid_id,
            people=people.get(o.id, ()),
        )
        for a, o, c in rows
    ]


def finish(session: Session, alert_id: int, worker: str, **values: Any) -> bool:
    """Record how a delivery went and drop the lease, if this worker still holds it."""
    result = session.execute(
        update(Alert)
        .where(Alert.id == alert_id, Alert.claimed_by == worker)
        .values(claimed_by=None, lease_until=None, **values)
    )
    return isinstance(result, CursorResult) and result.rowcount == 1


def alerts_of(session: Session, organisation_id: int | None, limit: int = 50) -> list[Alert]:
    """The latest alerts of one organisation (every one when None), newest first."""
    stmt = select(Alert).order_by(Alert.id.desc()).limit(limit)
    if organisation_id is not None:
        stmt = stmt.where(Alert.organisation_id == organisation_id)
    return list(session.scalars(stmt))
