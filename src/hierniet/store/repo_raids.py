"""The queries and writes behind raids (issue 14, hierniet.services.raids): the comments the detector has not
read yet, the detector's state per organisation, the raids it found with their members and comments, and the
moves people made on them. Same rules as hierniet.store.repo: no commits here; SQLite and PostgreSQL alike.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from hierniet.store.tables import (
    Author,
    Channel,
    Comment,
    Decision,
    QueuedAction,
    Raid,
    RaidAction,
    RaidComment,
    RaidDetectorState,
    RaidHeldComment,
    RaidHold,
    RaidMember,
)

OPEN, CLOSED, DISMISSED = "open", "closed", "dismissed"
STATUSES: tuple[str, ...] = (OPEN, CLOSED, DISMISSED)


# --- what the detector reads ----------------------------------------------------------------------------------


def detector_state(session: Session, organisation_id: int, *, lock: bool = False) -> RaidDetectorState | None:
    """The detector's stored state; with `lock`, the row is held until the transaction ends (PostgreSQL), so
    two runs cannot both save over the same cursor."""
    return session.get(RaidDetectorState, organisation_id, with_for_update=lock or None)


def save_detector_state(
    session: Session, organisation_id: int, state: Mapping[str, Any], last_comment_id: int, now: datetime
) -> None:
    row = session.get(RaidDetectorState, organisation_id)
    if row is None:
        session.add(
            RaidDetectorState(
                organisation_id=organisation_id, state=dict(state), last_comment_id=last_comment_id, updated_at=now
            )
        )
    else:
        row.state, row.last_comment_id, row.updated_at = dict(state), last_comment_id, now
    session.flush()


def comments_after(
    session: Session, organisation_id: int, after_id: int, limit: int
) -> list[tuple[Comment, Channel, Author | None]]:
    """The organisation's comments stored after comment `after_id`, in the order they were stored."""
    stmt = (
        select(Comment, Channel, Author)
        .join(Channel, Comment.channel_id == Channel.id)
        .outerjoin(Author, Comment.author_id == Author.id)
        .where(Channel.organisation_id == organisation_id, Comment.id > after_id)
        .order_by(Comment.id)
        .limit(limit)
    )
    return [(c, ch, a) for c, ch, a in session.execute(stmt)]


def first_seen(session: Session, organisation_id: int, author_ids: Sequence[int]) -> dict[int, datetime]:
    """When each author first commented on the organisation's channels (their history with it starts there)."""
    if not author_ids:
        return {}
    stmt = (
        select(Comment.author_id, func.min(Comment.posted_at))
        .join(Channel, Comment.channel_id == Channel.id)
        .where(Channel.organisation_id == organisation_id, Comment.author_id.in_(list(set(author_ids))))
        .group_by(Comment.author_id)
    )
    out: dict[int, datetime] = {}
    for author_id, at in session.execute(stmt):
        if author_id is not None and at is not None:
            # min() over a UTCDateTime column comes back as the backend's raw value on SQLite (no type applied).
            out[int(author_id)] = _aware(at)
    return out


def _aware(value: Any) -> datetime:
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    at: datetime = value
    return at.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def organisations_with_comments(session: Session) -> list[int]:
    stmt = select(Channel.organisation_id).distinct().order_by(Channel.organisation_id)
    return [int(o) for o in session.scalars(stmt)]


# --- raids ----------------------------------------------------------------------------------------------------


def raid_by_key(session: Session, organisation_id: int, key: str) -> Raid | None:
    return session.scalars(select(Raid).where(Raid.organisation_id == organisation_id, Raid.key == key)).first()


def get_raid(session: Session, raid_id: int) -> Raid | None:
    return session.get(Raid, raid_id)


def add_raid(session: Session, **fields: Any) -> Raid:
    row = Raid(**fields)
    session.add(row)
    session.flush()
    return row


def set_members(session: Session, raid_id: int, rows: Sequence[Mapping[str, Any]]) -> None:
    """The raid's members as they stand now (a growing burst gains joiners, a joiner may become core)."""
    session.execute(delete(RaidMember).where(RaidMember.raid_id == raid_id))
    if rows:
        session.add_all([RaidMember(raid_id=raid_id, **r) for r in rows])
    session.flush()


def set_comments(session: Session, raid_id: int, abusive: Mapping[int, bool]) -> None:
    session.execute(delete(RaidComment).where(RaidComment.raid_id == raid_id))
    if abusive:
        session.add_all([RaidComment(raid_id=raid_id, comment_id=c, abusive=a) for c, a in abusive.items()])
    session.flush()


def list_raids(
    session: Session,
    organisation_id: int | None,
    *,
    status: str | None = None,
    kind: str | None = None,
    limit: int = 50,
    offset: int = 0,
) -> tuple[list[Raid], int]:
    """The raids of one organisation (every one when None), the latest burst first, and how many there are."""
    stmt = select(Raid)
    if organisation_id is not None:
        stmt = stmt.where(Raid.organisation_id == organisation_id)
    if status:
        stmt = stmt.where(Raid.status == status)
    if kind:
        stmt = stmt.where(Raid.kind == kind)
    total = session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    rows = session.scalars(stmt.order_by(Raid.last_at.desc(), Raid.id.desc()).limit(limit).offset(offset))
    return list(rows), int(total)


