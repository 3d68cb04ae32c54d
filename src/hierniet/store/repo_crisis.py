"""The queries and writes of the crisis desk (issue 15): crises, their posts, cards and matches. Same rules as
hierniet.store.repo: no commits here (the services own the transactions); SQLite and PostgreSQL alike.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import Session

from hierniet.store.repo import _chunks, insert_many, insert_rows
from hierniet.store.tables import Channel, Comment, Crisis, CrisisCard, CrisisMatch, CrisisPost

OPEN, CLOSED = "open", "closed"


# --- crises ----------------------------------------------------------------------------------------------------


def add_crisis(session: Session, **fields: Any) -> Crisis:
    crisis = Crisis(**fields)
    session.add(crisis)
    session.flush()
    return crisis


def get_crisis(session: Session, crisis_id: int) -> Crisis | None:
    return session.get(Crisis, crisis_id)


def crisis_by_name(session: Session, organisation_id: int, name: str) -> Crisis | None:
    return session.scalar(select(Crisis).where(Crisis.organisation_id == organisation_id, Crisis.name == name))


def list_crises(session: Session, organisation_id: int | None) -> list[Crisis]:
    stmt = select(Crisis).order_by(Crisis.opened_at.desc(), Crisis.id.desc())
    if organisation_id is not None:
        stmt = stmt.where(Crisis.organisation_id == organisation_id)
    return list(session.scalars(stmt))


def close_crisis(session: Session, crisis_id: int, *, user_id: int | None, at: datetime) -> bool:
    """Close an open crisis (a compare-and-set: closing twice changes nothing the second time)."""
    result = session.execute(
        update(Crisis)
        .where(Crisis.id == crisis_id, Crisis.status == OPEN)
        .values(status=CLOSED, closed_by=user_id, closed_at=at)
    )
    return bool(getattr(result, "rowcount", 0))


def set_pulled_to(session: Session, crisis_id: int, comment_id: int) -> None:
    """Remember the last comment a crisis read from its channels (kept in its settings)."""
    crisis = session.get(Crisis, crisis_id)
    if crisis is not None:
        crisis.settings = {**(crisis.settings or {}), "pulled_to": comment_id}


def set_stream_cursor(session: Session, crisis_id: int, key: str, cursor: str) -> Crisis:
    """Remember where a hashtag stream of a crisis stopped (per channel and tag, in its settings)."""
    crisis = session.get(Crisis, crisis_id)
    assert crisis is not None
    settings = dict(crisis.settings or {})
    settings["stream_cursors"] = {**(settings.get("stream_cursors") or {}), key: cursor}
    crisis.settings = settings
    session.flush()
    return crisis


def channels(session: Session, channel_ids: Sequence[int]) -> list[Channel]:
    if not channel_ids:
        return []
    return list(session.scalars(select(Channel).where(Channel.id.in_(channel_ids)).order_by(Channel.id)))


def card_counts(session: Session, crisis_ids: Sequence[int]) -> dict[int, dict[str, int]]:
    """Per crisis: cards by kind, and posts."""
    out: dict[int, dict[str, int]] = {i: {} for i in crisis_ids}
    if not crisis_ids:
        return out
    stmt = (
        select(CrisisCard.crisis_id, CrisisCard.kind, func.count(), func.coalesce(func.sum(CrisisCard.count), 0))
        .where(CrisisCard.crisis_id.in_(crisis_ids))
        .group_by(CrisisCard.crisis_id, CrisisCard.kind)
    )
    for crisis_id, kind, cards, posts in session.execute(stmt):
        counts = out[crisis_id]
        counts[kind] = int(cards)
        counts["posts"] = counts.get("posts", 0) + int(posts)
    return out


# --- posts and cards -------------------------------------------------------------------------------------------


def known_posts(session: Session, crisis_id: int, source: str, external_ids: Sequence[str]) -> set[str]:
    found: set[str] = set()
    for chunk in _chunks(list(external_ids)):
        stmt = select(CrisisPost.external_id).where(
            CrisisPost.crisis_id == crisis_id, CrisisPost.source == source, CrisisPost.external_id.in_(chunk)
        )
        found.update(session.scalars(stmt))
    return found


def cards_by_post_key(session: Session, crisis_id: int, keys: Sequence[str]) -> dict[str, int]:
    """Canonical key -> the card of the posts that have it (exact duplicates of what is stored)."""
    found: dict[str, int] = {}
    for chunk in _chunks(list(keys)):
        stmt = (
            select(CrisisPost.key, func.min(CrisisPost.card_id))
            .where(CrisisPost.crisis_id == crisis_id, CrisisPost.key.in_(chunk))
            .group_by(CrisisPost.key)
        )
        found.update({key: int(card) for key, card in session.execute(stmt)})
    return found


def card_keys(session: Session, crisis_id: int) -> list[tuple[int, str]]:
    """(card id, leader key) of every card, oldest first: the order the near-duplicate stage met them in."""
    stmt = select(CrisisCard.id, CrisisCard.key).where(CrisisCard.crisis_id == crisis_id).order_by(CrisisCard.id)
    return [(int(i), k) for i, k in session.execute(stmt)]


def add_cards(session: Session, rows: Sequence[Mapping[str, Any]]) -> list[int]:
    return insert_rows(session, CrisisCard, rows)


def add_posts(session: Session, rows: Sequence[Mapping[str, Any]]) -> None:
    insert_many(session, CrisisPost, rows)


def get_cards(session: Session, card_ids: Iterable[int]) -> dict[int, CrisisCard]:
    out: dict[int, CrisisCard] = {}
    for chunk in _chunks(sorted(set(card_ids))):
        out.update({c.id: c for c in session.scalars(select(CrisisCard).where(CrisisCard.id.in_(chunk)))})
    return out


def get_card(session: Session, card_id: int) -> CrisisCard | None:
    return session.get(CrisisCard, card_id)


def cards(session: Session, crisis_id: int, kinds: Sequence[str] | None = None) -> list[CrisisCard]:
    stmt = select(CrisisCard).where(CrisisCard.crisis_id == crisis_id)
    if kinds is not None:
        stmt = stmt.where(CrisisCard.kind.in_(kinds))
    return list(session.scalars(stmt.order_by(CrisisCard.first_seen, CrisisCard.id)))


def set_card_status(session: Session, card_id: int, status: str, *, user_id: int | None, at: datetime) -> None:
    session.execute(
        update(CrisisCard).where(CrisisCard.id == card_id).values(status=status, status_by=user_id, status_at=at)
    )


def set_machine_status(session: Session, card_ids: Sequence[int], status: str) -> None:
    """The machine's status (open/matched) for cards no person has set a status on."""
    for chunk in _chunks(list(card_ids)):
        session.execute(
            update(CrisisCard)
            .where(CrisisCard.id.in_(chunk), CrisisCard.status_by.is_(None), CrisisCard.status.in_(("open", "matched")))
            .values(status=status)
        )


