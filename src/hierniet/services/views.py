"""What the desk's services return: plain frozen dataclasses, the same for the JSON API and the pages.

The API's Public schemas read these with `from_attributes`; a page template reads their fields.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any, Generic, TypeVar

T = TypeVar("T")


class CommentStatus(StrEnum):
    """Where a comment stands on the desk (see docs/concepts-store.md)."""

    OPEN = "open"  # a person should look: the recommendation is a step the policy may not apply alone
    ESCALATED = "escalated"  # a lead should look: an alert (self-harm, police) or a moderator escalated it
    AUTO = "auto"  # the policy applied its step automatically; a person may still review it
    CLEAR = "clear"  # nothing to act on
    DECIDED = "decided"  # a person decided; a machine never changes that
    REMOVED = "removed"  # removed on the platform before anyone decided: nothing left to act on there


#: The statuses the queue shows when no status is asked for.
WAITING_STATUSES: tuple[CommentStatus, ...] = (CommentStatus.OPEN, CommentStatus.ESCALATED)


class DecisionKind(StrEnum):
    ACCEPT = "accept"  # the recommended step and reply, as they were
    EDIT = "edit"  # the recommended step, with another reply or other reports
    OVERRIDE = "override"  # another step than the recommended one
    ESCALATE = "escalate"  # handed to a lead; no step taken yet
    CLEAR_AUTHOR = "clear_author"  # the author's earlier steps stop counting
    UNDO = "undo"  # takes back the person's last decision within minutes (services/undo.py)


@dataclass(frozen=True, slots=True)
class OrganisationView:
    id: int
    slug: str
    name: str
    has_policy: bool
    policy_version: str
    created_at: datetime


@dataclass(frozen=True, slots=True)
class ChannelView:
    id: int
    organisation_id: int
    platform: str
    external_id: str
    name: str
    has_policy: bool
    policy_version: str
    credentials_ref: str | None
    created_at: datetime


@dataclass(frozen=True, slots=True)
class AuthorRef:
    id: int
    platform: str
    external_id: str
    name: str


@dataclass(frozen=True, slots=True)
class VerdictView:
    version: int
    language: str
    language_confidence: float
    labels: list[str]
    scores: dict[str, float]
    severity: int
    target: str | None
    evidence: list[dict[str, Any]]
    pii: list[dict[str, Any]]
    model_version: str
    reasons: list[str]
    rules_fired: list[str]
    suppressed_by: list[str]
    created_at: datetime


@dataclass(frozen=True, slots=True)
class RecommendationView:
    id: int
    step: str
    reports: list[str]
    auto: bool
    reply: str
    reasons: list[str]
    language: str
    alert_lead: bool
    policy_version: str
    label: str | None
    actions: list[str]
    platform: str
    created_at: datetime


@dataclass(frozen=True, slots=True)
class DecisionView:
    id: int
    comment_id: int | None
    author_id: int | None
    user: str
    kind: str
    step: str
    reply: str
    reports: list[str]
    reason: str
    created_at: datetime


@dataclass(frozen=True, slots=True)
class ActionView:
    id: int
    action: str
    status: str
    attempts: int
    payload: dict[str, Any]
    decision_id: int | None
    recommendation_id: int | None
    last_error: str | None
    created_at: datetime
    # What the platform made of it (set by the outbox worker, issue 6): a line, the platform's id of what was
    # created (a reply), and when it was settled.
    outcome: str | None = None
    platform_ref: str | None = None
    finished_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class HistoryItem:
    """One entry of an author's history as the policy reads it (hierniet.domain.HistoryEntry)."""

    when: datetime
    step: str
    labels: list[str]
    by_person: bool
    override: bool
    comment_id: int | None
    note: str
    counts: bool  # a strike within the policy's escalation window


@dataclass(frozen=True, slots=True)
class AuthorHistory:
    organisation_id: int
    window_days: int
    strikes: int
    entries: list[HistoryItem]


@dataclass(frozen=True, slots=True)
class QueueItem:
    id: int
    channel_id: int
    platform: str
    external_id: str
    thread: str | None
    author: AuthorRef | None
    text: str
    posted_at: datetime
    status: str
    language: str
    severity: int
    labels: list[str]
    step: str  # the latest recommendation's step
    decided_step: str | None  # the latest person's decision, if any
    auto: bool
    alert_lead: bool
    edited_at: datetime | None = None  # the author edited it on the platform (the latest edit's arrival)
    edited_after_decision: bool = False  # ... after a person had decided: look again
    removed_at: datetime | None = None  # removed on the platform


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    items: list[T]
    total: int
    limit: int
    offset: int
    # False where the count stopped early (the queue past COUNT_LIMIT matches): more than `total` match.
    total_exact: bool = True
    # The queue's keyset cursor: pass it as `after` for the next page; None on the last page (and elsewhere).
    next_after: str | None = None


