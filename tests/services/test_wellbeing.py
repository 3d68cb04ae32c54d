"""The moderators' wellbeing (hierniet.services.wellbeing): minutes in the queue, severe items seen and
revealed per person per day (in the desk's time zone), the team's anonymous days, the daily cap and the
severe rotation. Figures are checked against the hand-counted fixture below."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from hierniet.services import wellbeing
from hierniet.services.errors import Forbidden, InvalidInput
from hierniet.store import repo, repo_desk
from hierniet.store.repo_desk import REVEAL_ACTION
from hierniet.store.tables import AuditEntry, DeskActivity, utcnow
from store.dbfixtures import Desk, FakeTriage, item

BRUSSELS = ZoneInfo("Europe/Brussels")
# 12:00 in Brussels on Tuesday 10 March 2026 (UTC+1).
NOW = datetime(2026, 3, 10, 11, 0, tzinfo=UTC)


def _reveal(desk: Desk, who: str, comment_id: int, at: datetime) -> None:
    actor = desk.actors[who]
    with desk.store.transaction() as tx:
        tx.add(
            AuditEntry(
                at=at,
                user_id=actor.user_id,
                actor=actor.name,
                action=REVEAL_ACTION,
                subject_type="comment",
                subject_id=str(comment_id),
                organisation_id=actor.organisation_id,
                detail={"how": "click"},
            )
        )


def _work(desk: Desk, who: str, start: datetime, minutes: int, seen: int = 0) -> None:
    user_id = desk.actors[who].user_id
    with desk.store.transaction() as tx:
        for n in range(minutes):
            tx.add(
                DeskActivity(user_id=user_id, minute=start + timedelta(minutes=n), severe_seen=seen if n == 0 else 0)
            )


def _set_policy(desk: Desk, text: str) -> None:
    with desk.store.transaction() as tx:
        organisation = repo.get_organisation(tx, desk.organisation_id)
        assert organisation is not None
        organisation.policy_yaml = text


@pytest.fixture
def week(desk: Desk) -> Desk:
    """moderator: 10 March 3 distinct reveals (comment 2 twice; comment 3 at 00:30 Brussels, still 9 March in
    UTC), 30 minutes with 2 seen; 9 March 1 reveal; 8 March 5 minutes. lead: 10 March 10 minutes. admin: 10 March
    5 reveals and 1 minute. root (every organisation, not this team): 10 March 7 reveals, 20 minutes."""
    d10 = datetime(2026, 3, 10, 9, 0, tzinfo=UTC)
    for comment_id in (1, 2, 2):
        _reveal(desk, "moderator", comment_id, d10)
    _reveal(desk, "moderator", 3, datetime(2026, 3, 9, 23, 30, tzinfo=UTC))
    _reveal(desk, "moderator", 4, datetime(2026, 3, 9, 10, 0, tzinfo=UTC))
    _work(desk, "moderator", datetime(2026, 3, 10, 10, 0, tzinfo=UTC), 30, seen=2)
    _work(desk, "moderator", datetime(2026, 3, 8, 10, 0, tzinfo=UTC), 5)
    _work(desk, "lead", d10, 10)
    for comment_id in range(1, 6):
        _reveal(desk, "admin", comment_id, d10)
    _work(desk, "admin", d10, 1)
    for comment_id in range(1, 8):
        _reveal(desk, "root", comment_id, d10)
    _work(desk, "root", d10, 20)
    return desk


def test_a_persons_days_in_the_desks_time_zone(week: Desk) -> None:
    days = wellbeing.my_days(week.store, week.actors["moderator"], BRUSSELS, days=4, now=NOW)
    assert [(str(d.day), d.revealed, d.seen, d.minutes) for d in days] == [
        ("2026-03-10", 3, 2, 30),
        ("2026-03-09", 1, 0, 0),
        ("2026-03-08", 0, 0, 5),
        ("2026-03-07", 0, 0, 0),
    ]


def test_the_teams_days_have_no_names_and_hand_counted_figures(week: Desk) -> None:
    _set_policy(week, "extends: default\nwellbeing:\n  daily_severe_cap: 4\n  break_after_severe: 3\n")
    days = wellbeing.team_days(week.store, week.actors["lead"], BRUSSELS, 25, days=3, now=NOW)
    today, yesterday, before = days
    # moderator (3 revealed, 2 seen, 30 min), lead (0, 0, 10), admin (5, 0, 1); root is not of this team.
    assert (today.people, today.revealed_median, today.revealed_max) == (3, 3.0, 5)
    assert (today.seen_median, today.minutes_median, today.minutes_max) == (0.0, 10.0, 30)
    assert (today.over_break, today.over_cap) == (2, 1)
    assert (yesterday.people, yesterday.revealed_median, yesterday.minutes_max, yesterday.over_break) == (1, 1.0, 0, 0)
    assert (before.people, before.revealed_max, before.minutes_median) == (1, 0, 5.0)
    assert not any(hasattr(d, "name") or hasattr(d, "user_id") for d in days)
    with pytest.raises(Forbidden):
        wellbeing.team_days(week.store, week.actors["moderator"], BRUSSELS, 25, now=NOW)


def test_activity_is_one_write_a_minute_and_seen_items_add_up(desk: Desk) -> None:
    moderator = desk.actors["moderator"]
    minute = datetime(2026, 3, 10, 10, 0, tzinfo=UTC)
    for second in (1, 20, 59):
        wellbeing.note_activity(desk.store, moderator, now=minute + timedelta(seconds=second))
    wellbeing.note_activity(desk.store, moderator, severe_seen=True, now=minute + timedelta(seconds=30))
    wellbeing.note_activity(desk.store, moderator, severe_seen=True, now=minute + timedelta(seconds=40))
    wellbeing.note_activity(desk.store, moderator, now=minute + timedelta(minutes=1))
    with desk.store.session() as s:
        rows = s.execute(select(DeskActivity.minute, DeskActivity.severe_seen).order_by(DeskActivity.minute)).all()
    assert [(m.astimezone(UTC).minute, n) for m, n in rows] == [(0, 2), (1, 0)]


def test_a_stretch_ends_at_a_pause() -> None:
    t = datetime(2026, 3, 10, 9, 0, tzinfo=UTC)
    minutes = [t + timedelta(minutes=n) for n in (0, 1, 2, 30, 31, 40, 41)]
    # 30..41 is one stretch (gaps of at most 15 minutes): 4 minutes noted.
    assert wellbeing.stretch_minutes(minutes, t + timedelta(minutes=42)) == 4
    assert wellbeing.stretch_minutes(minutes, t + timedelta(minutes=57)) == 0
    assert wellbeing.stretch_minutes([], t) == 0


def test_standing_follows_the_policy(desk: Desk) -> None:
    _set_policy(desk, "extends: default\nwellbeing:\n  break_after_minutes: 20\n  daily_severe_cap: 2\n")
    now = utcnow().replace(second=0, microsecond=0)
    _work(desk, "moderator", now - timedelta(minutes=24), 25)
    for comment_id in (1, 2):
        _reveal(desk, "moderator", comment_id, now)
    standing = wellbeing.standing(desk.store, desk.actors["moderator"], BRUSSELS, 25, now=now)
    assert (standing.revealed, standing.minutes, standing.stretch) == (2, 25, 25)
    assert standing.break_after_severe == 25  # left out of the policy: the installation's
    assert standing.time_break_due and not standing.severe_break_due and standing.capped
    fresh = wellbeing.standing(desk.store, desk.actors["lead"], BRUSSELS, 25, now=now)
    assert not fresh.break_due and not fresh.capped


def test_the_cap_withholds_severe_comments_and_refuses_their_reveal(desk: Desk) -> None:
    from hierniet.services.auth import CLI_ACTOR
    from hierniet.services.ingest import ingest

    result = ingest(
        desk.store,
        FakeTriage(),
        [
            item("h", "hate: weg met hen", channel_id=desk.channel_id),
            item("i", "insult: idioot", channel_id=desk.channel_id),
        ],
        actor=CLI_ACTOR,
    )
    ids = {c.external_id: c.comment_id for c in result.created}
    _set_policy(desk, "extends: default\nwellbeing:\n  daily_severe_cap: 1\n")
    moderator = desk.actors["moderator"]
    _reveal(desk, "moderator", 999, utcnow())
    standing = wellbeing.standing(desk.store, moderator, BRUSSELS, 25)
    offer = standing.offering
    assert offer.withheld(["hate"], 3) == wellbeing.CAPPED
    assert offer.withheld(["insult"], 2) is None
    with pytest.raises(InvalidInput, match="left to your colleagues") as refused:
        wellbeing.check_reveal(desk.store, moderator, ids["h"], standing, set())
    assert refused.value.reason is not None and refused.value.reason.code == "error.daily_cap"
    wellbeing.check_reveal(desk.store, moderator, ids["h"], standing, {ids["h"]})  # already read today
    wellbeing.check_reveal(desk.store, moderator, ids["i"], standing, set())  # not severe


def test_the_rotation_is_set_by_a_lead_audited_and_routes_its_labels(desk: Desk) -> None:
    lead, moderator = desk.actors["lead"], desk.actors["moderator"]
    assert lead.user_id is not None
    # Without anyone on the rotation, everything is offered to everyone.
    assert wellbeing.standing(desk.store, moderator, BRUSSELS, 25).offering.withheld(["threat"], 4) is None
    # People without a desk password (machine accounts) cannot be put on it.
    with pytest.raises(InvalidInput, match="not a person of this organisation"):
        wellbeing.set_rotation(desk.store, lead, [lead.user_id])
    with desk.store.transaction() as tx:
        for actor in desk.actors.values():
            assert actor.user_id is not None
            repo_desk.set_password_hash(tx, actor.user_id, "x")
    with pytest.raises(Forbidden):
        wellbeing.set_rotation(desk.store, moderator, [lead.user_id])
    with pytest.raises(InvalidInput, match="not a person of this organisation"):
        wellbeing.set_rotation(desk.store, lead, [desk.actors["root"].user_id or 0])
    wellbeing.set_rotation(desk.store, lead, [lead.user_id])
    wellbeing.set_rotation(desk.store, lead, [lead.user_id])  # no change: no second audit line
    to_moderator = wellbeing.standing(desk.store, moderator, BRUSSELS, 25).offering
    assert to_moderator.withheld(["threat"], 3) == wellbeing.ROTATION
    assert to_moderator.withheld(["self_harm"], 1) == wellbeing.ROTATION
    assert to_moderator.withheld(["hate"], 4) == wellbeing.ROTATION  # critical: the rotation's whatever the label
    assert to_moderator.withheld(["hate"], 3) is None
    assert wellbeing.standing(desk.store, lead, BRUSSELS, 25).offering.withheld(["threat"], 4) is None
    assert [(p.name, p.on_rotation) for p in wellbeing.rotation(desk.store, lead)] == [
        ("admin1", False),
        ("lead1", True),
        ("moderator1", False),
    ]
    with desk.store.session() as s:
        entries = list(s.scalars(select(AuditEntry).where(AuditEntry.action == "rotation.set")))
        assert s.scalar(select(func.count()).select_from(DeskActivity)) == 0
    assert len(entries) == 1 and entries[0].detail == {"members": ["lead1"], "added": ["lead1"], "removed": []}
    wellbeing.set_rotation(desk.store, lead, [])
    assert wellbeing.standing(desk.store, moderator, BRUSSELS, 25).offering.withheld(["threat"], 4) is None
