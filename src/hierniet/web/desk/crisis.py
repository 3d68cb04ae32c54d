"""The desk's crisis pages (issue 15): /desk/crisis lists the crises (a lead opens one there), and
/desk/crisis/{id} is the board: unmatched requests first, then pairs to confirm, then offers collapsed by what
they offer; filtered by the address's query (?kind=request&need=shelter&place=Hasselt&status=open, so a filtered
board can be bookmarked) and drawn on a map of Belgium with a table of the same places beside it. Thin handlers
over hierniet.services.crisis, like /api/v1/crises and `hierniet crisis ...`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Annotated
from urllib.parse import parse_qsl, urlencode

from fastapi import APIRouter, Depends, Form, Query
from fastapi.responses import RedirectResponse, Response
from markupsafe import Markup

from hierniet.bounds import Id
from hierniet.crisis.places import gazetteer
from hierniet.crisis.words import NEEDS
from hierniet.services import crisis as service
from hierniet.services.auth import Permission
from hierniet.services.errors import ServiceError
from hierniet.web import plots
from hierniet.web.deps import CrisisReaderDep
from hierniet.web.desk import i18n, words
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


#: How the map draws each kind of card: shape and colour both differ, so neither alone carries the meaning
#: (plots.COLOURS: dark enough for white text on them).
MARKER_STYLE: dict[str, tuple[str, str]] = {
    "request": ("circle", plots.COLOURS[1]),
    "offer": ("square", plots.COLOURS[2]),
}
#: Statuses drawn hollow on the map: a person has closed the card.
DONE = frozenset({"helped", "confirmed", "full"})


@dataclass(frozen=True, slots=True)
class MapRow:
    """One line of the table beside the map: the same card as one marker."""

    card_id: int
    place: str
    municipality: str
    kind: str
    status: str
    posts: str
    href: str


@dataclass(frozen=True, slots=True)
class CrisisMap:
    svg: Markup
    rows: list[MapRow]


@cache
def _municipality_points() -> tuple[tuple[float, float], ...]:
    # The gazetteer's municipalities give the country its shape (no outline is shipped); read on first use.
    return tuple(
        (e.lat, e.lon)
        for e in gazetteer().entries
        if e.kind == "municipality" and e.lat is not None and e.lon is not None
    )


def board_map(board: service.Board, t: Callable[..., str], number: Callable[[float], str]) -> CrisisMap:
    """The board's requests and offers with a place as a map of Belgium, one marker per card linking to it, and
    the table of the same cards (`t` translates, `number` formats, in the page's language)."""

    def word(kind: str, code: str) -> str:
        return t(words.TABLES[kind].get(code, code))

    markers: list[plots.MapMarker] = []
    rows: list[MapRow] = []
    for p in board.points:
        shape, colour = MARKER_STYLE.get(p.kind, ("circle", plots.COLOURS[0]))
        posts = i18n.ngettext("%(num)s post", "%(num)s posts", p.count) % {"num": number(p.count)}
        kind, status = word("crisis_kind", p.kind), word("card_status", p.status)
        href = f"#card-{p.card_id}"
        title = t("%(place)s: %(kind)s, %(posts)s, %(status)s", place=p.place, kind=kind, posts=posts, status=status)
        markers.append(plots.MapMarker(p.lat, p.lon, shape, colour, number(p.count), title, href, p.status in DONE))
        rows.append(MapRow(p.card_id, p.place, p.municipality, kind, status, number(p.count), href))
    legend = [
        plots.LegendItem(*MARKER_STYLE["request"], word("crisis_kind", "request")),
        plots.LegendItem(*MARKER_STYLE["offer"], word("crisis_kind", "offer")),
        plots.LegendItem("circle", plots.GRID, t("hollow: done"), hollow=True),
    ]
    requests = sum(1 for p in board.points if p.kind == "request")
    desc = t(
        "Belgium, one marker per card with a place: %(requests)s requests (circles), %(offers)s offers (squares); "
        "the number on a marker is its posts.",
        requests=number(requests),
        offers=number(len(board.points) - requests),
    )
    title = t("Map of requests and offers")
    svg = plots.place_map(title, markers, background=_municipality_points(), legend=legend, desc=desc, key="crisis")
    return CrisisMap(svg, rows)


@crisis_router.get("/crisis/{crisis_id}")
def board_page(
    ctx: SignedIn,
    crisis_id: Id,
    kind: Annotated[str, Query(max_length=16)] = "",
    need: Annotated[str, Query(max_length=32)] = "",
    place: Annotated[str, Query(max_length=100)] = "",
    status: Annotated[str, Query(max_length=16)] = "",
) -> Response:
    filters = service.board_filter(kind=kind, need=need, place=place, status=status)
    board = service.board(ctx.store, ctx.actor, crisis_id, filters)
    i18n.set_locale(ctx.locale)
    return render(
        ctx,
        "crisis.html",
        board=board,
        crisis=board.crisis,
        crisis_map=board_map(board, ctx.t, _number(ctx)),
        back=urlencode(board.filters.as_dict()),
        kinds=service.KINDS,
        needs=NEEDS,
        card_statuses=service.CARD_STATUSES,
        can_manage=ctx.can(Permission.MANAGE_CRISIS),
        can_decide=ctx.can(Permission.DECIDE),
    )


def _number(ctx: DeskContext) -> Callable[[float], str]:
    from babel.numbers import format_decimal

    return lambda value: str(format_decimal(value, locale=ctx.locale))


#: The board's filters a form carries (hidden field "back"), so a person lands on the board they acted on.
Back = Annotated[str, Form(max_length=500)]


def _back(crisis_id: int, back: str = "") -> RedirectResponse:
    """Back to the board, with the filters it was shown with: read again and checked, never taken as an address
    (a wrong value just gives the whole board)."""
    query = ""
    if back:
        fields = {k: v for k, v in parse_qsl(back) if k in ("kind", "need", "place", "status")}
        try:
            query = urlencode(service.board_filter(**fields).as_dict())
        except ServiceError:
            query = ""
    return RedirectResponse(f"{PREFIX}/crisis/{crisis_id}" + (f"?{query}" if query else ""), status_code=303)


def _attempt(ctx: DeskContext, crisis_id: int, done: str, action: object, back: str = "") -> Response:
    """Run `action`; a refusal the person can fix is shown on the board, the rest as the service says."""
    try:
        action()  # type: ignore[operator]
    except ServiceError as exc:
        if exc.status_code in (403, 404):
            raise
        ctx.flash(ctx.error(exc), "error")
        return _back(crisis_id, back)
    ctx.flash(done)
    return _back(crisis_id, back)


@crisis_router.post("/crisis/{crisis_id}/close", dependencies=Csrf)
def close_crisis(ctx: SignedIn, crisis_id: Id) -> Response:
    return _attempt(
        ctx, crisis_id, ctx.t("The crisis is closed."), lambda: service.close_crisis(ctx.store, ctx.actor, crisis_id)
    )


@crisis_router.post("/crisis/{crisis_id}/pull", dependencies=Csrf)
def pull(ctx: SignedIn, crisis_id: Id, reader: CrisisReaderDep, back: Back = "") -> Response:
    try:
        report = service.pull_comments(ctx.store, ctx.actor, crisis_id, reader)
    except ServiceError as exc:
        if exc.status_code in (403, 404):
            raise
        ctx.flash(ctx.error(exc), "error")
        return _back(crisis_id, back)
    ctx.flash(ctx.t("%(added)s new posts, %(cards)s new cards.", added=report.added, cards=report.new_cards))
    return _back(crisis_id, back)


@crisis_router.post("/crisis/{crisis_id}/cards/{card_id}/status", dependencies=Csrf)
def mark_card(
    ctx: SignedIn, crisis_id: Id, card_id: Id, status: Annotated[str, Form(max_length=16)] = "", back: Back = ""
) -> Response:
    return _attempt(
        ctx,
        crisis_id,
        ctx.t("The card is marked."),
        lambda: service.mark_card(ctx.store, ctx.actor, crisis_id, card_id, status),
        back,
    )


@crisis_router.post("/crisis/{crisis_id}/matches/{match_id}", dependencies=Csrf)
def decide_match(
    ctx: SignedIn,
    crisis_id: Id,
    match_id: Id,
    decision: Annotated[str, Form(max_length=16)] = "",
    back: Back = "",
) -> Response:
    service.get_crisis(ctx.store, ctx.actor, crisis_id)  # a stranger's crisis is not found, whatever was sent
    if decision not in ("confirm", "reject"):
        ctx.flash(ctx.t("Choose confirm or reject."), "error")
        return _back(crisis_id, back)
    done = ctx.t("The pair is confirmed.") if decision == "confirm" else ctx.t("The pair is rejected.")
    return _attempt(
        ctx,
        crisis_id,
        done,
        lambda: service.decide_match(ctx.store, ctx.actor, crisis_id, match_id, decision == "confirm"),
        back,
    )


@crisis_router.post("/crisis/{crisis_id}/cards/{card_id}/reply", dependencies=Csrf)
def reply(
    ctx: SignedIn, crisis_id: Id, card_id: Id, text: Annotated[str, Form(max_length=2000)] = "", back: Back = ""
) -> Response:
    return _attempt(
        ctx,
        crisis_id,
        ctx.t("The reply is in the outbox."),
        lambda: service.send_reply(ctx.store, ctx.actor, crisis_id, card_id, text or None),
        back,
    )


@crisis_router.get("/crisis/{crisis_id}/export")
def export(ctx: SignedIn, crisis_id: Id, format: Annotated[str, Query(max_length=8)] = "csv") -> Response:
    text = service.export(ctx.store, ctx.actor, crisis_id, format)
    media = "text/csv; charset=utf-8" if format == "csv" else "application/geo+json"
    name = f"crisis-{crisis_id}.{format}"
    return Response(text, media_type=media, headers={"Content-Disposition": f'attachment; filename="{name}"'})
