"""Who is on a comment: opening it claims it for a few minutes, a lead can assign it to a person.

Two moderators should not handle the same comment, but nobody may be locked out either (the one who opened
it may have gone for coffee): a claim only warns the others, who can still decide or take it over
explicitly. Opening a comment nobody holds (or whose claim ran out) claims it for CLAIM_MINUTES; opening it
again while holding it extends the claim. A lead's assignment has no end. Deciding (or escalating) ends
either (hierniet.services.decisions). Taking over and assigning are audited; opening is reading, not.
Words used here are defined in docs/concepts.md ("The desk as a team").
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from hierniet.services import audit
from hierniet.services.auth import Actor, Permission, require
from hierniet.services.errors import InvalidInput, NotFound
from hierniet.services.views import CommentStatus
from hierniet.store import repo, repo_desk, repo_team
from hierniet.store.tables import Channel, Comment, CommentClaim, User, utcnow

#: How long opening a comment keeps it claimed: long enough to read and decide, short enough that a comment
#: left open in a forgotten tab comes back to the others soon.
CLAIM_MINUTES = 5


@dataclass(frozen=True, slots=True)
class Holder:
    """The person on a comment now."""

    comment_id: int
    user_id: int
    name: str
    since: datetime
    until: datetime | None  # None: assigned by a lead, until someone decides
    assigned_by: str | None
    mine: bool

    @property
    def assigned(self) -> bool:
        return self.until is None

    def minutes(self, now: datetime | None = None) -> int:
        """Whole minutes since they took it (at least 1, so "0 min" never reads as "not at all")."""
        return max(1, int(((now or utcnow()) - self.since).total_seconds() // 60))


@dataclass(frozen=True, slots=True)
class Person:
    """Someone a lead can assign a comment to."""

    id: int
    name: str
    role: str


def _holder(claim: CommentClaim, user: User, assigner: User | None, actor: Actor) -> Holder:
    return Holder(
        comment_id=claim.comment_id,
        user_id=user.id,
        name=user.name,
        since=claim.claimed_at,
        until=claim.expires_at,
        assigned_by=assigner.name if assigner is not None else None,
        mine=user.id == actor.user_id,
    )


def _visible_channel(s: Session, actor: Actor, comment_id: int) -> Channel:
    return _visible(s, actor, comment_id)[1]


def _visible(s: Session, actor: Actor, comment_id: int) -> tuple[Comment, Channel]:
    found = repo.get_comment(s, comment_id)
    if found is None or not actor.sees(found[1].organisation_id):
        raise NotFound(f"no comment {comment_id}: list comments with GET /api/v1/queue?status=any")
    return found[0], found[1]


def _put(tx: Session, comment_id: int, *, retry: bool, **values: Any) -> bool:
    """Make `values["user_id"]` the holder. Two people opening a comment at once both find it free and both
    insert: the second insert fails; in a savepoint, so the caller reads who won (or, with `retry`, for an
    explicit take-over or assignment, replaces it) instead of failing the page."""
    for _ in range(2 if retry else 1):
        try:
            with tx.begin_nested():
                repo_team.put_claim(tx, comment_id, **values)
        except IntegrityError:
            continue
        return True
    return False


def _waits_for(comment: Comment, actor: Actor) -> bool:
    """A comment this person would decide from the queue: open, or escalated and they resolve escalations.
    Reading a decided comment (or an escalated one, as a moderator) claims nothing."""
    if comment.status == CommentStatus.OPEN:
        return True
    return comment.status == CommentStatus.ESCALATED and actor.can(Permission.RESOLVE_ESCALATION)


def _current(s: Session, actor: Actor, comment_id: int, now: datetime) -> Holder | None:
    found = repo_team.claims_for(s, [comment_id], now).get(comment_id)
    return _holder(*found, actor) if found is not None else None


def holders(
    store: repo.Store, actor: Actor, comment_ids: Sequence[int], *, now: datetime | None = None
) -> dict[int, Holder]:
    """The live holder of each of these comments that has one (the queue's "Anne is on it, 2 min")."""
    require(actor, Permission.READ_QUEUE, "read the queue")
    with store.session() as s:
        found = repo_team.claims_for(s, list(dict.fromkeys(comment_ids)), now or utcnow())
    return {cid: _holder(*row, actor) for cid, row in found.items()}


def open_comment(store: repo.Store, actor: Actor, comment_id: int, *, now: datetime | None = None) -> Holder | None:
    """A person opens a comment: claim it if nobody holds it, extend their own claim; the holder after that.

    The holder may be someone else (the page then warns); None only for someone who cannot decide (no claim).
    """
    require(actor, Permission.READ_QUEUE, "read comments")
    now = now or utcnow()
    with store.transaction() as tx:
        comment, _channel = _visible(tx, actor, comment_id)
        current = _current(tx, actor, comment_id, now)
        if actor.user_id is None or not actor.can(Permission.DECIDE) or not _waits_for(comment, actor):
            return current
        until = now + timedelta(minutes=CLAIM_MINUTES)
        if current is None:
            # Nobody holds it, or a claim ran out: the row (if any) is replaced.
            _put(tx, comment_id, retry=False, user_id=actor.user_id, claimed_at=now, expires_at=until, assigned_by=None)
        elif current.mine and not current.assigned:
            repo_team.extend_claim(tx, comment_id, actor.user_id, until)
        else:
            return current
        return _current(tx, actor, comment_id, now)


def take_over(store: repo.Store, actor: Actor, comment_id: int, *, now: datetime | None = None) -> Holder:
    """The person handles the comment from now on, whoever held it (audited, with whom they took it from).

    An assignment stays an assignment (now to this person); a claim starts afresh.
    """
    require(actor, Permission.DECIDE, "take over comments")
    if actor.user_id is None:
        raise InvalidInput("only a person with an account can take a comment over")
    now = now or utcnow()
    with store.transaction() as tx:
        channel = _visible_channel(tx, actor, comment_id)
        current = _current(tx, actor, comment_id, now)
        if current is not None and current.mine:
            return current
        assigned = current is not None and current.assigned
        row = repo_team.get_claim(tx, comment_id) if assigned else None
        _put(
            tx,
            comment_id,
            retry=True,
            user_id=actor.user_id,
            claimed_at=now,
            expires_at=None if assigned else now + timedelta(minutes=CLAIM_MINUTES),
            # Taking over an assignment keeps who assigned it: the lead's plan changed hands, not its author.
            assigned_by=(row.assigned_by if row is not None else None) if assigned else None,
        )
        audit.record(
            tx,
            actor,
            action="comment.taken_over",
            subject_type="comment",
            subject_id=comment_id,
            organisation_id=channel.organisation_id,
            detail={"from": current.name if current else None, "assigned": assigned},
        )
        holder = _current(tx, actor, comment_id, now)
    assert holder is not None
    return holder


def assignable(store: repo.Store, actor: Actor, comment_id: int) -> list[Person]:
    """The active people of the comment's organisation who can decide (a lead's choice when assigning)."""
    require(actor, Permission.ASSIGN, "assign comments")
    with store.session() as s:
        channel = _visible_channel(s, actor, comment_id)
        people = repo_desk.users_of(s, channel.organisation_id)
    return [Person(p.id, p.name, p.role) for p in people if p.password_hash]


def assign(store: repo.Store, actor: Actor, comment_id: int, user_id: int, *, now: datetime | None = None) -> Holder:
    """A lead gives the comment to a person of its organisation until someone decides (audited)."""
    require(actor, Permission.ASSIGN, "assign comments")
    now = now or utcnow()
    with store.transaction() as tx:
        channel = _visible_channel(tx, actor, comment_id)
        person = repo_desk.get_user(tx, user_id)
        if person is None or not person.active or person.organisation_id != channel.organisation_id:
            raise InvalidInput(
                f"no active person {user_id} in the comment's organisation: choose someone from the list"
            )
        previous = _current(tx, actor, comment_id, now)
        _put(tx, comment_id, retry=True, user_id=person.id, claimed_at=now, expires_at=None, assigned_by=actor.user_id)
        audit.record(
            tx,
            actor,
            action="comment.assigned",
            subject_type="comment",
            subject_id=comment_id,
            organisation_id=channel.organisation_id,
            detail={"to": person.name, "to_user": person.id, "from": previous.name if previous else None},
        )
        holder = _current(tx, actor, comment_id, now)
    assert holder is not None
    return holder


__all__ = ["CLAIM_MINUTES", "Holder", "Person", "assign", "assignable", "holders", "open_comment", "take_over"]
