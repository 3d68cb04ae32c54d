"""The desk's crisis pages (issue 15): /desk/crisis lists the crises (a lead opens one there), and
/desk/crisis/{id} is the board: unmatched requests first, then pairs to confirm, then offers collapsed by what
they offer. Thin handlers over hierniet.services.crisis, like /api/v1/crises and `hierniet crisis ...`.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Query
from fastapi.responses import RedirectResponse, Response

from hierniet.bounds import Id
from hierniet.services import crisis as service
from hierniet.services.auth import Permission
from hierniet.services.errors import ServiceError
from hierniet.web.deps import CrisisReaderDep
from hierniet.web.desk.context import PREFIX, DeskContext, SignedIn, render
from hierniet.web.desk.security import check_csrf

crisis_router = APIRouter(prefix=PREFIX, include_in_schema=False)
Csrf = [Depends(check_csrf)]


def _list_page(ctx: DeskContext, status: int = 200, error: str | None = None) -> Response:
    return render(
        ctx,
        "crises.html",
        status,
        crises=service.list_crises(ctx.store, ctx.actor),
        can_manage=ctx.can(Permission.MANAGE_CRISIS),
        error=error,
    )


@crisis_router.get("/crisis")
def crises_page(ctx: SignedIn) -> Response:
    return _list_page(ctx)


@crisis_router.post("/crisis", dependencies=Csrf)
def open_crisis(
    ctx: SignedIn,
    name: Annotated[str, Form(max_length=service.MAX_NAME)] = "",
    keywords: Annotated[str, Form(max_length=5000)] = "",
    registration_url: Annotated[str, Form(max_length=500)] = "",
    language: Annotated[str, Form(max_length=8)] = "nl",
) -> Response:
    try:
        view = service.open_crisis(
            ctx.store,
            ctx.actor,
            name=name,
            keywords=[keywords],
            registration_url=registration_url,
            language=language,
        )
    except ServiceError as exc:
        if exc.status_code == 403:
            raise
        return _list_page(ctx, exc.status_code, ctx.error(exc))
    ctx.flash(ctx.t("The crisis %(name)s is open.", name=view.name))
    return RedirectResponse(f"{PREFIX}/crisis/{view.id}", status_code=303)


@crisis_router.get("/crisis/{crisis_id}")
def board_page(ctx: SignedIn, crisis_id: Id) -> Response:
    board = service.board(ctx.store, ctx.actor, crisis_id)
    return render(
        ctx,
        "crisis.html",
        board=board,
        crisis=board.crisis,
        can_manage=ctx.can(Permission.MANAGE_CRISIS),
        can_decide=ctx.can(Permission.DECIDE),
    )


def _back(crisis_id: int, anchor: str = "") -> RedirectResponse:
    return RedirectResponse(f"{PREFIX}/crisis/{crisis_id}{anchor}", status_code=303)


def _attempt(ctx: DeskContext, crisis_id: int, done: str, action: object) -> Response:
    """Run `action`; a refusal the person can fix is shown on the board, the rest as the service says."""
    try:
        action()  # type: ignore[operator]
    except ServiceError as exc:
        if exc.status_code in (403, 404):
            raise
        ctx.flash(ctx.error(exc), "error")
        return _back(crisis_id)
    ctx.flash(done)
    return _back(crisis_id)


@crisis_router.post("/crisis/{crisis_id}/close", dependencies=Csrf)
def close_crisis(ctx: SignedIn, crisis_id: Id) -> Response:
    return _attempt(
        ctx, crisis_id, ctx.t("The crisis is closed."), lambda: service.close_crisis(ctx.store, ctx.actor, crisis_id)
    )


@crisis_router.post("/crisis/{crisis_id}/pull", dependencies=Csrf)
def pull(ctx: SignedIn, crisis_id: Id, reader: CrisisReaderDep) -> Response:
    try:
        report = service.pull_comments(ctx.store, ctx.actor, crisis_id, reader)
    except ServiceError as exc:
        if exc.status_code in (403, 404):
            raise
        ctx.flash(ctx.error(exc), "error")
        return _back(crisis_id)
    ctx.flash(ctx.t("%(added)s new posts, %(cards)s new cards.", added=report.added, cards=report.new_cards))
    return _back(crisis_id)


@crisis_router.post("/crisis/{crisis_id}/cards/{card_id}/status", dependencies=Csrf)
def mark_card(ctx: SignedIn, crisis_id: Id, card_id: Id, status: Annotated[str, Form(max_length=16)] = "") -> Response:
    return _attempt(
        ctx,
        crisis_id,
        ctx.t("The card is marked."),
        lambda: service.mark_card(ctx.store, ctx.actor, crisis_id, card_id, status),
    )


@crisis_router.post("/crisis/{crisis_id}/matches/{match_id}", dependencies=Csrf)
def decide_match(
    ctx: SignedIn, crisis_id: Id, match_id: Id, decision: Annotated[str, Form(max_length=16)] = ""
) -> Response:
    service.get_crisis(ctx.store, ctx.actor, crisis_id)  # a stranger's crisis is not found, whatever was sent
    if decision not in ("confirm", "reject"):
        ctx.flash(ctx.t("Choose confirm or reject."), "error")
        return _back(crisis_id)
    done = ctx.t("The pair is confirmed.") if decision == "confirm" else ctx.t("The pair is rejected.")
    return _attempt(
        ctx,
        crisis_id,
        done,
        lambda: service.decide_match(ctx.store, ctx.actor, crisis_id, match_id, decision == "confirm"),
    )


@crisis_router.post("/crisis/{crisis_id}/cards/{card_id}/reply", dependencies=Csrf)
def reply(ctx: SignedIn, crisis_id: Id, card_id: Id, text: Annotated[str, Form(max_length=2000)] = "") -> Response:
    return _attempt(
        ctx,
        crisis_id,
        ctx.t("The reply is in the outbox."),
        lambda: service.send_reply(ctx.store, ctx.actor, crisis_id, card_id, text or None),
    )


@crisis_router.get("/crisis/{crisis_id}/export")
def export(ctx: SignedIn, crisis_id: Id, format: Annotated[str, Query(max_length=8)] = "csv") -> Response:
    text = service.export(ctx.store, ctx.actor, crisis_id, format)
    media = "text/csv; charset=utf-8" if format == "csv" else "application/geo+json"
    name = f"crisis-{crisis_id}.{format}"
    return Response(text, media_type=media, headers={"Content-Disposition": f'attachment; filename="{name}"'})
