"""The repository: every query and write of the desk, and the only place that commits.

Services open a unit of work with `Store.transaction()` (committed when the block ends without an
error, rolled back otherwise) or read with `Store.session()`, and call the functions below with it.
Decisions and the audit log have append functions only: nothing here updates or deletes them (and the
database refuses it: see the migrations' triggers).
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy import (
    ColumnElement,
    Engine,
    MetaData,
    Select,
    and_,
    bindparam,
    case,
    exists,
    func,
    insert,
    or_,
    select,
    true,
    tuple_,
    update,
)
from sqlalchemy import text as sql_text
from sqlalchemy.dialects import postgresql
from sqlalchemy.orm import Session, sessionmaker

from hierniet.bounds import MAX_ID
from hierniet.store import repo_team
from hierniet.store.search import AuthorMatches, CommentMatches, Term
from hierniet.store.tables import (
    ApiToken,
    AuditEntry,
    Author,
    Channel,
    Comment,
    CommentCount,
    CommentRevision,
    Decision,
    Organisation,
    Post,
    QueuedAction,
    Recommendation,
    Signatory,
    User,
    Verdict,
    VerdictLabel,
    utcnow,
)

_S = TypeVar("_S", bound="Select[*tuple[Any, ...]]")

# Rows per IN (...) list: well below SQLite's and PostgreSQL's limits on bound parameters.
_IN_CHUNK = 500


class Store:
    """An engine and its sessions. Cheap to make; make one per process and share it."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        # expire_on_commit=False: rows read in a transaction stay readable after it commits.
        self._sessions = sessionmaker(engine, expire_on_commit=False)
        # SQLite has one writer at a time. Left to SQLite, a waiting writer sleeps and polls (up to 100 ms a
        # try) and often misses the moment the lock is free: under 20 concurrent API clients most of the time
        # went to sleeping. Writers of this process queue on a lock instead and start the moment it is free
        # (re-entrant, so a unit of work that opens another in the same thread does not wait on itself).
        # Other processes (a CLI import beside the server) still meet SQLite's busy timeout.
        self._writer = threading.RLock() if engine.dialect.name == "sqlite" else None
        # Bumped by every change to a channel made through this store: what this process keeps of its channels
        # (the webhooks' ChannelCache) is read again after one.
        self.channels_generation = 0

    def channels_changed(self) -> None:
        """Say that a channel changed (connected, disconnected, edited): kept copies of channels are stale."""
        self.channels_generation += 1

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A session for reading: never committed; closing it rolls back whatever it wrote.

        Rows read stay readable after the block (closing detaches them without expiring them).
        """
        with self._sessions() as session:
            yield session

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """A unit of work: committed at the end of the block, rolled back if it raises."""
        with self._writer or nullcontext(), self._sessions() as session, session.begin():
            yield session

    def dispose(self) -> None:
        self.engine.dispose()


def _chunks(values: Sequence[Any], size: int = _IN_CHUNK) -> Iterator[Sequence[Any]]:
    for i in range(0, len(values), size):
        yield values[i : i + size]


# --- organisations and channels ------------------------------------------------------------------------


def add_organisation(session: Session, *, slug: str, name: str, policy_yaml: str | None) -> Organisation:
    row = Organisation(slug=slug, name=name, policy_yaml=policy_yaml, created_at=utcnow())
    session.add(row)
    session.flush()
    return row


def get_organisation(session: Session, organisation_id: int) -> Organisation | None:
    return session.get(Organisation, organisation_id)


def organisation_by_slug(session: Session, slug: str) -> Organisation | None:
    return session.scalars(select(Organisation).where(Organisation.slug == slug)).first()


def list_organisations(session: Session, organisation_id: int | None = None) -> list[Organisation]:
    stmt = select(Organisation).order_by(Organisation.id)
    if organisation_id is not None:
        stmt = stmt.where(Organisation.id == organisation_id)
    return list(session.scalars(stmt))


def add_channel(
    session: Session,
    *,
    organisation_id: int,
    platform: str,
    external_id: str,
    name: str,
    policy_yaml: str | None,
    credentials_ref: str | None,
) -> Channel:
    row = Channel(
        organisation_id=organisation_id,
        platform=platform,
        external_id=external_id,
        name=name,
        policy_yaml=policy_yaml,
        credentials_ref=credentials_ref,
        created_at=utcnow(),
    )
    session.add(row)
    session.flush()
    return row


def get_channel(session: Session, channel_id: int) -> Channel | None:
    return session.get(Channel, channel_id)


def channel_by_key(session: Session, platform: str, external_id: str) -> Channel | None:
    return session.scalars(
        select(Channel).where(Channel.platform == platform, Channel.external_id == external_id)
    ).first()


def update_channel(session: Session, channel_id: int, **changes: Any) -> None:
    allowed = {"name", "policy_yaml", "credentials_ref"}
    if set(changes) - allowed:
        raise ValueError(f"a channel's {', '.join(sorted(set(changes) - allowed))} cannot be changed")
    if changes:
        session.execute(update(Channel).where(Channel.id == channel_id).values(**changes))


def list_channels(session: Session, organisation_id: int | None = None) -> list[Channel]:
    stmt = select(Channel).order_by(Channel.id)
    if organisation_id is not None:
        stmt = stmt.where(Channel.organisation_id == organisation_id)
    return list(session.scalars(stmt))


def channels_with_organisations(
    session: Session, ids: Iterable[int], keys: Iterable[tuple[str, str]]
) -> list[tuple[Channel, Organisation]]:
    """Channels named by id or by (platform, external id), each with its organisation."""
    wanted_ids = sorted(set(ids))
    by_platform: dict[str, list[str]] = {}
    for platform, external_id in set(keys):
        by_platform.setdefault(platform, []).append(external_id)
    conditions: list[ColumnElement[bool]] = [Channel.id.in_(wanted_ids)] if wanted_ids else []
    conditions += [
        and_(Channel.platform == platform, Channel.external_id.in_(sorted(external_ids)))
        for platform, external_ids in by_platform.items()
    ]
    if not conditions:
        return []
    stmt = select(Channel, Organisation).join(Organisation, Channel.organisation_id == Organisation.id)
    return [(c, o) for c, o in session.execute(stmt.where(or_(*conditions)))]


# --- authors -------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class AuthorIn:
    external_id: str
    name: str | None
    in_belgium: bool | None
    # When the account was made on the platform, where the platform says so (raids: new accounts).
    account_created_at: datetime | None = None


def ensure_authors(session: Session, platform: str, authors: Sequence[AuthorIn]) -> dict[str, Author]:
    """The authors of one platform by external id, inserting the ones not seen before."""
    wanted = {a.external_id: a for a in authors}
    found: dict[str, Author] = {}
    keys = sorted(wanted)
    for chunk in _chunks(keys):
        for row in session.scalars(select(Author).where(Author.platform == platform, Author.external_id.in_(chunk))):
            found[row.external_id] = row
    for key, row in found.items():
        # A platform's account date learnt later (an older row, a connector that now sends it) is kept once.
        if row.account_created_at is None and wanted[key].account_created_at is not None:
            row.account_created_at = wanted[key].account_created_at
    missing = [wanted[k] for k in keys if k not in found]
    if missing:
        now = utcnow()
        session.add_all(
            Author(
                platform=platform,
                external_id=a.external_id,
                name=a.name or "",
                in_belgium=a.in_belgium,
                account_created_at=a.account_created_at,
                created_at=now,
            )
            for a in missing
        )
        session.flush()
        for chunk in _chunks([a.external_id for a in missing]):
            for row in session.scalars(
                select(Author).where(Author.platform == platform, Author.external_id.in_(chunk))
            ):
                found[row.external_id] = row
    return found


def get_author(session: Session, author_id: int) -> Author | None:
    return session.get(Author, author_id)


@dataclass(frozen=True, slots=True)
class AuthorRow:
    author: Author
    comments: int
    open: int
    last_seen: datetime | None


def list_authors(
    session: Session,
    *,
    organisation_id: int | None,
    platform: str | None,
    search: str | None,
    flagged_only: bool,
    limit: int,
    offset: int,
) -> tuple[list[AuthorRow], int]:
    """Authors who commented on the organisation's channels (every author when None), most active first."""
    open_case = func.sum(case((Comment.status.in_(("open", "escalated")), 1), else_=0))
    stmt = (
        select(Author, func.count(Comment.id), open_case, func.max(Comment.posted_at))
        .join(Comment, Comment.author_id == Author.id)
        .join(Channel, Comment.channel_id == Channel.id)
        .group_by(Author.id)
    )
    if organisation_id is not None:
        stmt = stmt.where(Channel.organisation_id == organisation_id)
    if platform:
        stmt = stmt.where(Author.platform == platform)
    if search:
        like = f"%{search.lower()}%"
        stmt = stmt.where(or_(func.lower(Author.name).like(like), func.lower(Author.external_id).like(like)))
    if flagged_only:
        stmt = stmt.having(func.max(Comment.severity) > 0)
    total = session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    stmt = stmt.order_by(func.count(Comment.id).desc(), Author.id).limit(limit).offset(offset)
    rows = [
        AuthorRow(author, int(count), int(open_ or 0), last) for author, count, open_, last in session.execute(stmt)
    ]
    return rows, total