@dataclass(frozen=True, slots=True)
class PostView:
    """The organisation's post a comment answers (stored when ingestion was told its text or link)."""

    id: int
    external_id: str
    text: str
    url: str | None
    posted_at: datetime | None


@dataclass(frozen=True, slots=True)
class RevisionView:
    """An earlier text of an edited comment, with the verdict that read it (for the desk's shield)."""

    id: int
    text: str
    received_at: datetime
    replaced_at: datetime
    verdict_version: int
    severity: int
    labels: list[str]


@dataclass(frozen=True, slots=True)
class CommentDetail:
    id: int
    channel: ChannelView
    platform: str
    external_id: str
    thread: str | None
    parent: str | None
    author: AuthorRef | None
    text: str
    posted_at: datetime
    received_at: datetime
    status: str
    verdict: VerdictView | None
    verdict_versions: int
    recommendation: RecommendationView | None
    decisions: list[DecisionView]
    actions: list[ActionView]
    author_history: AuthorHistory | None
    post: PostView | None = None  # the post it answers, when ingestion was told about it
    revisions: list[RevisionView] = field(default_factory=list)  # earlier texts, oldest first
    edited_at: datetime | None = None
    edited_after_decision: bool = False
    removed_at: datetime | None = None
    # Data protection (hierniet.services.privacy): text erased, personal data redacted, kept as evidence.
    redacted_at: datetime | None = None
    pii_redacted_at: datetime | None = None
    evidence_hold: bool = False


@dataclass(frozen=True, slots=True)
class AuthorSummary:
    author: AuthorRef
    in_belgium: bool | None
    comments: int
    open: int
    last_seen: datetime | None


@dataclass(frozen=True, slots=True)
class AuthorDetail:
    author: AuthorRef
    in_belgium: bool | None
    created_at: datetime
    histories: list[AuthorHistory]


@dataclass(frozen=True, slots=True)
class Counts:
    total: int
    by_status: dict[str, int]
    by_step: dict[str, int]
    by_language: dict[str, int]
    by_severity: dict[str, int]
    by_label: dict[str, int]


@dataclass(frozen=True, slots=True)
class AuditView:
    id: int
    at: datetime
    user_id: int | None
    actor: str
    action: str
    subject_type: str
    subject_id: str | None
    organisation_id: int | None
    detail: dict[str, Any]


@dataclass(frozen=True, slots=True)
class UserView:
    id: int
    name: str
    role: str
    organisation_id: int | None
    active: bool
    created_at: datetime
    #: Where alerts reach them if they lead; only people who manage users see it.
    email: str | None = None


@dataclass(frozen=True, slots=True)
class TokenView:
    id: int
    user_id: int
    name: str
    prefix: str
    created_at: datetime
    revoked_at: datetime | None


@dataclass(frozen=True, slots=True)
class NewToken:
    """A token as created: `token` is shown this once and never stored in clear."""

    token: str
    info: TokenView


@dataclass(frozen=True, slots=True)
class IngestedItem:
    index: int
    comment_id: int
    external_id: str
    status: str
    step: str
    labels: list[str]
    severity: int
    auto: bool


@dataclass(frozen=True, slots=True)
class EditedItem:
    """A stored comment whose text an edit replaced: triaged again; `held` when a person's decision stands."""

    index: int
    comment_id: int
    external_id: str
    status: str
    step: str
    labels: list[str]
    severity: int
    previous_severity: int
    held: bool


@dataclass(frozen=True, slots=True)
class DuplicateItem:
    index: int
    comment_id: int
    external_id: str


@dataclass(frozen=True, slots=True)
class RejectedItem:
    """A comment that was not stored; `error` says what is wrong with it and how to fix it."""

    index: int
    external_id: str | None
    error: str


@dataclass(slots=True)
class IngestResult:
    created: list[IngestedItem] = field(default_factory=list)
    duplicates: list[DuplicateItem] = field(default_factory=list)
    rejected: list[RejectedItem] = field(default_factory=list)
    edited: list[EditedItem] = field(default_factory=list)

    def extend(self, other: IngestResult) -> None:
        self.created.extend(other.created)
        self.edited.extend(other.edited)
        self.duplicates.extend(other.duplicates)
        self.rejected.extend(other.rejected)
