"""A raid's hold on new comments, where the platform holds comments one by one (issue 14: YouTube).

YouTube's Data API holds single comments (`comments.setModerationStatus`, moderationStatus=heldForReview), not
a video: so while a raid's hold on a post is active (a `raid_holds` row of mode `each`, made by the "hold" move
in hierniet.services.raids), ingestion (hierniet.services.ingest, in the transaction that stores the comments)
queues the platform's hold call for every new comment stored on that post, audits it as the machine's action
(`raid.held`), and notes it in `raid_held_comments`. Lifting the hold (the move's undo) releases exactly those
comments (`unhide`: published again), except the ones a person decided on since: their decision stands
(house rule 3). A person who decides on a held comment meanwhile goes through hierniet.services.decisions as
for any comment: a step that does not hide cancels the hold's call not sent yet, or shows the comment again.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from hierniet.services import audit
from hierniet.services.actions import ActionStatus
from hierniet.services.auth import Actor
from hierniet.store import repo, repo_raids
from hierniet.store import tables as t

#: How a hold is made on a channel (`raid_holds.mode`).
EACH, PLATFORM, BY_HAND = "each", "platform", "by_hand"
#: The platforms where a hold holds each new comment, and the connector's call that holds one comment (the
#: same call as the policy's hide on YouTube, so a person's later decision sees it as the comment's hide).
HOLD_EACH: Mapping[str, str] = {"youtube": "hold_for_review"}
#: The call that releases a comment the hold held (YouTube: moderationStatus=published).
RELEASE_EACH = "unhide"


@dataclass(frozen=True, slots=True)
class NewComment:
    """A comment ingestion has just stored, as the hold needs it."""

    comment_id: int
    channel_id: int
    organisation_id: int
    platform: str
    post: str | None
    # The calls the comment's own automatic step queued: a comment its step already holds is not held twice.
    auto_calls: Sequence[str] = ()


def hold_new(tx: Session, actor: Actor, new: Sequence[NewComment], now: datetime) -> dict[int, list[int]]:
    """Hold each new comment stored on a post under an active hold of mode `each`; hold id -> the comments
    held. Called in ingestion's transaction, so a comment is never stored without the hold's call."""
    candidates = [n for n in new if n.post and n.platform in HOLD_EACH]
    if not candidates:
        return {}
    holds = repo_raids.active_holds(tx, {(n.channel_id, str(n.post)) for n in candidates}, EACH)
    if not holds:
        return {}
    picked: list[tuple[NewComment, t.RaidHold]] = []
    for n in candidates:
        hold = holds.get((n.channel_id, str(n.post)))
        if hold is not None and HOLD_EACH[n.platform] not in n.auto_calls:
            picked.append((n, hold))
    if not picked:
        return {}
    # Bulk inserts, the new ids read back by comment (a batch held at once: an ordered RETURNING goes row by row
    # on SQLite). The comments are new in this transaction, so the only calls of theirs without a
    # recommendation or a decision are the hold's.
    repo.insert_many(
        tx,
        t.QueuedAction,
        [
            {
                "comment_id": n.comment_id,
                "channel_id": n.channel_id,
                "decision_id": None,
                "recommendation_id": None,
                "action": HOLD_EACH[n.platform],
                "payload": {"raid": hold.raid_id, "raid_hold": hold.id},
                "status": ActionStatus.QUEUED,
                "attempts": 0,
                "last_error": None,
                "not_before": now,
                "created_at": now,
                "updated_at": now,
            }
            for n, hold in picked
        ],
    )
    by_comment = repo_raids.machine_calls(tx, [n.comment_id for n, _ in picked], set(HOLD_EACH.values()))
    ids = [by_comment[n.comment_id] for n, _ in picked]
    repo.insert_many(
        tx,
        t.RaidHeldComment,
        [
            {"hold_id": hold.id, "comment_id": n.comment_id, "queued_action_id": queued, "held_at": now}
            for (n, hold), queued in zip(picked, ids, strict=True)
        ],
    )
    held: dict[int, list[int]] = {}
    outbox: dict[int, list[int]] = {}
    for (n, hold), queued in zip(picked, ids, strict=True):
        held.setdefault(hold.id, []).append(n.comment_id)
        outbox.setdefault(hold.id, []).append(queued)
    by_id = {hold.id: (hold, n.organisation_id) for n, hold in picked}
    for hold_id, comments in held.items():
        hold, organisation_id = by_id[hold_id]
        # The machine's action, named as such: whoever lifts the hold (or decides on a comment) takes it back.
        audit.record(
            tx,
            actor,
            action="raid.held",
            subject_type="raid",
            subject_id=hold.raid_id,
            organisation_id=organisation_id,
            detail={"hold": hold_id, "move": hold.action_id, "comments": comments, "outbox": outbox[hold_id]},
        )
    return held


@dataclass(slots=True)
class Released:
    """What lifting holds did to the comments they held."""

    released: list[int] = field(default_factory=list)  # outbox rows: holds cancelled unsent, or releases queued
    kept: dict[int, str] = field(default_factory=dict)  # comment -> why it stays as it is (a person's decision)
    comments: list[int] = field(default_factory=list)  # the comments released


def release(tx: Session, holds: Sequence[t.RaidHold], user_id: int | None, now: datetime) -> Released:
    """Lift `holds` and release the comments they held; a comment a person decided on since stays as they
    decided. A hold's call not sent yet is cancelled; one sent (or on its way) is taken back by a release."""
    out = Released()
    each = [h for h in holds if h.mode == EACH and h.lifted_at is None]
    rows = repo_raids.held_comments(tx, [h.id for h in each])
    decided = repo_raids.decided_since(tx, {r.comment_id: r.held_at for r in rows})
    queued_rows: dict[int, t.QueuedAction] = {
        a.id: a for a in tx.query(t.QueuedAction).filter(t.QueuedAction.id.in_([r.queued_action_id for r in rows]))
    }
    releases: list[dict[str, Any]] = []
    cancel: list[int] = []
    for r in rows:
        held = queued_rows.get(r.queued_action_id)
        if r.comment_id in decided:
            out.kept[r.comment_id] = "a person decided on it while it was held: their decision stands"
            continue
        if held is None or held.status in (ActionStatus.CANCELLED, ActionStatus.FAILED):
            continue  # the platform never held it: nothing to release
        if held.status in (ActionStatus.QUEUED, ActionStatus.MANUAL) and held.sent_at is None:
            cancel.append(held.id)
            out.comments.append(r.comment_id)
            continue
        releases.append(
            {
                "comment_id": r.comment_id,
                "channel_id": held.channel_id,
                "decision_id": None,
                "recommendation_id": None,
                "action": RELEASE_EACH,
                # `reverses`: a person who later hides the comment makes the platform's hold again
                # (hierniet.services.decisions._taken_back).
                "payload": {"reverses": held.id, "raid": (held.payload or {}).get("raid"), "raid_hold": r.hold_id},
                "status": ActionStatus.QUEUED,
                "attempts": 0,
                "last_error": None,
                "not_before": now,
                "created_at": now,
                "updated_at": now,
            }
        )
        out.comments.append(r.comment_id)
    repo.set_action_status(tx, cancel, ActionStatus.CANCELLED)
    out.released += cancel
    out.released += repo.insert_rows(tx, t.QueuedAction, releases)
    repo_raids.lift_holds(tx, [h.id for h in holds], user_id, now)
    return out
