"""Small server-rendered SVG plots for the desk's pages and printable reports (issue 13): no script, no CDN.

Each plot is one <svg role="img"> named by its <title> and described by its <desc> (aria-labelledby), with the
values written beside the bars or at the ends of the lines, and series told apart by dash pattern and marker
shape as well as colour, so no reader depends on colour alone. A page shows the plot's numbers in a table
beside it too (the desk's `figure_table` macro); a screen reader reads the table, the plot is a picture of it.

    bar_chart("Comments per label", [("insult", 12), ("spam", 3)], unit="comments")
    day_series("Comments per day", ["01/03", "02/03"], {"all": [4, 7], "to act on": [1, 2]})
    place_map("Requests and offers", [MapMarker(50.93, 5.34, "circle", COLOURS[1], "3", "Hasselt: 3", "#c1")])

Both return markupsafe.Markup (safe to put in a Jinja template as it is; every text in it is escaped).
"""

from __future__ import annotations

import hashlib
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from html import escape

from markupsafe import Markup

#: Dark enough on white for text and lines (contrast >= 4.5:1), and apart from each other for colour-blind
#: readers; the dash patterns and markers tell the series apart without colour.
COLOURS: tuple[str, ...] = ("#1d4f91", "#a4262c", "#1b6e3a", "#5c3c92", "#8a4b08", "#0f5f6b")
DASHES: tuple[str, ...] = ("", "7 4", "2 3", "9 3 2 3", "4 4", "12 4")
MARKERS: tuple[str, ...] = ("circle", "square", "triangle", "diamond", "circle", "square")
TEXT = "#1a1a1a"
GRID = "#6b6b6b"


def day_label(day: date) -> str:
    """A day as a plot's axis writes it: short, the same in every language (07/12)."""
    return day.strftime("%d/%m")


def _id(title: str, key: str | None) -> str:
    base = key or re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")[:40] or "plot"
    return "plot-" + base + "-" + hashlib.sha1(title.encode("utf-8")).hexdigest()[:6]


def _number(value: float) -> str:
    if float(value).is_integer():
        return f"{int(value):,}".replace(",", "\u202f")
    return f"{value:.1f}"


def _svg_open(pid: str, title: str, desc: str, width: int, height: int) -> list[str]:
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="plot" role="img" viewBox="0 0 {width} {height}" '
        f'width="100%" preserveAspectRatio="xMinYMin meet" aria-labelledby="{pid}-t {pid}-d" id="{pid}" '
        f'font-family="DejaVu Sans, Verdana, sans-serif" font-size="13">',
        f'<title id="{pid}-t">{escape(title)}</title>',
        f'<desc id="{pid}-d">{escape(desc)}</desc>',
    ]


def bar_chart(
    title: str,
    rows: Sequence[tuple[str, float]],
    *,
    unit: str = "",
    desc: str = "",
    key: str | None = None,
    width: int = 560,
) -> Markup:
    """Horizontal bars, one per (name, value), each with its value written at its end; longest first as given."""
    pid = _id(title, key)
    bar_h, gap, top = 22, 8, 8
    label_w = min(240, max(90, 8 * max((len(n) for n, _ in rows), default=4) + 16))
    value_w = 70
    plot_w = max(80, width - label_w - value_w - 16)
    height = top * 2 + max(1, len(rows)) * (bar_h + gap)
    biggest = max((v for _, v in rows), default=0.0) or 1.0
    summary = "; ".join(f"{n}: {_number(v)}" + (f" {unit}" if unit else "") for n, v in rows)
    out = _svg_open(pid, title, desc or summary, width, height)
    if not rows:
        out.append(f'<text x="0" y="{top + 15}" fill="{TEXT}">–</text>')
    for i, (name, value) in enumerate(rows):
        y = top + i * (bar_h + gap)
        w = max(0.0, plot_w * value / biggest)
        out.append(
            f'<text x="{label_w - 6}" y="{y + bar_h * 0.7:.1f}" text-anchor="end" fill="{TEXT}">{escape(name)}</text>'
        )
        out.append(
            f'<rect x="{label_w}" y="{y}" width="{w:.1f}" height="{bar_h}" fill="{COLOURS[0]}" '
            f'stroke="{COLOURS[0]}"><title>{escape(name)}: {_number(value)}</title></rect>'
        )
        out.append(f'<text x="{label_w + w + 6:.1f}" y="{y + bar_h * 0.7:.1f}" fill="{TEXT}">{_number(value)}</text>')
    out.append(
        f'<line x1="{label_w}" y1="{top - 2}" x2="{label_w}" y2="{height - top + 2}" stroke="{GRID}" stroke-width="1"/>'
    )
    out.append("</svg>")
    return Markup("".join(out))


