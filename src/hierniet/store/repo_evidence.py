"""The queries behind evidence packs (hierniet.services.evidence): a comment's thread, an author's comments on
the organisations a person sees, and the audit trail of a comment and its platform calls.

Kept beside hierniet.store.repo (same rules: reads only here, no commits).
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from hierniet.store.tables import AuditEntry, Channel, Comment


def thread_around(session: Session, comment: Comment, *, before: int, after: int) -> list[Comment]:
    """Up to `before` comments of the same thread posted before `comment` and `after` posted after it, with the
    comment itself, in the order they were posted (a pack shows what the comment answered and what followed)."""
    if not comment.thread_external_id:
        return [comment]
    same = and_(Comment.channel_id == comment.channel_id, Comment.thread_external_id == comment.thread_external_id)
    key = (Comment.posted_at, Comment.id)
    earlier = list(
        session.scalars(
            select(Comment)
            .where(same, or_(key[0] < comment.posted_at, and_(key[0] == comment.posted_at, key[1] < comment.id)))
            .order_by(Comment.posted_at.desc(), Comment.id.desc())
            .limit(before)
        )
    )
    later = list(
        session.scalars(
            select(Comment)
            .where(same, or_(key[0] > comment.posted_at, and_(key[0] == comment.posted_at, key[1] > comment.id)))
            .order_by(Comment.posted_at, Comment.id)
            .limit(after)
        )
    )
    return [*reversed(earlier), comment, *later]


def comments_of_author(session: Session, author_id: int, organisation_id: int | None, *, limit: int) -> list[int]:
    """The ids of the author's comments on one organisation's channels (None: every organisation), oldest first."""
    stmt = select(Comment.id).join(Channel, Comment.channel_id == Channel.id).where(Comment.author_id == author_id)
    if organisation_id is not None:
        stmt = stmt.where(Channel.organisation_id == organisation_id)
    return list(session.scalars(stmt.order_by(Comment.posted_at, Comment.id).limit(limit)))


def author_comments_on(session: Session, author_id: int, organisation_id: int, *, limit: int) -> list[Comment]:
    """The author's latest comments on one organisation's channels, newest first (their record there)."""
    stmt = (
        select(Comment)
        .join(Channel, Comment.channel_id == Channel.id)
        .where(Comment.author_id == author_id, Channel.organisation_id == organisation_id)
        .order_by(Comment.posted_at.desc(), Comment.id.desc())
        .limit(limit)
    )
    return list(session.scalars(stmt))


def trail(
    session: Session, comment_id: int, action_ids: Sequence[int], *, leave_out: Sequence[str] = ()
) -> list[AuditEntry]:
    """The audit entries about a comment and about its platform calls, oldest first; `leave_out` names actions
    to skip (earlier packs of the same comment, so that packing twice gives the same bytes)."""
    about = and_(AuditEntry.subject_type == "comment", AuditEntry.subject_id == str(comment_id))
    if action_ids:
        calls = and_(
            AuditEntry.subject_type == "queued_action", AuditEntry.subject_id.in_([str(a) for a in action_ids])
        )
        about = or_(about, calls)
    stmt = select(AuditEntry).where(about)
    if leave_out:
        stmt = stmt.where(AuditEntry.action.not_in(list(leave_out)))
    return list(session.scalars(stmt.order_by(AuditEntry.id)))


def pack_entries(session: Session, digest: str) -> list[AuditEntry]:
    """The `evidence.packed` entries recorded for a pack whose manifest has this SHA-256, newest first."""
    stmt = select(AuditEntry).where(
        AuditEntry.action == "evidence.packed",
        AuditEntry.subject_type == "evidence_pack",
        AuditEntry.subject_id == digest,
    )
    return list(session.scalars(stmt.order_by(AuditEntry.id.desc())))
