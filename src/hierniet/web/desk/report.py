"""The transparency report (issue 13): one organisation's period as a page fit to publish (HTML, printable, no
external asset) and as a PDF (hierniet.pdfdoc), in nl, fr, en or de: what the charter promises, what came in,
what was done, criticism kept visible, and a few examples with every flagged word masked.

The data is hierniet.services.insight.Transparency; this module only words and draws it. The desk's page
(/desk/insight/report), its PDF and `hierniet report` all call it.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from babel.numbers import format_decimal

from hierniet import pdfdoc
from hierniet.services import insight as service
from hierniet.web import plots
from hierniet.web.desk import dates, i18n, words
from hierniet.web.desk.context import templates
from hierniet.web.desk.insight import BACKLOG_WORDS, CRITICISM_WORDS, DECISION_WORDS, duration
from hierniet.web.desk.words import N_

LANGUAGES: tuple[str, ...] = ("nl", "fr", "en", "de")
CSS_PATH = Path(__file__).resolve().parents[1] / "static" / "desk" / "insight.css"

#: What the charter promises, as the report prints it (before the figures that show it was kept).
PROMISE: tuple[str, ...] = (
    N_(
        "We signed the Hier Niet / Pas ici charter: our comment sections stay open to everyone, and we act on "
        "comments that cross the line — insults, hate, threats, sexual harassment, someone else's personal data, "
        "spam."
    ),
    N_(
        "Criticism of our organisation, our services and our decisions stays visible. We answer it; we never "
        "hide a comment for being critical."
    ),
    N_(
        "A comment that crosses the line gets a reply with a link to the charter's code of conduct. Whoever "
        "persists is hidden, then blocked; hate is reported to the platform and to Unia, credible threats to "
        "the police."
    ),
    N_(
        "A person takes every severe step. Software only applies the steps our policy lets it take alone, and a "
        "person can review each of them."
    ),
)


def language_of(data: service.Transparency, asked: str | None) -> str:
    """The language asked for when the report has it, else the organisation's."""
    if asked and asked in LANGUAGES:
        return asked
    return data.language if data.language in LANGUAGES else "en"


def _words(lang: str) -> tuple[Callable[..., str], Callable[[float], str]]:
    def t(message: str, /, **values: Any) -> str:
        return i18n.translate(lang, message, **values)

    def number(value: float) -> str:
        return str(format_decimal(value, locale=lang))

    return t, number


def _word(t: Callable[..., str], kind: str, code: str) -> str:
    return t(words.TABLES[kind].get(code, code))


def _sections(data: service.Transparency, lang: str) -> dict[str, Any]:
    """Everything the report says, in `lang`: the same for the page and the PDF."""
    t, number = _words(lang)
    r = data.insight
    d = r.decisions
    period = t("%(start)s to %(end)s", start=dates.day(r.start), end=dates.day(r.end))
    name = data.name or t("every organisation")
    decided_by = {k: t(v) for k, v in DECISION_WORDS.items()}
    steps = [
        (decided_by["automatic"], d.automatic),
        (decided_by["followed"], d.followed),
        (decided_by["other_step"], d.other_step),
        (decided_by["clear"], d.clear),
    ]
    criticism = [(t(CRITICISM_WORDS[k]), v) for k, v in r.criticism.outcomes]
    reports = [(_word(t, "report", body), r.reports.total(body)) for body in service.REPORT_BODIES]
    labels = [(_word(t, "label", k), v) for k, v in r.by_label if v]
    platforms = [(_word(t, "platform", k), v) for k, v in r.by_platform]
    languages = [(_word(t, "language", k), v) for k, v in r.by_language]
    share = (100.0 * r.criticism.kept_visible / r.criticism.total) if r.criticism.total else None

    def example(e: service.Example) -> dict[str, str]:
        return {
            "label": _word(t, "label", e.label),
            "step": _word(t, "step", e.step),
            "day": dates.day(e.day),
            "language": e.language,
            "text": e.text,
        }

    return {
        "lang": lang,
        "title": t("Transparency report"),
        "name": name,
        "period": period,
        "generated": t("Made on %(day)s by hierniet.", day=dates.day(r.computed_at.date())),
        "promise_title": t("What we promise"),
        "promise": [t(p) for p in PROMISE],
        "charter_url": data.charter_urls.get(lang) or next(iter(data.charter_urls.values()), ""),
        "charter_link": t("The charter and its code of conduct"),
        "came_in_title": t("What came in"),
        "came_in": t(
            "%(total)s comments on %(channels)s channels; %(acting)s of them had something to act on.",
            total=number(r.total),
            channels=number(len(r.channels)),
            acting=number(sum(x.acting for x in r.days)),
        ),
        "days": [(dates.day(x.day), x.comments, x.acting) for x in r.days],
        "per_day": t("Comments per day"),
        "all_comments": t("All comments"),
        "to_act_on": t("To act on"),
        "day_head": t("Day"),
        "comments_head": t("Comments"),
        "tables": [
            (t("Comments per platform"), t("Platform"), platforms),
            (t("Comments per language"), t("Language"), languages),
            (t("Comments per label"), t("Label"), labels),
        ],
        "done_title": t("What was done"),
        "steps_title": t("Who took the step"),
        "step_head": t("Step"),
        "steps": steps,
        "timing": t(
            "A person decided %(n)s comments: half of them within %(median)s of their arrival, nine in ten "
            "within %(p90)s.",
            n=number(r.decision_time.decided),
            median=duration(r.decision_time.median_s, t),
            p90=duration(r.decision_time.p90_s, t),
        ),
        "reports_title": t("Reports filed"),
        "reports_head": t("Reported to"),
        "reports_value": t("Reports"),
        "reports": reports,
        "criticism_title": t("Criticism kept visible"),
        "criticism_head": t("Outcome"),
        "criticism": criticism,
        "criticism_summary": (
            t(
                "%(kept)s of %(total)s critical comments (%(share)s%%) stayed visible.",
                kept=number(r.criticism.kept_visible),
                total=number(r.criticism.total),
                share=format_decimal(round(share), locale=lang),
            )
            if share is not None
            else t("No critical comments in this period.")
        ),
        "criticism_examples_title": t("Examples of criticism we kept and answered"),
        "criticism_examples": [example(e) for e in data.criticism_examples],
        "hidden_title": t("Examples of comments we hid"),
        "hidden_examples": [example(e) for e in data.hidden_examples],
        "masked_note": t(
            "Examples are quoted without their authors; words that insult or hate, personal data, mentions and "
            "links are masked."
        ),
        "no_examples": t("No example in this period."),
        "method_title": t("How we count"),
        "method": [
            t("A comment counts in the period in which it was posted (days in Belgian time)."),
            t("'To act on': a severity above none (criticism and questions have none)."),
            t("Criticism is never hidden for being criticism: a hidden one also crossed a line."),
            t("A comment with several labels counts under each."),
        ],
        "backlog": t(
            "When this report was made, %(n)s comments waited for a person (the oldest for %(age)s).",
            n=number(r.backlog.waiting),
            age=duration(r.backlog.oldest_age_s, t),
        ),
        "backlog_words": [(t(BACKLOG_WORDS[k]), v) for k, v in r.backlog.buckets],
    }


