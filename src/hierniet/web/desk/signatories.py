"""The desk's page for the charter's join requests (issue 5): /desk/signatories (admins of every organisation).

A thin shell over hierniet.services.signatories, like /api/v1/signatories: pending requests oldest first,
each approved (listed on the public site) or rejected with a reason for the other admins. Reuses the desk's
session login, CSRF check, base template and error pages.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form
from fastapi.responses import RedirectResponse, Response

from hierniet.bounds import Id
from hierniet.services import signatories as service
from hierniet.services.errors import Conflict
from hierniet.services.signatories import SignatoryStatus
from hierniet.web.desk.context import PREFIX, SignedIn, render
from hierniet.web.desk.security import check_csrf

signatories_router = APIRouter(prefix=PREFIX, include_in_schema=False)


@signatories_router.get("/signatories")
def signatories_page(ctx: SignedIn, status: str = "pending") -> Response:
    wanted = status if status in {s.value for s in SignatoryStatus} else SignatoryStatus.PENDING.value
    requests = service.list_requests(ctx.store, ctx.actor, wanted)
    return render(
        ctx, "signatories.html", requests=requests, status=wanted, statuses=[s.value for s in SignatoryStatus]
    )


def _back() -> RedirectResponse:
    return RedirectResponse(f"{PREFIX}/signatories", status_code=303)


@signatories_router.post("/signatories/{signatory_id}/approve", dependencies=[Depends(check_csrf)])
def approve(ctx: SignedIn, signatory_id: Id) -> Response:
    try:
        view = service.approve(ctx.store, ctx.actor, signatory_id)
    except Conflict as exc:
        # Another admin decided first (or a double click): said at the top of the page, not an error page.
        ctx.flash(ctx.error(exc), "error")
        return _back()
    ctx.flash(ctx.t("%(name)s is now listed as a signatory.", name=view.name))
    return _back()


@signatories_router.post("/signatories/{signatory_id}/reject", dependencies=[Depends(check_csrf)])
def reject(ctx: SignedIn, signatory_id: Id, reason: Annotated[str, Form()] = "") -> Response:
    try:
        view = service.reject(ctx.store, ctx.actor, signatory_id, reason)
    except Conflict as exc:
        ctx.flash(ctx.error(exc), "error")
        return _back()
    ctx.flash(ctx.t("The request of %(name)s is rejected.", name=view.name))
    return _back()
