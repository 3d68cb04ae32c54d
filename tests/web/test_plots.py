"""hierniet.web.plots (issue 13): small SVG plots that name and describe themselves, escape every text, and tell
series apart by more than colour."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from hierniet.web import plots

SVG = "{http://www.w3.org/2000/svg}"


def _parse(markup: str) -> ET.Element:
    return ET.fromstring(markup)


def test_bar_chart_is_a_named_described_image_with_its_values_written() -> None:
    svg = _parse(plots.bar_chart("Comments <per> label", [("insult & co", 12), ("spam", 3.5)], unit="comments"))
    assert svg.get("role") == "img"
    title_id, desc_id = (svg.get("aria-labelledby") or "").split()
    assert svg.find(f"{SVG}title").get("id") == title_id  # type: ignore[union-attr]
    assert svg.find(f"{SVG}title").text == "Comments <per> label"  # type: ignore[union-attr]
    desc = svg.find(f"{SVG}desc")
    assert desc is not None and desc.get("id") == desc_id
    assert desc.text == "insult & co: 12 comments; spam: 3.5 comments"
    texts = [t.text for t in svg.iter(f"{SVG}text")]
    assert "insult & co" in texts and "12" in texts and "3.5" in texts
    widths = [float(r.get("width") or 0) for r in svg.iter(f"{SVG}rect")]
    assert widths[0] > widths[1] * 3  # 12 against 3.5


def test_two_plots_of_one_page_have_their_own_ids() -> None:
    a = plots.bar_chart("A", [("x", 1)])
    b = plots.bar_chart("B", [("x", 1)])
    ids = re.findall(r'id="([^"]+)"', a + b)
    assert len(ids) == len(set(ids))


def test_day_series_tells_lines_apart_by_pattern_and_marker() -> None:
    svg = _parse(plots.day_series("Per day", ["01/03", "02/03", "03/03"], {"all": [3, 2, 2], "to act on": [0, 2, 1]}))
    lines = list(svg.iter(f"{SVG}polyline"))
    assert len(lines) == 2
    assert lines[0].get("stroke-dasharray") != lines[1].get("stroke-dasharray")
    assert {e.tag for e in svg if e.tag in (f"{SVG}circle", f"{SVG}rect")} == {f"{SVG}circle", f"{SVG}rect"}
    legend = [t.text for t in svg.iter(f"{SVG}text")]
    assert "all" in legend and "to act on" in legend and "3" in legend  # the axis' largest value
    assert svg.find(f"{SVG}desc").text.startswith("01/03 – 03/03")  # type: ignore[union-attr]


def test_empty_plots_still_render() -> None:
    assert _parse(plots.bar_chart("Nothing", [])).get("role") == "img"
    assert _parse(plots.day_series("Nothing", [], {})).get("role") == "img"
