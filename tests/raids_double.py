"""A small scripted raid detector for the service tests of issue 14 (tests/services/test_raids.py).

They drive the service's mechanics with it, so each test says exactly which burst is found; the real detector
(`hierniet.raids.detector.RaidDetector`) runs in the desk, API, browser and end-to-end tests. The double keeps
the contract (observe / findings / JSON-able state / from_state) with the plainest rule: on one post,
`min_authors` or more authors within `window` (from some comment on) make a burst; it is a raid when at least
half of its comments are abusive, else a criticism storm. Authors of the burst's first two minutes are
the core; an author of an earlier raid is core too and carries that raid's key.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from hierniet.domain import Reason
from hierniet.raids.detector import event_from_dict, event_to_dict
from hierniet.raids.types import MemberRole, Raid, RaidEvent, RaidKind, RaidMember, TextCluster


class ScriptedDetector:
    def __init__(self, min_authors: int = 4, window: timedelta = timedelta(minutes=10)) -> None:
        self.min_authors = min_authors
        self.window = window
        self.events: dict[str, RaidEvent] = {}
        # author -> keys of the raids they were in (the recurring core).
        self.raids_of: dict[str, list[str]] = defaultdict(list)
        self.observed: list[int] = []  # batch sizes, for tests that check only new comments are fed

    # --- the contract -----------------------------------------------------------------------------------------

    def observe(self, events: Sequence[RaidEvent]) -> None:
        self.observed.append(len(events))
        for e in events:
            self.events.setdefault(e.comment_id, e)

    def findings(self, now: datetime) -> list[Raid]:
        by_post: dict[tuple[str, str], list[RaidEvent]] = defaultdict(list)
        for e in self.events.values():
            if e.post and e.posted_at <= now:
                by_post[(e.organisation, e.post)].append(e)
        out = []
        for (org, post), events in sorted(by_post.items()):
            events.sort(key=lambda e: (e.posted_at, e.comment_id))
            # The first window (from some comment on) with enough authors: earlier quiet traffic is no burst.
            for first in events:
                burst = [e for e in events if first.posted_at <= e.posted_at <= first.posted_at + self.window]
                if len({e.author for e in burst}) >= self.min_authors:
                    out.append(self._raid(org, post, burst))
                    break
        return out

    def state(self) -> dict[str, Any]:
        return {
            "min_authors": self.min_authors,
            "window_s": self.window.total_seconds(),
            "events": [event_to_dict(e) for e in self.events.values()],
            "raids_of": dict(self.raids_of),
        }

    @classmethod
    def from_state(cls, state: dict[str, Any]) -> ScriptedDetector:
        d = cls(int(state["min_authors"]), timedelta(seconds=float(state["window_s"])))
        for raw in state["events"]:
            e = event_from_dict(raw)
            d.events[e.comment_id] = e
        for author, keys in state["raids_of"].items():
            d.raids_of[author] = list(keys)
        return d

    # --- the rule ---------------------------------------------------------------------------------------------

    def _raid(self, org: str, post: str, burst: list[RaidEvent]) -> Raid:
        start = burst[0].posted_at
        key = f"{org}:post:{post}:{start.isoformat()}"
        abusive = [e for e in burst if e.abusive]
        kind = RaidKind.RAID if len(abusive) * 2 >= len(burst) else RaidKind.CRITICISM_STORM
        members = []
        for author in dict.fromkeys(e.author for e in burst):
            mine = [e for e in burst if e.author == author]
            earlier = tuple(k for k in self.raids_of.get(author, []) if k != key)
            early = mine[0].posted_at - start <= timedelta(minutes=2)
            members.append(
                RaidMember(
                    author=author,
                    role=MemberRole.CORE if early or earlier else MemberRole.JOINER,
                    comments=len(mine),
                    abusive=sum(1 for e in mine if e.abusive),
                    first_at=mine[0].posted_at,
                    earlier_raids=earlier,
                )
            )
            if kind is RaidKind.RAID and key not in self.raids_of[author]:
                self.raids_of[author].append(key)
        texts: dict[str, list[str]] = defaultdict(list)
        for e in burst:
            texts[e.text.strip().lower()].append(e.comment_id)
        clusters = tuple(
            TextCluster(
                text=next(e.text for e in burst if e.comment_id == ids[0]), count=len(ids), comment_ids=tuple(ids)
            )
            for ids in texts.values()
            if len(ids) > 1
        )
        reasons = (Reason("raid.burst", f"{len(burst)} comments by {len(members)} authors", count=len(burst)),)
        return Raid(
            key=key,
            kind=kind,
            organisation=org,
            post=post,
            target=None,
            score=round(len(abusive) / len(burst), 3),
            started_at=start,
            last_at=burst[-1].posted_at,
            members=tuple(members),
            comment_ids=tuple(e.comment_id for e in burst),
            abusive_comment_ids=tuple(e.comment_id for e in abusive),
            clusters=clusters,
            reasons=reasons,
            channels=tuple(dict.fromkeys(e.channel for e in burst)),
        )


def make_double(state: Any) -> ScriptedDetector:
    """The `make_detector` of hierniet.services.raids.run_detection, with this double."""
    return ScriptedDetector.from_state(dict(state)) if state else ScriptedDetector()