def authors_matching(
    session: Session, words: Sequence[Term], *, organisation_id: int | None, limit: int
) -> list[Author]:
    """Authors whose name or handle holds every word (as a prefix) and who commented on the organisation's
    channels (any organisation's when None), by name."""
    commented = select(Comment.id).where(Comment.author_id == Author.id)
    if organisation_id is not None:
        commented = commented.join(Channel, Comment.channel_id == Channel.id).where(
            Channel.organisation_id == organisation_id
        )
    stmt = (
        select(Author)
        .where(AuthorMatches(words, Author.__table__.c.id), exists(commented))
        .order_by(Author.name, Author.id)
        .limit(limit)
    )
    return list(session.scalars(stmt))


def author_organisations(session: Session, author_id: int) -> list[int]:
    """The organisations on whose channels the author commented."""
    stmt = (
        select(Channel.organisation_id)
        .join(Comment, Comment.channel_id == Channel.id)
        .where(Comment.author_id == author_id)
        .distinct()
        .order_by(Channel.organisation_id)
    )
    return list(session.scalars(stmt))


# --- posts ---------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PostIn:
    """A post as ingestion learnt it; None leaves what is stored as it is."""

    channel_id: int
    external_id: str
    text: str | None
    url: str | None
    posted_at: datetime | None


def upsert_posts(session: Session, posts: Sequence[PostIn]) -> None:
    """Insert the posts not stored yet; give stored ones the text, link or time that changed (posts get edited)."""
    if not posts:
        return
    by_channel: dict[int, dict[str, PostIn]] = {}
    for p in posts:
        by_channel.setdefault(p.channel_id, {})[p.external_id] = p
    missing: list[dict[str, Any]] = []
    now = utcnow()
    for channel_id, wanted in by_channel.items():
        stored: dict[str, Post] = {}
        for chunk in _chunks(sorted(wanted)):
            stmt = select(Post).where(Post.channel_id == channel_id, Post.external_id.in_(chunk))
            stored.update({row.external_id: row for row in session.scalars(stmt)})
        for external_id, p in wanted.items():
            row = stored.get(external_id)
            if row is None:
                missing.append(
                    {
                        "channel_id": channel_id,
                        "external_id": external_id,
                        "text": p.text or "",
                        "url": p.url,
                        "posted_at": p.posted_at,
                        "created_at": now,
                    }
                )
                continue
            changes = {
                name: value
                for name, value in (("text", p.text), ("url", p.url), ("posted_at", p.posted_at))
                if value is not None and value != getattr(row, name)
            }
            if changes:
                session.execute(update(Post).where(Post.id == row.id).values(**changes))
    insert_many(session, Post, missing)


def post_by_key(session: Session, channel_id: int, external_id: str) -> Post | None:
    """The post `external_id` of a channel: the one its comments with that thread answer."""
    return session.scalars(select(Post).where(Post.channel_id == channel_id, Post.external_id == external_id)).first()


# --- comments, verdicts, recommendations ---------------------------------------------------------------


def existing_comments(session: Session, channel_id: int, external_ids: Sequence[str]) -> dict[str, int]:
    """Stored comment ids by external id, for one channel (the duplicate check before an insert)."""
    found: dict[str, int] = {}
    for chunk in _chunks(sorted(set(external_ids))):
        stmt = select(Comment.external_id, Comment.id).where(
            Comment.channel_id == channel_id, Comment.external_id.in_(chunk)
        )
        found.update({external_id: comment_id for external_id, comment_id in session.execute(stmt)})
    return found


def insert_rows(session: Session, model: type[Any], rows: Sequence[Mapping[str, Any]]) -> list[int]:
    """Insert returning the new ids in the order of `rows` (for a few rows: on SQLite an ordered RETURNING
    runs row by row; batches use `insert_many` and read the ids back by key)."""
    if not rows:
        return []
    table = model.__table__
    result = session.execute(insert(table).returning(table.c.id, sort_by_parameter_order=True), list(rows))
    return list(result.scalars())


def insert_many(session: Session, model: type[Any], rows: Sequence[Mapping[str, Any]]) -> None:
    """Bulk insert, one executemany; Core rather than ORM inserts, as a batch needs no identity map."""
    if rows:
        session.execute(insert(model.__table__), list(rows))


