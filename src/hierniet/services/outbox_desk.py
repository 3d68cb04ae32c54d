"""The outbox as people see it: every platform call with its state and the platform's answer, a retry for
one that failed, and "done by hand" for a call a person made on the platform themselves.

A call the platform has no API for (a Facebook report, an Instagram block) waits as "manual"
(hierniet.services.actions): a to-do shown on the comment's page with a link to the comment on the
platform. Ticking "done by hand" marks it done, naming who and when, in the row and in the audit log.
Anyone who may decide may tick a to-do of their team; a failed call (retry or done by hand) and the outbox
page are for leads (permission `manage_outbox`). The worker (hierniet.services.outbox) sends queued calls
only, so neither a to-do nor a ticked call is ever sent.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import quote

from sqlalchemy.orm import Session

from hierniet.services import audit
from hierniet.services.actions import ActionStatus
from hierniet.services.auth import Actor, Permission, require
from hierniet.services.errors import Conflict, InvalidInput, NotFound
from hierniet.services.queue import MAX_LIMIT
from hierniet.services.views import Page
from hierniet.store import repo, repo_team
from hierniet.store.tables import utcnow

#: The outbox page's states, in the order its filter offers them ("" is every state).
STATES: tuple[str, ...] = (
    ActionStatus.FAILED,
    ActionStatus.MANUAL,
    ActionStatus.QUEUED,
    ActionStatus.DONE,
    ActionStatus.CANCELLED,
)


#: How each platform writes its own name (a proper noun, the same in every language).
PLATFORM_NAMES: dict[str, str] = {
    "facebook": "Facebook",
    "instagram": "Instagram",
    "x": "X",
    "linkedin": "LinkedIn",
    "youtube": "YouTube",
    "tiktok": "TikTok",
    "mastodon": "Mastodon",
    "bluesky": "Bluesky",
}


#: What an answer means, in a person's words: a code per kind of answer the worker records
#: (hierniet.connectors.base.outcome_for_error and the worker's own lines), the first that matches.
_REASONS: tuple[tuple[str, str], ...] = (
    ("in doubt", "in_doubt"),
    ("channel not usable", "channel"),
    ("rate limited", "rate_limited"),
    ("platform unavailable", "down"),
    ("has no API for", "no_api"),
    ("gave up after", "gave_up"),
)


def reason_of(status: str, answer: str | None) -> str | None:
    """The kind of a call's answer (a key of the desk's words), None when there is nothing to explain."""
    if not answer or status in ("done", "cancelled"):
        return None
    for needle, code in _REASONS:
        if needle in answer:
            return code
    return "refused" if status == "failed" else None


@dataclass(frozen=True, slots=True)
class OutboxItem:
    """One platform call as the outbox page and a comment's page show it."""

    id: int
    comment_id: int
    platform: str
    channel: str
    action: str
    status: str
    attempts: int
    #: What the platform (or the worker) said: the outcome of a settled call, else the last error.
    answer: str | None
    created_at: datetime
    updated_at: datetime
    finished_at: datetime | None
    #: Sent once and interrupted: the platform may have done it (a person should look before a retry).
    sending: bool
    done_by: str | None
    done_at: datetime | None
    #: The comment on the platform, where a person does a manual call; None when no address is known.
    platform_url: str | None
    #: The raid whose move made the call (a hold on new comments and its lift), for the desk to link to.
    raid: int | None = None

    @property
    def by_hand(self) -> bool:
        return self.done_by is not None

    @property
    def reason(self) -> str | None:
        return reason_of(self.status, self.answer)

    @property
    def platform_name(self) -> str:
        return PLATFORM_NAMES.get(self.platform, self.platform)


def comment_url(platform: str, external_id: str, thread: str | None, post_url: str | None = None) -> str | None:
    """The comment's address on its platform (best effort from its ids), else its post's, else None."""
    ext = quote(external_id, safe="")
    if platform == "facebook":
        # Graph API comment ids are "<post>_<comment>"; the post's page opens at the comment.
        if thread:
            comment = quote(external_id.split("_")[-1], safe="")
            return f"https://www.facebook.com/{quote(thread, safe='')}?comment_id={comment}"
        return f"https://www.facebook.com/{ext}"
    if platform == "youtube" and thread:
        return f"https://www.youtube.com/watch?v={quote(thread, safe='')}&lc={ext}"
    if platform == "x":
        return f"https://x.com/i/web/status/{ext}"
    if platform == "bluesky" and external_id.startswith("at://"):
        parts = external_id[len("at://") :].split("/")
        if len(parts) == 3:
            return f"https://bsky.app/profile/{quote(parts[0], safe=':')}/post/{quote(parts[2], safe='')}"
    if post_url and post_url.startswith(("https://", "http://")):
        return post_url
    return None


def _item(row: repo_team.OutboxRow) -> OutboxItem:
    action, comment, channel, post, ticked = row
    settled = action.status in (ActionStatus.DONE, ActionStatus.FAILED, ActionStatus.CANCELLED)
    return OutboxItem(
        id=action.id,
        comment_id=comment.id,
        platform=channel.platform,
        channel=channel.name or channel.external_id,
        action=action.action,
        status=action.status,
        attempts=action.attempts,
        answer=(action.outcome if settled else None) or action.last_error,
        created_at=action.created_at,
        updated_at=action.updated_at,
        finished_at=action.finished_at,
        sending=action.status == ActionStatus.QUEUED and action.sent_at is not None,
        done_by=ticked.name if ticked is not None else None,
        done_at=action.manual_at,
        platform_url=comment_url(
            channel.platform, comment.external_id, comment.thread_external_id, post.url if post else None
        ),
        raid=_raid_of(action.payload),
    )


