"""The desk's routes for undoing a decision (issue 12): a thin shell over hierniet.services.undo.

The POST answers with a redirect to the comment's page (Post/Redirect/Get), a message there saying what
was cancelled, taken back, or is left to do by hand; a refusal comes back the same way, at the top of the page.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Depends, Form
from fastapi.responses import RedirectResponse, Response

from hierniet.bounds import Id
from hierniet.services import undo
from hierniet.services.errors import ServiceError
from hierniet.web.desk import words
from hierniet.web.desk.context import PREFIX, SignedIn
from hierniet.web.desk.security import check_csrf

flow_router = APIRouter(prefix=PREFIX, include_in_schema=False)


@flow_router.post("/comments/{comment_id}/undo", dependencies=[Depends(check_csrf)])
def undo_decision(ctx: SignedIn, comment_id: Id, decision: Annotated[int, Form()] = 0) -> Response:
    window = timedelta(minutes=ctx.settings.desk_undo_minutes)
    back = RedirectResponse(f"{PREFIX}/comments/{comment_id}", status_code=303)
    try:
        result = undo.undo_decision(ctx.store, ctx.actor, comment_id, decision, window=window)
    except ServiceError as exc:
        if exc.status_code == 404:
            raise
        ctx.flash(ctx.error(exc), "error")
        return back
    ctx.flash(
        ctx.t(
            "Decision undone on comment #%(id)s: it is %(status)s again.",
            id=comment_id,
            status=ctx.t(words.STATUSES.get(result.status, result.status)),
        )
    )
    if result.by_hand:
        ctx.flash(
            ctx.t(
                "Take back by hand on the platform (no API does it): %(calls)s.",
                calls=", ".join(ctx.t(words.CALLS.get(call, call)) for call in result.by_hand),
            ),
            "error",
        )
    if result.to_do:
        ctx.flash(
            ctx.t(
                "To do by hand, listed under the comment's platform actions: %(calls)s.",
                calls=", ".join(ctx.t(words.CALLS.get(call, call)) for call in result.to_do),
            ),
            "error",
        )
    return back