def ids_by_comment(session: Session, model: type[Any], comment_ids: Sequence[int]) -> dict[int, int]:
    """The newest row id of `model` (verdicts, recommendations) per comment id."""
    found: dict[int, int] = {}
    for chunk in _chunks(sorted(set(comment_ids))):
        stmt = (
            select(model.comment_id, func.max(model.id)).where(model.comment_id.in_(chunk)).group_by(model.comment_id)
        )
        found.update({int(comment_id): int(row_id) for comment_id, row_id in session.execute(stmt)})
    return found


def latest_versions(session: Session, comment_ids: Sequence[int]) -> dict[int, int]:
    """The latest verdict version per comment id (comments without a verdict left out)."""
    found: dict[int, int] = {}
    for chunk in _chunks(sorted(set(comment_ids))):
        stmt = (
            select(Verdict.comment_id, func.max(Verdict.version))
            .where(Verdict.comment_id.in_(chunk))
            .group_by(Verdict.comment_id)
        )
        found.update({int(cid): int(version) for cid, version in session.execute(stmt)})
    return found


def verdict_ids(session: Session, keys: Sequence[tuple[int, int]]) -> dict[tuple[int, int], int]:
    """Verdict row ids by (comment id, version): what a bulk insert wrote, read back by its key."""
    wanted = set(keys)
    found: dict[tuple[int, int], int] = {}
    for chunk in _chunks(sorted({cid for cid, _ in wanted})):
        stmt = select(Verdict.id, Verdict.comment_id, Verdict.version).where(Verdict.comment_id.in_(chunk))
        for row_id, cid, version in session.execute(stmt):
            if (cid, version) in wanted:
                found[(int(cid), int(version))] = int(row_id)
    return found


def insert_and_read_verdicts(session: Session, rows: Sequence[Mapping[str, Any]]) -> list[int]:
    """Insert verdict rows in one executemany; their ids in the order of `rows`, read back by (comment, version)
    (an ordered RETURNING goes row by row on SQLite)."""
    insert_many(session, Verdict, rows)
    ids = verdict_ids(session, [(int(r["comment_id"]), int(r["version"])) for r in rows])
    return [ids[(int(r["comment_id"]), int(r["version"]))] for r in rows]


def recommendation_ids(session: Session, verdict_ids: Sequence[int]) -> dict[int, int]:
    """The newest recommendation row id per verdict id."""
    found: dict[int, int] = {}
    for chunk in _chunks(sorted(set(verdict_ids))):
        stmt = (
            select(Recommendation.verdict_id, func.max(Recommendation.id))
            .where(Recommendation.verdict_id.in_(chunk))
            .group_by(Recommendation.verdict_id)
        )
        found.update({int(vid): int(rid) for vid, rid in session.execute(stmt)})
    return found


def get_comment(session: Session, comment_id: int) -> tuple[Comment, Channel, Author | None] | None:
    stmt = (
        select(Comment, Channel, Author)
        .join(Channel, Comment.channel_id == Channel.id)
        .outerjoin(Author, Comment.author_id == Author.id)
        .where(Comment.id == comment_id)
    )
    row = session.execute(stmt).first()
    return (row[0], row[1], row[2]) if row else None


#: The fields of a comment's projection that its state may set.
_STATE_FIELDS = frozenset(
    {
        "status",
        "verdict_version",
        "language",
        "severity",
        "labels",
        "step",
        "auto",
        "alert_lead",
        "decided_step",
        "edited_after_decision",
    }
)


def set_comment_state(session: Session, comment_id: int, **state: Any) -> None:
    """Rewrite the comment's projection (status, step, labels, ...); the history tables keep the past."""
    unknown = set(state) - _STATE_FIELDS
    if unknown:
        raise ValueError(f"not part of a comment's state: {', '.join(sorted(unknown))}")
    session.execute(update(Comment).where(Comment.id == comment_id).values(**state))


def set_comment_states(session: Session, states: Sequence[tuple[int, Mapping[str, Any]]]) -> None:
    """`set_comment_state` for many comments: one executemany per set of fields (a batch has two or three)."""
    by_fields: dict[tuple[str, ...], list[dict[str, Any]]] = {}
    for comment_id, state in states:
        unknown = set(state) - _STATE_FIELDS
        if unknown:
            raise ValueError(f"not part of a comment's state: {', '.join(sorted(unknown))}")
        by_fields.setdefault(tuple(sorted(state)), []).append({"_comment_id": comment_id, **state})
    table: Any = Comment.__table__  # the Core table: Comment's mapper would make this an ORM bulk update
    for rows in by_fields.values():
        # The SET clause comes from the parameters' keys, each bound with its column's type (JSON for labels).
        session.execute(update(table).where(table.c.id == bindparam("_comment_id")), rows)


@dataclass(frozen=True, slots=True)
class StoredText:
    """What the duplicate check needs of a stored comment to tell a repeat from an edit."""

    comment_id: int
    text: str
    removed: bool
    # Data protection (0008): its text was erased, or the personal data in it redacted.
    erased: bool = False
    pii_redacted: bool = False


def stored_texts(session: Session, channel_id: int, external_ids: Sequence[str]) -> dict[str, StoredText]:
    """Stored comments of one channel by external id, with their current text."""
    found: dict[str, StoredText] = {}
    for chunk in _chunks(sorted(set(external_ids))):
        stmt = select(
            Comment.external_id,
            Comment.id,
            Comment.text,
            Comment.removed_at,
            Comment.redacted_at,
            Comment.pii_redacted_at,
        ).where(Comment.channel_id == channel_id, Comment.external_id.in_(chunk))
        for external_id, comment_id, text, removed_at, redacted_at, pii_redacted_at in session.execute(stmt):
            found[external_id] = StoredText(
                comment_id, text, removed_at is not None, redacted_at is not None, pii_redacted_at is not None
            )
    return found


def revision_texts(session: Session, comment_ids: Sequence[int]) -> dict[int, set[str]]:
    """The earlier texts of these comments (their revisions), by comment id."""
    found: dict[int, set[str]] = {}
    for chunk in _chunks(sorted(set(comment_ids))):
        stmt = select(CommentRevision.comment_id, CommentRevision.text).where(CommentRevision.comment_id.in_(chunk))
        for comment_id, text in session.execute(stmt):
            found.setdefault(int(comment_id), set()).add(text)
    return found


def replace_comment_text(session: Session, comment: Comment, text: str, *, now: datetime) -> CommentRevision:
    """Keep the comment's current text as a revision (append-only), then give the comment its edited text."""
    row = CommentRevision(
        comment_id=comment.id,
        text=comment.text,
        verdict_version=comment.verdict_version,
        # The current text arrived with the comment, or with its latest edit.
        received_at=comment.edited_at or comment.received_at,
        replaced_at=now,
    )
    session.add(row)
    session.flush()
    session.execute(update(Comment).where(Comment.id == comment.id).values(text=text, edited_at=now))
    return row


