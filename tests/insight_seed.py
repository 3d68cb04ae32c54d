"""A hand-counted month for the insight figures (issue 13), shared by the service, page, API, report and browser
tests: twelve comments on the seeded desk (tests/store/dbfixtures.py), people's decisions at known delays, and
the figures each of them must give, counted by hand below (EXPECTED).

The period asked for is 1 to 4 March 2026 in Europe/Brussels (UTC+1 then): a comment posted on 28 February at
23:30 UTC is 1 March on the desk and counts; one posted on 4 March at 23:30 UTC is 5 March and does not.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sqlalchemy import update

import seed
from hierniet.services import decisions
from hierniet.services.auth import CLI_ACTOR
from hierniet.services.decisions import DecisionIn
from hierniet.services.ingest import ingest
from hierniet.store import repo
from hierniet.store.tables import Comment
from store.dbfixtures import Desk

START, END = date(2026, 3, 1), date(2026, 3, 4)
#: The moment the figures are asked for: the backlog's ages are counted from here.
NOW = datetime(2026, 3, 5, 12, 0, tzinfo=UTC)


def _at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def seed_month(desk: Desk) -> dict[str, int]:
    """The comments (ids by key), with an Instagram channel added to the first organisation."""
    with desk.store.transaction() as tx:
        insta = repo.add_channel(
            tx,
            organisation_id=desk.organisation_id,
            platform="instagram",
            external_id="gent-insta",
            name="gent-insta",
            policy_yaml=None,
            credentials_ref=None,
        )
    gent, other, insta_id = desk.channel_id, desk.other_channel_id, insta.id
    # key: (channel, text, posted at UTC, language hint)
    rows: dict[str, tuple[int, str, str, str | None]] = {
        "ok1": (gent, "Wanneer opent het zwembad?", "2026-03-01T12:00", None),
        "ok2": (gent, "Quand ouvre la piscine ?", "2026-02-28T23:30", "fr"),
        "ins1": (gent, "insult: jij idioot", "2026-03-02T12:00", None),
        "ins2": (gent, "insult: stomme ezel", "2026-03-02T13:00", None),
        "spam": (gent, "spam: win een iPhone", "2026-03-03T12:00", None),
        "hate": (gent, f"hate: die {seed.SLUR} moeten weg", "2026-03-03T13:00", None),
        "thr": (gent, "threat: ik weet waar je woont", "2026-03-04T12:00", None),
        "crit1": (gent, "criticism: de bus is altijd te laat", "2026-03-04T13:00", None),
        "crit2": (gent, "criticism: slechte dienst, @jan.peeters", "2026-03-04T20:00", None),
        "crit3": (insta_id, "criticism: wat een slecht beleid", "2026-03-01T09:00", None),
        "late": (gent, "insult: te laat voor de maand", "2026-03-04T23:30", None),
        "elsewhere": (other, "insult: elders", "2026-03-02T12:00", None),
    }
    items = []
    for i, (key, (channel, text, posted, lang)) in enumerate(rows.items()):
        record: dict[str, object] = {
            "id": key,
            "text": text,
            "channel_id": channel,
            "author": f"author{i}",
            "posted_at": _at(posted).isoformat(),
        }
        if lang:
            record["language"] = lang
        items.append(record)
    result = ingest(desk.store, seed.SeedTriage(), items, actor=CLI_ACTOR)
    assert not result.rejected, result.rejected
    ids = {c.external_id: c.comment_id for c in result.created}
    # Arrival as the platform's moment, so the delays to a decision are the ones chosen below.
    with desk.store.transaction() as tx:
        tx.execute(update(Comment).values(received_at=Comment.posted_at))
    lead = desk.actors["lead"]
    # (key, step, reports or None for the recommendation's, reason, seconds after arrival)
    plan: list[tuple[str, str, tuple[str, ...] | None, str, int]] = [
        ("ins1", "refer", None, "", 600),
        ("ins2", "hide", None, "persists", 1200),
        ("hate", "hide_report", None, "", 3600),
        ("crit1", "reply", None, "", 60),
        ("crit3", "hide", None, "named a colleague", 7200),
    ]
    for key, step, reports, reason, after in plan:
        decisions.record_decision(
            desk.store,
            lead,
            ids[key],
            DecisionIn(step=step, reason=reason, reports=reports),
            now=_at(rows[key][2]) + timedelta(seconds=after),
        )
    return ids


#: The figures of 1-4 March for the first organisation, counted by hand from the table above.
EXPECTED = {
    "total": 10,
    "days": [(date(2026, 3, 1), 3, 0), (date(2026, 3, 2), 2, 2), (date(2026, 3, 3), 2, 2), (date(2026, 3, 4), 3, 1)],
    "channel": {"gent": 9, "gent-insta": 1},
    "platform": {"facebook": 9, "instagram": 1},
    "language": {"nl": 9, "fr": 1},
    "label": {"ok": 2, "insult": 2, "spam": 1, "hate": 1, "threat": 1, "criticism": 3},
    "status": {"clear": 2, "decided": 5, "auto": 1, "open": 1, "escalated": 1, "removed": 0},
    # thr arrived 24 h before NOW (not under a day), crit2 16 h, late 12.5 h; elsewhere is the other organisation's.
    "backlog": {"waiting": 3, "lt_1h": 0, "lt_1d": 2, "lt_3d": 1, "lt_7d": 0, "ge_7d": 0, "oldest_age_s": 86400},
    # delays 60, 600, 1200, 3600, 7200 s: nearest rank 3 of 5 and 5 of 5
    "decision_time": {"decided": 5, "median_s": 1200, "p90_s": 7200},
    "decisions": {"automatic": 1, "by_person": 5, "followed": 3, "other_step": 2},
    "decision_kind": {"accept": 3, "override": 2},
    "criticism": {"total": 3, "answered": 1, "left": 0, "hidden": 1, "waiting": 1, "removed": 0},
    "reports_by_person": {"platform": 1, "unia": 1, "police": 0},
    "reports_automatic": {"platform": 0, "unia": 0, "police": 0},
}
