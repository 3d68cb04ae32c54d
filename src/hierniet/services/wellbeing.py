"""The moderators' wellbeing (issue 13, part 4): exposure per person per day, break nudges, a daily cap on
severe items, and the organisation's severe rotation.

Exposure is read from what the desk records anyway: each reveal of shielded content is an audit line
(`comment.revealed`, hierniet.services.desk), and each minute a person works in the queue is one row in
`desk_activity` (`note_activity`, at most one write a minute, plus one per severe comment opened shielded:
"seen" as opposed to revealed). A person sees their own days; a lead sees the team's days without names
(how many worked, the median and the most of each figure, how many passed the cap).

The thresholds are the organisation's policy (`wellbeing:`, docs/policy.md). Past the daily cap, severe
comments are no longer offered to that person: the queue still shows that they are there and that colleagues
will take them, and nothing is hidden from the team. Comments with the rotation's labels are offered first
to the people a lead put on the rotation; the others see them shielded with a note.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo
from functools import cache
from statistics import median

from hierniet.domain import Reason
from hierniet.policy.schema import SEVERITY_NAMES, Wellbeing
from hierniet.services import audit
from hierniet.services.auth import Actor, Permission, require
from hierniet.services.desk import day_start, is_severe
from hierniet.services.errors import InvalidInput, no_comment
from hierniet.services.policies import policy_for
from hierniet.store import repo, repo_desk, repo_wellbeing
from hierniet.store.tables import utcnow

#: A pause of this many minutes without a desk request ends a stretch of work (for the break nudge).
BREAK_GAP_MINUTES = 15
#: Days the person's page and the team's page show.
DAYS_SHOWN = 14
#: Why a severe comment is not offered to a person: past their daily cap, or it is the rotation's.
CAPPED = "cap"
ROTATION = "rotation"


# --- the policy that applies to a person -----------------------------------------------------------------


def policy_of(store: repo.Store, organisation_id: int | None) -> Wellbeing:
    """The `wellbeing:` section of the organisation's policy (the default one for an admin of every one)."""
    if organisation_id is None:
        return policy_for(None, None).wellbeing
    with store.session() as s:
        organisation = repo.get_organisation(s, organisation_id)
    return policy_for(None, organisation.policy_yaml if organisation else None).wellbeing


# --- time in the queue -----------------------------------------------------------------------------------


@cache
def _noted() -> tuple[threading.Lock, weakref.WeakKeyDictionary[repo.Store, dict[int, datetime]]]:
    """The last minute noted per person of each store in this process: most requests of a minute then write
    nothing (per store, as a test or a tool may open several databases whose user ids overlap)."""
    return threading.Lock(), weakref.WeakKeyDictionary()


def note_activity(store: repo.Store, actor: Actor, *, severe_seen: bool = False, now: datetime | None = None) -> None:
    """A desk request of this person: their minute of work is noted once (and a severe comment seen counted)."""
    if actor.user_id is None:
        return
    minute = (now or utcnow()).replace(second=0, microsecond=0)
    lock, noted = _noted()
    with lock:
        mine = noted.setdefault(store, {})
        fresh = mine.get(actor.user_id) != minute
        mine[actor.user_id] = minute
    if not fresh and not severe_seen:
        return
    with store.transaction() as tx:
        repo_wellbeing.note_minute(tx, actor.user_id, minute, 1 if severe_seen else 0)


def stretch_minutes(minutes: Sequence[datetime], now: datetime) -> int:
    """Minutes of the stretch of work going on at `now` (0 when the last minute of work is a pause ago)."""
    if not minutes or now - minutes[-1] > timedelta(minutes=BREAK_GAP_MINUTES):
        return 0
    count = 1
    for later, earlier in zip(reversed(minutes), list(reversed(minutes))[1:], strict=False):
        if later - earlier > timedelta(minutes=BREAK_GAP_MINUTES):
            break
        count += 1
    return count


# --- today, for one person -------------------------------------------------------------------------------

SEVERITY_OF_NAME = {name: int(severity) for severity, name in SEVERITY_NAMES.items()}


@dataclass(frozen=True, slots=True)
class Offering:
    """What a person is offered of severe content now: their standing and the organisation's rotation."""

    capped: bool = False
    rotation_labels: frozenset[str] = frozenset()
    rotation_from: int = 5  # above every severity: none by severity
    rotation: frozenset[int] = frozenset()
    on_rotation: bool = False

    def is_rotations(self, labels: Iterable[str], severity: int) -> bool:
        return severity >= self.rotation_from or any(label in self.rotation_labels for label in labels)

    def withheld(self, labels: Sequence[str], severity: int) -> str | None:
        """CAPPED or ROTATION when this comment is not offered to this person (it stays in the queue)."""
        if self.capped and is_severe(labels, severity):
            return CAPPED
        if self.rotation and not self.on_rotation and self.is_rotations(labels, severity):
            return ROTATION
        return None


