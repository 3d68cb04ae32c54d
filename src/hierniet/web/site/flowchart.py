"""The response flowchart, drawn from a policy: so the site can never disagree with what the engine does.

`flowchart_rows(policy)` reads, per label, the first step at each severity, the ladder an author climbs
by persisting, what may run automatically and from which severity the comment is reported; `flowchart_svg`
draws those rows as an inline SVG with the words of one language, and the page shows the same rows as a
table (for screen readers, print and small screens).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from html import escape

from hierniet.domain import CharterStep, Label
from hierniet.policy.schema import SEVERITY_NAMES, Policy

Translate = Callable[..., str]


@dataclass(frozen=True, slots=True)
class FirstStep:
    severity: str  # the lowest severity this step applies from ("none" for every severity)
    step: CharterStep
    auto: bool  # the policy lets it run without a person when the classifier is sure


@dataclass(frozen=True, slots=True)
class Row:
    label: Label
    first_steps: tuple[FirstStep, ...]
    ladder: tuple[CharterStep, ...]
    reports: tuple[tuple[str, str], ...]  # (platform | unia | police, lowest severity)


def flowchart_rows(policy: Policy) -> list[Row]:
    """One row per label that asks for something (ok asks for nothing), in the taxonomy's order."""
    rows: list[Row] = []
    order = list(SEVERITY_NAMES.values())
    for label in Label:
        rules = policy.labels[label]
        steps = sorted(rules.first_step.items(), key=lambda item: order.index(item[0]))
        if all(step is CharterStep.NONE for _, step in steps):
            continue
        first = tuple(FirstStep(sev, step, step in rules.auto) for sev, step in steps)
        # The mildest named severity is where the label starts: show it as "always" when it is the only one.
        if len(first) == 1:
            first = (FirstStep("none", first[0].step, first[0].auto),)
        reports = tuple(
            (body, sev) for body in ("platform", "unia", "police") if (sev := getattr(rules.reports, body)) is not None
        )
        rows.append(Row(label, first, tuple(rules.ladder), reports))
    return rows


def first_step_text(first: FirstStep, t: Translate) -> str:
    step = t(f"steps.{first.step.value}") + (" *" if first.auto else "")
    if first.severity == "none":
        return step
    return t("flowchart.from_severity", severity=t(f"severities.{first.severity}"), step=step)


def report_text(body: str, severity: str, t: Translate) -> str:
    return t("flowchart.report_from", body=t(f"reports.{body}"), severity=t(f"severities.{severity}"))


# Fills per step, mildest to most serious; all light enough for dark text (contrast well above 4.5:1).
_FILL: dict[CharterStep, str] = {
    CharterStep.NONE: "#f2f2f2",
    CharterStep.REPLY: "#e3f4e6",
    CharterStep.REFER: "#fff4cc",
    CharterStep.REVIEW: "#e2ecfb",
    CharterStep.HIDE: "#fde3cc",
    CharterStep.HIDE_REPORT: "#fbd5d0",
    CharterStep.BLOCK: "#f5c6cb",
    CharterStep.CARE: "#ece1f7",
    CharterStep.POLICE: "#f3c0c0",
}

_WIDTH = 760
_FONT = 13
_LINE = 17
_PAD = 8
_CHAR = 0.56 * _FONT  # average glyph width of a sans-serif face, enough to wrap safely
# x and width of the four columns: label, first step, if they persist, reported to.
_COLUMNS: tuple[tuple[int, int], ...] = ((8, 150), (190, 210), (440, 160), (620, 132))


def _wrap(text: str, width: int) -> list[str]:
    limit = max(8, int((width - 2 * _PAD) / _CHAR))
    lines: list[str] = []
    current = ""
    for word in text.split():
        candidate = f"{current} {word}".strip()
        if len(candidate) <= limit or not current:
            current = candidate
        else:
            lines.append(current)
            current = word
    if current:
        lines.append(current)
    return lines or [""]


def _text(x: int, y: int, lines: Sequence[str], *, bold: bool = False) -> str:
    weight = ' font-weight="bold"' if bold else ""
    spans = "".join(
        f'<tspan x="{x}" dy="{0 if i == 0 else _LINE}">{escape(line)}</tspan>' for i, line in enumerate(lines)
    )
    return f'<text x="{x}" y="{y}"{weight}>{spans}</text>'


