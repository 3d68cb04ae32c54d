"""The desk's wellbeing pages (issue 13, part 4): a person's own days at the desk, the lead's anonymous view of
the team's exposure, and the severe rotation. Thin handlers over hierniet.services.wellbeing.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form
from fastapi.responses import RedirectResponse, Response

from hierniet.bounds import MAX_ID
from hierniet.services import wellbeing
from hierniet.services.auth import Permission
from hierniet.services.errors import ServiceError
from hierniet.web import plots
from hierniet.web.desk.context import PREFIX, SignedIn, render
from hierniet.web.desk.security import check_csrf

wellbeing_router = APIRouter(prefix=PREFIX, include_in_schema=False)
Csrf = [Depends(check_csrf)]


@wellbeing_router.get("/me/wellbeing")
def my_wellbeing(ctx: SignedIn) -> Response:
    days = wellbeing.my_days(ctx.store, ctx.actor, ctx.zone)
    # The plot shows the shape of the days; the table below it holds the same figures for every reader.
    plot = plots.day_series(
        ctx.t("Severe items per day"),
        [plots.day_label(d.day) for d in days],
        {ctx.t("Revealed"): [d.revealed for d in days], ctx.t("Seen shielded"): [d.seen for d in days]},
        key="my-severe",
    )
    return render(
        ctx, "wellbeing.html", days=days, plot=plot, policy=wellbeing.policy_of(ctx.store, ctx.actor.organisation_id)
    )


@wellbeing_router.get("/team/wellbeing")
def team_wellbeing(ctx: SignedIn) -> Response:
    days = wellbeing.team_days(ctx.store, ctx.actor, ctx.zone, ctx.settings.desk_break_after)
    people = wellbeing.rotation(ctx.store, ctx.actor) if ctx.can(Permission.ASSIGN) else []
    policy = wellbeing.policy_of(ctx.store, ctx.actor.organisation_id)
    plot = plots.day_series(
        ctx.t("Severe items revealed per day"),
        [plots.day_label(d.day) for d in days],
        {ctx.t("Median"): [d.revealed_median for d in days], ctx.t("Most"): [d.revealed_max for d in days]},
        key="team-severe",
    )
    return render(
        ctx,
        "team_wellbeing.html",
        days=days,
        plot=plot,
        people=people,
        policy=policy,
        rotation_from=wellbeing.SEVERITY_OF_NAME[policy.rotation_from_severity],
    )


@wellbeing_router.post("/team/rotation", dependencies=Csrf)
def set_rotation(
    ctx: SignedIn,
    user_ids: Annotated[list[str], Form()] = [],  # noqa: B006 - FastAPI copies defaults per request
) -> Response:
    back = RedirectResponse(f"{PREFIX}/team/wellbeing#rotation", status_code=303)
    # A value no id can be is refused like a stranger, by the service's message.
    ids = [int(u) if u.isdigit() and int(u) <= MAX_ID else 0 for u in user_ids]
    try:
        wellbeing.set_rotation(ctx.store, ctx.actor, ids)
    except ServiceError as exc:
        if exc.status_code == 403:
            raise
        ctx.flash(ctx.error(exc), "error")
        return back
    ctx.flash(ctx.t("The severe rotation is saved."))
    return back