def open_raids(session: Session, organisation_id: int | None, *, post: str | None = None) -> list[Raid]:
    stmt = select(Raid).where(Raid.status == OPEN)
    if organisation_id is not None:
        stmt = stmt.where(Raid.organisation_id == organisation_id)
    if post is not None:
        stmt = stmt.where(Raid.post == post)
    return list(session.scalars(stmt.order_by(Raid.score.desc(), Raid.id)))


def close_quiet(session: Session, organisation_id: int, before: datetime, now: datetime) -> int:
    """Close the open raids with nothing new since `before`: their banner goes, their page stays."""
    result = session.execute(
        update(Raid)
        .where(Raid.organisation_id == organisation_id, Raid.status == OPEN, Raid.last_at < before)
        .values(status=CLOSED, updated_at=now)
    )
    return int(getattr(result, "rowcount", 0) or 0)


def set_status(session: Session, raid_id: int, status: str, now: datetime) -> None:
    session.execute(update(Raid).where(Raid.id == raid_id).values(status=status, updated_at=now))


def members_of(session: Session, raid_id: int) -> list[tuple[RaidMember, Author]]:
    stmt = (
        select(RaidMember, Author)
        .join(Author, RaidMember.author_id == Author.id)
        .where(RaidMember.raid_id == raid_id)
        .order_by(RaidMember.role, RaidMember.first_at, RaidMember.author_id)
    )
    return [(m, a) for m, a in session.execute(stmt)]


def members_by_raid(session: Session, raid_ids: Sequence[int]) -> dict[int, list[str]]:
    """The members' platform ids of each raid (the API's `members`)."""
    out: dict[int, list[str]] = {r: [] for r in raid_ids}
    if not raid_ids:
        return out
    stmt = (
        select(RaidMember.raid_id, Author.external_id)
        .join(Author, RaidMember.author_id == Author.id)
        .where(RaidMember.raid_id.in_(list(raid_ids)))
        .order_by(RaidMember.raid_id, RaidMember.role, RaidMember.first_at, Author.id)
    )
    for raid_id, external_id in session.execute(stmt):
        out[int(raid_id)].append(external_id)
    return out


def comments_of(session: Session, raid_id: int) -> list[tuple[RaidComment, Comment, Channel]]:
    stmt = (
        select(RaidComment, Comment, Channel)
        .join(Comment, RaidComment.comment_id == Comment.id)
        .join(Channel, Comment.channel_id == Channel.id)
        .where(RaidComment.raid_id == raid_id)
        .order_by(Comment.posted_at, Comment.id)
    )
    return [(rc, c, ch) for rc, c, ch in session.execute(stmt)]


def comment_counts(session: Session, raid_ids: Sequence[int]) -> dict[int, tuple[int, int]]:
    """Per raid: its comments and its abusive ones, counted (the queue's banner is on every page load)."""
    out = {r: (0, 0) for r in raid_ids}
    if not raid_ids:
        return out
    stmt = (
        select(RaidComment.raid_id, RaidComment.abusive, func.count())
        .where(RaidComment.raid_id.in_(list(raid_ids)))
        .group_by(RaidComment.raid_id, RaidComment.abusive)
    )
    for raid_id, abusive, n in session.execute(stmt):
        total, bad = out[int(raid_id)]
        out[int(raid_id)] = (total + int(n), bad + (int(n) if abusive else 0))
    return out


def author_history(session: Session, organisation_id: int, author_ids: Sequence[int]) -> dict[int, dict[str, int]]:
    """Per author: their comments on the organisation's channels, the person-decided ones that hid or blocked,
    and the raids of the organisation they took part in."""
    if not author_ids:
        return {}
    ids = list(set(author_ids))
    out: dict[int, dict[str, int]] = {a: {"comments": 0, "decided_against": 0, "raids": 0} for a in ids}
    comments = (
        select(Comment.author_id, func.count())
        .join(Channel, Comment.channel_id == Channel.id)
        .where(Channel.organisation_id == organisation_id, Comment.author_id.in_(ids))
        .group_by(Comment.author_id)
    )
    for author_id, n in session.execute(comments):
        if author_id is not None:
            out[int(author_id)]["comments"] = int(n)
    against = (
        select(Decision.author_id, func.count())
        .where(
            Decision.organisation_id == organisation_id,
            Decision.author_id.in_(ids),
            Decision.step.in_(("hide", "hide_report", "block", "police")),
        )
        .group_by(Decision.author_id)
    )
    for author_id, n in session.execute(against):
        if author_id is not None:
            out[int(author_id)]["decided_against"] = int(n)
    raids = (
        select(RaidMember.author_id, func.count())
        .join(Raid, RaidMember.raid_id == Raid.id)
        .where(Raid.organisation_id == organisation_id, Raid.kind == "raid", RaidMember.author_id.in_(ids))
        .group_by(RaidMember.author_id)
    )
    for author_id, n in session.execute(raids):
        out[int(author_id)]["raids"] = int(n)
    return out


