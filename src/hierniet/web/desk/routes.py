"""The desk's pages under /desk/: thin handlers over hierniet.services (the same functions as the JSON API).

GET pages render a template; POST forms carry a CSRF token and answer with a redirect (303) and a
message for the next page, or with the same page and the error when something must be corrected.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime, time, timedelta
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response

from hierniet.bounds import MAX_ID, Id
from hierniet.domain import Label, Language
from hierniet.services import (
    admin,
    audit,
    claims,
    desk,
    offers,
    outbox_desk,
    privacy,
    queue,
    saved_filters,
    search,
    undo,
    wellbeing,
)
from hierniet.services.auth import Permission
from hierniet.services.errors import ServiceError
from hierniet.services.signin_throttle import SignInThrottle
from hierniet.services.views import CommentStatus, Page
from hierniet.web.desk import dates, words
from hierniet.web.desk import people as people_pages
from hierniet.web.desk.context import PREFIX, Context, DeskContext, SignedIn, render, safe_next
from hierniet.web.desk.evidence import panel as evidence_panel
from hierniet.web.desk.raids import banners as raid_banners
from hierniet.web.desk.security import check_csrf
from hierniet.web.desk.words import N_

# Far past any real page, and small enough that the rows to skip fit the database's integers.
_MAX_PAGE = 1_000_000

router = APIRouter(prefix=PREFIX, include_in_schema=False)

#: POST routes check the form's CSRF token before anything else.
Csrf = [Depends(check_csrf)]

_STATUSES = ["", *(s.value for s in CommentStatus), queue.ANY_STATUS]
_ORDERS = list(queue.ORDERS)
_AUDIT_PAGE = 50


def _redirect(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


def _wants_json(request: Request) -> bool:
    return "application/json" in request.headers.get("accept", "")


# --- signing in and out ----------------------------------------------------------------------------------


def _throttle(request: Request) -> SignInThrottle:
    throttle: SignInThrottle = request.app.state.desk_login_throttle
    return throttle


@router.get("/login")
def login_page(ctx: Context, next: str = "") -> Response:
    if ctx.user is not None:
        return _redirect(safe_next(next))
    return render(ctx, "login.html", next=safe_next(next), name="", error=None)


@router.post("/login", dependencies=Csrf)
def login(
    ctx: Context,
    name: Annotated[str, Form()] = "",
    password: Annotated[str, Form()] = "",
    next: Annotated[str, Form()] = "",
) -> Response:
    throttle = _throttle(ctx.request)
    client = ctx.request.client.host if ctx.request.client else "unknown"
    # Counted per (name, address): guesses from elsewhere never refuse the right password from here.
    wait = throttle.claim(name, client)
    if wait:
        error = ctx.t(
            "Too many failed attempts. Wait %(minutes)s minutes, or ask an admin to set a new password.",
            minutes=max(1, (wait + 59) // 60),
        )
        return render(ctx, "login.html", 429, next=safe_next(next), name=name, error=error)
    user = desk.sign_in(ctx.store, name, password)
    if user is None:
        error = ctx.t("The name or the password is not right.")
        return render(ctx, "login.html", 401, next=safe_next(next), name=name, error=error)
    throttle.succeeded(name, client)
    ctx.sign_in(user)
    return _redirect(safe_next(next))


@router.post("/logout", dependencies=Csrf)
def logout(ctx: Context) -> Response:
    ctx.sign_out()
    ctx.flash(ctx.t("You are signed out."))
    return _redirect(f"{PREFIX}/login")


@router.post("/language", dependencies=Csrf)
def choose_language(ctx: Context, locale: Annotated[str, Form()] = "", next: Annotated[str, Form()] = "") -> Response:
    chosen = locale if locale in desk.LOCALES else None
    if ctx.user is not None:
        desk.set_locale(ctx.store, ctx.actor, chosen)
    ctx.choose_locale(chosen)
    return _redirect(safe_next(next))


# --- the queue ---------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class QueueForm:
    """The queue's filters as the page's form holds them (strings, so the form shows what was typed)."""

    q: str = ""  # words to search for (hierniet.services.search)
    channel: str = ""
    label: str = ""
    language: str = ""
    severity: str = ""
    status: str = ""
    author: str = ""
    since: str = ""
    until: str = ""
    order: str = "severity"
    assigned: str = ""  # "me": only the comments the person holds (claimed or assigned)
    page: int = 1
    # The keyset cursor of the page before (issue 16): "next" starts after its last comment, so a comment that
    # arrived or was decided meanwhile neither repeats nor skips one; without it the page is read by offset.
    after: str = ""

    @classmethod
    def read(cls, request: Request) -> QueueForm:
        q = request.query_params
        try:
            page = min(max(1, int(q.get("page", "1"))), _MAX_PAGE)
        except ValueError:
            page = 1
        return cls(
            q=q.get("q", "").strip(),
            channel=q.get("channel", "").strip(),
            label=q.get("label", "").strip(),
            language=q.get("language", "").strip(),
            severity=q.get("severity", "").strip(),
            status=q.get("status", "").strip(),
            author=q.get("author", "").strip(),
            since=q.get("since", "").strip(),
            until=q.get("until", "").strip(),
            order=q.get("order", "severity").strip() or "severity",
            assigned=q.get("assigned", "").strip(),
            page=page,
            after=q.get("after", "").strip()[:200],
        )

    def url(self, **changes: Any) -> str:
        """The queue's address with these filters (and `changes`); a filter change goes back to page 1."""
        reset: dict[str, Any] = {"page": 1, "after": ""}
        values = replace(self, **(reset | changes))
        query = {
            k: v
            for k, v in (
                ("q", values.q),
                ("channel", values.channel),
                ("label", values.label),
                ("language", values.language),
                ("severity", values.severity),
                ("status", values.status),
                ("author", values.author),
                ("since", values.since),
                ("until", values.until),
                ("order", "" if values.order == "severity" else values.order),
                ("assigned", values.assigned),
                ("page", "" if values.page == 1 else str(values.page)),
                ("after", values.after if values.page > 1 else ""),
            )
            if v
        }
        return f"{PREFIX}/" + (f"?{urlencode(query)}" if query else "")


