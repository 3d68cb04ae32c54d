"""/api/v1/audit: the append-only audit log (lead and admin)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query

from hierniet.bounds import MAX_ID, Id
from hierniet.services.audit import audit_log
from hierniet.services.queue import MAX_LIMIT
from hierniet.web.api import language
from hierniet.web.api.language import LocaleDep
from hierniet.web.api.schemas import AuditEntryPublic, PagePublic
from hierniet.web.deps import ActorDep, SettingsDep, StoreDep

router = APIRouter(prefix="/audit", tags=["audit"])


@router.get("", response_model=PagePublic[AuditEntryPublic], summary="The audit log, newest first")
def get_audit(
    store: StoreDep,
    actor: ActorDep,
    settings: SettingsDep,
    locale: LocaleDep,
    action: Annotated[str | None, Query(description="e.g. decision (every decision.*), comments.ingested")] = None,
    user_id: Id | None = None,
    subject_type: str | None = None,
    subject_id: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = 100,
    offset: Annotated[int, Query(ge=0, le=MAX_ID)] = 0,
) -> Any:
    """Each entry keeps its codes (`action`, `detail`) and says them in words in the language `Accept-Language`
    asks for (`action_text`, `detail_text`; nl, fr, de, else en)."""
    page = audit_log(
        store,
        actor,
        action=action,
        user_id=user_id,
        subject_type=subject_type,
        subject_id=subject_id,
        since=since,
        until=until,
        limit=limit,
        offset=offset,
    )
    return language.audit_page(page, locale, settings.desk_timezone)