@dataclass(frozen=True, slots=True)
class Standing:
    """Where a person stands today, against their organisation's thresholds."""

    revealed: int
    seen: int
    minutes: int
    stretch: int
    break_after_severe: int
    break_after_minutes: int
    cap: int
    # What of the severe content is offered to the person now (the cap, the rotation).
    offering: Offering = Offering()

    @property
    def severe_break_due(self) -> bool:
        return self.break_after_severe > 0 and self.revealed >= self.break_after_severe

    @property
    def time_break_due(self) -> bool:
        return self.break_after_minutes > 0 and self.stretch >= self.break_after_minutes

    @property
    def break_due(self) -> bool:
        return self.severe_break_due or self.time_break_due

    @property
    def capped(self) -> bool:
        return self.cap > 0 and self.revealed >= self.cap


def standing(
    store: repo.Store,
    actor: Actor,
    zone: tzinfo,
    installation_break_after: int,
    *,
    revealed: int | None = None,
    now: datetime | None = None,
) -> Standing:
    """Today's figures of this person, and what is offered to them; `revealed` when the page already counted
    today's reveals. One session: every desk page asks for it."""
    now = now or utcnow()
    since = day_start(now, zone)
    rows: list[tuple[int, datetime, int]] = []
    members: set[int] = set()
    with store.session() as s:
        organisation = repo.get_organisation(s, actor.organisation_id) if actor.organisation_id is not None else None
        if actor.user_id is not None:
            rows = repo_wellbeing.activity_since(s, [actor.user_id], since)
            if revealed is None:
                revealed = repo_desk.reveal_counts(s, [actor.user_id], since)[actor.user_id]
        if actor.organisation_id is not None:
            members = repo_wellbeing.rotation_of(s, actor.organisation_id)
    policy = policy_for(None, organisation.policy_yaml if organisation else None).wellbeing
    revealed = revealed or 0
    capped = policy.daily_severe_cap > 0 and revealed >= policy.daily_severe_cap
    return Standing(
        revealed=revealed,
        seen=sum(n for _, _, n in rows),
        minutes=len(rows),
        stretch=stretch_minutes([m for _, m, _ in rows], now),
        break_after_severe=(
            installation_break_after if policy.break_after_severe is None else policy.break_after_severe
        ),
        break_after_minutes=policy.break_after_minutes,
        cap=policy.daily_severe_cap,
        offering=Offering(
            capped=capped,
            rotation_labels=frozenset(label.value for label in policy.rotation_labels),
            rotation_from=SEVERITY_OF_NAME[policy.rotation_from_severity],
            rotation=frozenset(members),
            on_rotation=actor.user_id in members,
        ),
    )


# --- per day ---------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class DayFigures:
    """One person's day: severe items revealed (distinct), severe items seen shielded, minutes in the queue."""

    day: date
    revealed: int
    seen: int
    minutes: int


def _days(
    store: repo.Store, user_ids: Sequence[int], zone: tzinfo, days: int, now: datetime
) -> tuple[list[date], dict[tuple[int, date], DayFigures]]:
    today = now.astimezone(zone).date()
    wanted = [today - timedelta(days=n) for n in range(days)]
    since = day_start(now, zone) - timedelta(days=days - 1)
    # A few hours either side of a DST change are harmless: days outside `wanted` are dropped below.
    since -= timedelta(hours=2)
    with store.session() as s:
        activity = repo_wellbeing.activity_since(s, user_ids, since)
        reveals = repo_wellbeing.reveals_since(s, user_ids, since)
    minutes: dict[tuple[int, date], int] = {}
    seen: dict[tuple[int, date], int] = {}
    for user_id, minute, n in activity:
        key = (user_id, minute.astimezone(zone).date())
        minutes[key] = minutes.get(key, 0) + 1
        seen[key] = seen.get(key, 0) + n
    revealed: dict[tuple[int, date], set[str]] = {}
    for user_id, comment_id, at in reveals:
        revealed.setdefault((user_id, at.astimezone(zone).date()), set()).add(comment_id)
    out = {
        (u, d): DayFigures(d, len(revealed.get((u, d), ())), seen.get((u, d), 0), minutes.get((u, d), 0))
        for u in user_ids
        for d in wanted
    }
    return wanted, out


def my_days(
    store: repo.Store, actor: Actor, zone: tzinfo, *, days: int = DAYS_SHOWN, now: datetime | None = None
) -> list[DayFigures]:
    """This person's last `days` days, today first (days without work included, as zeros)."""
    require(actor, Permission.READ_QUEUE, "see your own figures")
    if actor.user_id is None:
        return []
    wanted, figures = _days(store, [actor.user_id], zone, days, now or utcnow())
    return [figures[(actor.user_id, d)] for d in wanted]