def html(data: service.Transparency, lang: str, *, standalone: bool = True) -> str:
    """The report as one HTML page. `standalone` puts its stylesheet inside it (a file to publish as it is); the
    desk serves it linking the desk's stylesheet instead, as its pages' security policy asks."""
    s = _sections(data, lang)
    _t, number = _words(lang)
    figures = {
        "days": plots.day_series(
            s["per_day"],
            [x[0][:5] for x in s["days"]],
            {s["all_comments"]: [x[1] for x in s["days"]], s["to_act_on"]: [x[2] for x in s["days"]]},
            key="report-days",
        ),
        "steps": plots.bar_chart(s["steps_title"], s["steps"], key="report-steps"),
        "criticism": plots.bar_chart(s["criticism_title"], s["criticism"], key="report-criticism"),
        "reports": plots.bar_chart(s["reports_title"], s["reports"], key="report-reports"),
    }
    css = CSS_PATH.read_text(encoding="utf-8") if standalone else ""
    i18n.set_locale(lang)
    return templates.env.get_template("desk/report.html").render(
        s=s, figures=figures, number=number, standalone=standalone, css=css
    )


# --- the PDF ------------------------------------------------------------------------------------------------

_BLUE = (29, 79, 145)
_RED = (164, 38, 44)
_GREY = (90, 90, 90)