def _int(value: str, what: str, ctx: DeskContext, errors: list[str]) -> int | None:
    if not value:
        return None
    try:
        number = int(value)
    except ValueError:
        number = None
    # A number no id or severity can be would overflow the database driver: the same message as a word.
    if number is None or abs(number) > MAX_ID:
        errors.append(ctx.t("%(what)s must be a number.", what=what))
        return None
    return number


def _day_start(value: str, what: str, ctx: DeskContext, errors: list[str]) -> datetime | None:
    if not value:
        return None
    day = dates.parse_day(value)
    if day is None:
        errors.append(ctx.t("%(what)s must be a date (DD/MM/YYYY).", what=what))
        return None
    return datetime.combine(day, time(0), tzinfo=ctx.zone)


def _filters(form: QueueForm, ctx: DeskContext, errors: list[str]) -> queue.QueueFilters:
    until = _day_start(form.until, ctx.t("Posted until"), ctx, errors)
    if form.assigned not in ("", "me"):
        errors.append(ctx.t("Unknown value '%(value)s' for 'assigned': use 'me'.", value=form.assigned[:40]))
    return queue.QueueFilters(
        channel_id=_int(form.channel, ctx.t("Channel"), ctx, errors),
        label=form.label or None,
        language=form.language or None,
        min_severity=_int(form.severity, ctx.t("Severity"), ctx, errors),
        status=(form.status,) if form.status else (),
        author_id=_int(form.author, ctx.t("Author"), ctx, errors),
        since=_day_start(form.since, ctx.t("Posted from"), ctx, errors),
        # "Until" a day includes that day.
        until=until + timedelta(days=1) if until else None,
        order=form.order if form.order in _ORDERS else "severity",
        q=_search(form.q, ctx, errors),
        assigned_to=ctx.actor.user_id if form.assigned == "me" else None,
    )


