"""The store side of data protection: what retention and erasure read, and the redactions they write.

This is the only module that writes to the append-only tables after their rows were added, and only
in the one way their triggers allow (migration 0008): blanking the columns that carry personal data,
with `redacted_by` naming the "privacy.retention" or "privacy.erasure" audit entry that records it.
Author rows (not append-only) are deleted here once nothing refers to them any more.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, exists, or_, select, text, update
from sqlalchemy.orm import Session

from hierniet.store.search import SQLITE_TABLES
from hierniet.store.tables import (
    AuditEntry,
    Author,
    Channel,
    Comment,
    CommentRevision,
    Decision,
    Organisation,
    QueuedAction,
    Recommendation,
    Verdict,
    utcnow,
)

#: The audit actions allowed to authorise a redaction (the triggers of migration 0008 check the same).
RETENTION_ACTION = "privacy.retention"
ERASURE_ACTION = "privacy.erasure"

#: Statuses of a comment that a person still has to decide on: an open case.
UNDECIDED = ("open", "escalated")
#: Outbox statuses after which nothing more is sent: anything else is still in progress.
FINISHED_ACTIONS = ("done", "failed", "cancelled")

_IN_CHUNK = 500


def _chunks(values: Sequence[int]) -> Iterable[Sequence[int]]:
    for i in range(0, len(values), _IN_CHUNK):
        yield values[i : i + _IN_CHUNK]


@dataclass(frozen=True, slots=True)
class ChannelPolicies:
    channel_id: int
    organisation_id: int
    channel_yaml: str | None
    organisation_yaml: str | None


def channel_policies(session: Session) -> list[ChannelPolicies]:
    rows = session.execute(
        select(Channel.id, Channel.organisation_id, Channel.policy_yaml, Organisation.policy_yaml)
        .join(Organisation, Organisation.id == Channel.organisation_id)
        .order_by(Channel.id)
    )
    return [ChannelPolicies(*row) for row in rows]


def add_privacy_entry(
    session: Session,
    *,
    user_id: int | None,
    actor: str,
    action: str,
    subject_type: str,
    subject_id: str | int | None,
    organisation_id: int | None,
    detail: Mapping[str, Any],
) -> int:
    """Append the audit entry a redaction will point at, and return its id."""
    row = AuditEntry(
        at=utcnow(),
        user_id=user_id,
        actor=actor,
        action=action,
        subject_type=subject_type,
        subject_id=str(subject_id) if subject_id is not None else None,
        organisation_id=organisation_id,
        detail=dict(detail),
    )
    session.add(row)
    session.flush()
    return row.id


def comments_before(session: Session, channel_id: int, before: datetime, *, unredacted: str) -> list[Comment]:
    """Comments of a channel posted before `before` whose text (or PII) is not yet redacted."""
    column = Comment.redacted_at if unredacted == "text" else Comment.pii_redacted_at
    stmt = (
        select(Comment)
        .where(Comment.channel_id == channel_id, Comment.posted_at < before, column.is_(None))
        .where(Comment.redacted_at.is_(None))
        .order_by(Comment.id)
    )
    return list(session.scalars(stmt))


def author_comments(session: Session, author_id: int, organisation_id: int | None) -> list[Comment]:
    stmt = select(Comment).where(Comment.author_id == author_id).order_by(Comment.id)
    if organisation_id is not None:
        stmt = stmt.join(Channel, Channel.id == Comment.channel_id).where(Channel.organisation_id == organisation_id)
    return list(session.scalars(stmt))


def author_decisions(session: Session, author_id: int, organisation_id: int | None) -> list[Decision]:
    stmt = select(Decision).where(Decision.author_id == author_id).order_by(Decision.id)
    if organisation_id is not None:
        stmt = stmt.where(Decision.organisation_id == organisation_id)
    return list(session.scalars(stmt))


def comment_organisations(session: Session, comment_ids: Sequence[int]) -> dict[int, int]:
    out: dict[int, int] = {}
    for chunk in _chunks(list(comment_ids)):
        rows = session.execute(
            select(Comment.id, Channel.organisation_id)
            .join(Channel, Channel.id == Comment.channel_id)
            .where(Comment.id.in_(chunk))
        )
        out.update({cid: oid for cid, oid in rows})
    return out


#: Reports as outbox rows: to the platform, and the to-dos an evidence pack leaves for Unia or the police
#: (hierniet.services.evidence.TODO_CALLS); one still open holds the comment, as any report in progress.
REPORT_CALLS = ("report", "report_unia", "report_police")


def open_cases(session: Session, comment_ids: Sequence[int]) -> dict[int, str]:
    """Which of these comments an open case holds, and why: undecided, a report in progress, or evidence."""
    held: dict[int, str] = {}
    for chunk in _chunks(list(comment_ids)):
        for cid, status, hold in session.execute(
            select(Comment.id, Comment.status, Comment.evidence_hold).where(Comment.id.in_(chunk))
        ):
            if hold:
                held[cid] = "kept as evidence"
            elif status in UNDECIDED:
                held[cid] = "not decided yet"
        in_progress = select(QueuedAction.comment_id).where(
            QueuedAction.comment_id.in_(chunk),
            QueuedAction.action.in_(REPORT_CALLS),
            QueuedAction.status.not_in(FINISHED_ACTIONS),
        )
        for cid in session.scalars(in_progress.distinct()):
            held.setdefault(cid, "report in progress")
    return held


def reported_comments(session: Session, comment_ids: Sequence[int]) -> set[int]:
    """Comments a person reported (to the platform, Unia or the police): evidence, kept longer."""
    out: set[int] = set()
    for chunk in _chunks(list(comment_ids)):
        for cid, reports in session.execute(
            select(Decision.comment_id, Decision.reports).where(Decision.comment_id.in_(chunk))
        ):
            if reports and cid is not None:
                out.add(cid)
        sent = select(QueuedAction.comment_id).where(
            QueuedAction.comment_id.in_(chunk), QueuedAction.action.in_(REPORT_CALLS), QueuedAction.status == "done"
        )
        out.update(session.scalars(sent))
    return out


def revisions_of(session: Session, comment_ids: Sequence[int]) -> list[CommentRevision]:
    rows: list[CommentRevision] = []
    for chunk in _chunks(list(comment_ids)):
        rows.extend(session.scalars(select(CommentRevision).where(CommentRevision.comment_id.in_(chunk))))
    return rows


def verdicts_of(session: Session, comment_ids: Sequence[int]) -> list[Verdict]:
    rows: list[Verdict] = []
    for chunk in _chunks(list(comment_ids)):
        rows.extend(session.scalars(select(Verdict).where(Verdict.comment_id.in_(chunk)).order_by(Verdict.id)))
    return rows


def decisions_of(session: Session, comment_ids: Sequence[int]) -> list[Decision]:
    rows: list[Decision] = []
    for chunk in _chunks(list(comment_ids)):
        rows.extend(session.scalars(select(Decision).where(Decision.comment_id.in_(chunk)).order_by(Decision.id)))
    return rows


def decisions_before(session: Session, organisation_id: int, before: datetime) -> list[Decision]:
    """A person's decisions of an organisation made before `before` that still name an author or a text."""
    stmt = (
        select(Decision)
        .where(Decision.organisation_id == organisation_id, Decision.created_at < before)
        .where(or_(Decision.author_id.is_not(None), Decision.reply != "", Decision.reason != ""))
        .order_by(Decision.id)
    )
    return list(session.scalars(stmt))


