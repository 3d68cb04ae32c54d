"""The insight dashboard (issue 13) at /desk/insight for leads and admins: the figures of
hierniet.services.insight as plots (hierniet.web.plots) with their tables, a CSV download, and the
transparency report as a printable page and a PDF (hierniet.web.desk.report). Thin handlers over the service.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Query
from fastapi.responses import HTMLResponse, Response
from markupsafe import Markup

from hierniet.services import insight as service
from hierniet.services.auth import Permission, require
from hierniet.store import repo
from hierniet.web import plots
from hierniet.web.desk import dates, words
from hierniet.web.desk.context import PREFIX, SignedIn, render
from hierniet.web.desk.words import N_

insight_router = APIRouter(prefix=PREFIX, include_in_schema=False)

#: The backlog's age buckets (hierniet.services.insight.BACKLOG_BUCKETS).
BACKLOG_WORDS: dict[str, str] = {
    "lt_1h": N_("under an hour"),
    "lt_1d": N_("1 to 24 hours"),
    "lt_3d": N_("1 to 3 days"),
    "lt_7d": N_("3 to 7 days"),
    "ge_7d": N_("a week or more"),
}
#: What became of criticism (hierniet.services.insight.CRITICISM_OUTCOMES).
CRITICISM_WORDS: dict[str, str] = {
    "answered": N_("answered, kept visible"),
    "left": N_("kept visible without a reply"),
    "hidden": N_("hidden"),
    "waiting": N_("still waiting for a person"),
    "removed": N_("removed on the platform first"),
}
#: Who took the step on a comment.
DECISION_WORDS: dict[str, str] = {
    "automatic": N_("automatically, by the policy"),
    "followed": N_("by a person, as recommended"),
    "other_step": N_("by a person, another step"),
    "clear": N_("nothing to act on"),
}


@dataclass(frozen=True, slots=True)
class Figure:
    """One plot and the table beside it: the same rows, the first column headed `key_head`."""

    id: str
    title: str
    svg: Markup
    key_head: str
    value_head: str
    rows: list[tuple[str, str]]
    note: str = ""


def duration(seconds: float | None, t: Callable[..., str]) -> str:
    """12 min, 3 h 05 min, 2 d 4 h: a time span in the page's words ("–" when there is none)."""
    if seconds is None:
        return "–"
    minutes = round(seconds / 60)
    if minutes < 60:
        return t("%(min)s min", min=minutes)
    hours, minutes = divmod(minutes, 60)
    if hours < 48:
        return t("%(h)s h %(min)s min", h=hours, min=f"{minutes:02d}")
    days, hours = divmod(hours, 24)
    return t("%(d)s d %(h)s h", d=days, h=hours)


def figures(result: service.Insight, t: Callable[..., str], number: Callable[[float], str]) -> list[Figure]:
    """The dashboard's plots with their tables, in the words of the page (`t` translates, `number` formats)."""

    def word(kind: str, code: str) -> str:
        return t(words.TABLES[kind].get(code, code)) if kind in words.TABLES else code

    def bars(fid: str, title: str, rows: Sequence[tuple[str, float]], key_head: str, note: str = "") -> Figure:
        return Figure(
            fid,
            title,
            plots.bar_chart(title, rows, key=fid),
            key_head,
            t("Comments"),
            [(name, number(v)) for name, v in rows],
            note,
        )

    decided_by = {k: t(v) for k, v in DECISION_WORDS.items()}
    days = [plots.day_label(d.day) for d in result.days]
    comments, acting = t("All comments"), t("To act on")
    day_plot = plots.day_series(
        t("Comments per day"),
        days,
        {comments: [d.comments for d in result.days], acting: [d.acting for d in result.days]},
        key="days",
    )
    out = [
        Figure(
            "days",
            t("Comments per day"),
            day_plot,
            t("Day"),
            comments,
            [(dates.day(d.day), f"{number(d.comments)} · {acting.lower()}: {number(d.acting)}") for d in result.days],
            t("'To act on': a severity above none (criticism and questions have none)."),
        ),
        bars("channels", t("Comments per channel"), [(n, v) for n, v in result.by_channel], t("Channel")),
        bars(
            "platforms",
            t("Comments per platform"),
            [(word("platform", k), v) for k, v in result.by_platform],
            t("Platform"),
        ),
        bars(
            "languages",
            t("Comments per language"),
            [(word("language", k), v) for k, v in result.by_language],
            t("Language"),
        ),
        bars(
            "labels",
            t("Comments per label"),
            [(word("label", k), v) for k, v in result.by_label if v],
            t("Label"),
            t("A comment with several labels counts under each."),
        ),
        bars(
            "backlog",
            t("Waiting now, by time since arrival"),
            [(t(BACKLOG_WORDS[k]), v) for k, v in result.backlog.buckets],
            t("Waiting for"),
            t("Open and escalated comments of these channels now, whatever the period."),
        ),
        bars(
            "steps",
            t("Who took the step"),
            [
                (decided_by["automatic"], result.decisions.automatic),
                (decided_by["followed"], result.decisions.followed),
                (decided_by["other_step"], result.decisions.other_step),
                (decided_by["clear"], result.decisions.clear),
            ],
            t("Step"),
        ),
        bars(
            "criticism",
            t("What became of criticism"),
            [(t(CRITICISM_WORDS[k]), v) for k, v in result.criticism.outcomes],
            t("Outcome"),
            t("Criticism is never hidden for being criticism: a hidden one also crossed a line."),
        ),
    ]
    report_rows = [(word("report", body), result.reports.total(body)) for body in service.REPORT_BODIES]
    reports = bars("reports", t("Reports filed"), report_rows, t("Reported to"))
    out.append(
        Figure(
            reports.id,
            reports.title,
            reports.svg,
            reports.key_head,
            t("Reports"),
            [
                (
                    word("report", body),
                    t(
                        "%(total)s (%(person)s by people, %(auto)s automatic)",
                        total=number(result.reports.total(body)),
                        person=number(dict(result.reports.by_person).get(body, 0)),
                        auto=number(dict(result.reports.automatic).get(body, 0)),
                    ),
                )
                for body in service.REPORT_BODIES
            ],
        )
    )
    return out


