"""/api/v1/queue and /api/v1/counts: what waits on the desk."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query

from hierniet.bounds import MAX_ID, Id
from hierniet.domain import Label, Language
from hierniet.services import queue as service
from hierniet.services.views import CommentStatus
from hierniet.web.api.schemas import CountsPublic, PagePublic, QueueItemPublic
from hierniet.web.deps import ActorDep, StoreDep

router = APIRouter(tags=["queue"])

SearchParam = Annotated[
    str | None,
    Query(
        max_length=200,
        description="Words to search for (any case and accent; a trailing * matches every word it begins): "
        "comments whose text holds every word, or whose author's name or handle does.",
    ),
]

StatusParam = Annotated[
    list[CommentStatus | Literal["any"]],
    Query(description="Repeat for several; left out: open and escalated; `any`: every status."),
]


@router.get("/queue", response_model=PagePublic[QueueItemPublic], summary="The queue, with filters")
def get_queue(
    store: StoreDep,
    actor: ActorDep,
    status: StatusParam = [],  # noqa: B006 - FastAPI copies defaults per request
    channel_id: Id | None = None,
    label: Label | None = None,
    language: Language | None = None,
    severity: Annotated[int | None, Query(ge=0, le=4, description="Exactly this severity.")] = None,
    min_severity: Annotated[int | None, Query(ge=0, le=4, description="This severity or higher.")] = None,
    author_id: Id | None = None,
    since: Annotated[datetime | None, Query(description="Posted at or after (ISO 8601 with timezone).")] = None,
    until: Annotated[datetime | None, Query(description="Posted before (ISO 8601 with timezone).")] = None,
    order: Literal["severity", "oldest", "newest"] = "severity",
    q: SearchParam = None,
    limit: Annotated[int, Query(ge=1, le=service.MAX_LIMIT)] = 50,
    offset: Annotated[int, Query(ge=0, le=MAX_ID)] = 0,
    after: Annotated[
        str | None,
        Query(
            max_length=200,
            description="The `next_after` of the page before (keyset pagination, same filters and order): each "
            "comment once, and a deep page as fast as the first. Not with `offset`.",
        ),
    ] = None,
) -> Any:
    """Most severe first, then oldest (order=severity); or oldest or newest first; `q` searches. Page on with
    `after=<next_after>` (or `offset`, which reads every row before the page)."""
    filters = service.QueueFilters(
        channel_id=channel_id,
        label=label.value if label else None,
        language=language.value if language else None,
        severity=severity,
        min_severity=min_severity,
        status=tuple(str(s) for s in status),
        author_id=author_id,
        since=since,
        until=until,
        order=order,
        q=q,
    )
    return service.queue(store, actor, filters, limit=limit, offset=offset, after=after)


@router.get("/counts", response_model=CountsPublic, summary="Comments per status, step, language, severity, label")
def get_counts(
    store: StoreDep,
    actor: ActorDep,
    status: StatusParam = [],  # noqa: B006 - FastAPI copies defaults per request
    channel_id: Id | None = None,
    since: Annotated[datetime | None, Query(description="Posted at or after (ISO 8601 with timezone).")] = None,
    until: Annotated[datetime | None, Query(description="Posted before (ISO 8601 with timezone).")] = None,
    q: SearchParam = None,
) -> Any:
    """Every status unless `status` is given."""
    filters = service.QueueFilters(
        channel_id=channel_id,
        status=tuple(str(s) for s in status) or (service.ANY_STATUS,),
        since=since,
        until=until,
        q=q,
    )
    return service.counts(store, actor, filters)