def set_comment(session: Session, comment_id: int, **values: Any) -> None:
    session.execute(update(Comment).where(Comment.id == comment_id).values(**values))


def set_verdict(
    session: Session,
    verdict_id: int,
    *,
    evidence: list[dict[str, Any]],
    pii: list[dict[str, Any]],
    reasons: list[str | dict[str, Any]],
) -> None:
    session.execute(update(Verdict).where(Verdict.id == verdict_id).values(evidence=evidence, pii=pii, reasons=reasons))


def redact_revision(session: Session, revision_id: int, text: str, *, entry_id: int) -> None:
    session.execute(
        update(CommentRevision).where(CommentRevision.id == revision_id).values(text=text, redacted_by=entry_id)
    )


def redact_decision(session: Session, decision_id: int, *, entry_id: int, unlink_author: bool) -> None:
    unlinked: dict[str, Any] = {"author_id": None} if unlink_author else {}
    stmt = update(Decision).where(Decision.id == decision_id).values(reply="", reason="", redacted_by=entry_id)
    session.execute(stmt.values(**unlinked))


def recommendations_of(session: Session, comment_ids: Sequence[int]) -> list[Recommendation]:
    rows: list[Recommendation] = []
    for chunk in _chunks(list(comment_ids)):
        stmt = select(Recommendation).where(Recommendation.comment_id.in_(chunk)).order_by(Recommendation.id)
        rows.extend(session.scalars(stmt))
    return rows


def set_recommendation(session: Session, recommendation_id: int, *, reasons: list[str | dict[str, Any]]) -> None:
    session.execute(update(Recommendation).where(Recommendation.id == recommendation_id).values(reasons=reasons))