def _heading(pdf: Any, text: str) -> None:
    pdf.ln(3)
    pdf.set_font(pdfdoc.FAMILY, "B", 13)
    pdf.multi_cell(0, 7, text, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(pdfdoc.FAMILY, "", 10)


def _para(pdf: Any, text: str, size: float = 10) -> None:
    pdf.set_font(pdfdoc.FAMILY, "", size)
    pdf.multi_cell(0, 5, text, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(1)


def _bars(pdf: Any, rows: list[tuple[str, float]], number: Callable[[float], str], head: tuple[str, str]) -> None:
    """A table whose value column carries a bar: the figure and its plot in one."""
    label_w, value_w, bar_w = 70.0, 22.0, 85.0
    biggest = max((v for _, v in rows), default=0) or 1
    pdf.set_font(pdfdoc.FAMILY, "B", 9)
    pdf.cell(label_w, 6, head[0], border="B")
    pdf.cell(value_w, 6, head[1], border="B", align="R")
    pdf.cell(bar_w, 6, "", border="B", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(pdfdoc.FAMILY, "", 9)
    for name, value in rows:
        if pdf.will_page_break(6):
            pdf.add_page()
        y = pdf.get_y()
        pdf.cell(label_w, 6, name[:48])
        pdf.cell(value_w, 6, number(value), align="R")
        pdf.set_fill_color(*_BLUE)
        width = bar_w * value / biggest
        if width > 0:
            pdf.rect(pdf.get_x() + 3, y + 1.2, width - 3 if width > 3 else width, 3.6, style="F")
        pdf.ln(6)
    pdf.ln(2)


def _day_plot(pdf: Any, days: list[tuple[str, int, int]], labels: tuple[str, str]) -> None:
    """Comments per day as bars, with the part to act on in a second, hatched-free darker shade and a legend."""
    if not days:
        return
    height, width = 40.0, 180.0
    if pdf.will_page_break(height + 14):
        pdf.add_page()
    x0, y0 = pdf.l_margin, pdf.get_y()
    biggest = max(d[1] for d in days) or 1
    step = width / len(days)
    pdf.set_draw_color(*_GREY)
    pdf.line(x0, y0 + height, x0 + width, y0 + height)
    for i, (_day, n, acting) in enumerate(days):
        h = height * n / biggest
        pdf.set_fill_color(160, 185, 220)
        pdf.rect(x0 + i * step + step * 0.1, y0 + height - h, step * 0.8, h, style="F")
        ha = height * acting / biggest
        pdf.set_fill_color(*_RED)
        pdf.rect(x0 + i * step + step * 0.3, y0 + height - ha, step * 0.4, ha, style="F")
    pdf.set_font(pdfdoc.FAMILY, "", 8)
    pdf.set_xy(x0, y0 + height + 1)
    pdf.cell(width / 2, 4, days[0][0])
    pdf.cell(width / 2, 4, days[-1][0], align="R", new_x="LMARGIN", new_y="NEXT")
    pdf.set_fill_color(160, 185, 220)
    pdf.rect(x0, pdf.get_y() + 1, 4, 3, style="F")
    pdf.set_x(x0 + 6)
    pdf.cell(60, 5, f"{labels[0]} (max {biggest})")
    pdf.set_fill_color(*_RED)
    pdf.rect(pdf.get_x(), pdf.get_y() + 1, 2, 3, style="F")
    pdf.set_x(pdf.get_x() + 4)
    pdf.cell(60, 5, labels[1], new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)


def _examples(pdf: Any, items: list[dict[str, str]], empty: str) -> None:
    if not items:
        _para(pdf, empty)
    for e in items:
        pdf.set_font(pdfdoc.FAMILY, "B", 9)
        pdf.multi_cell(0, 5, f"{e['day']} · {e['label']} · {e['step']}", new_x="LMARGIN", new_y="NEXT")
        pdf.set_font(pdfdoc.FAMILY, "", 9)
        pdf.multi_cell(0, 5, f"“{e['text']}”", new_x="LMARGIN", new_y="NEXT")
        pdf.ln(1)


def pdf(data: service.Transparency, lang: str) -> bytes:
    s = _sections(data, lang)
    _t, number = _words(lang)
    doc = pdfdoc.new_document(f"{s['title']} · {s['name']} · {s['period']}", created=data.insight.computed_at)
    doc.add_page()
    doc.set_font(pdfdoc.FAMILY, "B", 18)
    doc.multi_cell(0, 9, s["title"], new_x="LMARGIN", new_y="NEXT")
    doc.set_font(pdfdoc.FAMILY, "B", 12)
    doc.multi_cell(0, 6, f"{s['name']} · {s['period']}", new_x="LMARGIN", new_y="NEXT")
    _para(doc, s["generated"], 8)
    _heading(doc, s["promise_title"])
    for p in s["promise"]:
        _para(doc, p)
    if s["charter_url"]:
        _para(doc, f"{s['charter_link']}: {s['charter_url']}")
    _heading(doc, s["came_in_title"])
    _para(doc, s["came_in"])
    _day_plot(doc, s["days"], (s["all_comments"], s["to_act_on"]))
    for title, head, rows in s["tables"]:
        doc.set_font(pdfdoc.FAMILY, "B", 10)
        doc.multi_cell(0, 6, title, new_x="LMARGIN", new_y="NEXT")
        _bars(doc, rows, number, (head, s["comments_head"]))
    _heading(doc, s["done_title"])
    _bars(doc, s["steps"], number, (s["step_head"], s["comments_head"]))
    _para(doc, s["timing"])
    doc.set_font(pdfdoc.FAMILY, "B", 10)
    doc.multi_cell(0, 6, s["reports_title"], new_x="LMARGIN", new_y="NEXT")
    _bars(doc, s["reports"], number, (s["reports_head"], s["reports_value"]))
    _heading(doc, s["criticism_title"])
    _para(doc, s["criticism_summary"])
    _bars(doc, s["criticism"], number, (s["criticism_head"], s["comments_head"]))
    doc.set_font(pdfdoc.FAMILY, "B", 10)
    doc.multi_cell(0, 6, s["criticism_examples_title"], new_x="LMARGIN", new_y="NEXT")
    _examples(doc, s["criticism_examples"], s["no_examples"])
    _heading(doc, s["hidden_title"])
    _para(doc, s["masked_note"], 9)
    _examples(doc, s["hidden_examples"], s["no_examples"])
    _heading(doc, s["method_title"])
    for line in s["method"]:
        _para(doc, "· " + line, 9)
    _para(doc, s["backlog"], 9)
    return bytes(doc.output())


def day_of(text: str) -> date | None:
    """A day given to the CLI (dd/mm/yyyy or yyyy-mm-dd)."""
    return dates.parse_day(text)