def reply_target(session: Session, card_id: int) -> tuple[CrisisPost, Comment, Channel] | None:
    """The card's first post that came from a channel's comment (a reply answers it), with them."""
    stmt = (
        select(CrisisPost, Comment, Channel)
        .join(Comment, Comment.id == CrisisPost.comment_id)
        .join(Channel, Channel.id == Comment.channel_id)
        .where(CrisisPost.card_id == card_id)
        .order_by(CrisisPost.posted_at, CrisisPost.id)
        .limit(1)
    )
    row = session.execute(stmt).first()
    return None if row is None else (row[0], row[1], row[2])


def candidate_comments(
    session: Session,
    *,
    channel_ids: Sequence[int],
    since: datetime,
    until: datetime | None,
    after_id: int,
    limit: int,
) -> list[Comment]:
    """The channels' comments posted since the crisis opened, by id from `after_id` (a page at a time)."""
    stmt = select(Comment).where(
        Comment.channel_id.in_(channel_ids),
        Comment.posted_at >= since,
        Comment.id > after_id,
        Comment.redacted_at.is_(None),
    )
    if until is not None:
        stmt = stmt.where(Comment.posted_at <= until)
    return list(session.scalars(stmt.order_by(Comment.id).limit(limit)))


def organisation_channel_ids(session: Session, organisation_id: int) -> list[int]:
    return list(session.scalars(select(Channel.id).where(Channel.organisation_id == organisation_id)))


# --- matches ---------------------------------------------------------------------------------------------------


def matches(session: Session, crisis_id: int, statuses: Sequence[str] | None = None) -> list[CrisisMatch]:
    stmt = select(CrisisMatch).where(CrisisMatch.crisis_id == crisis_id)
    if statuses is not None:
        stmt = stmt.where(CrisisMatch.status.in_(statuses))
    return list(session.scalars(stmt.order_by(CrisisMatch.score.desc(), CrisisMatch.id)))


def get_match(session: Session, match_id: int) -> CrisisMatch | None:
    return session.get(CrisisMatch, match_id)


def drop_suggestions(session: Session, crisis_id: int, keep: Iterable[tuple[int, int]]) -> None:
    """Forget the machine's suggestions that are not in `keep`; what a person decided stays."""
    kept = set(keep)
    for match in matches(session, crisis_id, ["suggested"]):
        if (match.request_card_id, match.offer_card_id) not in kept:
            session.delete(match)
    session.flush()


def upsert_suggestion(session: Session, crisis_id: int, request_id: int, offer_id: int, **fields: Any) -> None:
    existing = session.scalar(
        select(CrisisMatch).where(CrisisMatch.request_card_id == request_id, CrisisMatch.offer_card_id == offer_id)
    )
    if existing is None:
        session.add(CrisisMatch(crisis_id=crisis_id, request_card_id=request_id, offer_card_id=offer_id, **fields))
    elif existing.status == "suggested":
        existing.score = fields["score"]
        existing.reasons = fields["reasons"]


def decide_match(session: Session, match_id: int, status: str, *, user_id: int | None, at: datetime) -> bool:
    """A person's decision on a suggested pair (only a suggestion can be decided: a decision stands)."""
    result = session.execute(
        update(CrisisMatch)
        .where(CrisisMatch.id == match_id, CrisisMatch.status == "suggested")
        .values(status=status, decided_by=user_id, decided_at=at)
    )
    return bool(getattr(result, "rowcount", 0))


def cards_with_match(session: Session, crisis_id: int, statuses: Sequence[str]) -> set[int]:
    stmt = select(CrisisMatch.request_card_id, CrisisMatch.offer_card_id).where(
        CrisisMatch.crisis_id == crisis_id, CrisisMatch.status.in_(statuses)
    )
    out: set[int] = set()
    for request_id, offer_id in session.execute(stmt):
        out.update((int(request_id), int(offer_id)))
    return out


def posts_of_cards(session: Session, crisis_id: int, kinds: Sequence[str]) -> list[tuple[CrisisPost, CrisisCard]]:
    stmt = (
        select(CrisisPost, CrisisCard)
        .join(CrisisCard, CrisisCard.id == CrisisPost.card_id)
        .where(CrisisPost.crisis_id == crisis_id, or_(*(CrisisCard.kind == k for k in kinds)))
        .order_by(CrisisCard.id, CrisisPost.id)
    )
    return [(p, c) for p, c in session.execute(stmt)]
