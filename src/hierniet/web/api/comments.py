"""/api/v1/comments: send comments in, read one, record decisions, escalate, re-triage."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from fastapi import APIRouter, HTTPException, Request, Response, status
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse

from hierniet.bounds import Id
from hierniet.services import decisions, privacy, queue, undo
from hierniet.services.ingest import CommentIn, ingest
from hierniet.web.api import language
from hierniet.web.api.language import LocaleDep
from hierniet.web.api.schemas import (
    CommentPublic,
    DecisionCreate,
    DecisionPublic,
    EscalationCreate,
    EvidenceHold,
    IngestResultPublic,
    RetriageCreate,
    RetriagePublic,
    UndoCreate,
    UndoPublic,
)
from hierniet.web.deps import ActorDep, IngestSlots, SettingsDep, StoreDep, TriageDep, get_triage

router = APIRouter(prefix="/comments", tags=["comments"])


def _body_schema() -> dict[str, Any]:
    one = CommentIn.model_json_schema(by_alias=False)
    one["title"] = "CommentCreate"
    return {
        "required": True,
        "content": {
            "application/json": {
                "schema": {"oneOf": [one, {"type": "array", "items": one, "title": "CommentCreate batch"}]},
                "examples": {
                    "one": {
                        "value": {
                            "id": "1784_2231",
                            "platform": "facebook",
                            "channel": "stadgent",
                            "author": "u-991",
                            "author_name": "Jan",
                            "thread": "post-77",
                            "text": "Wanneer gaat het zwembad terug open?",
                            "posted_at": "2026-03-02T18:04:00+01:00",
                        }
                    },
                    "batch": {
                        "value": [
                            {"id": "c1", "channel_id": 1, "text": "Merci pour l'info !"},
                            {"id": "c2", "channel_id": 1, "text": "Jullie zijn allemaal idioten"},
                        ]
                    },
                },
            }
        },
    }


@router.post(
    "",
    response_model=IngestResultPublic,
    summary="Send comments in (one object or an array)",
    openapi_extra={"requestBody": _body_schema()},
    responses={
        201: {"description": "At least one comment was stored or edited.", "model": IngestResultPublic},
        413: {"description": "More comments than HIERNIET_API_MAX_BATCH in one request."},
        422: {"description": "The body is not a comment or an array of them, or the single comment is bad."},
    },
)
async def post_comments(
    request: Request, response: Response, store: StoreDep, actor: ActorDep, settings: SettingsDep
) -> Any:
    """Each comment is triaged, given the charter's recommendation and stored with both.

    A comment already stored (same channel and id) with the same text is reported under `duplicates` and
    left as it is; with another text it is an edit on the platform, reported under `edited` (the earlier
    text is kept as a revision, the comment is triaged again, a person's decision stands). In an array, a
    bad item is reported under `rejected` with its index and what is wrong, and the others are stored; a
    single bad object is answered with 422. 201 when something was stored or edited, else 200.
    """
    try:
        payload = await request.json()
    except ValueError:
        raise HTTPException(422, "the body is not JSON: send a comment object or a JSON array of them") from None
    except RecursionError:
        # json gives up on very deep nesting; no comment is nested more than a few levels.
        raise HTTPException(
            422, "the body is nested too deeply: send a comment object or a JSON array of them"
        ) from None
    single = isinstance(payload, dict)
    if single:
        items: list[Any] = [payload]
    elif isinstance(payload, list):
        items = payload
    else:
        raise HTTPException(422, f"send a comment object or a JSON array of them, not a JSON {type(payload).__name__}")
    if not items:
        raise HTTPException(422, "the array is empty: send at least one comment")
    if len(items) > settings.api_max_batch:
        raise HTTPException(
            413, f"{len(items)} comments in one request: send at most {settings.api_max_batch} per request"
        )
    triage = await run_in_threadpool(get_triage, request)
    slots: IngestSlots = request.app.state.ingest_slots
    result = await run_in_threadpool(
        slots.run,
        ingest,
        store,
        triage,
        items,
        actor=actor,
        chunk_size=settings.ingest_batch_size,
        max_text_chars=settings.comment_max_chars,
    )
    body = IngestResultPublic.model_validate(result)
    if single and result.rejected:
        bad = result.rejected[0]
        name = f"comment {bad.external_id!r}" if bad.external_id else "the comment"
        return JSONResponse(status_code=422, content={"detail": f"{name}: {bad.error}", **body.model_dump(mode="json")})
    response.status_code = status.HTTP_201_CREATED if result.created or result.edited else status.HTTP_200_OK
    return body


@router.post("/retriage", response_model=RetriagePublic, summary="Triage stored comments again (lead)")
def post_retriage(body: RetriageCreate, store: StoreDep, triage: TriageDep, actor: ActorDep) -> RetriagePublic:
    """A new verdict version and recommendation for each comment; a person's decision is never changed."""
    versions = decisions.retriage(store, triage, actor, body.comment_ids)
    return RetriagePublic(comment_ids=list(dict.fromkeys(body.comment_ids)), versions=versions)


@router.get("/{comment_id}", response_model=CommentPublic, summary="One comment with everything about it")
def get_comment(comment_id: Id, store: StoreDep, actor: ActorDep, locale: LocaleDep) -> Any:
    """The comment, its latest verdict and recommendation, the decisions, the queued platform calls and the
    author's history on the organisation (with the entries that count as strikes now).

    The reasons are in the language `Accept-Language` asks for (nl, fr, de; en otherwise), each also with its
    message id and values in `reason_details`."""
    return language.comment_public(queue.comment_detail(store, actor, comment_id), locale)


@router.post(
    "/{comment_id}/decisions",
    response_model=DecisionPublic,
    status_code=status.HTTP_201_CREATED,
    summary="Record a person's decision",
)
def post_decision(comment_id: Id, body: DecisionCreate, store: StoreDep, actor: ActorDep, locale: LocaleDep) -> Any:
    """Accept (the recommended step), edit (its reply or reports) or override (another step, with a reason).

    Moderators may not decide `block` or `police`, report to the police, or decide on an escalated
    comment: those need a lead (403 otherwise).
    """
    made = decisions.record_decision(
        store,
        actor,
        comment_id,
        decisions.DecisionIn(
            step=body.step.value,
            reason=body.reason,
            reply=body.reply,
            reports=tuple(r.value for r in body.reports) if body.reports is not None else None,
        ),
    )
    return language.decision_public(made, locale)


@router.post(
    "/{comment_id}/escalation",
    response_model=DecisionPublic,
    status_code=status.HTTP_201_CREATED,
    summary="Hand a comment to a lead",
)
def post_escalation(comment_id: Id, body: EscalationCreate, store: StoreDep, actor: ActorDep) -> Any:
    return decisions.escalate(store, actor, comment_id, body.reason)


@router.post(
    "/{comment_id}/undo",
    response_model=UndoPublic,
    status_code=status.HTTP_201_CREATED,
    summary="Undo your last decision on a comment, within minutes",
)
def post_undo(comment_id: Id, body: UndoCreate, store: StoreDep, actor: ActorDep, settings: SettingsDep) -> Any:
    """A new decision (kind `undo`) that puts the comment back where it stood before `decision_id`, the
    comment's last decision, taken by the caller less than HIERNIET_DESK_UNDO_MINUTES ago (409 otherwise;
    403 for someone else's decision). Its platform calls not sent yet are cancelled; sent ones are taken
    back where the platform's connector can, and listed in `by_hand` otherwise (a block, mute or ban a
    person can lift is also a to-do in the outbox: `to_do`). Undoing a block or a report to the police takes
    a lead. The desk's Undo button does the same."""
    window = timedelta(minutes=settings.desk_undo_minutes)
    return undo.undo_decision(store, actor, comment_id, body.decision_id, window=window, reason=body.reason)


@router.put(
    "/{comment_id}/evidence",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Keep a comment as evidence, or release it (lead)",
)
def put_evidence(comment_id: Id, body: EvidenceHold, store: StoreDep, actor: ActorDep) -> Response:
    """A comment kept as evidence is an open case: no retention purge or erasure touches it until released."""
    privacy.hold_evidence(store, actor, comment_id, hold=body.hold, reason=body.reason)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
