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


def test_place_map_links_each_marker_told_apart_by_shape_and_spread_when_they_share_a_spot() -> None:
    red, green = plots.COLOURS[1], plots.COLOURS[2]
    markers = [
        plots.MapMarker(50.93, 5.34, "circle", red, "3", "Hasselt: request <3>", "#card-1"),
        plots.MapMarker(50.93, 5.34, "square", green, "1 204", "Hasselt: offer", "#card-2", hollow=True),
        plots.MapMarker(50.64, 5.57, "circle", red, "1", "Liège: request", "#card-3"),
        plots.MapMarker(48.0, 9.0, "circle", red, "1", "Far away", "#card-4"),  # outside: kept on the edge
    ]
    legend = [plots.LegendItem("circle", red, "request"), plots.LegendItem("square", green, "offer")]
    svg = _parse(plots.place_map("Map", markers, background=[(50.85, 4.35), (51.2, 4.4)], legend=legend, desc="D"))
    # Not an image: its markers are links a keyboard reaches, each named by its <title> and aria-label.
    assert svg.get("role") == "group" and svg.get("aria-labelledby") and svg.get("aria-describedby")
    links = list(svg.iter(f"{SVG}a"))
    assert [a.get("href") for a in links] == ["#card-1", "#card-2", "#card-3", "#card-4"]
    titles = [a.find(f"{SVG}title").text for a in links]  # type: ignore[union-attr]
    assert titles == ["Hasselt: request <3>", "Hasselt: offer", "Liège: request", "Far away"]
    assert links[0].get("aria-label") == "Hasselt: request <3>"
    shapes = [next(e.tag for e in a if e.tag in (f"{SVG}circle", f"{SVG}rect")) for a in links]
    assert shapes == [f"{SVG}circle", f"{SVG}rect", f"{SVG}circle", f"{SVG}circle"]
    # The count is written on each marker; the hollow one in its colour on white.
    assert [a.find(f"{SVG}text").text for a in links] == ["3", "1 204", "1", "1"]  # type: ignore[union-attr]
    hollow = links[1].find(f"{SVG}rect")
    assert hollow is not None and hollow.get("fill") == "#ffffff" and hollow.get("stroke") == green
    # Two markers on one spot do not cover each other: the second is moved off it, with a line back.
    first, second = links[0].find(f"{SVG}circle"), links[1].find(f"{SVG}rect")
    assert first is not None and second is not None
    hidden = [g for g in svg.iter(f"{SVG}g") if g.get("aria-hidden") == "true"]
    (line,) = [e for g in hidden for e in g if e.tag == f"{SVG}line"]
    x1, y1 = float(first.get("cx") or 0), float(first.get("cy") or 0)
    x2 = float(second.get("x") or 0) + float(second.get("width") or 0) / 2
    y2 = float(second.get("y") or 0) + float(second.get("height") or 0) / 2
    assert ((x1 - x2) ** 2 + (y1 - y2) ** 2) ** 0.5 > 18
    assert (float(line.get("x1") or 0), float(line.get("x2") or 0)) == (x1, round(x2, 1))
    # Liège is south-east of Hasselt; the marker outside Belgium stays inside the picture.
    liege = links[2].find(f"{SVG}circle")
    assert liege is not None and float(liege.get("cx") or 0) > x1 and float(liege.get("cy") or 0) > y1
    width, height = (float(v) for v in (svg.get("viewBox") or "").split()[2:])
    far = links[3].find(f"{SVG}circle")
    assert far is not None and 0 < float(far.get("cx") or 0) < width and 0 < float(far.get("cy") or 0) < height
    # The background points (and the lines) are hidden from screen readers: the table beside the map names
    # the places.
    (background,) = [g for g in hidden if g[0].tag == f"{SVG}circle"]
    assert len(list(background)) == 2
    assert {"request", "offer"} <= {t.text for t in svg.iter(f"{SVG}text")}


def test_place_map_lets_no_marker_hide_another_in_a_crowd() -> None:
    # Hasselt, Genk, Zonhoven and Kortessem lie a few pixels apart on the map: 80 markers among them.
    towns = [(50.93, 5.34), (50.96, 5.50), (50.99, 5.37), (50.86, 5.39)]
    markers = [
        plots.MapMarker(*towns[i % 4], "circle" if i % 3 else "square", plots.COLOURS[1], str(i * 37), f"{i}", f"#c{i}")
        for i in range(80)
    ]
    svg = _parse(plots.place_map("Crowd", markers))
    centres = []
    for a in svg.iter(f"{SVG}a"):
        shape = next(e for e in a if e.tag in (f"{SVG}circle", f"{SVG}rect"))
        if shape.tag == f"{SVG}circle":
            centres.append((float(shape.get("cx") or 0), float(shape.get("cy") or 0), float(shape.get("r") or 0)))
        else:
            half = float(shape.get("width") or 0) / 2
            centres.append((float(shape.get("x") or 0) + half, float(shape.get("y") or 0) + half, half))
    assert len(centres) == 80
    for i, (x1, y1, r1) in enumerate(centres):
        for x2, y2, r2 in centres[i + 1 :]:
            assert ((x1 - x2) ** 2 + (y1 - y2) ** 2) ** 0.5 >= r1 + r2, (x1, y1, x2, y2)
