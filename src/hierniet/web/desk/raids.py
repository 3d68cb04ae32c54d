"""The desk's raid pages (issue 14): the list of raids and criticism storms, one raid's page (the burst's timeline,
its clusters masked, its members and their history, the one-move actions and their undo), and the banner the
queue and a comment's page show while a raid is open. Thin handlers over hierniet.services.raids, as
/api/v1/raids; each POST answers with a redirect to the raid's page and a message saying what was done.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Annotated, TypeVar

from fastapi import APIRouter, Depends, Form
from fastapi.responses import RedirectResponse, Response

from hierniet.bounds import Id
from hierniet.services import evidence_text, raids
from hierniet.services.errors import ServiceError
from hierniet.web import plots
from hierniet.web.desk.context import PREFIX, DeskContext, SignedIn, render
from hierniet.web.desk.security import check_csrf
from hierniet.web.desk.words import N_

raids_router = APIRouter(prefix=PREFIX, include_in_schema=False)
Csrf = [Depends(check_csrf)]

#: The moves as the page names them (buttons, the list of moves).
MOVES: dict[str, str] = {
    raids.HIDE: N_("Hide every abusive comment"),
    raids.HOLD: N_("Hold new comments on the post"),
    raids.BLOCK_CORE: N_("Block the core"),
    raids.EVIDENCE: N_("Make one evidence pack"),
    raids.DISMISS: N_("Not a raid: dismiss"),
}
#: What each platform's hold is, said on the page beside the button (services.raids.HOLD_HOW in English).
HOLD_HOW: dict[str, str] = {
    "youtube": N_(
        "YouTube: every new comment on the video is held for review as soon as it is read, until the hold is lifted."
    ),
    "bluesky": N_("Bluesky: limit who may reply to the post (threadgate) to people you follow or mention."),
    "mastodon": N_(
        "Mastodon: nobody may quote the post any more; replies cannot be limited there, so block or mute who "
        "keeps replying (a to-do)."
    ),
    "facebook": N_("Facebook (a to-do): limit who can comment on the post, or turn its comments off."),
    "instagram": N_("Instagram (a to-do): limit or turn off comments on the post."),
    "x": N_("X (a to-do): let only accounts you follow or mention reply to the post."),
    "tiktok": N_("TikTok (a to-do): turn comments off or filter them all for review on the video."),
    "linkedin": N_("LinkedIn (a to-do): close comments on the post."),
}
#: How a hold is made on a channel (HoldView.mode), as its line on the page says it.
HOLD_MODES: dict[str, str] = {
    "each": N_("each new comment held for review as it comes in"),
    "platform": N_("set on the platform through the outbox"),
    "by_hand": N_("a to-do in the outbox"),
}
KINDS: dict[str, str] = {"raid": N_("Raid"), "criticism_storm": N_("Criticism storm")}
STATUSES: dict[str, str] = {"open": N_("open"), "closed": N_("closed (quiet)"), "dismissed": N_("dismissed")}
ROLES: dict[str, str] = {"core": N_("core"), "joiner": N_("joiner")}


def banners(ctx: DeskContext, *, post: str | None = None) -> list[raids.Banner]:
    """The open raids the queue (or a comment of their post) shows a banner for."""
    return raids.banners(ctx.store, ctx.actor, post=post)


def _back(raid_id: int) -> RedirectResponse:
    return RedirectResponse(f"{PREFIX}/raids/{raid_id}", status_code=303)


@raids_router.get("/raids")
def raids_page(ctx: SignedIn, status: str = "") -> Response:
    found, total = raids.list_raids(ctx.store, ctx.actor, status=status if status in STATUSES else None, limit=200)
    return render(ctx, "raids.html", raids=found, total=total, status=status, statuses=STATUSES, kinds=KINDS)


@raids_router.get("/raids/{raid_id}")
def raid_page(ctx: SignedIn, raid_id: Id) -> Response:
    window = timedelta(minutes=ctx.settings.desk_undo_minutes)
    d = raids.raid_detail(ctx.store, ctx.actor, raid_id, undo_window=window)
    labels = [at.astimezone(ctx.zone).strftime("%H:%M") for at, _n, _a in d.timeline]
    # The plot shows the burst's shape; the table beside it holds the same figures for every reader.
    plot = plots.day_series(
        ctx.t("Comments per minute"),
        labels,
        {ctx.t("All comments"): [n for _at, n, _a in d.timeline], ctx.t("Abusive"): [a for _at, _n, a in d.timeline]},
        key=f"raid-{raid_id}",
    )
    platforms = sorted({c.platform for c in d.comments})
    return render(
        ctx,
        "raid.html",
        d=d,
        r=d.raid,
        plot=plot,
        moves=MOVES,
        kinds=KINDS,
        statuses=STATUSES,
        roles=ROLES,
        hold_how=[HOLD_HOW[p] for p in platforms if p in HOLD_HOW],
        hold_modes=HOLD_MODES,
        purposes=evidence_text.PURPOSES,
    )


def _failed(ctx: DeskContext, result: raids.MoveResult) -> None:
    for comment_id, error in sorted(result.failed.items()):
        ctx.flash(ctx.t("Comment #%(id)s: %(message)s", id=comment_id, message=error), "error")


_R = TypeVar("_R")


def _move(ctx: SignedIn, call: Callable[[], _R]) -> _R | None:
    """A one-move action; a refusal the lead can act on (a storm, a closed raid) is flashed and gives None, while
    403 and 404 stay errors of the page."""
    try:
        return call()
    except ServiceError as exc:
        if exc.status_code in (403, 404):
            raise
        ctx.flash(ctx.error(exc), "error")
        return None


@raids_router.post("/raids/{raid_id}/hide", dependencies=Csrf)
def hide(ctx: SignedIn, raid_id: Id) -> Response:
    result = _move(ctx, lambda: raids.hide_all(ctx.store, ctx.actor, raid_id))
    if result is None:
        return _back(raid_id)
    ctx.flash(ctx.t("%(count)s comments hidden through the outbox.", count=len(result.done)))
    if result.skipped:
        ctx.flash(ctx.t("%(count)s comments a person had decided were left as they were.", count=len(result.skipped)))
    _failed(ctx, result)
    return _back(raid_id)


@raids_router.post("/raids/{raid_id}/hold", dependencies=Csrf)
def hold(ctx: SignedIn, raid_id: Id) -> Response:
    result = _move(ctx, lambda: raids.hold_post(ctx.store, ctx.actor, raid_id))
    if result is None:
        return _back(raid_id)
    if result.holding:
        ctx.flash(
            ctx.t(
                "Every new comment on the post will be held for review as it comes in, until you undo the hold "
                "(%(count)s channels).",
                count=len(result.holding),
            )
        )
    if result.queued:
        ctx.flash(
            ctx.t(
                "New comments are being held on the platform, through the outbox (%(count)s).", count=len(result.queued)
            )
        )
    if result.to_do:
        ctx.flash(
            ctx.t(
                "Holding new comments is a to-do in the outbox (%(count)s): the platform has no API for it.",
                count=len(result.to_do),
            )
        )
    return _back(raid_id)


@raids_router.post("/raids/{raid_id}/block-core", dependencies=Csrf)
def block_core(ctx: SignedIn, raid_id: Id) -> Response:
    result = _move(ctx, lambda: raids.block_core(ctx.store, ctx.actor, raid_id))
    if result is None:
        return _back(raid_id)
    ctx.flash(ctx.t("%(count)s authors of the core blocked through the outbox.", count=len(result.done)))
    if result.skipped:
        ctx.flash(
            ctx.t(
                "%(count)s authors whose comments a person had decided were left as they were.",
                count=len(result.skipped),
            )
        )
    _failed(ctx, result)
    return _back(raid_id)


@raids_router.post("/raids/{raid_id}/evidence", dependencies=Csrf)
def make_pack(ctx: SignedIn, raid_id: Id, purpose: Annotated[str, Form()] = "") -> Response:
    language = ctx.locale if ctx.locale in evidence_text.LANGUAGES else "en"
    result = _move(
        ctx,
        lambda: raids.evidence_pack(ctx.store, ctx.actor, raid_id, purpose=purpose, language=language, zone=ctx.zone),
    )
    if result is None:
        return _back(raid_id)
    assert result.pack is not None
    return Response(
        result.pack.data,
        media_type="application/zip",
        headers={
            "Content-Disposition": f'attachment; filename="hierniet-evidence-raid-{raid_id}-{result.pack.purpose}.zip"',
            "X-Evidence-Manifest-SHA256": result.pack.manifest_sha256,
        },
    )


@raids_router.post("/raids/{raid_id}/dismiss", dependencies=Csrf)
def dismiss(ctx: SignedIn, raid_id: Id, reason: Annotated[str, Form(max_length=2000)] = "") -> Response:
    try:
        raids.dismiss(ctx.store, ctx.actor, raid_id, reason=reason)
    except ServiceError as exc:
        if exc.status_code in (403, 404):
            raise
        ctx.flash(ctx.error(exc), "error")
        return _back(raid_id)
    ctx.flash(ctx.t("Dismissed: not a raid. Its banner is gone."))
    return _back(raid_id)


@raids_router.post("/raids/{raid_id}/moves/{move_id}/undo", dependencies=Csrf)
def undo(ctx: SignedIn, raid_id: Id, move_id: Id) -> Response:
    window = timedelta(minutes=ctx.settings.desk_undo_minutes)
    result = _move(ctx, lambda: raids.undo_move(ctx.store, ctx.actor, raid_id, move_id, window=window))
    if result is None:
        return _back(raid_id)
    ctx.flash(ctx.t("Move undone: %(count)s taken back.", count=len(result.undone)))
    if result.kept:
        ctx.flash(
            ctx.t("%(count)s comments keep a later decision: it stands.", count=len(result.kept)),
            "error",
        )
    if result.to_do:
        ctx.flash(ctx.t("To do by hand, in the outbox: lift the hold on the platform."), "error")
    return _back(raid_id)