def _search(value: str, ctx: DeskContext, errors: list[str]) -> str | None:
    """The search box's words, or None with the reason in the page's language when they cannot be searched."""
    if not value:
        return None
    try:
        search.search_terms(value)
    except ServiceError:
        errors.append(
            ctx.t(
                "The search cannot be run: search for 1 to %(words)s words of letters or digits, "
                "at most %(chars)s characters in all.",
                words=search.MAX_TERMS,
                chars=search.MAX_QUERY_CHARS,
            )
        )
        return None
    return value


@dataclass(frozen=True, slots=True)
class Row:
    """One queue item as the page shows it."""

    item: Any
    preview: list[desk.Segment]
    shield: str | None
    severe: bool
    holder: claims.Holder | None = None
    # Why this severe comment is not offered to this person (hierniet.services.wellbeing), or None.
    withheld: str | None = None


@dataclass(frozen=True, slots=True)
class Revision:
    """An earlier text of a comment as its page shows it."""

    view: Any
    text: list[desk.Segment]
    shield: str | None


def _known_choices(form: QueueForm, ctx: DeskContext, errors: list[str]) -> QueueForm:
    """The form without the filter values that are not among the choices, each one said in the page's
    language (issue 12: `?status=automatic` fell back to the waiting comments without a word). The form's
    links then carry only what the queue really shows, so its pages follow one another."""
    choices = {
        "status": (_STATUSES, ctx.t("Status")),
        "label": ([label.value for label in Label], ctx.t("Label")),
        "language": ([language.value for language in Language], ctx.t("Language")),
        "order": (_ORDERS, ctx.t("Order")),
    }
    cleared: dict[str, Any] = {}
    for name, (allowed, what) in choices.items():
        value = getattr(form, name)
        if value and value not in allowed:
            errors.append(
                ctx.t(
                    "%(what)s '%(value)s' is not one of the choices, so that filter is left out: choose one from "
                    "the list.",
                    what=what,
                    value=value,
                )
            )
            cleared[name] = "severity" if name == "order" else ""
    return replace(form, **cleared) if cleared else form


