"""The desk's tables as SQLAlchemy 2 ORM classes: structure only, no queries and no commits.

Decisions and the audit log are append-only (the migrations add triggers that refuse UPDATE and DELETE
on them); a comment row carries, besides what the platform sent, a projection of its latest verdict,
recommendation and decision (`status`, `labels`, `step`, ...) so the queue is one indexed query.
Words used here are defined in docs/concepts.md (and docs/concepts-store.md).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    DateTime,
    Dialect,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    false,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator

# Constraint names that Alembic can find again on both backends (SQLite has no names of its own).
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

JSONType = JSON().with_variant(JSONB(), "postgresql")


class UTCDateTime(TypeDecorator[datetime]):
    """A timezone-aware UTC datetime on both backends (SQLite keeps no offset: it is stored as UTC)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError(f"naive datetime {value!r} given to the store: attach a timezone (datetime.now(UTC))")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def utcnow() -> datetime:
    return datetime.now(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    # Every Mapped[datetime] column is a UTCDateTime (SQLAlchemy reads this mapping once, at class creation).
    type_annotation_map = {datetime: UTCDateTime()}  # noqa: RUF012


class Organisation(Base):
    """A signatory of the charter; its channels share one author history and, by default, one policy."""

    __tablename__ = "organisations"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    # The organisation's policy YAML (hierniet.policy); NULL means the shipped default policy.
    policy_yaml: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Channel(Base):
    """One social-media account or page of an organisation on one platform."""

    __tablename__ = "channels"
    __table_args__ = (UniqueConstraint("platform", "external_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    platform: Mapped[str] = mapped_column(String(20))
    external_id: Mapped[str] = mapped_column(String(200))
    name: Mapped[str] = mapped_column(String(200), default="")
    # A channel policy wins over its organisation's; NULL inherits it.
    policy_yaml: Mapped[str | None] = mapped_column(Text)
    # Where the connector finds its secret (e.g. "env:HIERNIET_FB_PAGE_TOKEN"); never the secret itself.
    credentials_ref: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # --- the connector (issue 6): secrets encrypted (hierniet.services.credentials), the rest plain JSON
    credentials_ciphertext: Mapped[str | None] = mapped_column(Text)
    # The last characters of each secret by name, for the masked display (••••abcd) without decrypting.
    credentials_hint: Mapped[dict[str, str]] = mapped_column(JSONType, default=dict)
    connector_config: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    # False stops the worker polling the channel and sending its actions (they stay queued).
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class Post(Base):
    """The organisation's own post (or video, or toot) that comments answer; shown beside each comment."""

    __tablename__ = "posts"
    __table_args__ = (UniqueConstraint("channel_id", "external_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    channel_id: Mapped[int] = mapped_column(ForeignKey("channels.id"))
    external_id: Mapped[str] = mapped_column(String(200))
    text: Mapped[str] = mapped_column(Text, default="")
    url: Mapped[str | None] = mapped_column(String(500))
    posted_at: Mapped[datetime | None] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Author(Base):
    """A commenter as one platform knows them. Their history is read from comments and decisions."""

    __tablename__ = "authors"
    __table_args__ = (UniqueConstraint("platform", "external_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    platform: Mapped[str] = mapped_column(String(20))
    external_id: Mapped[str] = mapped_column(String(200))
    name: Mapped[str] = mapped_column(String(200), default="")
    # True or False when a connector knows where the author lives (reports to Unia); NULL when unknown.
    in_belgium: Mapped[bool | None] = mapped_column(Boolean)
    # When the account was made on the platform, where the platform says so (0017): new accounts in a burst
    # are a sign of a raid (hierniet.raids). NULL when the platform does not tell.
    account_created_at: Mapped[datetime | None] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Comment(Base):
    """One platform comment with its place in a thread, and the projection of its latest state."""

    __tablename__ = "comments"
    __table_args__ = (
        # Keyed by channel (0006), not by platform: an external id is only as trustworthy as the channel that
        # sent it, so one organisation's comment can never be matched (edited, blocked) by another's.
        UniqueConstraint("channel_id", "external_id"),
        Index("ix_comments_queue", "status", "severity", "posted_at"),
        # PostgreSQL also keeps the columns the insight figures group by in it (0014): their scans are index-only.
        Index(
            "ix_comments_channel_posted",
            "channel_id",
            "posted_at",
            postgresql_include=[
                "status",
                "severity",
                "language",
                "platform",
                "step",
                "decided_step",
                "labels",
                "received_at",
            ],
        ),
        Index("ix_comments_author_posted", "author_id", "posted_at"),
        # The queue's orders by time (0012): oldest first, and newest first read backwards; the severity order's
        # index follows the class (its DESC needs the column).
        Index("ix_comments_posted_id", "posted_at", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    channel_id: Mapped[int] = mapped_column(ForeignKey("channels.id"))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("authors.id"))
    platform: Mapped[str] = mapped_column(String(20))
    external_id: Mapped[str] = mapped_column(String(200))
    thread_external_id: Mapped[str | None] = mapped_column(String(200))
    parent_external_id: Mapped[str | None] = mapped_column(String(200))
    text: Mapped[str] = mapped_column(Text)
    language_hint: Mapped[str | None] = mapped_column(String(8))
    posted_at: Mapped[datetime] = mapped_column()
    received_at: Mapped[datetime] = mapped_column(default=utcnow)
    # --- the projection (rewritten by ingestion, re-triage and decisions; history lives in the tables below)
    status: Mapped[str] = mapped_column(String(16))
    verdict_version: Mapped[int] = mapped_column(Integer, default=1)
    language: Mapped[str] = mapped_column(String(8))
    severity: Mapped[int] = mapped_column(Integer, default=0)
    labels: Mapped[list[str]] = mapped_column(JSONType, default=list)
    step: Mapped[str] = mapped_column(String(16))  # the latest recommendation's step
    auto: Mapped[bool] = mapped_column(Boolean, default=False)
    alert_lead: Mapped[bool] = mapped_column(Boolean, default=False)
    decided_step: Mapped[str | None] = mapped_column(String(16))  # the latest person's decision, if any
    # --- what the platform did to it afterwards (0005): the author edited it (the earlier texts are in
    # comment_revisions), or it was removed there (by its author, the organisation or the platform).
    edited_at: Mapped[datetime | None] = mapped_column()  # when the latest edit reached hierniet
    # A person had decided before the latest edit: the desk asks them to look again (the decision stands).
    edited_after_decision: Mapped[bool] = mapped_column(Boolean, default=False)
    removed_at: Mapped[datetime | None] = mapped_column()  # when hierniet learnt it was removed on the platform
    # --- data protection (0008, hierniet.services.privacy): the text erased (retention or an erasure), the
    # personal data in it redacted, and a lead's evidence hold that keeps it out of both until released.
    redacted_at: Mapped[datetime | None] = mapped_column()
    pii_redacted_at: Mapped[datetime | None] = mapped_column()
    evidence_hold: Mapped[bool] = mapped_column(Boolean, default=False)


# What waits for a person now, by channel and arrival (0014): the insight backlog counts it without reading the
# organisation's other comments.
Index(
    "ix_comments_waiting",
    Comment.channel_id,
    Comment.received_at,
    postgresql_where=text("status IN ('open', 'escalated')"),
    sqlite_where=text("status IN ('open', 'escalated')"),
)

# The queue's default order (0012), most severe then oldest, so a page is read in order and the scan stops once
# it is full instead of sorting every match.
Index("ix_comments_severity_order", Comment.severity.desc(), Comment.posted_at, Comment.id)

# The default queue (0018): what waits, in the severity order, without walking past the decided comments.
Index(
    "ix_comments_waiting_order",
    Comment.severity.desc(),
    Comment.posted_at,
    Comment.id,
    postgresql_where=text("status IN ('open', 'escalated')"),
    sqlite_where=text("status IN ('open', 'escalated')"),
)
# An author's comments in the queue's order (0018): the author page and the queue filtered by author.
Index("ix_comments_author_order", Comment.author_id, Comment.severity.desc(), Comment.posted_at, Comment.id)


class CommentCount(Base):
    """Comments counted by channel and by what the counts group by (0018): kept by PostgreSQL triggers on
    `comments`, so GET /api/v1/counts reads a few thousand rows instead of every comment of the organisation.

    The triggers only append (+k or -k per statement and group), so concurrent ingestion never waits on a shared
    counter row; the worker folds the rows of each group into one now and then (repo.compact_comment_counts).
    The sum of `n` over a group is the count. SQLite (the embedded default) has the table but no triggers: its
    counts are read from the comments, which at its scale is fast enough."""

    __tablename__ = "comment_counts"
    __table_args__ = (Index("ix_comment_counts_channel_status", "channel_id", "status"),)

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer(), "sqlite"), primary_key=True)
    # No foreign key: a key would make every counted insert look the channel up again, for nothing.
    channel_id: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16))
    step: Mapped[str] = mapped_column(String(16))
    language: Mapped[str] = mapped_column(String(8))
    severity: Mapped[int] = mapped_column(Integer)
    # The comment's labels as JSON text (a list, as in comments.labels).
    labels: Mapped[str] = mapped_column(Text)
    n: Mapped[int] = mapped_column(Integer)


class InsightCount(Base):
    """The comments of each channel counted by what the insight figures group them by (0021), kept by PostgreSQL
    triggers on `comments` and `decisions` as `comment_counts` is: kind 'h' per UTC hour of posting (`n`, and
    `acting`: with a severity above none); 'b' per UTC day, platform, language and status; 'o' per UTC day,
    labels, status, a person's step and the recommended step; 'k' the decisions on the comments of a UTC day by
    kind and reports; 'a' the comments the policy handled alone by their latest recommendation's reports; 'd'
    the decided comments of a UTC day by their delay to the first person's decision
    (`seconds`, with how many share it). The triggers only append (+k or -k per statement and group); the sum
    over a group's rows is the count; the worker folds them now and then (repo_insight.compact). SQLite has the
    table but no triggers: its figures are read from the comments."""

    __tablename__ = "insight_counts"
    __table_args__ = (
        Index("ix_insight_counts_kind_channel_at", "kind", "channel_id", "at"),
        # The rows the triggers appended since the last fold: what the next fold reads.
        Index(
            "ix_insight_counts_appended",
            "kind",
            "channel_id",
            "at",
            postgresql_where=text("NOT folded"),
            sqlite_where=text("NOT folded"),
        ),
    )

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer(), "sqlite"), primary_key=True)
    # No foreign key, as in comment_counts: a key would make every counted statement look the channel up again.
    channel_id: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(1))
    at: Mapped[datetime] = mapped_column()  # the UTC hour ('h') or day ('b', 'o')
    platform: Mapped[str | None] = mapped_column(String(20))
    language: Mapped[str | None] = mapped_column(String(8))
    status: Mapped[str | None] = mapped_column(String(16))
    labels: Mapped[str | None] = mapped_column(Text)  # JSON text of the list, as comments.labels::text
    decided_step: Mapped[str | None] = mapped_column(String(16))
    step: Mapped[str | None] = mapped_column(String(16))
    decision: Mapped[str | None] = mapped_column(String(16))  # 'k': a decision's kind
    reports: Mapped[str | None] = mapped_column(Text)  # 'k', 'a': the reports as JSON text
    seconds: Mapped[float | None] = mapped_column(Float)  # 'd': from arrival to the first person's decision
    n: Mapped[int] = mapped_column(Integer)
    acting: Mapped[int] = mapped_column(Integer)
    # True on the rows a fold wrote (and the migration's first count); the triggers' rows are False.
    folded: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())


