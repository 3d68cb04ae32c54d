"""The insight figures (issue 13) against a hand-counted month (tests/insight_seed.py), on SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest

from hierniet.services import insight
from hierniet.services.errors import Forbidden, InvalidInput, NotFound
from insight_seed import END, EXPECTED, NOW, START, seed_month
from store.dbfixtures import Desk


def _figures(result: insight.Insight) -> dict[str, object]:
    """The result as the EXPECTED dictionary spells it (every table of the CSV)."""
    out: dict[str, object] = {"total": result.total, "days": [(d.day, d.comments, d.acting) for d in result.days]}
    for name, rows in insight.tables(result):
        out[name] = dict(rows)
    return out


def test_figures_match_the_hand_count(desk: Desk) -> None:
    seed_month(desk)
    result = insight.insight(desk.store, desk.actors["lead"], start=START, end=END, now=NOW)
    got = _figures(result)
    assert result.organisation is not None and result.organisation.slug == "stad-gent"
    for key, expected in EXPECTED.items():
        value = got[key]
        if isinstance(expected, dict) and isinstance(value, dict):
            # Labels and statuses list every known value (zeros included): compare the ones counted by hand.
            assert {k: value.get(k, 0) for k in expected} == expected, key
            assert sum(v for v in value.values() if isinstance(v, int)) >= sum(expected.values()), key
        else:
            assert value == expected, key
    assert dict(result.by_label)["doxxing"] == 0
    assert result.criticism.kept_visible == 1
    assert result.reports.total("unia") == 1


def test_one_channel_and_one_day(desk: Desk) -> None:
    seed_month(desk)
    lead = desk.actors["lead"]
    whole = insight.insight(desk.store, lead, start=START, end=END, now=NOW)
    insta = next(c for c in whole.channels if c.platform == "instagram")
    only = insight.insight(desk.store, lead, start=START, end=END, channel_ids=(insta.id,), now=NOW)
    assert only.total == 1 and dict(only.by_label)["criticism"] == 1
    assert only.criticism.count("hidden") == 1 and only.backlog.waiting == 0
    # 1 March in Brussels starts at 23:00 UTC the day before: ok2 (23:30 UTC on 28 February) is in it.
    first = insight.insight(desk.store, lead, start=START, end=START, now=NOW)
    assert first.total == 3 and [d.day for d in first.days] == [START]
    assert dict(first.by_language) == {"nl": 2, "fr": 1}


def test_people_see_their_own_organisation_only(desk: Desk) -> None:
    seed_month(desk)
    with pytest.raises(Forbidden):
        insight.insight(desk.store, desk.actors["moderator"], start=START, end=END, now=NOW)
    with pytest.raises(NotFound):
        insight.insight(desk.store, desk.actors["lead"], organisation="vzw-x", start=START, end=END, now=NOW)
    # The installation's own admin sees every organisation, or one by slug.
    root = desk.actors["root"]
    everything = insight.insight(desk.store, root, start=START, end=END, now=NOW)
    assert everything.organisation is None and everything.total == 11
    other = insight.insight(desk.store, root, organisation="vzw-x", start=START, end=END, now=NOW)
    assert other.total == 1 and other.backlog.waiting == 1


def test_bad_periods_say_how_to_fix_them(desk: Desk) -> None:
    lead = desk.actors["lead"]
    with pytest.raises(InvalidInput, match="swap the dates"):
        insight.insight(desk.store, lead, start=date(2026, 3, 5), end=date(2026, 3, 1))
    with pytest.raises(InvalidInput, match="at most"):
        insight.insight(desk.store, lead, start=date(2020, 1, 1), end=date(2026, 1, 1))
    with pytest.raises(InvalidInput, match="outside the years"):
        insight.insight(desk.store, lead, start=date(9999, 12, 31), end=date(9999, 12, 31))
    with pytest.raises(InvalidInput, match="not one of this organisation's channels"):
        insight.insight(desk.store, lead, start=START, end=END, channel_ids=(desk.other_channel_id,))


def test_an_empty_period_has_zeros_and_no_times(desk: Desk) -> None:
    result = insight.insight(desk.store, desk.actors["lead"], start=START, end=END, now=NOW)
    assert result.total == 0 and len(result.days) == 4
    assert result.decision_time.median_s is None and result.backlog.oldest_at is None


def test_csv_holds_every_table(desk: Desk) -> None:
    seed_month(desk)
    result = insight.insight(desk.store, desk.actors["lead"], start=START, end=END, now=NOW)
    rows = list(csv.reader(io.StringIO(insight.to_csv(result))))
    assert rows[0] == ["table", "key", "value"]
    assert ["period", "organisation", "stad-gent"] in rows
    assert ["volume_per_day", "2026-03-01", "3"] in rows
    assert ["decision_time", "p90_s", "7200"] in rows
    assert ["criticism", "hidden", "1"] in rows
    assert ["reports_by_person", "unia", "1"] in rows