def _marker(shape: str, x: float, y: float, colour: str) -> str:
    if shape == "square":
        return f'<rect x="{x - 3.5:.1f}" y="{y - 3.5:.1f}" width="7" height="7" fill="{colour}"/>'
    if shape == "triangle":
        points = f"{x:.1f},{y - 4.5:.1f} {x + 4.5:.1f},{y + 3.5:.1f} {x - 4.5:.1f},{y + 3.5:.1f}"
        return f'<polygon points="{points}" fill="{colour}"/>'
    if shape == "diamond":
        points = f"{x:.1f},{y - 5:.1f} {x + 5:.1f},{y:.1f} {x:.1f},{y + 5:.1f} {x - 5:.1f},{y:.1f}"
        return f'<polygon points="{points}" fill="{colour}"/>'
    return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3.5" fill="{colour}"/>'


def day_series(
    title: str,
    days: Sequence[str],
    series: Mapping[str, Sequence[float]],
    *,
    unit: str = "",
    desc: str = "",
    key: str | None = None,
    width: int = 640,
    height: int = 260,
) -> Markup:
    """One line per series over the days (labels as the page writes them), with a legend that names each
    line by its pattern and marker, and the axis's largest value written out (the values are in the table beside
    the plot). A single day is drawn as markers only."""
    pid = _id(title, key)
    names = list(series)
    left, right, top = 48, 16, 12
    legend_h = 22 * ((len(names) + 1) // 2)
    bottom = 34 + legend_h
    plot_w, plot_h = width - left - right, height - top - bottom
    biggest = max((max(v, default=0.0) for v in series.values()), default=0.0)
    scale = biggest or 1.0
    n = max(1, len(days))

    def x(i: int) -> float:
        return left + (plot_w * (i + 0.5) / n)

    def y(v: float) -> float:
        return top + plot_h - plot_h * v / scale

    totals = "; ".join(f"{name}: {_number(sum(values))}" for name, values in series.items())
    span = f"{days[0]} – {days[-1]}" if days else ""
    out = _svg_open(pid, title, desc or f"{span}. {totals}" + (f" {unit}" if unit else ""), width, height)
    # Axis: zero and the largest value, written out.
    for value in (0.0, biggest):
        yy = y(value)
        out.append(
            f'<line x1="{left}" y1="{yy:.1f}" x2="{width - right}" y2="{yy:.1f}" stroke="{GRID}" '
            f'stroke-width="{1 if value == 0 else 0.5}"/>'
        )
        out.append(f'<text x="{left - 6}" y="{yy + 4:.1f}" text-anchor="end" fill="{TEXT}">{_number(value)}</text>')
    # Day labels: at most about ten, evenly spread, first and last always.
    step = max(1, -(-len(days) // 10))
    for i, label in enumerate(days):
        if i % step == 0 or i == len(days) - 1:
            out.append(
                f'<text x="{x(i):.1f}" y="{top + plot_h + 16}" text-anchor="middle" fill="{TEXT}" '
                f'font-size="11">{escape(label)}</text>'
            )
    for k, name in enumerate(names):
        colour, dash, marker = COLOURS[k % len(COLOURS)], DASHES[k % len(DASHES)], MARKERS[k % len(MARKERS)]
        values = list(series[name])
        points = " ".join(f"{x(i):.1f},{y(v):.1f}" for i, v in enumerate(values))
        if len(values) > 1:
            dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
            out.append(
                f'<polyline points="{points}" fill="none" stroke="{colour}" stroke-width="2"{dash_attr}>'
                f"<title>{escape(name)}</title></polyline>"
            )
        # Markers on every point when the days are few; otherwise only at the ends, to stay legible.
        for i, v in enumerate(values):
            if len(values) <= 45 or i in (0, len(values) - 1):
                out.append(_marker(marker, x(i), y(v), colour))
        # Legend: the line's pattern and marker, then its name.
        lx = left + (k % 2) * (plot_w // 2)
        ly = top + plot_h + 34 + 22 * (k // 2)
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        out.append(
            f'<line x1="{lx}" y1="{ly - 4}" x2="{lx + 34}" y2="{ly - 4}" stroke="{colour}" stroke-width="2"'
            f"{dash_attr}/>"
        )
        out.append(_marker(marker, lx + 17, ly - 4, colour))
        out.append(f'<text x="{lx + 42}" y="{ly}" fill="{TEXT}">{escape(name)}</text>')
    out.append("</svg>")
    return Markup("".join(out))


#: Belgium's frame (west, south, east, north in degrees): the map keeps the same shape whatever is on it.
BELGIUM: tuple[float, float, float, float] = (2.50, 49.45, 6.45, 51.55)
#: The golden angle: markers that share a place are laid on a spiral around it, none on top of another.
_GOLDEN = math.pi * (3 - math.sqrt(5))


@dataclass(frozen=True, slots=True)
class MapMarker:
    """One marker of `place_map`: drawn as `shape` ("circle" or "square") in `colour`, hollow for what is done,
    with `label` written on it, named by `title`, and a link to `href`."""

    lat: float
    lon: float
    shape: str
    colour: str
    label: str
    title: str
    href: str
    hollow: bool = False


@dataclass(frozen=True, slots=True)
class LegendItem:
    shape: str
    colour: str
    text: str
    hollow: bool = False


def _map_shape(shape: str, x: float, y: float, r: float, colour: str, hollow: bool) -> str:
    fill, stroke = ("#ffffff", colour) if hollow else (colour, "#ffffff")
    paint = f'fill="{fill}" stroke="{stroke}" stroke-width="{2 if hollow else 1}"'
    if shape == "square":
        return f'<rect x="{x - r:.1f}" y="{y - r:.1f}" width="{2 * r:.1f}" height="{2 * r:.1f}" {paint}/>'
    return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{r:.1f}" {paint}/>'


def _radius(label: str) -> float:
    # Wide enough for the label written on the marker (bold, 11 px).
    return 9 + 3.5 * max(0, len(label) - 2)


def _spread(wanted: Sequence[tuple[float, float, float]], width: float, height: float) -> list[tuple[float, float]]:
    """Where to draw each marker (x, y, radius): on its place, or if another marker is there already, at the
    nearest free spot on a spiral around it (inside the picture), so no marker hides another."""
    cell = 32.0
    grid: dict[tuple[int, int], list[tuple[float, float, float]]] = {}

    def free(x: float, y: float, r: float) -> bool:
        if not (r <= x <= width - r and r <= y <= height - r):
            return False
        cx, cy = int(x // cell), int(y // cell)
        return all(
            (x - ox) ** 2 + (y - oy) ** 2 >= (r + orr + 2) ** 2
            for i in range(cx - 2, cx + 3)
            for j in range(cy - 2, cy + 3)
            for ox, oy, orr in grid.get((i, j), ())
        )

    out: list[tuple[float, float]] = []
    for x0, y0, r in wanted:
        x, y = x0, y0
        step = 1.1 * r
        for k in range(1, 5000):
            if free(x, y, r):
                break
            x = x0 + step * math.sqrt(k) * math.cos(k * _GOLDEN)
            y = y0 + step * math.sqrt(k) * math.sin(k * _GOLDEN)
        else:
            x, y = x0, y0  # a crowd beyond any room: drawn on its place, the table still lists it
        grid.setdefault((int(x // cell), int(y // cell)), []).append((x, y, r))
        out.append((x, y))
    return out


def place_map(
    title: str,
    markers: Sequence[MapMarker],
    *,
    background: Sequence[tuple[float, float]] = (),
    legend: Sequence[LegendItem] = (),
    desc: str = "",
    key: str | None = None,
    width: int = 640,
    bounds: tuple[float, float, float, float] = BELGIUM,
) -> Markup:
    """A map of places as points, projected simply (longitude shrunk by the cosine of the middle latitude, which
    is true enough for a country the size of Belgium): `background` (lat, lon) points drawn faintly to give the
    country its shape, then one marker per `markers`, each a link with its <title>, its label written on it.

    Markers told apart by shape as well as colour (and hollow or filled), so no reader depends on colour alone;
    the page shows the same places in a table beside the map. A marker that would cover another is moved to the
    nearest free spot on a spiral around its place, with a thin line back to it. Not role="img": the markers
    are links a keyboard reaches.
    """
    pid = _id(title, key)
    west, south, east, north = bounds
    shrink = math.cos(math.radians((south + north) / 2))
    margin = 24
    plot_w = width - 2 * margin
    scale = plot_w / ((east - west) * shrink)
    plot_h = (north - south) * scale
    legend_h = 30 if legend else 0
    height = int(plot_h + 2 * margin + legend_h)

    def project(lat: float, lon: float) -> tuple[float, float]:
        lon, lat = min(max(lon, west), east), min(max(lat, south), north)
        return margin + (lon - west) * shrink * scale, margin + (north - lat) * scale

    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="plot place-map" role="group" viewBox="0 0 {width} {height}" '
        f'width="100%" preserveAspectRatio="xMinYMin meet" aria-labelledby="{pid}-t" aria-describedby="{pid}-d" '
        f'id="{pid}" font-family="DejaVu Sans, Verdana, sans-serif" font-size="13">',
        f'<title id="{pid}-t">{escape(title)}</title>',
        f'<desc id="{pid}-d">{escape(desc or title)}</desc>',
    ]
    if background:
        # The country's shape only: hidden from screen readers, who get the places from the table.
        out.append(f'<g aria-hidden="true" fill="{GRID}" fill-opacity="0.35">')
        for lat, lon in background:
            x, y = project(lat, lon)
            out.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="1.6"/>')
        out.append("</g>")
    # A square's corners reach further than its half side: it is spread as the circle around it.
    reach = [_radius(m.label) * (math.sqrt(2) if m.shape == "square" else 1.0) for m in markers]
    spots = _spread(
        [(*project(m.lat, m.lon), r) for m, r in zip(markers, reach, strict=True)], width, plot_h + 2 * margin
    )
    # Lines from a moved marker back to its place, under every marker.
    lines = [
        f'<line x1="{x0:.1f}" y1="{y0:.1f}" x2="{x:.1f}" y2="{y:.1f}"/>'
        for (x0, y0, _), (x, y) in zip(((*project(m.lat, m.lon), 0) for m in markers), spots, strict=True)
        if (x, y) != (x0, y0)
    ]
    if lines:
        out.append(f'<g aria-hidden="true" stroke="{GRID}" stroke-width="1">{"".join(lines)}</g>')
    for m, (x, y) in zip(markers, spots, strict=True):
        link = f'<a href="{escape(m.href)}" aria-label="{escape(m.title)}" class="map-marker">'
        out.append(link + f"<title>{escape(m.title)}</title>")
        out.append(_map_shape(m.shape, x, y, _radius(m.label), m.colour, m.hollow))
        ink = m.colour if m.hollow else "#ffffff"
        out.append(
            f'<text x="{x:.1f}" y="{y + 4:.1f}" text-anchor="middle" font-size="11" font-weight="bold" '
            f'fill="{ink}">{escape(m.label)}</text></a>'
        )
    lx, ly = float(margin), height - legend_h / 2
    for item in legend:
        out.append(_map_shape(item.shape, lx + 7, ly, 7, item.colour, item.hollow))
        out.append(f'<text x="{lx + 20:.1f}" y="{ly + 4:.1f}" fill="{TEXT}">{escape(item.text)}</text>')
        lx += 34 + 7.5 * len(item.text)
    out.append("</svg>")
    return Markup("".join(out))