def revisions_for_comment(session: Session, comment_id: int) -> list[CommentRevision]:
    """A comment's earlier texts, oldest first."""
    stmt = select(CommentRevision).where(CommentRevision.comment_id == comment_id).order_by(CommentRevision.id)
    return list(session.scalars(stmt))


def comments_of_channel(session: Session, channel_id: int, external_ids: Sequence[str]) -> list[Comment]:
    """The stored comments of one channel with these external ids (the ones a platform says it removed)."""
    out: list[Comment] = []
    for chunk in _chunks(sorted(set(external_ids))):
        stmt = select(Comment).where(Comment.channel_id == channel_id, Comment.external_id.in_(chunk))
        out.extend(session.scalars(stmt.order_by(Comment.id)))
    return out


def mark_removed(session: Session, comment_id: int, *, removed_at: datetime, status: str | None) -> None:
    """Record that the platform removed the comment; `status` (e.g. removed) when it leaves the queue too."""
    values: dict[str, Any] = {"removed_at": removed_at}
    if status is not None:
        values["status"] = status
    session.execute(update(Comment).where(Comment.id == comment_id).values(**values))


def latest_verdict(session: Session, comment_id: int) -> Verdict | None:
    stmt = select(Verdict).where(Verdict.comment_id == comment_id).order_by(Verdict.version.desc()).limit(1)
    return session.scalars(stmt).first()


def verdict_versions(session: Session, comment_id: int) -> list[Verdict]:
    stmt = select(Verdict).where(Verdict.comment_id == comment_id).order_by(Verdict.version)
    return list(session.scalars(stmt))


def latest_recommendation(session: Session, comment_id: int) -> Recommendation | None:
    stmt = (
        select(Recommendation)
        .where(Recommendation.comment_id == comment_id)
        .order_by(Recommendation.id.desc())
        .limit(1)
    )
    return session.scalars(stmt).first()


@dataclass(frozen=True, slots=True)
class QueueQuery:
    """The queue's filters; None leaves a filter out."""

    organisation_id: int | None = None
    channel_id: int | None = None
    statuses: tuple[str, ...] = ()
    label: str | None = None
    language: str | None = None
    severity: int | None = None
    min_severity: int | None = None
    author_id: int | None = None
    since: datetime | None = None
    until: datetime | None = None
    order: str = "severity"  # severity (most severe, then oldest, first), oldest, newest
    # Full-text search (hierniet.store.search): every word in the text, or in the author's name or handle.
    search: tuple[Term, ...] = ()
    # (user id, now): only the comments that person holds at that moment (hierniet.store.repo_team).
    assigned: tuple[int, datetime] | None = None
    # Comments offered before the others, each part in `order` (a person on the severe rotation, issue 13):
    # an order, not a filter, so counts ignore it.
    first: FirstOffered | None = None


@dataclass(frozen=True, slots=True)
class FirstOffered:
    """The comments the queue shows first: one of these labels among their current verdict's, or this severity
    or more (5: none by severity). The labels are read from the comment's projection (`comments.labels`, as the
    desk's shield reads them) or from `verdict_labels`, whichever an index serves: both are written from the
    current verdict in the same transaction (ingestion, re-triage), so they agree."""

    labels: tuple[str, ...]
    from_severity: int


def _first_clause(first: FirstOffered, dialect: str) -> ColumnElement[bool]:
    """Tested on each comment's own row: a label subquery over every verdict (as the label filter has) was
    planned by PostgreSQL as a hash of all the rotation's verdicts, read in full for each page."""
    by_severity = Comment.severity >= first.from_severity
    if not first.labels:
        return by_severity
    labelled: ColumnElement[bool]
    if dialect == "postgresql":
        labelled = Comment.labels.op("?|")(postgresql.array(first.labels))
    else:
        each = func.json_each(Comment.labels).table_valued("value")
        labelled = exists(select(each.c.value).where(each.c.value.in_(first.labels)))
    return or_(by_severity, labelled)


def _filtered(stmt: _S, q: QueueQuery) -> _S:
    if q.search:
        stmt = stmt.where(CommentMatches(q.search, Comment.__table__.c.author_id))
    if q.assigned is not None:
        stmt = stmt.where(repo_team.held_by(*q.assigned))
    if q.organisation_id is not None:
        stmt = stmt.where(Channel.organisation_id == q.organisation_id)
    if q.channel_id is not None:
        stmt = stmt.where(Comment.channel_id == q.channel_id)
    if q.statuses:
        stmt = stmt.where(Comment.status.in_(q.statuses))
    if q.language:
        stmt = stmt.where(Comment.language == q.language)
    if q.severity is not None:
        stmt = stmt.where(Comment.severity == q.severity)
    if q.min_severity is not None:
        stmt = stmt.where(Comment.severity >= q.min_severity)
    if q.author_id is not None:
        stmt = stmt.where(Comment.author_id == q.author_id)
    if q.since is not None:
        stmt = stmt.where(Comment.posted_at >= q.since)
    if q.until is not None:
        stmt = stmt.where(Comment.posted_at < q.until)
    if q.label:
        stmt = stmt.where(
            exists(
                select(VerdictLabel.verdict_id)
                .join(Verdict, VerdictLabel.verdict_id == Verdict.id)
                .where(
                    Verdict.comment_id == Comment.id,
                    Verdict.version == Comment.verdict_version,
                    VerdictLabel.label == q.label,
                )
            )
        )
    return stmt


@dataclass(frozen=True, slots=True)
class QueueKey:
    """Where a page of the queue ended, in the queue's order (keyset pagination): the next page starts after
    this comment. Comments that arrive or leave meanwhile move no page boundary, so none is shown twice or
    skipped, and a page deep in the queue costs what the first one does (an offset reads every row before it)."""

    severity: int
    posted_at: datetime
    id: int
    # Whether the comment is among those shown first (QueueQuery.first); None where the queue had no such part
    # when the cursor was made (it is then looked up).
    first: bool | None = None


def _after(stmt: _S, order: str, key: QueueKey, *, severity: str = "") -> _S:
    """`stmt` limited to the comments after `key` in `order`. The severity order (severity DESC, posted_at, id)
    has no row comparison that an index reads in one range, so it is asked in two parts: `severity="same"`
    the rest of the key's severity, `"lower"` the lower severities."""
    at = tuple_(Comment.posted_at, Comment.id)
    if order == "newest":
        return stmt.where(at < tuple_(key.posted_at, key.id))
    if order == "oldest":
        return stmt.where(at > tuple_(key.posted_at, key.id))
    if severity == "same":
        return stmt.where(Comment.severity == key.severity, at > tuple_(key.posted_at, key.id))
    return stmt.where(Comment.severity < key.severity)


