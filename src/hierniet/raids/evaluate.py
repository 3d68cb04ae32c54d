"""The detector against a simulation's truth (hierniet.raids.simulate): what bench/raids.py prints and what
tests/raids/test_targets.py holds to the issue's targets.

The detector is run as the worker runs it: the events of each minute observed together, then `findings` asked
at the end of that minute. A raid finding belongs to the brigade that holds most of its members (at least
half of them, and three); any other raid finding is a false alert. A brigade is detected at the first minute a
raid finding of it was reported; its membership is the union of the members of its findings as they stood last.
"""

from __future__ import annotations

import statistics
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from hierniet.raids.detector import DetectorSettings, RaidDetector
from hierniet.raids.simulate import Brigade, Simulation
from hierniet.raids.types import MemberRole, Raid, RaidKind


@dataclass(frozen=True, slots=True)
class BrigadeResult:
    id: str
    size: int
    detected_at: datetime | None
    delay_s: float | None
    precision: float
    recall: float
    #: For a brigade with accounts from an earlier detected brigade: whether those found among its members are
    #: CORE with `earlier_raids` filled (None when the brigade has no recurring accounts to recognise).
    recurring_recognised: bool | None
    found: int  # true members found
    predicted: int

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass(slots=True)
class RunResult:
    brigades: list[BrigadeResult] = field(default_factory=list)
    false_alerts: list[Raid] = field(default_factory=list)
    #: Raid findings on the posts of criticism storms and viral posts (a subset of the false alerts, unless a
    #: brigade hit the same post).
    alerts_on_episodes: list[Raid] = field(default_factory=list)
    storms_found: int = 0
    storms: int = 0
    days: float = 0.0
    events: int = 0
    seconds: float = 0.0
    restarts: int = 0

    def big(self, min_size: int = 15) -> list[BrigadeResult]:
        return [b for b in self.brigades if b.size >= min_size]

    def detected_within(self, minutes: float, min_size: int = 15) -> float:
        big = self.big(min_size)
        ok = [b for b in big if b.delay_s is not None and b.delay_s <= minutes * 60]
        return len(ok) / len(big) if big else 1.0

    def membership(self, min_size: int = 15) -> tuple[float, float, float]:
        """Micro-averaged precision, recall and F1 of membership over the brigades of at least `min_size`."""
        big = self.big(min_size)
        tp = sum(b.found for b in big)
        predicted = sum(b.predicted for b in big)
        truth = sum(b.size for b in big)
        p = tp / predicted if predicted else 0.0
        r = tp / truth if truth else 0.0
        return p, r, (2 * p * r / (p + r) if p + r else 0.0)

    def delays(self, min_size: int = 15) -> list[float]:
        return sorted(b.delay_s for b in self.big(min_size) if b.delay_s is not None)

    def recurring(self) -> tuple[int, int]:
        """(recognised, brigades with recurring accounts to recognise)."""
        cases = [b for b in self.brigades if b.recurring_recognised is not None]
        return sum(1 for b in cases if b.recurring_recognised), len(cases)


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1]


def run(sim: Simulation, settings: DetectorSettings | None = None, restart_every: int | None = None) -> RunResult:
    """Feed the simulation minute by minute; `restart_every` minutes, rebuild the detector from its state (as
    a restarted worker does) to show it loses nothing."""
    detector = RaidDetector(settings)
    events = sim.events
    first_raid: dict[str, datetime] = {}
    last: dict[str, Raid] = {}
    step = timedelta(minutes=1)
    now = sim.start + step
    i = 0
    spent = 0.0
    restarts = 0
    minutes = 0
    while i < len(events) or now <= sim.end:
        batch = []
        while i < len(events) and events[i].posted_at < now:
            batch.append(events[i])
            i += 1
        began = time.perf_counter()
        if batch:
            detector.observe(batch)
        found = detector.findings(now)
        spent += time.perf_counter() - began
        for raid in found:
            last[raid.key] = raid
            if raid.kind is RaidKind.RAID:
                first_raid.setdefault(raid.key, now)
        minutes += 1
        if restart_every and minutes % restart_every == 0:
            detector = RaidDetector.from_state(detector.state())
            restarts += 1
        now += step
        if i >= len(events) and now > sim.end + timedelta(hours=1):
            break
    return _score(sim, first_raid, last, spent, restarts)


def _score(
    sim: Simulation, first_raid: dict[str, datetime], last: dict[str, Raid], spent: float, restarts: int
) -> RunResult:
    result = RunResult(days=sim.days, events=len(sim.events), seconds=spent, restarts=restarts)
    authors = {b.id: set(b.authors) for b in sim.brigades}
    matched: dict[str, list[Raid]] = {b.id: [] for b in sim.brigades}
    key_of_brigade: dict[str, str] = {}
    episode_posts = {e.post for e in sim.episodes}
    for key, raid in last.items():
        if raid.kind is not RaidKind.RAID or key not in first_raid:
            continue
        members = {m.author for m in raid.members}
        best, overlap = None, 0
        for b in sim.brigades:
            n = len(members & authors[b.id])
            if n > overlap:
                best, overlap = b, n
        if best is not None and overlap >= max(3, 0.5 * len(members)):
            matched[best.id].append(raid)
        else:
            result.false_alerts.append(raid)
            if raid.post in episode_posts:
                result.alerts_on_episodes.append(raid)
    detected_brigades: set[str] = set()
    for b in sorted(sim.brigades, key=lambda b: b.started_at):
        raids = matched[b.id]
        when = min((first_raid[r.key] for r in raids), default=None)
        if when is not None:
            detected_brigades.add(b.id)
            for r in raids:
                key_of_brigade[r.key] = b.id
        predicted = {m.author for r in raids for m in r.members}
        found = len(predicted & authors[b.id])
        recognised = _recurring(b, raids, detected_brigades)
        result.brigades.append(
            BrigadeResult(
                id=b.id,
                size=b.size,
                detected_at=when,
                delay_s=(when - b.started_at).total_seconds() if when else None,
                precision=found / len(predicted) if predicted else 0.0,
                recall=found / b.size if b.size else 0.0,
                recurring_recognised=recognised,
                found=found,
                predicted=len(predicted),
            )
        )
    result.storms = sum(1 for e in sim.episodes if e.kind == "criticism_storm")
    storm_posts = {e.post for e in sim.episodes if e.kind == "criticism_storm"}
    result.storms_found = len(
        {r.post for r in last.values() if r.kind is RaidKind.CRITICISM_STORM and r.post in storm_posts}
    )
    return result


def _recurring(b: Brigade, raids: list[Raid], detected: set[str]) -> bool | None:
    """Whether the brigade's accounts from an earlier detected brigade are its CORE, with earlier raids named."""
    if not b.recurring or not any(e in detected for e in b.earlier) or not raids:
        return None
    recurring = set(b.recurring)
    seen = [m for r in raids for m in r.members if m.author in recurring]
    if not seen:
        return False
    good = [m for m in seen if m.role is MemberRole.CORE and m.earlier_raids]
    return len(good) >= 0.5 * len(seen)