def _period(ctx: Any, from_: str, to: str) -> tuple[date, date, list[str]]:
    """The period typed into the form, or the default one with a message saying what was wrong."""
    start, end = service.default_period(zone_name=ctx.settings.desk_timezone)
    errors: list[str] = []
    a = dates.parse_day(from_) if from_.strip() else start
    b = dates.parse_day(to) if to.strip() else end
    if a is None or b is None or not all(service.FIRST_DAY <= d <= service.LAST_DAY for d in (a, b)):
        errors.append(ctx.t("Write the dates as dd/mm/yyyy, for example 01/03/2026. Showing the last 30 days."))
        return start, end, errors
    if b < a:
        errors.append(ctx.t("The period ends before it starts: the dates are swapped."))
        a, b = b, a
    if (b - a).days + 1 > service.MAX_DAYS:
        errors.append(ctx.t("Choose a period of at most three years. Showing the last 30 days."))
        return start, end, errors
    return a, b, errors


def _query(org: str, start: date, end: date) -> str:
    values = {"from": dates.day(start), "to": dates.day(end)} | ({"org": org} if org else {})
    return urlencode(values)


def _organisations(ctx: Any) -> list[Any]:
    with ctx.store.session() as s:
        return repo.list_organisations(s, ctx.actor.organisation_id)


def _result(ctx: Any, org: str, from_: str, to: str) -> tuple[service.Insight, list[str]]:
    require(ctx.actor, Permission.READ_INSIGHT, "see the team's figures")
    start, end, errors = _period(ctx, from_, to)
    result = service.insight(
        ctx.store, ctx.actor, organisation=org or None, start=start, end=end, zone_name=ctx.settings.desk_timezone
    )
    return result, errors


From = Annotated[str, Query(alias="from")]


@insight_router.get("/insight")
def page(ctx: SignedIn, org: str = "", from_: From = "", to: str = "") -> Response:
    result, errors = _result(ctx, org, from_, to)
    slug = result.organisation.slug if result.organisation else ""
    query = _query(slug, result.start, result.end)
    return render(
        ctx,
        "insight.html",
        result=result,
        figures=figures(result, ctx.t, _format(ctx)),
        errors=errors,
        organisations=_organisations(ctx),
        org=slug,
        from_field=dates.day(result.start),
        to_field=dates.day(result.end),
        csv_url=f"{PREFIX}/insight.csv?{query}",
        report_url=f"{PREFIX}/insight/report?{query}",
        pdf_url=f"{PREFIX}/insight/report.pdf?{query}",
        median=duration(result.decision_time.median_s, ctx.t),
        p90=duration(result.decision_time.p90_s, ctx.t),
        oldest=duration(result.backlog.oldest_age_s, ctx.t),
    )


def _format(ctx: Any) -> Callable[[float], str]:
    from babel.numbers import format_decimal

    return lambda value: str(format_decimal(value, locale=ctx.locale))


def _filename(result: service.Insight, ext: str) -> str:
    slug = result.organisation.slug if result.organisation else "all"
    return f"hierniet-{slug}-{result.start.isoformat()}-{result.end.isoformat()}.{ext}"


@insight_router.get("/insight.csv")
def csv_download(ctx: SignedIn, org: str = "", from_: From = "", to: str = "") -> Response:
    result, _errors = _result(ctx, org, from_, to)
    return Response(
        service.to_csv(result),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{_filename(result, "csv")}"'},
    )


@insight_router.get("/insight/report")
def report_page(ctx: SignedIn, org: str = "", from_: From = "", to: str = "", lang: str = "") -> Response:
    from hierniet.web.desk import report

    result, _errors = _result(ctx, org, from_, to)
    data = service.transparency(ctx.store, ctx.actor, result)
    return HTMLResponse(report.html(data, report.language_of(data, lang or ctx.locale), standalone=False))


@insight_router.get("/insight/report.pdf")
def report_pdf(ctx: SignedIn, org: str = "", from_: From = "", to: str = "", lang: str = "") -> Response:
    from hierniet.web.desk import report

    result, _errors = _result(ctx, org, from_, to)
    data = service.transparency(ctx.store, ctx.actor, result)
    pdf = report.pdf(data, report.language_of(data, lang or ctx.locale))
    return Response(
        pdf,
        media_type="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="{_filename(result, "pdf")}"'},
    )