def _arrow(x1: int, x2: int, y: int) -> str:
    return (
        f'<line x1="{x1}" y1="{y}" x2="{x2 - 6}" y2="{y}" stroke="#333" stroke-width="1.5"/>'
        f'<polygon points="{x2 - 7},{y - 4} {x2},{y} {x2 - 7},{y + 4}" fill="#333"/>'
    )


def flowchart_svg(policy: Policy, t: Translate) -> str:
    """The flowchart as inline SVG text, in the language of `t` (hierniet.web.site.content.Strings)."""
    rows = flowchart_rows(policy)
    parts: list[str] = []
    y = 12
    intro = _wrap(t("flowchart.start"), _WIDTH - 16)
    parts.append(
        f'<rect x="8" y="{y}" width="{_WIDTH - 16}" height="{len(intro) * _LINE + 2 * _PAD}" rx="6" '
        'fill="#ffffff" stroke="#333"/>'
    )
    parts.append(_text(8 + _PAD, y + _PAD + _FONT, intro, bold=True))
    y += len(intro) * _LINE + 2 * _PAD + 14
    headings = ("flowchart.col_label", "flowchart.col_first", "flowchart.col_persist", "flowchart.col_reports")
    head_lines = [_wrap(t(key), w) for key, (_, w) in zip(headings, _COLUMNS, strict=True)]
    for (x, _), lines in zip(_COLUMNS, head_lines, strict=True):
        parts.append(_text(x, y + _FONT, lines, bold=True))
    y += max(len(lines) for lines in head_lines) * _LINE + 8
    for row in rows:
        cells = [
            _wrap(t(f"labels.{row.label.value}"), _COLUMNS[0][1]),
            [line for f in row.first_steps for line in _wrap(first_step_text(f, t), _COLUMNS[1][1])],
            (
                [
                    line
                    for i, s in enumerate(row.ladder)
                    for line in _wrap(f"{i + 1}. {t(f'steps.{s.value}')}", _COLUMNS[2][1])
                ]
                if row.ladder
                else _wrap(t("flowchart.no_ladder"), _COLUMNS[2][1])
            ),
            (
                [line for body, sev in row.reports for line in _wrap(report_text(body, sev, t), _COLUMNS[3][1])]
                if row.reports
                else _wrap(t("flowchart.no_reports"), _COLUMNS[3][1])
            ),
        ]
        height = max(len(c) for c in cells) * _LINE + 2 * _PAD
        fills = [
            "#ffffff",
            _FILL[max(row.first_steps, key=lambda f: list(_FILL).index(f.step)).step],
            _FILL[row.ladder[-1]] if row.ladder else "#f2f2f2",
            "#ffffff",
        ]
        parts.append(f'<g class="row" data-label="{row.label.value}">')
        for (x, w), lines, fill in zip(_COLUMNS, cells, fills, strict=True):
            parts.append(f'<rect x="{x}" y="{y}" width="{w}" height="{height}" rx="6" fill="{fill}" stroke="#333"/>')
            parts.append(_text(x + _PAD, y + _PAD + _FONT, lines, bold=x == _COLUMNS[0][0]))
        mid = y + height // 2
        for (x1, w1), (x2, _) in itertools.pairwise(_COLUMNS):
            parts.append(_arrow(x1 + w1, x2, mid))
        parts.append("</g>")
        y += height + 10
    legend = _wrap(t("flowchart.legend", days=policy.escalation.window_days), _WIDTH - 16)
    parts.append(_text(8, y + _FONT, legend))
    y += len(legend) * _LINE + 8
    return (
        f'<svg viewBox="0 0 {_WIDTH} {y}" width="{_WIDTH}" height="{y}" '
        f'role="img" aria-labelledby="flowchart-title flowchart-desc" font-family="sans-serif" '
        f'font-size="{_FONT}" fill="#111">'
        f'<title id="flowchart-title">{escape(t("flowchart.svg_title"))}</title>'
        f'<desc id="flowchart-desc">{escape(t("flowchart.svg_desc"))}</desc>' + "".join(parts) + "</svg>"
    )
