"""The audit log: every ingestion batch, decision, escalation and change of users, tokens and channels."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from hierniet.services import convert
from hierniet.services.auth import Actor, Permission, require
from hierniet.services.errors import InvalidInput
from hierniet.services.queue import MAX_LIMIT
from hierniet.services.views import AuditView, Page
from hierniet.store import repo


def record(
    session: Session,
    actor: Actor,
    *,
    action: str,
    subject_type: str,
    subject_id: str | int | None = None,
    organisation_id: int | None = None,
    detail: Mapping[str, Any] | None = None,
) -> None:
    """Append one audit entry in the caller's transaction, naming the person (or machine) who acted."""
    repo.append_audit(
        session,
        user_id=actor.user_id,
        actor=actor.name,
        action=action,
        subject_type=subject_type,
        subject_id=subject_id,
        organisation_id=organisation_id,
        detail=detail,
    )


def audit_log(
    store: repo.Store,
    actor: Actor,
    *,
    action: str | None = None,
    user_id: int | None = None,
    subject_type: str | None = None,
    subject_id: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    limit: int = 100,
    offset: int = 0,
) -> Page[AuditView]:
    """The newest entries first. `action` "decision" also matches "decision.accept", "decision.override", ..."""
    require(actor, Permission.READ_AUDIT, "read the audit log")
    if not 1 <= limit <= MAX_LIMIT or offset < 0:
        raise InvalidInput(f"ask for 1 to {MAX_LIMIT} entries from an offset of 0 or more")
    for name, value in (("since", since), ("until", until)):
        if value is not None and value.utcoffset() is None:
            raise InvalidInput(f"{name} {value.isoformat()} has no timezone: add Z or an offset (+01:00)")
    query = repo.AuditQuery(
        organisation_id=actor.organisation_id,
        action=action or None,
        user_id=user_id,
        subject_type=subject_type or None,
        subject_id=subject_id or None,
        since=since,
        until=until,
    )
    with store.session() as s:
        rows, total = repo.audit(s, query, limit=limit, offset=offset)
    return Page(items=[convert.audit_view(r) for r in rows], total=total, limit=limit, offset=offset)
