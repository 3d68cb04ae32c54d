"""The detector's reasons as a moderator reads them: a sentence in nl, fr and de for every reason a simulated
week of raids and storms gives, with every value filled in."""

from __future__ import annotations

from datetime import timedelta
from functools import cache

import pytest

from hierniet.domain import Reason
from hierniet.raids.detector import RaidDetector
from hierniet.raids.simulate import simulate
from hierniet.web.desk import i18n, reasons


@cache
def _reasons() -> list[Reason]:
    sim = simulate(seed=22, days=3, flags_from="intent")
    detector = RaidDetector()
    found: dict[str, Reason] = {}
    now, i, events = sim.start, 0, sim.events
    while i < len(events):
        now += timedelta(minutes=10)
        batch = []
        while i < len(events) and events[i].posted_at < now:
            batch.append(events[i])
            i += 1
        detector.observe(batch)
        for raid in detector.findings(now):
            for r in raid.reasons:
                found.setdefault(r.code, r)
    return list(found.values())


@pytest.mark.parametrize("locale", ["nl", "fr", "de"])
def test_every_raid_reason_is_said_in_each_language(locale: str) -> None:
    found = _reasons()
    codes = {r.code for r in found}
    assert {"raids.burst", "raids.abuse_share", "raids.copy_paste", "raids.criticism_storm"} <= codes, codes
    for reason in found:
        assert reason.code in reasons.MESSAGES, reason.code
        i18n.set_locale(locale)
        try:
            said = reasons.explain(reason)
        finally:
            i18n.set_locale(i18n.DEFAULT_LOCALE)
        assert said != str(reason) and "%(" not in said, (locale, reason.code, said)
