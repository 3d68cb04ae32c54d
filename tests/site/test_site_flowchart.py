"""The flowchart is drawn from the policy: change the policy and the drawing changes with it."""

from __future__ import annotations

import re
from typing import Any

import site_fixtures
from site_helpers import parse_strict

from hierniet.domain import CharterStep, Label
from hierniet.policy import default_policy, parse_policy
from hierniet.web.site.content import Strings
from hierniet.web.site.flowchart import flowchart_rows, flowchart_svg

client = site_fixtures.client
database = site_fixtures.database
desk = site_fixtures.desk
fake_triage = site_fixtures.fake_triage
store = site_fixtures.store


def _row(svg: str, label: str) -> str:
    """The words of one label's row, one line of each box after another (positions left out)."""
    found = re.search(rf'<g class="row" data-label="{label}">(.*?)</g>', svg)
    assert found, f"no row for {label}"
    return "\n".join(re.findall(r"<tspan[^>]*>(.*?)</tspan>", found.group(1)))


def test_rows_follow_the_default_policy() -> None:
    policy = default_policy()
    rows = {r.label: r for r in flowchart_rows(policy)}
    assert Label.OK not in rows  # nothing to do for ok
    assert set(rows) == set(Label) - {Label.OK}
    for label, row in rows.items():
        rules = policy.labels[label]
        assert row.ladder == rules.ladder
        assert {f.step for f in row.first_steps} == set(rules.first_step.values())
        assert {body for body, _ in row.reports} == {
            b for b in ("platform", "unia", "police") if getattr(rules.reports, b) is not None
        }
    assert [f.step for f in rows[Label.THREAT].first_steps] == [CharterStep.HIDE_REPORT, CharterStep.POLICE]
    assert rows[Label.HATE].reports == (("platform", "high"), ("unia", "high"))


def test_changing_the_policy_changes_the_drawing() -> None:
    t = Strings("en")
    before = flowchart_svg(default_policy(), t)
    changed = parse_policy(
        "extends: default\nlabels:\n  insult:\n    first_step: hide\n    ladder: [hide, block]\n"
        "    reports:\n      platform: high\nescalation:\n  window_days: 60\n",
        source="changed.yaml",
    )
    after = flowchart_svg(changed, t)
    assert before != after
    old, new = _row(before, "insult"), _row(after, "insult")
    assert "from low severity: reply" in old and "reply with a link" not in new
    assert "\nhide the comment\n" in new
    assert "1. reply with a" in old and "1. hide the comment" in new and "3." not in new
    assert "(from critical" in old and "(from high" in new
    assert "within 90 days" in before and "within 60 days" in after
    assert _row(before, "hate") == _row(after, "hate")


def test_the_drawing_speaks_the_page_language() -> None:
    svg = flowchart_svg(default_policy(), Strings("fr"))
    words = " ".join(re.findall(r"<tspan[^>]*>(.*?)</tspan>", svg))
    assert "Insultes" in words and "masquer le commentaire" in words and "Unia" in words
    assert '<title id="flowchart-title">Le logigramme de la charte</title>' in svg


def test_the_page_inlines_the_drawing_and_a_table(client: Any) -> None:
    html = client.get("/nl/flowchart").text
    tree = parse_strict(html)
    svg = next((e for e in tree.iter() if isinstance(e.tag, str) and e.tag.endswith("svg")), None)
    assert svg is not None and svg.get("role") == "img" and svg.get("aria-labelledby")
    rows = tree.findall(".//table/tbody/tr")
    assert len(rows) == len(flowchart_rows(default_policy()))
    assert default_policy().version_tag in html
    assert "Beledigingen" in html
