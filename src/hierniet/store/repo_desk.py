"""The queries and writes of the desk's pages (issue 4): people's passwords, languages and preferences,
the severe items each person revealed, and the evidence behind queue previews.

Kept beside hierniet.store.repo (same rules: no commits here, the caller's `Store.transaction()` commits;
nothing updates or deletes the append-only tables) so the desk's additions stay in one place.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from hierniet.store.tables import AuditEntry, Comment, SignInAttempt, User, Verdict

#: The audit action of one reveal of shielded (severe) content on the desk.
REVEAL_ACTION = "comment.revealed"


def user_by_name(session: Session, name: str) -> User | None:
    return session.scalars(select(User).where(User.name == name)).first()


def get_user(session: Session, user_id: int) -> User | None:
    return session.get(User, user_id)


def set_password_hash(session: Session, user_id: int, password_hash: str | None) -> None:
    session.execute(update(User).where(User.id == user_id).values(password_hash=password_hash))


def bump_session_epoch(session: Session, user_id: int) -> None:
    """End every desk session of this user (they carry the epoch they were made under)."""
    session.execute(update(User).where(User.id == user_id).values(session_epoch=User.session_epoch + 1))


def set_locale(session: Session, user_id: int, locale: str | None) -> None:
    session.execute(update(User).where(User.id == user_id).values(locale=locale))


def set_preferences(session: Session, user_id: int, preferences: dict[str, Any]) -> None:
    session.execute(update(User).where(User.id == user_id).values(preferences=dict(preferences)))


def users_of(session: Session, organisation_id: int | None) -> list[User]:
    """Active people of one organisation (every organisation when None), by name."""
    stmt = select(User).where(User.active.is_(True)).order_by(User.name)
    if organisation_id is not None:
        stmt = stmt.where(User.organisation_id == organisation_id)
    return list(session.scalars(stmt))


def revealed_since(session: Session, user_ids: Sequence[int], since: datetime) -> dict[int, set[int]]:
    """The comment ids each of these users revealed since `since` (each comment once)."""
    out: dict[int, set[int]] = {user_id: set() for user_id in user_ids}
    if not user_ids:
        return out
    stmt = (
        select(AuditEntry.user_id, AuditEntry.subject_id)
        .where(
            AuditEntry.action == REVEAL_ACTION,
            AuditEntry.user_id.in_(list(user_ids)),
            AuditEntry.at >= since,
        )
        .distinct()
    )
    for user_id, subject_id in session.execute(stmt):
        if user_id is not None and subject_id is not None and subject_id.isdigit():
            out.setdefault(int(user_id), set()).add(int(subject_id))
    return out


def reveal_counts(session: Session, user_ids: Sequence[int], since: datetime) -> dict[int, int]:
    """How many distinct comments each of these users revealed since `since` (one grouped query)."""
    out = {user_id: 0 for user_id in user_ids}
    if not user_ids:
        return out
    stmt = (
        select(AuditEntry.user_id, func.count(func.distinct(AuditEntry.subject_id)))
        .where(
            AuditEntry.action == REVEAL_ACTION,
            AuditEntry.user_id.in_(list(user_ids)),
            AuditEntry.at >= since,
        )
        .group_by(AuditEntry.user_id)
    )
    for user_id, n in session.execute(stmt):
        if user_id is not None:
            out[int(user_id)] = int(n)
    return out


def latest_evidence(session: Session, comment_ids: Sequence[int]) -> dict[int, list[dict[str, Any]]]:
    """The evidence of each comment's current verdict (the version its projection shows)."""
    out: dict[int, list[dict[str, Any]]] = {comment_id: [] for comment_id in comment_ids}
    if not comment_ids:
        return out
    stmt = (
        select(Verdict.comment_id, Verdict.evidence)
        .join(Comment, (Comment.id == Verdict.comment_id) & (Comment.verdict_version == Verdict.version))
        .where(Verdict.comment_id.in_(list(comment_ids)))
    )
    for comment_id, evidence in session.execute(stmt):
        out[int(comment_id)] = list(evidence or [])
    return out


# --- the sign-in throttle (shared by every process through the database) -----------------------------------


def prune_sign_in_attempts(session: Session, before: datetime) -> None:
    """Forget (name, address) pairs with no attempt since `before` (keeps the table small under a flood)."""
    session.execute(delete(SignInAttempt).where(SignInAttempt.last_at < before))


def count_sign_in_attempt(session: Session, name: str, address: str, now: datetime) -> int | None:
    """Count one attempt for (name, address) unless it is blocked at `now`: the new count, or None when blocked.

    `name` and `address` are the digests the throttle keys on (hierniet.services.signin_throttle).

    One conditional UPDATE does the check and the count, so attempts sent in parallel cannot all pass the
    check before any of them is counted (PostgreSQL re-reads the row a concurrent UPDATE has locked; SQLite
    runs one writer at a time). The caller sets the block for the new count in the same transaction.
    """
    dialect = session.get_bind().dialect.name
    values = {"name_hash": name, "address_hash": address, "attempts": 0, "last_at": now, "blocked_until": None}
    if dialect == "postgresql":
        session.execute(postgresql.insert(SignInAttempt).values(**values).on_conflict_do_nothing())
    elif dialect == "sqlite":
        session.execute(sqlite.insert(SignInAttempt).values(**values).on_conflict_do_nothing())
    elif session.get(SignInAttempt, (name, address)) is None:  # pragma: no cover - the two backends above
        session.add(SignInAttempt(**values))
        session.flush()
    counted = session.execute(
        update(SignInAttempt)
        .where(
            SignInAttempt.name_hash == name,
            SignInAttempt.address_hash == address,
            or_(SignInAttempt.blocked_until.is_(None), SignInAttempt.blocked_until <= now),
        )
        .values(attempts=SignInAttempt.attempts + 1, last_at=now)
        .returning(SignInAttempt.attempts)
    ).scalar_one_or_none()
    return None if counted is None else int(counted)


def block_sign_in(session: Session, name: str, address: str, until: datetime | None) -> None:
    session.execute(
        update(SignInAttempt)
        .where(SignInAttempt.name_hash == name, SignInAttempt.address_hash == address)
        .values(blocked_until=until)
    )


def sign_in_blocked_until(session: Session, name: str, address: str) -> datetime | None:
    stmt = select(SignInAttempt.blocked_until).where(
        SignInAttempt.name_hash == name, SignInAttempt.address_hash == address
    )
    return session.scalars(stmt).first()


def clear_sign_in_attempts(session: Session, name: str, address: str) -> None:
    session.execute(delete(SignInAttempt).where(SignInAttempt.name_hash == name, SignInAttempt.address_hash == address))