def actions_of(session: Session, comment_ids: Sequence[int]) -> list[QueuedAction]:
    rows: list[QueuedAction] = []
    for chunk in _chunks(list(comment_ids)):
        rows.extend(session.scalars(select(QueuedAction).where(QueuedAction.comment_id.in_(chunk))))
    return rows


def set_action(session: Session, action_id: int, **values: Any) -> None:
    session.execute(update(QueuedAction).where(QueuedAction.id == action_id).values(**values))


def audit_about(session: Session, comment_ids: Sequence[int], action_ids: Sequence[int]) -> list[AuditEntry]:
    """The audit entries whose subject is one of these comments or platform calls."""
    rows: list[AuditEntry] = []
    for subject_type, ids in (("comment", comment_ids), ("queued_action", action_ids)):
        for chunk in _chunks(list(ids)):
            stmt = select(AuditEntry).where(
                AuditEntry.subject_type == subject_type, AuditEntry.subject_id.in_([str(i) for i in chunk])
            )
            rows.extend(session.scalars(stmt.order_by(AuditEntry.id)))
    return rows


def redact_audit_detail(session: Session, audit_id: int, detail: Mapping[str, Any], *, entry_id: int) -> None:
    session.execute(
        update(AuditEntry).where(AuditEntry.id == audit_id).values(detail=dict(detail), redacted_by=entry_id)
    )


def redact_decision_audit(session: Session, decision_ids: Sequence[int], *, entry_id: int) -> int:
    """Blank the reason a decision's audit entries repeat; returns how many entries changed."""
    wanted = set(decision_ids)
    if not wanted:
        return 0
    changed = 0
    # The entries that repeat a decision's reason: decision.* and author.cleared (hierniet.services.decisions).
    stmt = select(AuditEntry).where(
        or_(AuditEntry.action.like("decision.%"), AuditEntry.action == "author.cleared"),
        or_(AuditEntry.redacted_by.is_(None), AuditEntry.redacted_by != entry_id),
    )
    for row in session.scalars(stmt):
        detail = dict(row.detail or {})
        if detail.get("decision") in wanted and detail.get("reason"):
            redact_audit_detail(session, row.id, {**detail, "reason": ""}, entry_id=entry_id)
            changed += 1
    return changed


@contextmanager
def overwriting_deleted(session: Session) -> Iterator[None]:
    """SQLite keeps deleted and overwritten rows' bytes in free pages until they are reused: inside this
    block it overwrites them with zeros instead (PRAGMA secure_delete), for this connection only."""
    sqlite = session.get_bind().dialect.name == "sqlite"
    if sqlite:
        session.execute(text("PRAGMA secure_delete = ON"))
    try:
        yield
    finally:
        if sqlite:
            session.execute(text("PRAGMA secure_delete = OFF"))


def compact_search(session: Session) -> None:
    """Drop erased words from the search's index (SQLite: FTS5 only marks a deleted row's words as deleted,
    and keeps them in its segments until they merge; 'optimize' merges them all now). PostgreSQL's
    generated column is recomputed with the row: nothing to do."""
    if session.get_bind().dialect.name != "sqlite":
        return
    session.flush()
    for table in SQLITE_TABLES:
        session.execute(text(f"INSERT INTO {table}({table}) VALUES ('optimize')"))


def unlink_comment_author(session: Session, comment_ids: Sequence[int]) -> None:
    for chunk in _chunks(list(comment_ids)):
        session.execute(update(Comment).where(Comment.id.in_(chunk)).values(author_id=None))


def comments_linked_before(session: Session, channel_id: int, before: datetime) -> list[int]:
    stmt = select(Comment.id).where(
        Comment.channel_id == channel_id, Comment.posted_at < before, Comment.author_id.is_not(None)
    )
    return list(session.scalars(stmt.order_by(Comment.id)))


def orphan_authors(session: Session, author_ids: Iterable[int] | None = None) -> list[int]:
    """Authors no comment and no decision refers to any more."""
    stmt = select(Author.id).where(
        ~exists().where(Comment.author_id == Author.id), ~exists().where(Decision.author_id == Author.id)
    )
    if author_ids is not None:
        ids = list(author_ids)
        if not ids:
            return []
        stmt = stmt.where(Author.id.in_(ids))
    return list(session.scalars(stmt.order_by(Author.id)))


def delete_authors(session: Session, author_ids: Sequence[int]) -> None:
    for chunk in _chunks(list(author_ids)):
        session.execute(delete(Author).where(Author.id.in_(chunk)))


def last_entry_at(session: Session, action: str) -> datetime | None:
    value: datetime | None = session.scalar(
        select(AuditEntry.at).where(AuditEntry.action == action).order_by(AuditEntry.at.desc()).limit(1)
    )
    return value