@dataclass(frozen=True, slots=True)
class TeamDay:
    """The team's day without names: of the people who worked that day, the median and the most of each
    figure, and how many passed the daily cap and the break suggestion for severe items."""

    day: date
    people: int
    revealed_median: float
    revealed_max: int
    seen_median: float
    minutes_median: float
    minutes_max: int
    over_cap: int
    over_break: int


def _median(values: Iterable[int]) -> float:
    values = list(values)
    return float(median(values)) if values else 0.0


def team_days(
    store: repo.Store,
    actor: Actor,
    zone: tzinfo,
    installation_break_after: int,
    *,
    days: int = DAYS_SHOWN,
    now: datetime | None = None,
) -> list[TeamDay]:
    """The lead's anonymous view of the team's exposure, today first."""
    require(actor, Permission.READ_AUDIT, "see the team's figures")
    policy = policy_of(store, actor.organisation_id)
    break_after = installation_break_after if policy.break_after_severe is None else policy.break_after_severe
    with store.session() as s:
        people = [p.id for p in repo_desk.users_of(s, actor.organisation_id)]
    wanted, figures = _days(store, people, zone, days, now or utcnow())
    cap = policy.daily_severe_cap
    out = []
    for d in wanted:
        worked = [f for u in people if (f := figures[(u, d)]).minutes or f.revealed or f.seen]
        out.append(
            TeamDay(
                day=d,
                people=len(worked),
                revealed_median=_median(f.revealed for f in worked),
                revealed_max=max((f.revealed for f in worked), default=0),
                seen_median=_median(f.seen for f in worked),
                minutes_median=_median(f.minutes for f in worked),
                minutes_max=max((f.minutes for f in worked), default=0),
                over_cap=sum(1 for f in worked if cap > 0 and f.revealed >= cap),
                over_break=sum(1 for f in worked if break_after > 0 and f.revealed >= break_after),
            )
        )
    return out


# --- the daily cap and the rotation ----------------------------------------------------------------------


def check_reveal(
    store: repo.Store, actor: Actor, comment_id: int, standing_now: Standing, revealed_today: set[int]
) -> None:
    """Refuse a reveal past the person's daily cap (a comment already revealed today stays readable)."""
    if not standing_now.capped or comment_id in revealed_today:
        return
    with store.session() as s:
        found = repo.get_comment(s, comment_id)
    if found is None or not actor.sees(found[1].organisation_id):
        raise no_comment(comment_id)
    comment = found[0]
    if is_severe(comment.labels or [], comment.severity or 0):
        message = (
            f"you have revealed {standing_now.revealed} severe items today, the daily limit of your organisation "
            f"is {standing_now.cap}: this one is left to your colleagues"
        )
        raise InvalidInput(
            message,
            reason=Reason("error.daily_cap", message, count=standing_now.revealed, cap=standing_now.cap),
        )


@dataclass(frozen=True, slots=True)
class RotationMember:
    user_id: int
    name: str
    role: str
    on_rotation: bool


def rotation(store: repo.Store, actor: Actor) -> list[RotationMember]:
    """The people of the lead's organisation, and whether each is on the severe rotation."""
    require(actor, Permission.ASSIGN, "see the severe rotation")
    if actor.organisation_id is None:
        return []
    with store.session() as s:
        people = repo_desk.users_of(s, actor.organisation_id)
        members = repo_wellbeing.rotation_of(s, actor.organisation_id)
    return [RotationMember(p.id, p.name, p.role, p.id in members) for p in people if p.password_hash]


def set_rotation(store: repo.Store, actor: Actor, user_ids: Sequence[int], *, now: datetime | None = None) -> None:
    """A lead puts exactly these people of their organisation on the severe rotation (audited)."""
    require(actor, Permission.ASSIGN, "set the severe rotation")
    if actor.organisation_id is None:
        message = "the severe rotation belongs to one organisation: sign in as a lead or admin of that organisation"
        raise InvalidInput(message, reason=Reason("error.rotation_no_organisation", message))
    wanted = sorted(set(user_ids))
    with store.transaction() as tx:
        people = {p.id: p for p in repo_desk.users_of(tx, actor.organisation_id) if p.password_hash}
        strangers = [u for u in wanted if u not in people]
        if strangers:
            message = f"not a person of this organisation: {strangers[0]}; choose people from the list"
            raise InvalidInput(message, reason=Reason("error.rotation_stranger", message, user_id=strangers[0]))
        before = repo_wellbeing.rotation_of(tx, actor.organisation_id)
        if before == set(wanted):
            return
        repo_wellbeing.set_rotation(tx, actor.organisation_id, wanted, actor.user_id, now or utcnow())
        audit.record(
            tx,
            actor,
            action="rotation.set",
            subject_type="organisation",
            subject_id=actor.organisation_id,
            organisation_id=actor.organisation_id,
            detail={
                "members": [people[u].name for u in wanted],
                "added": [people[u].name for u in wanted if u not in before],
                "removed": sorted(p.name for u, p in people.items() if u in before and u not in wanted),
            },
        )
