"""Comments removed on the platform (by their author, the organisation or the platform itself).

What a removal changes, per comment (docs/concepts.md, "removed on the platform"):

* the comment gets `removed_at`; its text, verdicts, decisions and revisions stay (they are the evidence);
* nobody decided on it yet: it leaves the queue with the status `removed` (counted on its own), except an
  alert that waits for a lead (self-harm, a credible threat): the person behind it still matters, so it
  keeps waiting, marked removed;
* a person decided already: the decision and the status stay, the desk shows "removed on the platform";
* its still-queued platform calls are cancelled with the reason, except those aimed at the author rather
  than the comment (report, block, ban, mute): a report of what was said still makes sense when it is gone,
  since hierniet kept the text.

Removing twice is a no-op; ids hierniet never stored are listed in the channel's audit line only.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.orm import Session

from hierniet.services.actions import ActionStatus
from hierniet.services.views import CommentStatus
from hierniet.store import repo
from hierniet.store.tables import Channel

#: Queued calls that still make sense once the comment is gone: they are about its author (an undo's lifting
#: of a block, a ban or a mute included), or report it.
KEPT_AFTER_REMOVAL: frozenset[str] = frozenset(
    {"report", "block", "ban_from_page", "mute", "unblock", "unban_from_page", "unmute"}
)

CANCEL_REASON = "cancelled: the comment was removed on the platform"


@dataclass(slots=True)
class RemovalResult:
    removed: list[int] = field(default_factory=list)  # comment ids marked removed now
    unknown: list[str] = field(default_factory=list)  # external ids hierniet never stored
    cancelled: int = 0  # queued calls cancelled


def record_removals(
    tx: Session, channel: Channel, external_ids: Sequence[str], *, actor: str, now: datetime
) -> RemovalResult:
    """Mark these comments of `channel` as removed on the platform, inside the caller's transaction."""
    result = RemovalResult()
    wanted = list(dict.fromkeys(external_ids))
    found = repo.comments_of_channel(tx, channel.id, wanted)
    known = {c.external_id for c in found}
    result.unknown = [e for e in wanted if e not in known]
    for comment in found:
        if comment.removed_at is not None:
            continue
        previous = comment.status
        waits_for_lead = previous == CommentStatus.ESCALATED and comment.alert_lead
        leaves_queue = previous != CommentStatus.DECIDED and not waits_for_lead
        repo.mark_removed(
            tx, comment.id, removed_at=now, status=CommentStatus.REMOVED.value if leaves_queue else None
        )
        # A to-do for a person (a call the platform has no API for) is pending like a queued call.
        pending = (ActionStatus.QUEUED, ActionStatus.MANUAL)
        queued = [a for a in repo.actions_for_comment(tx, comment.id) if a.status in pending]
        cancel = [a for a in queued if a.action not in KEPT_AFTER_REMOVAL]
        repo.cancel_actions(tx, [a.id for a in cancel], CANCEL_REASON, now=now)
        result.removed.append(comment.id)
        result.cancelled += len(cancel)
        repo.append_audit(
            tx,
            user_id=None,
            actor=actor,
            action="comment.removed_on_platform",
            subject_type="comment",
            subject_id=comment.id,
            organisation_id=channel.organisation_id,
            detail={
                "external_id": comment.external_id,
                "previous_status": previous,
                "status": CommentStatus.REMOVED.value if leaves_queue else previous,
                "decided_step": comment.decided_step,
                "cancelled": [a.action for a in cancel],
                "kept": [a.action for a in queued if a.action in KEPT_AFTER_REMOVAL],
            },
        )
    return result


__all__ = ["CANCEL_REASON", "KEPT_AFTER_REMOVAL", "RemovalResult", "record_removals"]