class Verdict(Base):
    """One triage of one comment; a re-triage adds version n+1 and leaves the older ones."""

    __tablename__ = "verdicts"
    __table_args__ = (UniqueConstraint("comment_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    comment_id: Mapped[int] = mapped_column(ForeignKey("comments.id"))
    version: Mapped[int] = mapped_column(Integer)
    language: Mapped[str] = mapped_column(String(8))
    language_confidence: Mapped[float] = mapped_column(Float)
    labels: Mapped[list[str]] = mapped_column(JSONType)
    scores: Mapped[dict[str, float]] = mapped_column(JSONType)
    severity: Mapped[int] = mapped_column(Integer)
    target: Mapped[str | None] = mapped_column(String(32))
    evidence: Mapped[list[dict[str, Any]]] = mapped_column(JSONType)
    pii: Mapped[list[dict[str, Any]]] = mapped_column(JSONType)
    model_version: Mapped[str] = mapped_column(String(200))
    # Each reason as text, or (with its message id and values, hierniet.domain.Reason) as a mapping.
    reasons: Mapped[list[str | dict[str, Any]]] = mapped_column(JSONType)
    # Named rules that raised a label of this verdict, and those that held one back (triage v2; 0009).
    rules_fired: Mapped[list[str]] = mapped_column(JSONType, default=list)
    suppressed_by: Mapped[list[str]] = mapped_column(JSONType, default=list)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class VerdictLabel(Base):
    """The labels of a verdict, one row each, so the queue can filter on a label with an index."""

    __tablename__ = "verdict_labels"
    __table_args__ = (Index("ix_verdict_labels_label_verdict", "label", "verdict_id"),)

    verdict_id: Mapped[int] = mapped_column(ForeignKey("verdicts.id"), primary_key=True)
    label: Mapped[str] = mapped_column(String(20), primary_key=True)
    score: Mapped[float] = mapped_column(Float)


class Recommendation(Base):
    """What the policy recommended for one verdict, given the author's history at that time."""

    __tablename__ = "recommendations"

    id: Mapped[int] = mapped_column(primary_key=True)
    comment_id: Mapped[int] = mapped_column(ForeignKey("comments.id"), index=True)
    verdict_id: Mapped[int] = mapped_column(ForeignKey("verdicts.id"))
    step: Mapped[str] = mapped_column(String(16))
    reports: Mapped[list[str]] = mapped_column(JSONType)
    auto: Mapped[bool] = mapped_column(Boolean)
    reply: Mapped[str] = mapped_column(Text)
    # Each reason as text, or (with its message id and values, hierniet.domain.Reason) as a mapping.
    reasons: Mapped[list[str | dict[str, Any]]] = mapped_column(JSONType)
    language: Mapped[str] = mapped_column(String(8))
    alert_lead: Mapped[bool] = mapped_column(Boolean)
    policy_version: Mapped[str] = mapped_column(String(200))
    label: Mapped[str | None] = mapped_column(String(20))
    actions: Mapped[list[str]] = mapped_column(JSONType)
    platform: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class User(Base):
    """A person (or a connector's service account) with a role; `organisation_id` NULL sees every one."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    role: Mapped[str] = mapped_column(String(16))
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"), index=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # The desk's session login; NULL for machine accounts that only hold API tokens.
    password_hash: Mapped[str | None] = mapped_column(String(255))
    # The desk's language for this person (nl, fr, en, de); NULL follows the browser. Alerts to them by e-mail
    # are in this language too (hierniet.services.alerts_text).
    locale: Mapped[str | None] = mapped_column(String(8))
    # Where alerts of their organisation reach them if they are a lead (0020); NULL: not by e-mail.
    email: Mapped[str | None] = mapped_column(String(254))
    # The person's desk preferences (e.g. how severe content is shielded), validated by the desk's service.
    preferences: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    # Bumped when the person signs out, or their password, role or switch changes: every desk session
    # carries the number it was made under, and one made under an older number has ended (a stolen cookie
    # stops working at sign-out, not when it expires).
    session_epoch: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


class SignInAttempt(Base):
    """Recent sign-in attempts for one name from one address (the desk's throttle, shared by every process).

    A row counts the attempts since the last successful sign-in from that address; a success deletes it,
    and rows untouched for a day are pruned. Keyed by (name, address) so that failures from one address
    never refuse the right password from another. Both are kept as SHA-256 hex digests only: an address is
    personal data, and people sometimes type their password into the name field.
    """

    __tablename__ = "sign_in_attempts"

    # SHA-256 of the name as typed, trimmed and lower-cased; SHA-256 of the client's address.
    name_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    address_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_at: Mapped[datetime] = mapped_column(index=True)
    # No attempt for this (name, address) before this moment; NULL while the first free attempts last.
    blocked_until: Mapped[datetime | None] = mapped_column()


class ApiToken(Base):
    """A bearer token for the REST API, stored as its SHA-256 only; `prefix` lets people tell them apart."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column()


class Decision(Base):
    """What a person decided about a comment (or an author's record): who, when, what, why. Append-only."""

    __tablename__ = "decisions"
    __table_args__ = (Index("ix_decisions_author_org", "author_id", "organisation_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    comment_id: Mapped[int | None] = mapped_column(ForeignKey("comments.id"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("authors.id"))
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    recommendation_id: Mapped[int | None] = mapped_column(ForeignKey("recommendations.id"))
    kind: Mapped[str] = mapped_column(String(16))
    step: Mapped[str] = mapped_column(String(16))
    reply: Mapped[str] = mapped_column(Text, default="")
    reports: Mapped[list[str]] = mapped_column(JSONType, default=list)
    reason: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # The "privacy.retention" or "privacy.erasure" audit entry that blanked this row's personal data (0008):
    # the only UPDATE its trigger allows. No foreign key: the trigger checks the entry and its action.
    redacted_by: Mapped[int | None] = mapped_column(Integer)


class QueuedAction(Base):
    """A platform call waiting in the outbox (hide, reply, report, ...), from a decision or an automatic step."""

    __tablename__ = "queued_actions"
    __table_args__ = (
        Index("ix_queued_actions_status_due", "status", "not_before"),
        Index("ix_queued_actions_lease", "status", "lease_until"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    comment_id: Mapped[int] = mapped_column(ForeignKey("comments.id"), index=True)
    channel_id: Mapped[int] = mapped_column(ForeignKey("channels.id"))
    decision_id: Mapped[int | None] = mapped_column(ForeignKey("decisions.id"))
    recommendation_id: Mapped[int | None] = mapped_column(ForeignKey("recommendations.id"))
    action: Mapped[str] = mapped_column(String(32))
    payload: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    status: Mapped[str] = mapped_column(String(16), default="queued")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    not_before: Mapped[datetime] = mapped_column(default=utcnow)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    # --- the worker's lease and the outcome (issue 6, hierniet.services.outbox)
    # Sent to platforms that deduplicate on it, and unique here; stable across retries.
    idempotency_key: Mapped[str | None] = mapped_column(String(64), unique=True)
    claimed_by: Mapped[str | None] = mapped_column(String(100))
    claimed_at: Mapped[datetime | None] = mapped_column()
    lease_until: Mapped[datetime | None] = mapped_column()
    # Set (and committed) before the platform call: a lease that runs out with it set is "in doubt".
    sent_at: Mapped[datetime | None] = mapped_column()
    finished_at: Mapped[datetime | None] = mapped_column()
    outcome: Mapped[str | None] = mapped_column(Text)
    platform_ref: Mapped[str | None] = mapped_column(String(200))
    # --- done by hand (0011): a call the platform has no API for waits as "manual", a to-do for a person;
    # whoever ticks "done by hand" (for it, or for a call that failed) is kept here and in the audit log.
    manual_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    manual_at: Mapped[datetime | None] = mapped_column()


class AuditEntry(Base):
    """One line of the audit log: who did what to which subject, when. Append-only."""

    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_log_org_at", "organisation_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    actor: Mapped[str] = mapped_column(String(100))
    action: Mapped[str] = mapped_column(String(64), index=True)
    subject_type: Mapped[str] = mapped_column(String(32))
    subject_id: Mapped[str | None] = mapped_column(String(64))
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"))
    detail: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    # The "privacy.retention" or "privacy.erasure" audit entry that blanked this row's personal data (0008):
    # the only UPDATE its trigger allows. No foreign key: the trigger checks the entry and its action.
    redacted_by: Mapped[int | None] = mapped_column(Integer)


class CommentRevision(Base):
    """An earlier text of a comment its author edited on the platform: the evidence of what it said. Append-only.

    `received_at` is when hierniet received that text, `replaced_at` when an edit replaced it, and
    `verdict_version` the verdict that read it (the comment's verdicts keep their versions).
    """

    __tablename__ = "comment_revisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    comment_id: Mapped[int] = mapped_column(ForeignKey("comments.id"), index=True)
    text: Mapped[str] = mapped_column(Text)
    verdict_version: Mapped[int] = mapped_column(Integer)
    received_at: Mapped[datetime] = mapped_column()
    replaced_at: Mapped[datetime] = mapped_column()
    # The "privacy.retention" or "privacy.erasure" audit entry that blanked this row's personal data (0008):
    # the only UPDATE its trigger allows. No foreign key: the trigger checks the entry and its action.
    redacted_by: Mapped[int | None] = mapped_column(Integer)


#: Tables whose rows are never updated or deleted (enforced by triggers from the migrations).
APPEND_ONLY_TABLES: tuple[str, ...] = ("decisions", "audit_log", "comment_revisions")


class ConnectorCursor(Base):
    """Where a polled channel's connector left off, and its backoff after a failing platform (issue 6)."""

    __tablename__ = "connector_cursors"

    channel_id: Mapped[int] = mapped_column(ForeignKey("channels.id"), primary_key=True)
    cursor: Mapped[str | None] = mapped_column(Text)
    polled_at: Mapped[datetime | None] = mapped_column()
    not_before: Mapped[datetime | None] = mapped_column()
    failures: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class QuotaUsage(Base):
    """Units of a platform's daily quota spent (YouTube Data API), per quota key and platform day."""

    __tablename__ = "quota_usage"

    quota_key: Mapped[str] = mapped_column(String(200), primary_key=True)
    day: Mapped[str] = mapped_column(String(10), primary_key=True)
    units: Mapped[int] = mapped_column(Integer, default=0)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class WebhookEvent(Base):
    """The replay guard: webhook events (or signature+body hashes) seen recently, per channel."""

    __tablename__ = "webhook_events"
    __table_args__ = (UniqueConstraint("channel_id", "event_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    channel_id: Mapped[int] = mapped_column(ForeignKey("channels.id"))
    event_key: Mapped[str] = mapped_column(String(200))
    received_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)


class Signatory(Base):
    """An organisation that asked to sign the charter on the public site, and what an admin decided (issue 5).

    Listed publicly only once approved; `contact_email` and `client_hash` are never shown publicly.
    """

    __tablename__ = "signatories"
    __table_args__ = (
        Index("ix_signatories_status_name", "status", "name"),
        # The join form's rate limit counts a client's recent requests.
        Index("ix_signatories_client_submitted", "client_hash", "submitted_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(16))  # company, city, school, ngo, media, other
    website: Mapped[str] = mapped_column(String(300))
    contact_email: Mapped[str] = mapped_column(String(254))
    # A small PNG, JPEG or WebP checked by hierniet.services.signatories; served only once approved.
    logo: Mapped[bytes | None] = mapped_column(LargeBinary)
    logo_type: Mapped[str | None] = mapped_column(String(32))
    language: Mapped[str] = mapped_column(String(8))  # the site language the request came in
    status: Mapped[str] = mapped_column(String(16))  # pending, approved, rejected
    submitted_at: Mapped[datetime] = mapped_column(default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column()
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decision_reason: Mapped[str] = mapped_column(Text, default="")
    # SHA-256 of the submitting client's address (never the address itself), for the rate limit.
    client_hash: Mapped[str] = mapped_column(String(64))


class CommentClaim(Base):
    """Who is handling a comment now (0011): a claim when they opened it, ending at `expires_at`, or a lead's
    assignment (`assigned_by` set, no expiry). One per comment; a decision on the comment deletes it.

    A claim is a warning to the others, never a lock: anyone may still decide, or take it over.
    """

    __tablename__ = "comment_claims"

    comment_id: Mapped[int] = mapped_column(ForeignKey("comments.id"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    claimed_at: Mapped[datetime] = mapped_column()
    # NULL for an assignment: it lasts until someone decides (or a lead assigns it elsewhere).
    expires_at: Mapped[datetime | None] = mapped_column()
    assigned_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class SavedFilter(Base):
    """A person's named queue filter (0011): the query string of the queue's address, without the page."""

    __tablename__ = "saved_filters"
    __table_args__ = (UniqueConstraint("user_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    query: Mapped[str] = mapped_column(String(1000))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class DeskActivity(Base):
    """A minute in which a person worked in the desk's queue (0013): one row per person per minute, written by
    the first desk request of that minute, so time in the queue costs one small write a minute at most.
    `severe_seen` counts the severe comments opened shielded in that minute (seen, not revealed)."""

    __tablename__ = "desk_activity"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    # UTC, cut to the minute.
    minute: Mapped[datetime] = mapped_column(primary_key=True)
    severe_seen: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


class SevereRotation(Base):
    """Who of an organisation is on the severe rotation (0013): comments with the policy's rotation labels
    are offered to them first; a lead sets it (audited)."""

    __tablename__ = "severe_rotation"

    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    added_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    added_at: Mapped[datetime] = mapped_column(default=utcnow)


class Alert(Base):
    """An alert to the lead (0013): a critical threat or someone in distress on one comment, one per comment
    and kind, delivered by the worker by e-mail and webhooks with retries. It never holds the comment's text
    or its author; `delivered` lists the targets already reached, so a retry does not tell them twice."""

    __tablename__ = "alerts"
    __table_args__ = (
        UniqueConstraint("comment_id", "kind"),
        Index("ix_alerts_status_due", "status", "not_before"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    comment_id: Mapped[int] = mapped_column(ForeignKey("comments.id"))
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    channel_id: Mapped[int] = mapped_column(ForeignKey("channels.id"))
    kind: Mapped[str] = mapped_column(String(16))
    severity: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    status: Mapped[str] = mapped_column(String(16), default="queued")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    not_before: Mapped[datetime] = mapped_column(default=utcnow)
    claimed_by: Mapped[str | None] = mapped_column(String(100))
    lease_until: Mapped[datetime | None] = mapped_column()
    delivered: Mapped[list[str]] = mapped_column(JSONType, default=list)
    last_error: Mapped[str | None] = mapped_column(Text)
    finished_at: Mapped[datetime | None] = mapped_column()
    # The raid an alert of kind "raid" is about (0015); its comment is the raid's first. No foreign key: SQLite
    # cannot add one to an existing table, and an alert outlives nothing it names (raids are never deleted).
    raid_id: Mapped[int | None] = mapped_column(Integer)


class Raid(Base):
    """A raid or a criticism storm the detector found (issue 14), one row per burst, updated as it grows.

    `key` is the detector's stable name for the burst (hierniet.raids.types.Raid.key), unique per organisation,
    so a later run updates this row instead of adding one. `post` is the platform's id of the post (a comment's
    thread), `target` the person named or addressed. Status: open while it may grow, closed once quiet,
    dismissed when a lead said it is not a raid (a machine never reopens a dismissed raid).
    """

    __tablename__ = "raids"
    __table_args__ = (
        UniqueConstraint("organisation_id", "key"),
        Index("ix_raids_org_status_last", "organisation_id", "status", "last_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    key: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(20))  # raid, criticism_storm
    post: Mapped[str | None] = mapped_column(String(200))
    target: Mapped[str | None] = mapped_column(String(200))
    score: Mapped[float] = mapped_column(Float)
    started_at: Mapped[datetime] = mapped_column()
    last_at: Mapped[datetime] = mapped_column()
    # Each reason as a mapping (hierniet.domain.Reason: code, message, values), like a verdict's.
    reasons: Mapped[list[dict[str, Any]]] = mapped_column(JSONType, default=list)
    # The near-duplicate clusters: [{"text", "count", "comment_ids"}] (the text is shown masked only).
    clusters: Mapped[list[dict[str, Any]]] = mapped_column(JSONType, default=list)
    channels: Mapped[list[str]] = mapped_column(JSONType, default=list)
    status: Mapped[str] = mapped_column(String(16), default="open")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class RaidMember(Base):
    """An author of a raid: core (first minutes, copied texts, known from an earlier raid) or joiner."""

    __tablename__ = "raid_members"

    raid_id: Mapped[int] = mapped_column(ForeignKey("raids.id"), primary_key=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("authors.id"), primary_key=True, index=True)
    role: Mapped[str] = mapped_column(String(16))
    comments: Mapped[int] = mapped_column(Integer)
    abusive: Mapped[int] = mapped_column(Integer)
    first_at: Mapped[datetime] = mapped_column()
    # The keys of earlier raids this author was a member of (the recurring core of a brigade).
    earlier_raids: Mapped[list[str]] = mapped_column(JSONType, default=list)


class RaidComment(Base):
    """A comment of a raid, and whether the detector read it as abusive (those are what "hide all" hides)."""

    __tablename__ = "raid_comments"

    raid_id: Mapped[int] = mapped_column(ForeignKey("raids.id"), primary_key=True)
    comment_id: Mapped[int] = mapped_column(ForeignKey("comments.id"), primary_key=True, index=True)
    abusive: Mapped[bool] = mapped_column(Boolean, default=False)


class RaidAction(Base):
    """One move a person made on a raid (hide all, hold, block the core, evidence, dismiss) and what it did, so
    that it can be undone as one: `detail` lists the decisions and outbox rows it made."""

    __tablename__ = "raid_actions"

    id: Mapped[int] = mapped_column(primary_key=True)
    raid_id: Mapped[int] = mapped_column(ForeignKey("raids.id"), index=True)
    action: Mapped[str] = mapped_column(String(32))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    at: Mapped[datetime] = mapped_column(default=utcnow)
    detail: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    undone_at: Mapped[datetime | None] = mapped_column()
    undone_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class RaidHold(Base):
    """A raid's hold on new comments on its post, per channel (0022): made by the "hold" move, lifted by its undo.

    `mode` says who holds: `each` (YouTube: no API holds a video's comments, so ingestion puts every new comment
    stored on the post in heldForReview through the outbox, hierniet.services.raid_holds), `platform` (one call
    through the outbox: Bluesky's threadgate, Mastodon's quote policy) or `by_hand` (a to-do for a person).
    While `lifted_at` is NULL the hold is active.
    """

    __tablename__ = "raid_holds"
    __table_args__ = (Index("ix_raid_holds_channel_post", "channel_id", "post"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    raid_id: Mapped[int] = mapped_column(ForeignKey("raids.id"), index=True)
    action_id: Mapped[int] = mapped_column(ForeignKey("raid_actions.id"), index=True)
    channel_id: Mapped[int] = mapped_column(ForeignKey("channels.id"))
    post: Mapped[str] = mapped_column(String(200))
    mode: Mapped[str] = mapped_column(String(16))
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    lifted_at: Mapped[datetime | None] = mapped_column()
    lifted_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class RaidHeldComment(Base):
    """A new comment a hold of mode `each` held on the platform, with the outbox call that holds it (so lifting
    the hold releases exactly the comments the hold put there)."""

    __tablename__ = "raid_held_comments"

    hold_id: Mapped[int] = mapped_column(ForeignKey("raid_holds.id"), primary_key=True)
    comment_id: Mapped[int] = mapped_column(ForeignKey("comments.id"), primary_key=True, index=True)
    queued_action_id: Mapped[int] = mapped_column(ForeignKey("queued_actions.id"))
    held_at: Mapped[datetime] = mapped_column(default=utcnow)


class RaidDetectorState(Base):
    """The raid detector's whole state for one organisation (its JSON-able `state()`), and the last comment
    fed to it: a restarted worker rebuilds the detector from it and reads only newer comments."""

    __tablename__ = "raid_detector_state"

    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), primary_key=True)
    state: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    last_comment_id: Mapped[int] = mapped_column(Integer, default=0)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


# --- the crisis desk (issue 15, 0016_crisis) -------------------------------------------------------------------


class Crisis(Base):
    """A crisis of one organisation (a flood, a storm, a festival evacuation), opened and closed by a lead.

    While open, its organisation's comments that carry one of its keywords (on its channels, or all the
    organisation's channels when none are named) are taken in as crisis posts. `settings` holds what the
    suggested replies need: `registration_url` (where helpers register their offers) and `request_url`.
    """

    __tablename__ = "crises"
    __table_args__ = (UniqueConstraint("organisation_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    name: Mapped[str] = mapped_column(String(200))
    keywords: Mapped[list[str]] = mapped_column(JSONType, default=list)
    channel_ids: Mapped[list[int]] = mapped_column(JSONType, default=list)
    settings: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    status: Mapped[str] = mapped_column(String(16), default="open")
    opened_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    opened_at: Mapped[datetime] = mapped_column(default=utcnow)
    closed_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    closed_at: Mapped[datetime | None] = mapped_column()


class CrisisCard(Base):
    """One card: the crisis posts that say the same thing (hierniet.crisis.collapse), read once.

    `key` is the canonical key of the card's first post: a later post with the same key joins it at once, and
    the near-duplicate stage compares new keys with it. `status` is the machine's (open, matched) until a person
    sets one (helped, confirmed, full: `status_by` then names them), which the machine never changes back.
    """

    __tablename__ = "crisis_cards"
    __table_args__ = (Index("ix_crisis_cards_crisis_kind", "crisis_id", "kind", "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    crisis_id: Mapped[int] = mapped_column(ForeignKey("crises.id"))
    key: Mapped[str] = mapped_column(Text)
    text: Mapped[str] = mapped_column(Text)
    count: Mapped[int] = mapped_column(Integer, default=0)
    first_seen: Mapped[datetime | None] = mapped_column()
    last_seen: Mapped[datetime | None] = mapped_column()
    # Distinct ways it was written -> how many posts wrote it so (the first ones only: see MAX_VARIANTS).
    variants: Mapped[dict[str, int]] = mapped_column(JSONType, default=dict)
    language: Mapped[str] = mapped_column(String(8))
    kind: Mapped[str] = mapped_column(String(16))
    kind_scores: Mapped[dict[str, float]] = mapped_column(JSONType, default=dict)
    needs: Mapped[list[str]] = mapped_column(JSONType, default=list)
    places: Mapped[list[dict[str, Any]]] = mapped_column(JSONType, default=list)
    when: Mapped[list[str]] = mapped_column(JSONType, default=list)
    how_many: Mapped[list[dict[str, Any]]] = mapped_column(JSONType, default=list)
    contact: Mapped[dict[str, str] | None] = mapped_column(JSONType)
    status: Mapped[str] = mapped_column(String(16), default="open")
    status_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    status_at: Mapped[datetime | None] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class CrisisPost(Base):
    """One post taken into a crisis: from a channel's stored comment (`comment_id`, which a reply answers) or
    from an imported file. Kind, needs, places and contact are its card's reading when it joined."""

    __tablename__ = "crisis_posts"
    __table_args__ = (
        UniqueConstraint("crisis_id", "source", "external_id"),
        Index("ix_crisis_posts_card", "card_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    crisis_id: Mapped[int] = mapped_column(ForeignKey("crises.id"))
    source: Mapped[str] = mapped_column(String(16))
    platform: Mapped[str] = mapped_column(String(20))
    external_id: Mapped[str] = mapped_column(String(200))
    comment_id: Mapped[int | None] = mapped_column(ForeignKey("comments.id"))
    text: Mapped[str] = mapped_column(Text)
    key: Mapped[str] = mapped_column(Text)
    posted_at: Mapped[datetime | None] = mapped_column()
    author: Mapped[str] = mapped_column(String(200), default="")
    card_id: Mapped[int] = mapped_column(ForeignKey("crisis_cards.id"))
    kind: Mapped[str] = mapped_column(String(16))
    needs: Mapped[list[str]] = mapped_column(JSONType, default=list)
    places: Mapped[list[dict[str, Any]]] = mapped_column(JSONType, default=list)
    contact: Mapped[dict[str, str] | None] = mapped_column(JSONType)
    received_at: Mapped[datetime] = mapped_column(default=utcnow)


class CrisisMatch(Base):
    """A request card and an offer card suggested together (score and reasons), until a person confirms or
    rejects the pair; a rejected pair is never suggested again."""

    __tablename__ = "crisis_matches"
    __table_args__ = (
        UniqueConstraint("request_card_id", "offer_card_id"),
        Index("ix_crisis_matches_crisis_status", "crisis_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    crisis_id: Mapped[int] = mapped_column(ForeignKey("crises.id"))
    request_card_id: Mapped[int] = mapped_column(ForeignKey("crisis_cards.id"))
    offer_card_id: Mapped[int] = mapped_column(ForeignKey("crisis_cards.id"))
    score: Mapped[float] = mapped_column(Float)
    reasons: Mapped[list[dict[str, Any]]] = mapped_column(JSONType, default=list)
    status: Mapped[str] = mapped_column(String(16), default="suggested")
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime | None] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class RetriageRun(Base):
    """One `hierniet retriage` run (0018): what it re-triages and how far it got, so a crash loses no work."""

    __tablename__ = "retriage_runs"
    __table_args__ = (Index("ix_retriage_runs_filters_key", "filters_key", "started_at"),)

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    filters: Mapped[dict[str, Any]] = mapped_column(JSONType)
    # A hash of the filters: a run started again with the same filters resumes the last unfinished one.
    filters_key: Mapped[str] = mapped_column(String(64))
    engine: Mapped[str] = mapped_column(String(16))
    batch_size: Mapped[int] = mapped_column(Integer)
    planned: Mapped[int] = mapped_column(Integer)  # comments matching the filters when the run started
    started_at: Mapped[datetime] = mapped_column()
    finished_at: Mapped[datetime | None] = mapped_column()


class RetriagePartition(Base):
    """A comment id range [lo, hi] of a re-triage run. `done_upto` moves in the transaction that writes a batch
    (never apart from it), so each comment of the range is re-triaged once by the run, crash or not."""

    __tablename__ = "retriage_partitions"

    run_id: Mapped[str] = mapped_column(ForeignKey("retriage_runs.id"), primary_key=True)
    lo: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    hi: Mapped[int] = mapped_column(Integer)
    done_upto: Mapped[int] = mapped_column(Integer)
    finished: Mapped[bool] = mapped_column(Boolean)
    batches: Mapped[int] = mapped_column(Integer)
    retriaged: Mapped[int] = mapped_column(Integer)
    changed: Mapped[int] = mapped_column(Integer)  # labels or severity differ from the verdict it replaced
    held: Mapped[int] = mapped_column(Integer)  # a person's decision (or the platform's removal) kept the status