def queue(
    session: Session,
    q: QueueQuery,
    *,
    limit: int,
    offset: int,
    count_limit: int | None = None,
    after: QueueKey | None = None,
    position: int = 0,
) -> tuple[list[tuple[Comment, Channel, Author | None]], int, bool]:
    """One page of the queue, the number of comments matching and whether that number is exact.

    With `after` the page starts after that comment (keyset pagination; `offset` is then 0) and the number
    counts the matches from the top of the queue, as for the first page, up to `position` (the comments of
    the pages before) + `limit` at least, as `offset` does.

    With `count_limit` the matches are first looked for in no order, at most max(count_limit, offset +
    limit) + 1 of them (issue 12). Where no more turn up, the number is exact and the page is sorted from
    among them, found by id: a search for a rare word never walks the whole order index looking for rows
    that are not there. Past it, the number is that bound and not exact ("more than ..."), and the page is
    read in the order's index (0012), which stops once the page is full: matches are then plenty."""
    base = (
        select(Comment, Channel, Author)
        .join(Channel, Comment.channel_id == Channel.id)
        .outerjoin(Author, Comment.author_id == Author.id)
    )
    order: tuple[ColumnElement[Any], ...]
    if q.order == "newest":
        order = (Comment.posted_at.desc(), Comment.id.desc())
    elif q.order == "oldest":
        order = (Comment.posted_at.asc(), Comment.id.asc())
    else:
        order = (Comment.severity.desc(), Comment.posted_at.asc(), Comment.id.asc())
    _index_reads_are_cheap(session)
    if count_limit is None:
        total = session.scalar(_filtered(select(func.count(Comment.id)).join(Channel), q)) or 0
        stmt, exact = _filtered(base, q), True
    else:
        # Clamped below the largest integer SQLite and PostgreSQL take: an offset near it (the API allows any
        # 64-bit id as an offset) would otherwise overflow the LIMIT.
        bound = min(max(count_limit, max(offset, position if after is not None else 0) + limit), MAX_ID - 1)
        ids = _first_matches(session, q, bound + 1)
        exact = len(ids) <= bound
        if exact and not ids:
            return [], 0, True
        total = len(ids) if exact else bound
        stmt = base.where(Comment.id.in_(ids)) if exact else _filtered(base, q)
    parts: list[tuple[Select[Comment, Channel, Author], bool | None]] = [(stmt, None)]
    if q.first is not None:
        # Two parts, each read in the order's index (a sort of every match would cost what issue 12 removed).
        # The rotation's comments are usually few: walking the order's index for them would read every match,
        # so they are first looked up by their labels and severity, and where no more than FIRST_FEW turn up,
        # the first part is sorted from among them and the second is every other match. Where more turn up,
        # they are common enough for the walk to find a page of them soon.
        few = None
        if not exact and count_limit is not None:
            few = _first_part_ids(session, q, q.first, FIRST_FEW + 1)
            few = few if len(few) <= FIRST_FEW else None
        if few is not None:
            parts = [(base.where(Comment.id.in_(few)), True), (stmt.where(Comment.id.not_in(few)), False)]
        else:
            clause = _first_clause(q.first, session.get_bind().dialect.name)
            parts = [(stmt.where(clause), True), (stmt.where(~clause), False)]
    rows: list[tuple[Comment, Channel, Author | None]] = []
    if after is not None:
        key_first = after.first
        if q.first is not None and key_first is None:
            known = is_first(session, q.first, after.id)
            key_first = after.severity >= q.first.from_severity if known is None else known
        for part, first in parts:
            if first is not None and first != key_first:
                if first and not key_first:
                    continue  # the cursor is past the part shown first
                pieces = [part]  # the cursor ended the part shown first: this part from its start
            elif q.order in ("newest", "oldest"):
                pieces = [_after(part, q.order, after)]
            else:
                pieces = [_after(part, q.order, after, severity=which) for which in ("same", "lower")]
            for piece in pieces:
                if len(rows) >= limit:
                    break
                rows += [(c, ch, a) for c, ch, a in session.execute(piece.order_by(*order).limit(limit - len(rows)))]
        return rows, total, exact
    skip = offset
    for index, (part, _first) in enumerate(parts):
        if len(rows) >= limit:
            break
        page = part.order_by(*order).limit(limit - len(rows)).offset(skip)
        found = [(c, ch, a) for c, ch, a in session.execute(page)]
        if found:
            skip = 0
        elif skip and index + 1 < len(parts):
            # The offset reaches past this part: the next one skips what is left of it.
            within = part.with_only_columns(Comment.id).limit(skip).subquery()
            skip -= session.scalar(select(func.count()).select_from(within)) or 0
        rows += found
    return rows, total, exact


#: At most this many comments shown first are sorted from among their ids (`queue`): looking up more costs
#: more than the walk through the order's index that finds them when they are that common (issue 13).
FIRST_FEW = 250


def _first_part_ids(session: Session, q: QueueQuery, first: FirstOffered, n: int) -> list[int]:
    """Up to `n` ids of the comments matching `q` that `first` shows first, in no order: those of its severity
    through the severity index, and those with its labels from the label index (their current verdict's)."""
    found = set(
        session.scalars(
            _filtered(select(Comment.id).join(Channel), q).where(Comment.severity >= first.from_severity).limit(n)
        )
    )
    if first.labels and len(found) < n:
        at_current = and_(Comment.id == Verdict.comment_id, Comment.verdict_version == Verdict.version)
        labelled: Select[int]
        if session.get_bind().dialect.name == "postgresql":
            # Each label row's comment looked up by its keys, stopping at `n`: joined as a whole, a common label
            # (spam) was hashed with every verdict first, 130 ms at 200,000 comments, against 13 ms.
            current = (
                select(Comment.id)
                .select_from(Verdict)
                .join(Comment, at_current)
                .join(Channel, Comment.channel_id == Channel.id)
                .where(Verdict.id == VerdictLabel.verdict_id)
            )
            each = _filtered(current, q).offset(0).lateral("labelled")  # OFFSET 0: kept apart, not flattened
            labelled = select(each.c.id).select_from(VerdictLabel).join(each, true())
        else:
            labelled = _filtered(
                select(Comment.id)
                .select_from(VerdictLabel)
                .join(Verdict, VerdictLabel.verdict_id == Verdict.id)
                .join(Comment, at_current)
                .join(Channel, Comment.channel_id == Channel.id),
                q,
            )
        found.update(session.scalars(labelled.where(VerdictLabel.label.in_(first.labels)).limit(n)))
    return sorted(found)


def is_first(session: Session, first: FirstOffered, comment_id: int) -> bool | None:
    """Whether this comment is among those `first` shows first (None where it is gone): the cursor of a page
    ending on it says so, and a cursor made before its person joined the rotation is placed by it."""
    clause = _first_clause(first, session.get_bind().dialect.name)
    found = session.scalar(select(clause).where(Comment.id == comment_id))
    return None if found is None else bool(found)