def raids_of_comments(session: Session, comment_ids: Iterable[int]) -> dict[int, int]:
    """The open raid each of these comments belongs to (the queue's and the post's banner)."""
    ids = list(comment_ids)
    if not ids:
        return {}
    stmt = (
        select(RaidComment.comment_id, RaidComment.raid_id)
        .join(Raid, RaidComment.raid_id == Raid.id)
        .where(RaidComment.comment_id.in_(ids), Raid.status == OPEN)
    )
    return {int(c): int(r) for c, r in session.execute(stmt)}


# --- people's moves -------------------------------------------------------------------------------------------


def add_action(session: Session, **fields: Any) -> RaidAction:
    row = RaidAction(**fields)
    session.add(row)
    session.flush()
    return row


def actions_of(session: Session, raid_id: int) -> list[RaidAction]:
    return list(session.scalars(select(RaidAction).where(RaidAction.raid_id == raid_id).order_by(RaidAction.id)))


def get_action(session: Session, action_id: int) -> RaidAction | None:
    return session.get(RaidAction, action_id)


def mark_undone(session: Session, action_id: int, user_id: int | None, now: datetime) -> bool:
    result = session.execute(
        update(RaidAction)
        .where(RaidAction.id == action_id, RaidAction.undone_at.is_(None))
        .values(undone_at=now, undone_by=user_id)
    )
    return int(getattr(result, "rowcount", 0) or 0) == 1


# --- holds on new comments (0022) -----------------------------------------------------------------------------


def add_holds(session: Session, rows: Sequence[Mapping[str, Any]]) -> list[RaidHold]:
    holds = [RaidHold(**row) for row in rows]
    session.add_all(holds)
    session.flush()
    return holds


def active_holds(
    session: Session, channel_posts: Iterable[tuple[int, str]], mode: str
) -> dict[tuple[int, str], RaidHold]:
    """The active holds of `mode` on these (channel, post) pairs; the earliest when several raids hold one post."""
    wanted = set(channel_posts)
    if not wanted:
        return {}
    stmt = (
        select(RaidHold)
        .where(
            RaidHold.lifted_at.is_(None),
            RaidHold.mode == mode,
            RaidHold.channel_id.in_({c for c, _ in wanted}),
            RaidHold.post.in_({p for _, p in wanted}),
        )
        .order_by(RaidHold.id)
    )
    found: dict[tuple[int, str], RaidHold] = {}
    for hold in session.scalars(stmt):
        key = (hold.channel_id, hold.post)
        if key in wanted:
            found.setdefault(key, hold)
    return found


def holds_of_move(session: Session, action_id: int) -> list[RaidHold]:
    return list(session.scalars(select(RaidHold).where(RaidHold.action_id == action_id).order_by(RaidHold.id)))


def holds_of_raid(session: Session, raid_id: int) -> list[tuple[RaidHold, Channel]]:
    stmt = (
        select(RaidHold, Channel)
        .join(Channel, Channel.id == RaidHold.channel_id)
        .where(RaidHold.raid_id == raid_id)
        .order_by(RaidHold.id)
    )
    return [(h, c) for h, c in session.execute(stmt)]


def machine_calls(session: Session, comment_ids: Sequence[int], actions: set[str]) -> dict[int, int]:
    """comment -> the id of its latest outbox call among `actions` that neither a recommendation nor a decision
    made (a raid hold's)."""
    if not comment_ids:
        return {}
    stmt = (
        select(QueuedAction.comment_id, func.max(QueuedAction.id))
        .where(
            QueuedAction.comment_id.in_(comment_ids),
            QueuedAction.action.in_(actions),
            QueuedAction.recommendation_id.is_(None),
            QueuedAction.decision_id.is_(None),
        )
        .group_by(QueuedAction.comment_id)
    )
    return {int(c): int(i) for c, i in session.execute(stmt)}


def held_comments(session: Session, hold_ids: Sequence[int]) -> list[RaidHeldComment]:
    if not hold_ids:
        return []
    stmt = select(RaidHeldComment).where(RaidHeldComment.hold_id.in_(hold_ids)).order_by(RaidHeldComment.comment_id)
    return list(session.scalars(stmt))


def decided_since(session: Session, held: Mapping[int, datetime]) -> set[int]:
    """The comments (of comment -> held at) on which a person recorded a decision since they were held."""
    if not held:
        return set()
    stmt = select(Decision.comment_id, Decision.created_at).where(Decision.comment_id.in_(list(held)))
    return {c for c, at in session.execute(stmt) if c is not None and _aware(at) >= _aware(held[c])}


def lift_holds(session: Session, hold_ids: Sequence[int], user_id: int | None, now: datetime) -> None:
    if hold_ids:
        session.execute(
            update(RaidHold)
            .where(RaidHold.id.in_(hold_ids), RaidHold.lifted_at.is_(None))
            .values(lifted_at=now, lifted_by=user_id)
        )
