"""The raid detector's contract: what it reads (one `RaidEvent` per stored comment) and what it finds (`Raid`).

Pure data, like `hierniet.domain`: the detector (`hierniet.raids.detector`) knows nothing of the store, the web
or the platforms; `hierniet.services.raids` turns stored comments into events and findings into rows, pages and
outbox actions. Both sides are written against this module only.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any, Protocol

from hierniet.domain import Reason


class RaidKind(StrEnum):
    """What a burst is. A criticism storm (many authors with history, complaints, varied wording) is answered,
    never hidden: the desk says it is not a raid."""

    RAID = "raid"
    CRITICISM_STORM = "criticism_storm"


class MemberRole(StrEnum):
    """The core acts in the burst's first minutes, copies its texts or is known from an earlier raid; joiners
    pile on afterwards."""

    CORE = "core"
    JOINER = "joiner"


@dataclass(frozen=True, slots=True)
class RaidEvent:
    """One comment as the detector sees it. Ids are strings so the detector never depends on the store's keys.

    `abusive` is the triage verdict's reading (insult, hate, threat, sexual, provocation or doxxing among its
    labels, or a person's decision that it was); `criticism` likewise. `author_known` is True when the author
    commented on this organisation's channels before `known_before` (the detector's own baseline tells it
    otherwise). `account_created_at` is the platform's account creation time where the platform says it.
    `targets` are the people the comment names or addresses (@handles, names of the organisation's staff),
    normalised by the caller (lower case, no @)."""

    comment_id: str
    organisation: str
    channel: str
    platform: str
    post: str | None
    author: str
    posted_at: datetime  # timezone-aware (UTC)
    text: str
    abusive: bool = False
    criticism: bool = False
    author_known: bool = False
    account_created_at: datetime | None = None
    targets: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class RaidMember:
    author: str  # the platform's author id
    role: MemberRole
    comments: int
    abusive: int
    first_at: datetime
    # Earlier raids (their `key`) this author was a member of: the recurring core of a brigade.
    earlier_raids: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class TextCluster:
    """Near-duplicate comments of one raid: one canonical text shown (masked by the desk like any severe
    text), with how many there were."""

    text: str
    count: int
    comment_ids: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Raid:
    """A burst the detector found, raid or criticism storm, as it stands now (a later call may grow it).

    `key` is stable for the life of the burst (organisation, post or target, start), so the store updates one
    row as the burst grows. `score` is in [0, 1]; `reasons` say in words (with codes and values, like a
    verdict's) why it is a raid or why it is not."""

    key: str
    kind: RaidKind
    organisation: str
    post: str | None
    target: str | None
    score: float
    started_at: datetime
    last_at: datetime
    members: tuple[RaidMember, ...]
    comment_ids: tuple[str, ...]
    abusive_comment_ids: tuple[str, ...]
    clusters: tuple[TextCluster, ...] = ()
    reasons: tuple[Reason, ...] = ()
    channels: tuple[str, ...] = field(default=())

    @property
    def core(self) -> tuple[str, ...]:
        return tuple(m.author for m in self.members if m.role is MemberRole.CORE)

    @property
    def joiners(self) -> tuple[str, ...]:
        return tuple(m.author for m in self.members if m.role is MemberRole.JOINER)


class RaidDetector(Protocol):
    """What `hierniet.raids.detector.RaidDetector` offers the service side (the worker, `hierniet raids
    detect`). It is incremental: events are fed in arrival order, findings are asked for at a moment, and its
    whole state (sliding windows, baselines, who was in which earlier raid) is a JSON-able dict that the store
    keeps, so a restarted worker picks up where it stopped and a brigade's core is known on its second raid."""

    def observe(self, events: Sequence[RaidEvent]) -> None:
        """Take new events (any order within the batch; an event seen before is ignored)."""

    def findings(self, now: datetime) -> list[Raid]:
        """The bursts open or closed since the last call, raids and criticism storms, as they stand at `now`."""

    def state(self) -> dict[str, Any]:
        """Everything needed to rebuild this detector (`RaidDetector.from_state`), as JSON-able data."""