def _first_matches(session: Session, q: QueueQuery, n: int) -> list[int]:
    """The ids of `n` comments matching `q`, in no order (fewer where fewer match).

    With a search, on PostgreSQL, the comments holding the words are a MATERIALIZED common table expression,
    read lazily, with the other filters applied to each as it comes: the planner plans the words as a whole,
    through the full-text index, and the LIMIT still stops the read after `n`. Planned with the LIMIT, it
    guessed that `n` matches would turn up soon and read comments in sequence or in an index's order, hundreds
    of thousands of them at a million; planned as a whole with the filters inside, it hashed every label row
    of the label filter first, or read a third of the status index to AND it in (issue 12). The language goes
    inside (no index has it, so it is tested on the row the words found): a word with a language few of its
    comments have is then not looked up again for each of them."""
    if not q.search or session.get_bind().dialect.name != "postgresql":
        return list(session.scalars(_filtered(select(Comment.id).join(Channel), q).limit(n)))
    words = (
        select(Comment.id)
        .where(CommentMatches(q.search, Comment.__table__.c.author_id))
        .where(Comment.language == q.language if q.language else true())
        .cte("words")
        .prefix_with("MATERIALIZED", dialect="postgresql")
    )
    stmt = select(Comment.id).select_from(words).join(Comment, Comment.id == words.c.id).join(Channel)
    return list(session.scalars(_filtered(stmt, replace(q, search=())).limit(n)))


