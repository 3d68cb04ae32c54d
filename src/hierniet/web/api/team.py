"""/api/v1 for the desk as a team (issue 12): who is on a comment (claim, take over, a lead's assignment) and
the outbox (leads: every platform call, retry; done by hand). The same services as the desk's pages.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query
from pydantic import Field

from hierniet.bounds import MAX_ID, Id
from hierniet.services import claims, outbox_desk
from hierniet.services.queue import MAX_LIMIT
from hierniet.web.api.schemas import PagePublic, _Create, _Public
from hierniet.web.deps import ActorDep, StoreDep

router = APIRouter(tags=["team"])


class HolderPublic(_Public):
    comment_id: int
    user_id: int
    name: str
    since: datetime
    until: datetime | None = Field(description="When the claim ends; null for a lead's assignment.")
    assigned_by: str | None
    mine: bool = Field(description="True when the caller holds it; false: someone else is on it.")


class ClaimCreate(_Create):
    take_over: bool = Field(
        False, description="Take it from whoever holds it (audited); without it a held comment stays theirs."
    )


class AssignmentPut(_Create):
    user_id: int = Field(ge=1, le=MAX_ID, description="A person of the comment's organisation.")


class DoneByHand(_Create):
    note: str = Field("", max_length=500, description="What was done on the platform, for the audit log.")


class OutboxCallPublic(_Public):
    id: int
    comment_id: int
    platform: str
    channel: str
    action: str
    status: str = Field(description="queued, manual (a to-do for a person), done, failed or cancelled.")
    attempts: int
    answer: str | None = Field(description="The platform's answer (or the worker's), for a settled or retried call.")
    created_at: datetime
    updated_at: datetime
    finished_at: datetime | None
    sending: bool
    done_by: str | None = Field(description="Who ticked it done by hand, if someone did.")
    done_at: datetime | None
    platform_url: str | None = Field(description="The comment on its platform, where a person does it by hand.")


@router.post(
    "/comments/{comment_id}/claim",
    response_model=HolderPublic | None,
    summary="Claim a comment for a few minutes (or take it over)",
)
def post_claim(comment_id: Id, body: ClaimCreate, store: StoreDep, actor: ActorDep) -> Any:
    """Without `take_over`, a comment someone else holds stays theirs and the answer names them (`mine`: false)."""
    if body.take_over:
        return claims.take_over(store, actor, comment_id)
    return claims.open_comment(store, actor, comment_id)


@router.put(
    "/comments/{comment_id}/assignment",
    response_model=HolderPublic,
    summary="Assign a comment to a person until someone decides (lead)",
)
def put_assignment(comment_id: Id, body: AssignmentPut, store: StoreDep, actor: ActorDep) -> Any:
    return claims.assign(store, actor, comment_id, body.user_id)


@router.get(
    "/outbox",
    response_model=PagePublic[OutboxCallPublic],
    summary="Every platform call, the most recently changed first (lead)",
)
def get_outbox(
    store: StoreDep,
    actor: ActorDep,
    status: Annotated[str, Query(description="failed, manual, queued, done or cancelled; empty: every one")] = "",
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = 50,
    offset: Annotated[int, Query(ge=0, le=MAX_ID)] = 0,
) -> Any:
    return outbox_desk.outbox(store, actor, status=status, limit=limit, offset=offset)


@router.post(
    "/outbox/{action_id}/retry",
    response_model=OutboxCallPublic,
    summary="Queue a failed platform call again (lead)",
)
def post_retry(action_id: Id, store: StoreDep, actor: ActorDep) -> Any:
    return outbox_desk.retry(store, actor, action_id)


@router.post(
    "/outbox/{action_id}/done",
    response_model=OutboxCallPublic,
    summary="Tick a platform call done by hand (a to-do: anyone who decides; a failed call: lead)",
)
def post_done(action_id: Id, body: DoneByHand, store: StoreDep, actor: ActorDep) -> Any:
    return outbox_desk.done_by_hand(store, actor, action_id, note=body.note)
