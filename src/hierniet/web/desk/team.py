"""The desk as a team (issue 12): taking a comment over, a lead's assignment, saved queue filters, and the
outbox page (leads) with retry and "done by hand". Thin handlers over hierniet.services.claims,
saved_filters and outbox_desk; the queue and the comment page show the claims (hierniet.web.desk.routes).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Form
from fastapi.responses import RedirectResponse, Response

from hierniet.bounds import MAX_ID, Id
from hierniet.services import claims, outbox_desk, saved_filters
from hierniet.services.auth import Permission, require
from hierniet.services.errors import ServiceError
from hierniet.web.desk import words
from hierniet.web.desk.context import PREFIX, SignedIn, render, safe_next
from hierniet.web.desk.security import check_csrf
from hierniet.web.desk.words import N_

team_router = APIRouter(prefix=PREFIX, include_in_schema=False)
Csrf = [Depends(check_csrf)]
_OUTBOX_PAGE = 50
_MAX_PAGE = 1_000_000


def _redirect(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


# --- who is on a comment ---------------------------------------------------------------------------------------


@team_router.post("/comments/{comment_id}/take-over", dependencies=Csrf)
def take_over(ctx: SignedIn, comment_id: Id) -> Response:
    holder = claims.take_over(ctx.store, ctx.actor, comment_id)
    ctx.flash(ctx.t("You are on comment #%(id)s now.", id=holder.comment_id))
    return _redirect(f"{PREFIX}/comments/{comment_id}")


@team_router.post("/comments/{comment_id}/assign", dependencies=Csrf)
def assign(ctx: SignedIn, comment_id: Id, user_id: Annotated[str, Form()] = "") -> Response:
    require(ctx.actor, Permission.ASSIGN, "assign comments")
    back = f"{PREFIX}/comments/{comment_id}"
    try:
        # A number no id can be (past the database's integers) is refused like a word, not sent to the store.
        person = int(user_id) if user_id.isdigit() and int(user_id) <= MAX_ID else 0
        holder = claims.assign(ctx.store, ctx.actor, comment_id, person)
    except ServiceError as exc:
        if exc.status_code == 404:
            raise
        ctx.flash(ctx.t("Nobody assigned: choose a person from the list."), "error")
        return _redirect(back)
    ctx.flash(ctx.t("Comment #%(id)s is assigned to %(name)s.", id=comment_id, name=holder.name))
    return _redirect(back)


# --- saved filters -----------------------------------------------------------------------------------------------


@team_router.post("/filters", dependencies=Csrf)
def save_filter(ctx: SignedIn, name: Annotated[str, Form()] = "", query: Annotated[str, Form()] = "") -> Response:
    # A name the queue does not read (typed into the address by hand) is not part of the filter: left out.
    query = saved_filters.known_only(query)
    back = f"{PREFIX}/" + (f"?{saved_filters.normalise(query)}" if saved_filters.normalise(query) else "")
    try:
        saved = saved_filters.save_filter(ctx.store, ctx.actor, name, query)
    except ServiceError as exc:
        if not name.strip():
            message = ctx.t("Give the filter a name.")
        elif not saved_filters.normalise(query):
            message = ctx.t("The queue has no filter to save: choose filters first, then save them.")
        else:
            message = ctx.error(exc)
        ctx.flash(message, "error")
        return _redirect(back)
    ctx.flash(ctx.t("Filter '%(name)s' saved.", name=saved.name))
    return _redirect(back)


@team_router.post("/filters/{filter_id}/delete", dependencies=Csrf)
def delete_filter(ctx: SignedIn, filter_id: Id, next: Annotated[str, Form()] = "") -> Response:
    removed = saved_filters.delete_filter(ctx.store, ctx.actor, filter_id)
    ctx.flash(ctx.t("Filter '%(name)s' deleted.", name=removed.name))
    return _redirect(safe_next(next))


# --- the outbox ---------------------------------------------------------------------------------------------------


@team_router.get("/outbox")
def outbox_page(ctx: SignedIn, status: str = "", page: str = "1") -> Response:
    require(ctx.actor, Permission.MANAGE_OUTBOX, "see the outbox")
    status = status.strip()
    number = int(page) if page.isdigit() else 1
    number = min(max(1, number), _MAX_PAGE)
    errors: list[str] = []
    if status not in words.OUTBOX_STATES:
        errors.append(
            ctx.t(
                "Unknown state '%(value)s': choose one from the list. Showing every state.",
                value=status[:40],
            )
        )
        status = ""
    result = outbox_desk.outbox(
        ctx.store, ctx.actor, status=status, limit=_OUTBOX_PAGE, offset=(number - 1) * _OUTBOX_PAGE
    )
    pages = max(1, -(-result.total // _OUTBOX_PAGE))

    def url(n: int) -> str:
        query = {k: v for k, v in (("status", status), ("page", str(n) if n > 1 else "")) if v}
        return f"{PREFIX}/outbox" + (f"?{urlencode(query)}" if query else "")

    return render(
        ctx,
        "outbox.html",
        items=result.items,
        total=result.total,
        status=status,
        states=list(words.OUTBOX_STATES),
        counts=outbox_desk.counts(ctx.store, ctx.actor),
        errors=errors,
        page_number=min(number, pages),
        pages=pages,
        prev_url=url(number - 1) if number > 1 else None,
        next_url=url(number + 1) if number < pages else None,
    )


def _outbox_call(
    ctx: SignedIn, next: str, call: Callable[[], outbox_desk.OutboxItem], *, refused: str, done: str
) -> Response:
    """Make one call on an outbox item and go back with what came of it: `done` (with the call's number and
    kind) or, when the item is no longer in a state for it, `refused`. A refusal of the person (403) or an
    item they do not see (404) is the error page, as everywhere on the desk."""
    back = safe_next(next, f"{PREFIX}/outbox")
    try:
        item = call()
    except ServiceError as exc:
        if exc.status_code in (403, 404):
            raise
        ctx.flash(ctx.t(refused), "error")
        return _redirect(back)
    ctx.flash(ctx.t(done, id=item.id, call=ctx.t(words.CALLS.get(item.action, item.action))))
    return _redirect(back)


@team_router.post("/outbox/{action_id}/retry", dependencies=Csrf)
def retry(ctx: SignedIn, action_id: Id, next: Annotated[str, Form()] = "") -> Response:
    return _outbox_call(
        ctx,
        next,
        lambda: outbox_desk.retry(ctx.store, ctx.actor, action_id),
        refused=N_("Only a failed call can be retried; this one is no longer failed."),
        done=N_("Call #%(id)s (%(call)s) is queued again."),
    )


@team_router.post("/outbox/{action_id}/done", dependencies=Csrf)
def done_by_hand(
    ctx: SignedIn, action_id: Id, note: Annotated[str, Form()] = "", next: Annotated[str, Form()] = ""
) -> Response:
    return _outbox_call(
        ctx,
        next,
        lambda: outbox_desk.done_by_hand(ctx.store, ctx.actor, action_id, note=note),
        refused=N_("This call cannot be ticked done by hand: it is neither a to-do nor failed."),
        done=N_("Call #%(id)s (%(call)s) is ticked done by hand."),
    )
