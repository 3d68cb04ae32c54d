"""/api/v1/raids (issue 14): the raids and criticism storms the detector found, one raid with its members,
comments and moves, and the one-move actions (hide all, hold, block the core, evidence pack, dismiss, undo).
Leads and admins only. A thin shell over hierniet.services.raids, as the desk's raid page and `hierniet raids`.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Query
from fastapi.responses import Response
from pydantic import Field

from hierniet.bounds import MAX_ID, Id
from hierniet.services import raids as service
from hierniet.web.api.schemas import ReasonPublic, _Create, _Public
from hierniet.web.deps import ActorDep, SettingsDep, StoreDep

router = APIRouter(tags=["raids"])


class RaidPublic(_Public):
    id: int
    kind: str = Field(description="`raid`, or `criticism_storm`: many authors with history complaining, answered.")
    status: str = Field(description="open, closed (quiet for a while) or dismissed (a lead said: not a raid).")
    post_id: str | None = Field(description="The post's id on its platform, when the burst is on one post.")
    target: str | None = Field(description="The person named or addressed, when the burst is on one person.")
    members: list[str] = Field(description="The authors' ids on their platform, the core first.")
    score: float = Field(description="How sure the detector is that it is a raid, from 0 to 1.")
    started_at: datetime
    last_at: datetime
    comments: int
    abusive: int
    reasons: list[ReasonPublic] = Field(description="Why it is (or is not) a raid, with message ids and values.")


class MemberPublic(_Public):
    author_id: int
    platform: str
    external_id: str
    role: str = Field(description="core (first minutes, copied texts, an earlier raid) or joiner.")
    comments: int
    abusive: int
    first_at: datetime
    earlier_raids: list[str]
    history: dict[str, int] = Field(description="Their comments with the organisation, steps against them, raids.")


class RaidCommentPublic(_Public):
    id: int
    posted_at: datetime
    abusive: bool
    status: str
    decided_step: str | None
    platform: str


class ClusterPublic(_Public):
    text: str | None = Field(description="The canonical text, masked; null when its abuse could not be masked.")
    count: int
    comment_ids: list[int]


class MovePublic(_Public):
    id: int
    action: str
    user: str
    at: datetime
    detail: dict[str, Any]
    undone_at: datetime | None
    undoable: bool


class HoldPublic(_Public):
    channel: str
    platform: str
    mode: str = Field(
        description="each: every new comment on the post is held for review as it comes in (YouTube); platform: "
        "one call through the outbox (Bluesky's threadgate, Mastodon's quote policy); by_hand: a to-do."
    )
    started_at: datetime
    lifted_at: datetime | None = Field(description="When the hold was lifted (its move undone); null while it holds.")
    held: list[int] = Field(description="The comments it held one by one (mode each).")


class RaidDetailPublic(RaidPublic):
    member_details: list[MemberPublic]
    comment_list: list[RaidCommentPublic]
    clusters: list[ClusterPublic]
    moves: list[MovePublic]
    offers: list[str] = Field(description="The moves the caller may make on it now.")
    holds: list[HoldPublic] = Field(default_factory=list, description="Its holds on new comments, per channel.")


class MoveResultPublic(_Public):
    move_id: int
    action: str
    done: list[int] = Field(description="The comments (authors, for block_core) the move acted on.")
    skipped: list[int] = Field(description="Comments a person had decided already: their decision stands.")
    to_do: list[int] = Field(description="Outbox to-dos a person carries out on the platform.")
    queued: list[int] = Field(default_factory=list, description="Outbox calls the worker sends to the platform.")
    failed: dict[int, str]
    holding: list[int] = Field(
        default_factory=list,
        description="A hold: the channels where each new comment on the post is held for review as it comes in.",
    )


class UndoResultPublic(_Public):
    move_id: int
    undone: list[int]
    kept: dict[int, str] = Field(description="Comments whose later decision stands, with why.")
    to_do: list[int]


class DismissIn(_Create):
    reason: str = Field("", max_length=2000, description="Why it is not a raid (kept in the audit log).")


def _reasons(summary: service.RaidSummary) -> list[ReasonPublic]:
    return [ReasonPublic(code=r.code, params=r.params, text=str(r)) for r in summary.reasons]


def _public(summary: service.RaidSummary) -> dict[str, Any]:
    return {
        "id": summary.id,
        "kind": summary.kind,
        "status": summary.status,
        "post_id": summary.post,
        "target": summary.target,
        "members": summary.members,
        "score": summary.score,
        "started_at": summary.started_at,
        "last_at": summary.last_at,
        "comments": summary.comments,
        "abusive": summary.abusive,
        "reasons": _reasons(summary),
    }


def _moved(result: service.MoveResult) -> MoveResultPublic:
    return MoveResultPublic(
        move_id=result.action_id,
        action=result.action,
        done=result.done,
        skipped=result.skipped,
        to_do=result.to_do,
        queued=result.queued,
        failed=result.failed,
        holding=result.holding,
    )


@router.get("/raids", response_model=list[RaidPublic], summary="Raids and criticism storms (leads and admins)")
def list_raids(
    store: StoreDep,
    actor: ActorDep,
    status: Annotated[str, Query(description="open, closed or dismissed; empty for every one.")] = "",
    kind: Annotated[str, Query(description="raid or criticism_storm; empty for both.")] = "",
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Annotated[int, Query(ge=0, le=MAX_ID)] = 0,
) -> Any:
    found, _total = service.list_raids(store, actor, status=status, kind=kind, limit=limit, offset=offset)
    return [_public(r) for r in found]


@router.get("/raids/{raid_id}", response_model=RaidDetailPublic, summary="One raid: members, comments, moves")
def get_raid(raid_id: Id, store: StoreDep, settings: SettingsDep, actor: ActorDep) -> Any:
    d = service.raid_detail(store, actor, raid_id, undo_window=timedelta(minutes=settings.desk_undo_minutes))
    return {
        **_public(d.raid),
        "member_details": d.members,
        "comment_list": d.comments,
        "clusters": d.clusters,
        "moves": d.actions,
        "offers": d.offers,
        "holds": d.holds,
    }


@router.post("/raids/{raid_id}/hide", response_model=MoveResultPublic, summary="Hide every abusive comment")
def hide(raid_id: Id, store: StoreDep, actor: ActorDep) -> Any:
    return _moved(service.hide_all(store, actor, raid_id))


@router.post("/raids/{raid_id}/hold", response_model=MoveResultPublic, summary="Hold new comments on the post")
def hold(raid_id: Id, store: StoreDep, actor: ActorDep) -> Any:
    return _moved(service.hold_post(store, actor, raid_id))


@router.post("/raids/{raid_id}/block-core", response_model=MoveResultPublic, summary="Block the core (lead)")
def block_core(raid_id: Id, store: StoreDep, actor: ActorDep) -> Any:
    return _moved(service.block_core(store, actor, raid_id))


@router.post("/raids/{raid_id}/dismiss", response_model=MoveResultPublic, summary="Not a raid")
def dismiss(raid_id: Id, body: DismissIn, store: StoreDep, actor: ActorDep) -> Any:
    return _moved(service.dismiss(store, actor, raid_id, reason=body.reason))


@router.post(
    "/raids/{raid_id}/evidence-pack",
    response_class=Response,
    responses={200: {"content": {"application/zip": {}}, "description": "One pack of the raid's comments."}},
    summary="One evidence pack for the whole raid (lead; audited)",
)
def evidence_pack(
    raid_id: Id,
    store: StoreDep,
    actor: ActorDep,
    purpose: Annotated[str, Query(description="unia, police or lawyer.")] = "lawyer",
    language: Annotated[str, Query(description="nl, fr, en or de.")] = "en",
) -> Response:
    result = service.evidence_pack(store, actor, raid_id, purpose=purpose, language=language)
    assert result.pack is not None
    return Response(
        result.pack.data,
        media_type="application/zip",
        headers={
            "Content-Disposition": f'attachment; filename="hierniet-evidence-raid-{raid_id}-{purpose}.zip"',
            "X-Evidence-Manifest-SHA256": result.pack.manifest_sha256,
        },
    )


@router.post("/raids/{raid_id}/moves/{move_id}/undo", response_model=UndoResultPublic, summary="Undo one move")
def undo(raid_id: Id, move_id: Id, store: StoreDep, settings: SettingsDep, actor: ActorDep) -> Any:
    result = service.undo_move(store, actor, raid_id, move_id, window=timedelta(minutes=settings.desk_undo_minutes))
    return UndoResultPublic(move_id=result.action_id, undone=result.undone, kept=result.kept, to_do=result.to_do)