def page_count(page: Page[Any], size: int) -> int:
    """Pages of `size` a queue page's total fills; where the total is a floor ("more than"), the whole pages
    it fills, so "page 3 of more than 40" stays true."""
    if page.total_exact:
        return max(1, -(-page.total // size))
    return max(1, page.total // size)


def _cursor_ok(after: str) -> bool:
    """Whether `after` is a queue cursor; a mangled one (an edited address) reads the page by its number."""
    try:
        queue.decode_after(after)
    except ServiceError:
        return False
    return True


@router.get("/")
def queue_page(ctx: SignedIn) -> Response:
    actor = ctx.actor
    query = ctx.request.url.query
    # The queue remembers each person's last filter: the bare address brings it back, "clear" forgets it.
    if "clear" in ctx.request.query_params:
        saved_filters.remember_filter(ctx.store, actor, "")
        return _redirect(f"{PREFIX}/")
    if not query and (last := saved_filters.last_filter(ctx.store, actor)):
        return _redirect(f"{PREFIX}/?{last}")
    errors: list[str] = []
    form = _known_choices(QueueForm.read(ctx.request), ctx, errors)
    filters = _filters(form, ctx, errors)
    if not errors:
        saved_filters.remember_filter(ctx.store, actor, query)
    size = max(1, min(ctx.settings.desk_page_size, queue.MAX_LIMIT))
    authors: list[Any] = []
    offset = (form.page - 1) * size
    # This minute is noted before the standing is read: it counts in the stretch of work the page shows.
    wellbeing.note_activity(ctx.store, actor)
    capped = ctx.standing.offering.capped  # past the daily cap the rotation's comments are not moved up
    try:
        if form.after and form.page > 1 and _cursor_ok(form.after):
            page = queue.queue(ctx.store, actor, filters, limit=size, after=form.after, position=offset, capped=capped)
        else:
            page = queue.queue(ctx.store, actor, filters, limit=size, offset=offset, capped=capped)
        by_label = queue.label_counts(ctx.store, actor, replace(filters, label=None))
        # A search names the authors it matches too, each a link to their page.
        authors = search.matching_authors(ctx.store, actor, form.q) if form.q and form.page == 1 else []
    except ServiceError as exc:
        errors.append(ctx.error(exc))
        filters = queue.QueueFilters()
        # The same page of the unfiltered queue: page 2 never repeats page 1.
        page = queue.queue(ctx.store, actor, filters, limit=size, offset=offset, capped=capped)
        by_label = queue.label_counts(ctx.store, actor, filters)
    for error in errors:
        # At the top of the page, focused (base.html), not below the filters out of sight on a phone.
        ctx.flash(error, "error")
    evidence = desk.preview_evidence(ctx.store, actor, [i.id for i in page.items])
    holders = claims.holders(ctx.store, actor, [i.id for i in page.items])
    prefs = ctx.preferences
    offering = ctx.standing.offering
    rows = []
    for item in page.items:
        shield = None if item.id in ctx.revealed else desk.shield_for(item.labels, item.severity, prefs)
        withheld = None if item.id in ctx.revealed else offering.withheld(item.labels, item.severity)
        if withheld is not None:
            shield = shield or "mask"
        rows.append(
            Row(
                item=item,
                preview=desk.segments(
                    item.text, evidence.get(item.id, []), mask_slurs=prefs.shield != "show", limit=280
                ),
                shield=shield,
                severe=desk.is_severe(item.labels, item.severity),
                holder=holders.get(item.id),
                withheld=withheld,
            )
        )
    pages = page_count(page, size)
    return render(
        ctx,
        "queue.html",
        form=form,
        rows=rows,
        total=page.total,
        total_exact=page.total_exact,
        page_number=min(form.page, pages),
        pages=pages,
        prev_url=form.url(page=form.page - 1) if form.page > 1 else None,
        next_url=form.url(page=form.page + 1, after=page.next_after or "")
        if (form.page < pages or not page.total_exact) and page.next_after
        else None,
        # None where too many comments match to count their labels (the labels are listed without numbers).
        by_label=None if by_label is None else sorted(by_label.items(), key=lambda kv: (-kv[1], kv[0])),
        count_limit=queue.COUNT_LIMIT,
        channels=admin.list_channels(ctx.store, actor),
        labels=[label.value for label in Label],
        languages_filter=[language.value for language in Language],
        statuses=_STATUSES,
        orders=_ORDERS,
        actions=list(words.ACTIONS),
        errors=[],  # flashed at the top of the page above
        matching_authors=authors,
        shortcuts=_QUEUE_SHORTCUTS,
        saved=saved_filters.list_filters(ctx.store, actor),
        current_filter=saved_filters.normalise(query),
        raid_banners=raid_banners(ctx),
    )


@router.post("/bulk", dependencies=Csrf)
def bulk_decision(
    ctx: SignedIn,
    ids: Annotated[list[int], Form()] = [],  # noqa: B006 - FastAPI copies defaults per request
    action: Annotated[str, Form()] = "",
    reason: Annotated[str, Form()] = "",
    next: Annotated[str, Form()] = "",
) -> Response:
    back = safe_next(next)
    try:
        result = desk.bulk_decide(ctx.store, ctx.actor, ids, action, reason=reason)
    except ServiceError as exc:
        ctx.flash(ctx.error(exc), "error")
        return _redirect(back)
    if result.done:
        ctx.flash(
            ctx.t(
                "Decision '%(action)s' recorded on %(count)s comments.",
                action=ctx.t(words.ACTIONS[action]),
                count=len(result.done),
            )
        )
    for comment_id, error in result.failed:
        ctx.flash(ctx.t("Comment #%(id)s: %(message)s", id=comment_id, message=ctx.error(error)), "error")
    return _redirect(back)


# --- one comment -----------------------------------------------------------------------------------------


def _comment_page(ctx: DeskContext, comment_id: int) -> Response:
    actor = ctx.actor
    detail = queue.comment_detail(ctx.store, actor, comment_id)
    # Opening a comment claims it for a few minutes (or shows who is on it): a warning, never a lock.
    holder = claims.open_comment(ctx.store, actor, comment_id)
    verdict = detail.verdict
    labels = verdict.labels if verdict else []
    severity = verdict.severity if verdict else 0
    severe = desk.is_severe(labels, severity)
    withheld = None
    if comment_id not in ctx.revealed:
        withheld = ctx.standing.offering.withheld(labels, severity)
    if severe and ctx.preferences.shield == "show" and comment_id not in ctx.revealed and withheld is None:
        # Shown without a click: it still counts for the person's day.
        desk.record_reveal(ctx.store, actor, comment_id, how="shown")
        ctx.revealed.add(comment_id)
    shield = None if comment_id in ctx.revealed else desk.shield_for(labels, severity, ctx.preferences)
    if withheld is not None:
        shield = shield or "mask"
    # Seen shielded counts apart from revealed: both weigh on a person (issue 13).
    wellbeing.note_activity(ctx.store, actor, severe_seen=severe and shield is not None)
    # Only the buttons this person may press: a moderator is not offered a lead's step (issue 12).
    offered = offers.offers(actor, detail)
    recommendation = detail.recommendation
    reply = recommendation.reply if recommendation else ""
    form = {"reply": reply, "reason": ""} | _typed_back(ctx, comment_id)
    # Earlier texts of a comment edited on the platform, each shielded by what its own verdict found.
    revealed = comment_id in ctx.revealed
    revisions = [
        Revision(
            view=r,
            text=desk.segments(r.text, []),
            shield=None if revealed else desk.shield_for(r.labels, r.severity, ctx.preferences),
        )
        for r in detail.revisions
    ]
    return render(
        ctx,
        "comment.html",
        c=detail,
        post=detail.post,
        revisions=revisions,
        text=desk.segments(detail.text, verdict.evidence if verdict else []),
        shield=shield,
        withheld=withheld,
        severe=severe,
        original_reply=reply,
        form=form,
        actions=[(name, words.ACTION_KEYS[name]) for name in words.ACTIONS if name in offered.offered],
        offers=offered,
        undo=undo.undoable(ctx.store, actor, detail, window=timedelta(minutes=ctx.settings.desk_undo_minutes)),
        shortcuts=_comment_shortcuts(
            offered.offered, shielded=shield is not None or any(r.shield is not None for r in revisions)
        ),
        holder=holder,
        comment_id=comment_id,
        people=claims.assignable(ctx.store, actor, comment_id) if actor.can(Permission.ASSIGN) else [],
        platform_actions=outbox_desk.comment_actions(ctx.store, actor, comment_id),
        evidence=evidence_panel(ctx, detail, shielded=shield is not None),
        # Only the raids on this comment's post: the queue shows every open one.
        raid_banners=raid_banners(ctx, post=detail.thread) if detail.thread else [],
    )


@router.get("/comments/{comment_id}")
def comment_page(ctx: SignedIn, comment_id: Id) -> Response:
    return _comment_page(ctx, comment_id)


def _text(value: str) -> str:
    return value.replace("\r\n", "\n")


#: Where the comment page finds what the person typed before a refused decision (one comment at a time).
_TYPED = "decide_typed"
#: Typed text kept across the redirect only up to this size: the session is a cookie (about 4 kB at most).
_TYPED_MAX = 1500


def _refused(ctx: DeskContext, comment_id: int, error: str, *, reply: str = "", reason: str = "") -> Response:
    """Post/Redirect/Get for a refused decision: back to the comment's own address (a reload shows the page,
    not a 405), the error at the top of the page where it takes the focus, and what was typed kept."""
    # Someone who may not see the comment learns nothing from the refusal: not found, as its page says.
    queue.comment_detail(ctx.store, ctx.actor, comment_id)
    ctx.flash(error, "error")
    typed: dict[str, Any] = {"id": comment_id}
    if len(reply) <= _TYPED_MAX:
        typed["reply"] = reply
    if len(reason) <= _TYPED_MAX:
        typed["reason"] = reason
    ctx.request.session[_TYPED] = typed
    return _redirect(f"{PREFIX}/comments/{comment_id}")


def _typed_back(ctx: DeskContext, comment_id: int) -> dict[str, str]:
    typed = ctx.request.session.pop(_TYPED, None)
    if not isinstance(typed, dict) or typed.get("id") != comment_id:
        return {}
    return {k: v for k, v in typed.items() if k in ("reply", "reason") and isinstance(v, str)}


@router.post("/comments/{comment_id}/decide", dependencies=Csrf)
def decide(
    ctx: SignedIn,
    comment_id: Id,
    action: Annotated[str, Form()] = "",
    reply: Annotated[str, Form()] = "",
    original_reply: Annotated[str, Form()] = "",
    reason: Annotated[str, Form()] = "",
) -> Response:
    actor = ctx.actor
    # An unchanged reply lets the policy pick the reply for the chosen step.
    wanted = None if _text(reply) == _text(original_reply) else _text(reply)
    try:
        decision = desk.decide(ctx.store, actor, comment_id, action, reply=wanted, reason=reason)
    except ServiceError as exc:
        if exc.status_code == 404:
            raise
        return _refused(ctx, comment_id, ctx.error(exc), reply=reply, reason=reason)
    if decision.kind == "escalate":
        message = ctx.t("Comment #%(id)s is escalated to a lead.", id=comment_id)
    else:
        message = ctx.t(
            "Decision recorded on comment #%(id)s: %(step)s.",
            id=comment_id,
            step=ctx.t(words.STEPS.get(decision.step, decision.step)),
        )
    ctx.flash(message)
    # The next waiting comment that nobody else is on: two people should not land on the same one.
    following = queue.queue(ctx.store, actor, queue.QueueFilters(), limit=20, capped=ctx.standing.offering.capped).items
    held = claims.holders(ctx.store, actor, [i.id for i in following])
    free = [i for i in following if i.id not in held or held[i.id].mine]
    return _redirect(f"{PREFIX}/comments/{free[0].id}" if free else f"{PREFIX}/")


@router.post("/comments/{comment_id}/reveal", dependencies=Csrf)
def reveal(
    ctx: SignedIn,
    comment_id: Id,
    how: Annotated[str, Form()] = "click",
    next: Annotated[str, Form()] = "",
) -> Response:
    wellbeing.check_reveal(ctx.store, ctx.actor, comment_id, ctx.standing, ctx.revealed)
    desk.record_reveal(ctx.store, ctx.actor, comment_id, how=how if how in ("click", "key") else "click")
    ctx.revealed.add(comment_id)
    count = len(ctx.revealed)
    ctx.forget_standing()
    due = ctx.standing.break_due
    if _wants_json(ctx.request):
        message = ctx.t("Comment #%(id)s revealed. Severe items revealed today: %(count)s.", id=comment_id, count=count)
        if due:
            message += " " + ctx.t("You have seen a lot of severe content today: consider taking a break.")
        return JSONResponse({"comment_id": comment_id, "revealed_today": count, "break_due": due, "message": message})
    return _redirect(safe_next(next, f"{PREFIX}/comments/{comment_id}"))


# --- one author's personal data: export and erasure (leads and admins; docs/privacy.md) --------------------


@router.get("/authors/{author_id}/export")
def export_author(ctx: SignedIn, author_id: Id) -> Response:
    """The author's data as a JSON download, the same as GET /api/v1/authors/{id}/export."""
    data = privacy.export_author(ctx.store, ctx.actor, author_id)
    return JSONResponse(
        data, headers={"Content-Disposition": f'attachment; filename="hierniet-author-{author_id}.json"'}
    )


@router.post("/authors/{author_id}/erase", dependencies=Csrf)
def erase_author(
    ctx: SignedIn,
    author_id: Id,
    confirm: Annotated[str, Form()] = "",
    next: Annotated[str, Form()] = "",
) -> Response:
    back = safe_next(next, f"{PREFIX}/")
    # Who may erase is checked before anything else: a moderator is refused, not asked to tick a box.
    privacy.require_personal_data(ctx.actor, "erase an author's data")
    if confirm != "erase":
        # The confirmation is a checkbox the person ticks: an erasure cannot be undone.
        ctx.flash(ctx.t("Nothing erased: tick the box to confirm that the author's data is to be erased."))
        return _redirect(back)
    report = privacy.erase_author(ctx.store, ctx.actor, author_id)
    message = ctx.t("Author #%(id)s: %(count)s comments erased.", id=author_id, count=len(report.erased))
    if report.kept:
        message += " " + ctx.t(
            "%(count)s comments kept: an open case holds them (%(ids)s).",
            count=len(report.kept),
            ids=", ".join(f"#{cid}" for cid in sorted(report.kept)),
        )
    ctx.flash(message)
    return _redirect(back)


# --- settings, team, audit ---------------------------------------------------------------------------------


def _settings_page(
    ctx: DeskContext, status: int = 200, *, error: str | None = None, email: str | None = None
) -> Response:
    """The settings page; `email` is what was typed in the address form (kept after an error)."""
    if email is None:
        email = admin.own_user(ctx.store, ctx.actor).email or ""
    return render(ctx, "settings.html", status, shields=list(desk.SHIELDS), error=error, email=email)


@router.get("/settings")
def settings_page(ctx: SignedIn) -> Response:
    return _settings_page(ctx)


@router.post("/settings", dependencies=Csrf)
def save_settings(
    ctx: SignedIn,
    shield: Annotated[str, Form()] = "",
    locale: Annotated[str, Form()] = "",
    density: Annotated[str, Form()] = "",
) -> Response:
    actor = ctx.actor
    try:
        # No density in the form (an older page): the person's current one stays.
        desk.set_preferences(ctx.store, actor, shield=shield, density=density or None)
    except ServiceError as exc:
        return _settings_page(ctx, exc.status_code, error=ctx.error(exc))
    chosen = locale if locale in desk.LOCALES else None
    desk.set_locale(ctx.store, actor, chosen)
    ctx.choose_locale(chosen)
    ctx.flash(ctx.t("Your settings are saved."))
    return _redirect(f"{PREFIX}/settings")


@router.post("/density", dependencies=Csrf)
def save_density(ctx: SignedIn, density: Annotated[str, Form()] = "", next: Annotated[str, Form()] = "") -> Response:
    """The queue's switch between comfortable and compact rows, kept in the person's preferences (so it
    follows them to their phone) and audited like every preference."""
    back = safe_next(next)
    if density not in desk.DENSITIES:
        ctx.flash(ctx.t("Choose comfortable or compact rows."), "error")
        return _redirect(back)
    desk.set_preferences(ctx.store, ctx.actor, density=density)
    return _redirect(back)


@router.post("/settings/password", dependencies=Csrf)
def change_password(
    ctx: SignedIn,
    current: Annotated[str, Form()] = "",
    new: Annotated[str, Form()] = "",
    confirm: Annotated[str, Form()] = "",
) -> Response:
    if new != confirm:
        error = ctx.t("The new password and its confirmation differ: type them again.")
        return _settings_page(ctx, 422, error=error)
    try:
        desk.change_own_password(ctx.store, ctx.actor, current, new)
    except ServiceError as exc:
        return _settings_page(ctx, exc.status_code, error=ctx.error(exc))
    user = desk.desk_user(ctx.store, ctx.actor.user_id or 0)
    if user is not None:
        ctx.sign_in(user)  # the session follows the new password; other sessions end
    ctx.flash(ctx.t("Your password is changed."))
    return _redirect(f"{PREFIX}/settings")


@router.post("/settings/email", dependencies=Csrf)
def set_own_email(ctx: SignedIn, email: Annotated[str, Form()] = "") -> Response:
    """One's own address for alerts (issue 13): every signed-in person, only their own (admins set others' on
    the People page); the same service as PATCH /api/v1/users/{own id}."""
    problem = people_pages.email_problem(ctx, email)
    if problem:
        return _settings_page(ctx, 422, error=problem, email=email)
    try:
        user = admin.set_own_email(ctx.store, ctx.actor, email)
    except ServiceError as exc:
        return _settings_page(ctx, exc.status_code, error=ctx.error(exc), email=email)
    if user.email:
        ctx.flash(ctx.t("Alerts reach you at %(email)s if you are a lead.", email=user.email))
    else:
        ctx.flash(ctx.t("You have no e-mail address now: alerts do not reach you by e-mail."))
    return _redirect(f"{PREFIX}/settings")


@router.get("/team")
def team_page(ctx: SignedIn) -> Response:
    members = desk.team_reveals(ctx.store, ctx.actor, ctx.zone, ctx.settings.desk_break_after)
    return render(ctx, "team.html", members=members)


@router.get("/audit")
def audit_page(ctx: SignedIn, action: str = "", page: int = 1) -> Response:
    page = min(max(1, page), _MAX_PAGE)
    entries = audit.audit_log(
        ctx.store, ctx.actor, action=action.strip() or None, limit=_AUDIT_PAGE, offset=(page - 1) * _AUDIT_PAGE
    )
    pages = max(1, -(-entries.total // _AUDIT_PAGE))

    def url(n: int) -> str:
        query = {k: v for k, v in (("action", action.strip()), ("page", str(n) if n > 1 else "")) if v}
        return f"{PREFIX}/audit" + (f"?{urlencode(query)}" if query else "")

    return render(
        ctx,
        "audit.html",
        entries=entries.items,
        total=entries.total,
        action=action.strip(),
        page_number=page,
        pages=pages,
        prev_url=url(page - 1) if page > 1 else None,
        next_url=url(page + 1) if page < pages else None,
    )


# --- the keyboard shortcuts each page documents in its "?" dialog -----------------------------------------

_QUEUE_SHORTCUTS: list[tuple[str, str]] = [
    ("j", N_("next comment")),
    ("k", N_("previous comment")),
    ("Enter", N_("open the comment")),
    ("x", N_("select or unselect the comment")),
    ("v", N_("reveal the comment")),
    ("/", N_("go to the filters")),
    ("?", N_("show this help")),
]


def _comment_shortcuts(offered: Sequence[str], *, shielded: bool) -> list[tuple[str, str]]:
    """The comment page's keys: a decision's key only where its button is offered to this person (a moderator's
    help lists no lead's step, issue 12), and "v" only while something on the page is shielded to reveal."""
    return [
        *((words.ACTION_KEYS[name], words.ACTIONS[name]) for name in words.ACTIONS if name in offered),
        *([("v", N_("reveal the comment"))] if shielded else []),
        ("t", N_("edit the reply")),
        ("u", N_("back to the queue")),
        ("Esc", N_("leave the text field (shortcuts work again)")),
        ("?", N_("show this help")),
    ]