def _index_reads_are_cheap(session: Session) -> None:
    """PostgreSQL, for the rest of this transaction: a page read through an index costs little more than one
    read in sequence (random_page_cost 1.1, the usual value where the data is in memory or on SSD, rather than
    the default 4, which assumes spinning disks). With the default the planner looks for the first 1,001 matches
    of a search by reading comments in sequence, hundreds of thousands of them at a million, rather than
    through the full-text index (issue 12). SET LOCAL ends with the transaction: nothing else is changed."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(sql_text("SET LOCAL random_page_cost = 1.1"))


def _counted(q: QueueQuery) -> bool:
    """Whether `comment_counts` answers these filters: it knows channels, statuses and nothing finer."""
    return q == QueueQuery(organisation_id=q.organisation_id, channel_id=q.channel_id, statuses=q.statuses)


def counts(session: Session, q: QueueQuery) -> dict[str, dict[str, int]]:
    """Comment counts per status, step, language, severity and label, under the queue's filters.

    On PostgreSQL, filtered by organisation, channel and status only (what GET /api/v1/counts usually asks),
    they are summed from `comment_counts` (0018), a few thousand rows; otherwise counted from the comments."""
    if session.get_bind().dialect.name == "postgresql" and _counted(q):
        return _summed_counts(session, q)
    return counted_from_comments(session, q)


def counted_from_comments(session: Session, q: QueueQuery) -> dict[str, dict[str, int]]:
    """`counts` read from the comments themselves (any filter; every match is read)."""
    out: dict[str, dict[str, int]] = {}
    for name, column in (
        ("status", Comment.status),
        ("step", Comment.step),
        ("language", Comment.language),
        ("severity", Comment.severity),
    ):
        stmt = _filtered(select(column, func.count(Comment.id)).join(Channel), q).group_by(column)
        out[name] = {str(key): int(n) for key, n in session.execute(stmt)}
    out["label"] = label_counts(session, q)
    return out


def _summed_counts(session: Session, q: QueueQuery) -> dict[str, dict[str, int]]:
    stmt = select(
        CommentCount.status,
        CommentCount.step,
        CommentCount.language,
        CommentCount.severity,
        CommentCount.labels,
        func.sum(CommentCount.n),
    ).group_by(
        CommentCount.status, CommentCount.step, CommentCount.language, CommentCount.severity, CommentCount.labels
    )
    if q.organisation_id is not None:
        stmt = stmt.where(
            CommentCount.channel_id.in_(select(Channel.id).where(Channel.organisation_id == q.organisation_id))
        )
    if q.channel_id is not None:
        stmt = stmt.where(CommentCount.channel_id == q.channel_id)
    if q.statuses:
        stmt = stmt.where(CommentCount.status.in_(q.statuses))
    out: dict[str, dict[str, int]] = {"status": {}, "step": {}, "language": {}, "severity": {}, "label": {}}
    for status, step, language, severity, labels, total in session.execute(stmt):
        n = int(total or 0)
        if n == 0:
            continue
        for name, key in (("status", status), ("step", step), ("language", language), ("severity", severity)):
            out[name][str(key)] = out[name].get(str(key), 0) + n
        for label in json.loads(labels) or []:
            out["label"][str(label)] = out["label"].get(str(label), 0) + n
    return out


def waiting_by_organisation(session: Session, statuses: Sequence[str]) -> dict[str, int]:
    """Comments in `statuses` per organisation slug (/metrics' queue depth): summed from `comment_counts` on
    PostgreSQL (a few thousand rows), counted from the comments elsewhere."""
    if session.get_bind().dialect.name == "postgresql":
        stmt = (
            select(Organisation.slug, func.sum(CommentCount.n))
            .join(Channel, Channel.id == CommentCount.channel_id)
            .join(Organisation, Organisation.id == Channel.organisation_id)
            .where(CommentCount.status.in_(statuses))
            .group_by(Organisation.slug)
        )
    else:
        stmt = (
            select(Organisation.slug, func.count(Comment.id))
            .join(Channel, Channel.id == Comment.channel_id)
            .join(Organisation, Organisation.id == Channel.organisation_id)
            .where(Comment.status.in_(statuses))
            .group_by(Organisation.slug)
        )
    return {str(slug): int(n or 0) for slug, n in session.execute(stmt)}


def compact_comment_counts(session: Session) -> int:
    """Fold the rows of each `comment_counts` group into one (PostgreSQL; the triggers only append). Safe beside
    ingestion and another compaction: a row appended meanwhile is not deleted here, and a row another
    compaction deleted first is skipped. The number of rows it removed."""
    if session.get_bind().dialect.name != "postgresql":
        return 0
    group = "channel_id, status, step, language, severity, labels"
    removed = session.execute(
        sql_text(
            f"WITH gone AS (DELETE FROM comment_counts RETURNING {group}, n), "
            f"kept AS (INSERT INTO comment_counts ({group}, n) SELECT {group}, sum(n) FROM gone "
            "GROUP BY 1, 2, 3, 4, 5, 6 HAVING sum(n) <> 0 RETURNING 1) "
            "SELECT (SELECT count(*) FROM gone) - (SELECT count(*) FROM kept)"
        )
    ).scalar()
    return int(removed or 0)


def label_counts(session: Session, q: QueueQuery) -> dict[str, int]:
    """Comment counts per label of their current verdict, under the queue's filters: every match is read."""
    label_stmt = _filtered(_with_current_labels(select(VerdictLabel.label, func.count(Comment.id))), q)
    return {str(key): int(n) for key, n in session.execute(label_stmt.group_by(VerdictLabel.label))}


def label_counts_within(session: Session, q: QueueQuery, limit: int) -> dict[str, int] | None:
    """`label_counts` where no more than `limit` comments match, else None (the desk's sidebar, issue 12).

    Only the first limit + 1 matches are read, and their labels then looked up by id (which keeps both
    planners from walking every label row instead): counting each label of every match costs a second or
    so at a million comments."""
    _index_reads_are_cheap(session)
    ids = _first_matches(session, q, limit + 1)
    if len(ids) > limit:
        return None
    if not ids:
        return {}
    label_stmt = (
        _with_current_labels(select(VerdictLabel.label, func.count()))
        .where(Comment.id.in_(ids))
        .group_by(VerdictLabel.label)
    )
    return {str(key): int(n) for key, n in session.execute(label_stmt)}


def _with_current_labels(stmt: _S) -> _S:
    """`stmt` over comments joined to their channel and the labels of their current verdict."""
    return (
        stmt.select_from(Comment)
        .join(Channel, Comment.channel_id == Channel.id)
        .join(Verdict, and_(Verdict.comment_id == Comment.id, Verdict.version == Comment.verdict_version))
        .join(VerdictLabel, VerdictLabel.verdict_id == Verdict.id)
    )


# --- history -------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class MachineStep:
    organisation_id: int
    author_id: int
    comment_id: int
    when: datetime
    step: str
    labels: list[str]


def machine_steps(
    session: Session, organisation_author: Iterable[tuple[int, int]], since: datetime
) -> list[MachineStep]:
    """The current step of each of these authors' comments on these organisations' channels since `since`."""
    by_org: dict[int, set[int]] = {}
    for organisation_id, author_id in organisation_author:
        by_org.setdefault(organisation_id, set()).add(author_id)
    out: list[MachineStep] = []
    for organisation_id, author_ids in by_org.items():
        for chunk in _chunks(sorted(author_ids)):
            stmt = (
                select(Comment.author_id, Comment.id, Comment.posted_at, Comment.step, Comment.labels)
                .join(Channel, Comment.channel_id == Channel.id)
                .where(
                    Channel.organisation_id == organisation_id,
                    Comment.author_id.in_(chunk),
                    Comment.posted_at >= since,
                )
                .order_by(Comment.posted_at)
            )
            for who, comment_id, when, step, labels in session.execute(stmt):
                if who is not None:
                    out.append(MachineStep(organisation_id, who, comment_id, when, step, list(labels)))
    return out


def person_decisions(session: Session, organisation_author: Iterable[tuple[int, int]]) -> list[Decision]:
    """Every decision people made about these authors on these organisations (not windowed: blocks stand)."""
    by_org: dict[int, set[int]] = {}
    for organisation_id, author_id in organisation_author:
        by_org.setdefault(organisation_id, set()).add(author_id)
    out: list[Decision] = []
    for organisation_id, author_ids in by_org.items():
        for chunk in _chunks(sorted(author_ids)):
            stmt = (
                select(Decision)
                .where(Decision.organisation_id == organisation_id, Decision.author_id.in_(chunk))
                .order_by(Decision.created_at, Decision.id)
            )
            out.extend(session.scalars(stmt))
    return out


# --- decisions and actions -----------------------------------------------------------------------------


def append_decision(session: Session, *, created_at: datetime | None = None, **fields: Any) -> Decision:
    row = Decision(created_at=created_at or utcnow(), **fields)
    session.add(row)
    session.flush()
    return row


def decisions_for_comment(session: Session, comment_id: int) -> list[tuple[Decision, User]]:
    stmt = (
        select(Decision, User)
        .join(User, Decision.user_id == User.id)
        .where(Decision.comment_id == comment_id)
        .order_by(Decision.created_at, Decision.id)
    )
    return [(d, u) for d, u in session.execute(stmt)]


def actions_for_comment(session: Session, comment_id: int) -> list[QueuedAction]:
    stmt = select(QueuedAction).where(QueuedAction.comment_id == comment_id).order_by(QueuedAction.id)
    return list(session.scalars(stmt))


def actions_for_comments(session: Session, comment_ids: Sequence[int]) -> dict[int, list[QueuedAction]]:
    """`actions_for_comment` for many comments in one read: each comment's calls, oldest first."""
    found: dict[int, list[QueuedAction]] = {cid: [] for cid in comment_ids}
    for chunk in _chunks(sorted(set(comment_ids))):
        stmt = select(QueuedAction).where(QueuedAction.comment_id.in_(chunk)).order_by(QueuedAction.id)
        for action in session.scalars(stmt):
            found[action.comment_id].append(action)
    return found


def cancel_actions(session: Session, action_ids: Sequence[int], reason: str, *, now: datetime) -> None:
    """Cancel queued actions (or to-dos for a person) before they are carried out, saying why."""
    if action_ids:
        session.execute(
            update(QueuedAction)
            .where(QueuedAction.id.in_(action_ids), QueuedAction.status.in_(("queued", "manual")))
            .values(status="cancelled", outcome=reason, finished_at=now, updated_at=now)
        )


def set_action_status(session: Session, action_ids: Sequence[int], status: str) -> None:
    if action_ids:
        session.execute(
            update(QueuedAction).where(QueuedAction.id.in_(action_ids)).values(status=status, updated_at=utcnow())
        )


# --- users and tokens ----------------------------------------------------------------------------------


def add_user(session: Session, *, name: str, role: str, organisation_id: int | None, email: str | None = None) -> User:
    row = User(name=name, role=role, organisation_id=organisation_id, email=email, active=True, created_at=utcnow())
    session.add(row)
    session.flush()
    return row


def get_user(session: Session, user_id: int) -> User | None:
    return session.get(User, user_id)


def user_by_name(session: Session, name: str) -> User | None:
    return session.scalars(select(User).where(User.name == name)).first()


def update_user(session: Session, user_id: int, **changes: Any) -> None:
    allowed = {"role", "active", "email"}
    if set(changes) - allowed:
        raise ValueError(f"a user's {', '.join(sorted(set(changes) - allowed))} cannot be changed")
    if changes:
        session.execute(update(User).where(User.id == user_id).values(**changes))


def list_users(session: Session, organisation_id: int | None = None) -> list[User]:
    stmt = select(User).order_by(User.id)
    if organisation_id is not None:
        stmt = stmt.where(User.organisation_id == organisation_id)
    return list(session.scalars(stmt))


def add_token(session: Session, *, user_id: int, name: str, token_hash: str, prefix: str) -> ApiToken:
    row = ApiToken(user_id=user_id, name=name, token_hash=token_hash, prefix=prefix, created_at=utcnow())
    session.add(row)
    session.flush()
    return row


def get_token(session: Session, token_id: int) -> ApiToken | None:
    return session.get(ApiToken, token_id)


def token_by_hash(session: Session, token_hash: str) -> tuple[ApiToken, User] | None:
    stmt = select(ApiToken, User).join(User, ApiToken.user_id == User.id).where(ApiToken.token_hash == token_hash)
    row = session.execute(stmt).first()
    return (row[0], row[1]) if row else None


def tokens_of(session: Session, user_id: int) -> list[ApiToken]:
    return list(session.scalars(select(ApiToken).where(ApiToken.user_id == user_id).order_by(ApiToken.id)))


def revoke_token(session: Session, token_id: int) -> None:
    session.execute(update(ApiToken).where(ApiToken.id == token_id).values(revoked_at=utcnow()))


# --- audit log -----------------------------------------------------------------------------------------


def append_audits(session: Session, entries: Sequence[Mapping[str, Any]]) -> None:
    """Many audit entries in one executemany (keys as `append_audit`'s arguments; `at` defaults to now)."""
    insert_many(
        session,
        AuditEntry,
        [
            {
                "at": e.get("at") or utcnow(),
                "user_id": e["user_id"],
                "actor": e["actor"],
                "action": e["action"],
                "subject_type": e["subject_type"],
                "subject_id": str(e["subject_id"]) if e.get("subject_id") is not None else None,
                "organisation_id": e.get("organisation_id"),
                "detail": dict(e.get("detail") or {}),
            }
            for e in entries
        ],
    )


def append_audit(
    session: Session,
    *,
    user_id: int | None,
    actor: str,
    action: str,
    subject_type: str,
    subject_id: str | int | None = None,
    organisation_id: int | None = None,
    detail: Mapping[str, Any] | None = None,
) -> None:
    session.add(
        AuditEntry(
            at=utcnow(),
            user_id=user_id,
            actor=actor,
            action=action,
            subject_type=subject_type,
            subject_id=str(subject_id) if subject_id is not None else None,
            organisation_id=organisation_id,
            detail=dict(detail or {}),
        )
    )
    session.flush()


@dataclass(frozen=True, slots=True)
class AuditQuery:
    organisation_id: int | None = None
    action: str | None = None
    user_id: int | None = None
    subject_type: str | None = None
    subject_id: str | None = None
    since: datetime | None = None
    until: datetime | None = None


def audit(session: Session, q: AuditQuery, *, limit: int, offset: int) -> tuple[list[AuditEntry], int]:
    stmt = select(AuditEntry)
    if q.organisation_id is not None:
        stmt = stmt.where(AuditEntry.organisation_id == q.organisation_id)
    if q.action:
        # "decision" matches every "decision.*" action as well as the exact name.
        stmt = stmt.where(or_(AuditEntry.action == q.action, AuditEntry.action.like(f"{q.action}.%")))
    if q.user_id is not None:
        stmt = stmt.where(AuditEntry.user_id == q.user_id)
    if q.subject_type:
        stmt = stmt.where(AuditEntry.subject_type == q.subject_type)
    if q.subject_id:
        stmt = stmt.where(AuditEntry.subject_id == q.subject_id)
    if q.since is not None:
        stmt = stmt.where(AuditEntry.at >= q.since)
    if q.until is not None:
        stmt = stmt.where(AuditEntry.at < q.until)
    total = session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    rows = list(session.scalars(stmt.order_by(AuditEntry.id.desc()).limit(limit).offset(offset)))
    return rows, total


def table_counts(session: Session) -> dict[str, int]:
    """Rows per table (for `hierniet db upgrade`'s summary and the tests)."""
    tables: tuple[type[Any], ...] = (
        Organisation,
        Channel,
        Author,
        Comment,
        CommentRevision,
        Verdict,
        Recommendation,
        Decision,
        QueuedAction,
        User,
        ApiToken,
        AuditEntry,
    )
    return {str(t.__tablename__): int(session.scalar(select(func.count()).select_from(t)) or 0) for t in tables}


# --- signatories of the charter (the public site's join requests) ------------------------------------


def add_signatory(session: Session, **fields: Any) -> Signatory:
    row = Signatory(status="pending", submitted_at=utcnow(), decision_reason="", **fields)
    session.add(row)
    session.flush()
    return row


def get_signatory(session: Session, signatory_id: int) -> Signatory | None:
    return session.get(Signatory, signatory_id)


def pending_signatories_by_email(session: Session, email: str) -> list[Signatory]:
    """Pending join requests with this contact e-mail (compared case-insensitively), oldest first."""
    stmt = (
        select(Signatory)
        .where(Signatory.status == "pending", func.lower(Signatory.contact_email) == email.lower())
        .order_by(Signatory.id)
    )
    return list(session.scalars(stmt))


def count_join_requests_since(session: Session, client_hash: str, since: datetime) -> int:
    """Join requests one client sent since `since` (the join form's rate limit)."""
    stmt = select(func.count(Signatory.id)).where(Signatory.client_hash == client_hash, Signatory.submitted_at >= since)
    return int(session.scalar(stmt) or 0)


def list_signatories(
    session: Session, *, status: str, search: str | None = None, kind: str | None = None, limit: int | None = None
) -> list[Signatory]:
    """Signatories with a status, by name (pending ones oldest first, as they wait in that order)."""
    stmt = select(Signatory).where(Signatory.status == status)
    if search:
        # LIKE wildcards typed by a visitor are matched literally.
        escaped = search.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        stmt = stmt.where(func.lower(Signatory.name).like(f"%{escaped}%", escape="\\"))
    if kind:
        stmt = stmt.where(Signatory.kind == kind)
    if status == "pending":
        stmt = stmt.order_by(Signatory.submitted_at, Signatory.id)
    else:
        stmt = stmt.order_by(func.lower(Signatory.name), Signatory.id)
    if limit is not None:
        stmt = stmt.limit(limit)
    return list(session.scalars(stmt))


def count_signatories(session: Session, status: str) -> int:
    return int(session.scalar(select(func.count(Signatory.id)).where(Signatory.status == status)) or 0)


def decide_signatory(
    session: Session, signatory_id: int, *, status: str, user_id: int | None, reason: str, only_from: str
) -> bool:
    """Set a request's outcome, only while its status is still `only_from`; False when someone decided first."""
    result = session.execute(
        update(Signatory)
        .where(Signatory.id == signatory_id, Signatory.status == only_from)
        .values(status=status, decided_at=utcnow(), decided_by=user_id, decision_reason=reason)
    )
    return bool(getattr(result, "rowcount", 0))


def drop_all_tables(store: Store) -> None:
    """Drop every table of the database (of the PostgreSQL schema in use), Alembic's version table included.

    For `hierniet demo --reset` only: the append-only tables refuse DELETE, so starting over means dropping
    them; the caller checks first that nothing but demo data is there and migrates again afterwards.
    """
    metadata = MetaData()
    with store.engine.begin() as connection:
        metadata.reflect(bind=connection)
        metadata.drop_all(bind=connection)