def _raid_of(payload: Any) -> int | None:
    raid = payload.get("raid") if isinstance(payload, dict) else None
    return raid if isinstance(raid, int) and not isinstance(raid, bool) else None


def outbox(store: repo.Store, actor: Actor, *, status: str = "", limit: int = 50, offset: int = 0) -> Page[OutboxItem]:
    """The organisation's platform calls in one state ("" for every one), the most recently changed first."""
    require(actor, Permission.MANAGE_OUTBOX, "see the outbox")
    if status and status not in STATES:
        raise InvalidInput(f"unknown state {status!r}: use one of {', '.join(STATES)}")
    if not 1 <= limit <= MAX_LIMIT or offset < 0:
        raise InvalidInput(f"ask for 1 to {MAX_LIMIT} calls from an offset of 0 or more")
    with store.session() as s:
        rows, total = repo_team.outbox(
            s, organisation_id=actor.organisation_id, statuses=(status,) if status else (), limit=limit, offset=offset
        )
    return Page(items=[_item(r) for r in rows], total=total, limit=limit, offset=offset)


def counts(store: repo.Store, actor: Actor) -> dict[str, int]:
    require(actor, Permission.MANAGE_OUTBOX, "see the outbox")
    with store.session() as s:
        return repo_team.outbox_counts(s, actor.organisation_id)


def comment_actions(store: repo.Store, actor: Actor, comment_id: int) -> list[OutboxItem]:
    """The platform calls of one comment (its page's list, with the to-dos to do by hand)."""
    require(actor, Permission.READ_QUEUE, "read comments")
    with store.session() as s:
        found = repo.get_comment(s, comment_id)
        if found is None or not actor.sees(found[1].organisation_id):
            raise NotFound(f"no comment {comment_id}: list comments with GET /api/v1/queue?status=any")
        return [_item(r) for r in repo_team.actions_of_comment(s, comment_id)]


def _load(s: Session, actor: Actor, action_id: int) -> repo_team.OutboxRow:
    row = repo_team.outbox_row(s, action_id)
    if row is None or not actor.sees(row[2].organisation_id):
        raise NotFound(f"no platform call {action_id}: see the outbox")
    return row


def retry(store: repo.Store, actor: Actor, action_id: int, *, now: datetime | None = None) -> OutboxItem:
    """Put a failed call back in the queue, as new: the worker sends it again (audited)."""
    require(actor, Permission.MANAGE_OUTBOX, "retry platform calls")
    now = now or utcnow()
    with store.transaction() as tx:
        action, _comment, channel, _post, _ticked = _load(tx, actor, action_id)
        previous = action.outcome or action.last_error
        if action.status != ActionStatus.FAILED or not repo_team.requeue(tx, action_id, now):
            raise Conflict(f"platform call {action_id} is {action.status}, not failed: only a failed call is retried")
        audit.record(
            tx,
            actor,
            action="action.retried",
            subject_type="queued_action",
            subject_id=action_id,
            organisation_id=channel.organisation_id,
            detail={
                "action": action.action,
                "platform": channel.platform,
                "comment_id": action.comment_id,
                "previous_outcome": previous,
            },
        )
        tx.expire_all()
        return _item(_load(tx, actor, action_id))


def done_by_hand(
    store: repo.Store, actor: Actor, action_id: int, *, note: str = "", now: datetime | None = None
) -> OutboxItem:
    """A person made the call on the platform themselves: it is done, in their name (audited).

    A to-do ("manual") may be ticked by anyone who decides; a failed call only by a lead, who checked it.
    """
    require(actor, Permission.DECIDE, "tick platform calls done by hand")
    if actor.user_id is None:
        raise InvalidInput("only a person with an account can tick a call done by hand")
    now = now or utcnow()
    note = " ".join(note.split())[:500]
    with store.transaction() as tx:
        action, _comment, channel, _post, _ticked = _load(tx, actor, action_id)
        status = action.status
        if status == ActionStatus.FAILED:
            require(actor, Permission.MANAGE_OUTBOX, "tick a failed platform call done by hand")
        elif status != ActionStatus.MANUAL:
            raise Conflict(
                f"platform call {action_id} is {status}: only a to-do for a person or a failed call can be "
                "ticked done by hand"
            )
        outcome = f"done by hand by {actor.name}" + (f": {note}" if note else "")
        if not repo_team.mark_done_by_hand(
            tx, action_id, from_statuses=(status,), user_id=actor.user_id, outcome=outcome, now=now
        ):
            raise Conflict(f"platform call {action_id} changed meanwhile: reload the page")
        audit.record(
            tx,
            actor,
            action="action.done_by_hand",
            subject_type="queued_action",
            subject_id=action_id,
            organisation_id=channel.organisation_id,
            detail={
                "action": action.action,
                "platform": channel.platform,
                "comment_id": action.comment_id,
                "was": status,
                "note": note,
            },
        )
        tx.expire_all()
        return _item(_load(tx, actor, action_id))


__all__ = ["STATES", "OutboxItem", "comment_actions", "comment_url", "counts", "done_by_hand", "outbox", "retry"]
