"""/api/v1/authors: commenters, their history, clearing a record, exporting and erasing their data."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, status

from hierniet.bounds import MAX_ID, Id
from hierniet.services import authors as service
from hierniet.services import decisions, privacy
from hierniet.services.queue import MAX_LIMIT
from hierniet.web.api.schemas import (
    AuthorClear,
    AuthorPublic,
    AuthorSummaryPublic,
    DecisionPublic,
    ErasurePublic,
    PagePublic,
)
from hierniet.web.deps import ActorDep, StoreDep

router = APIRouter(prefix="/authors", tags=["authors"])


@router.get("", response_model=PagePublic[AuthorSummaryPublic], summary="Authors, the most active first")
def list_authors(
    store: StoreDep,
    actor: ActorDep,
    platform: str | None = None,
    q: Annotated[str | None, Query(description="Part of the name or platform id.")] = None,
    flagged: Annotated[bool, Query(description="Only authors with at least one abusive comment.")] = False,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = 50,
    offset: Annotated[int, Query(ge=0, le=MAX_ID)] = 0,
) -> Any:
    return service.list_authors(
        store, actor, platform=platform, search=q, flagged_only=flagged, limit=limit, offset=offset
    )


@router.get("/{author_id}", response_model=AuthorPublic, summary="One author and their history per organisation")
def get_author(author_id: Id, store: StoreDep, actor: ActorDep) -> Any:
    return service.author_detail(store, actor, author_id)


@router.post(
    "/{author_id}/clear",
    response_model=DecisionPublic,
    status_code=status.HTTP_201_CREATED,
    summary="Clear an author's record (lead)",
)
def clear_author(author_id: Id, body: AuthorClear, store: StoreDep, actor: ActorDep) -> Any:
    """The author's earlier steps stop counting for the charter's ladder (a person's blocks included)."""
    return decisions.clear_author(store, actor, author_id, body.reason, organisation_id=body.organisation_id)


@router.get("/{author_id}/export", summary="Everything stored about one author (lead; audited)")
def export_author(author_id: Id, store: StoreDep, actor: ActorDep) -> dict[str, Any]:
    """A subject-access request: the author, their comments (with earlier texts), verdicts' personal data and
    decisions, on the organisations the lead or admin sees."""
    return privacy.export_author(store, actor, author_id)


@router.delete("/{author_id}", response_model=ErasurePublic, summary="Erase one author's data (lead; audited)")
def erase_author(author_id: Id, store: StoreDep, actor: ActorDep) -> Any:
    """Erase the author's comments' texts, their decisions' replies and reasons and the author itself, on the
    organisations the lead or admin sees; comments an open case holds are kept and listed in `kept`."""
    return privacy.erase_author(store, actor, author_id)
