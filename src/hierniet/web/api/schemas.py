"""The REST API's JSON shapes, in families: XCreate (what a client sends to make one), XUpdate (what it
sends to change one), XPublic (what it gets back). Public schemas read the services' views directly.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Generic, TypeVar

from pydantic import BaseModel, ConfigDict, Field, field_validator

from hierniet.bounds import Id, check_text
from hierniet.domain import CharterStep, ReportTo
from hierniet.services.auth import Permission, Role
from hierniet.services.ingest import CommentIn
from hierniet.services.saved_filters import FILTER_KEYS
from hierniet.services.saved_filters import MAX_NAME as MAX_FILTER_NAME
from hierniet.services.saved_filters import MAX_QUERY as MAX_FILTER_QUERY

T = TypeVar("T")


class _Public(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class _Create(BaseModel):
    # A misspelt field is an error, not a silently ignored setting.
    model_config = ConfigDict(extra="forbid")

    @field_validator("*")
    @classmethod
    def _storable(cls, value: Any) -> Any:
        # A NUL (which PostgreSQL refuses) or a lone surrogate is a clear 422 here, not a 500 from the store.
        return check_text(value) if isinstance(value, str) else value


# --- comments in ---------------------------------------------------------------------------------------

#: One comment as POST /api/v1/comments takes it (alone or in a JSON array).
CommentCreate = CommentIn


class IngestedPublic(_Public):
    index: int = Field(description="Position of the comment in the request (0 for a single object).")
    comment_id: int
    external_id: str
    status: str
    step: str
    labels: list[str]
    severity: int
    auto: bool


class EditedPublic(_Public):
    index: int
    comment_id: int = Field(description="The stored comment whose text the edit replaced (the old text is a revision).")
    external_id: str
    status: str = Field(description="Its status after the new triage (a person's decision stands).")
    step: str = Field(description="The new recommendation's step.")
    labels: list[str]
    severity: int
    previous_severity: int = Field(description="The severity of the text it replaced.")
    held: bool = Field(description="True when a person's decision (or escalation, or a removal) kept its status.")


class DuplicatePublic(_Public):
    index: int
    comment_id: int = Field(description="The comment already stored under that platform and id.")
    external_id: str


class RejectedPublic(_Public):
    index: int
    external_id: str | None
    error: str = Field(description="What is wrong with the item and how to fix it.")


class IngestResultPublic(_Public):
    created: list[IngestedPublic]
    edited: list[EditedPublic] = Field(description="Items that carried a new text for a stored comment.")
    duplicates: list[DuplicatePublic]
    rejected: list[RejectedPublic]


# --- the queue and one comment -------------------------------------------------------------------------


class AuthorRefPublic(_Public):
    id: int
    platform: str
    external_id: str
    name: str


class QueueItemPublic(_Public):
    id: int
    channel_id: int
    platform: str
    external_id: str
    thread: str | None
    author: AuthorRefPublic | None
    text: str
    posted_at: datetime
    status: str = Field(description="open, escalated, auto, clear, decided or removed.")
    language: str
    severity: int
    labels: list[str]
    step: str = Field(description="The latest recommendation's step.")
    decided_step: str | None = Field(description="The latest person's decision, if any.")
    auto: bool
    alert_lead: bool
    edited_at: datetime | None = Field(None, description="When the latest edit on the platform arrived, if any.")
    edited_after_decision: bool = Field(
        False, description="Edited on the platform after a person decided: look again (the decision stands)."
    )
    removed_at: datetime | None = Field(None, description="When hierniet learnt it was removed on the platform.")


class PagePublic(_Public, Generic[T]):
    items: list[T]
    total: int = Field(description="Items matching the filters, over all pages (see total_exact).")
    total_exact: bool = Field(
        True,
        description="False where the count stopped early: more than `total` items match. The queue counts "
        "up to 1,000 matches, or to the end of the page asked for if that is further (GET /counts counts all).",
    )
    limit: int
    offset: int
    next_after: str | None = Field(
        default=None,
        description="The queue only: pass it as `after` to read the next page (keyset pagination: no comment "
        "is shown twice or skipped while comments arrive or are decided); null on the last page.",
    )


class ReasonPublic(_Public):
    """One reason with what it is made of, so that a client can say it in a language of its own."""

    code: str | None = Field(
        description="The reason's message id (e.g. `policy.first_step`); null for a reason kept as text only."
    )
    params: dict[str, Any] = Field(
        description="The values the sentence is made of: labels, steps and severities as codes, scores as "
        "numbers, days as ISO dates."
    )
    text: str = Field(description="The reason in the language the request asked for (Accept-Language).")


class VerdictPublic(_Public):
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
    reasons: list[str] = Field(description="Why, in the language the request asked for (Accept-Language; en).")
    reason_details: list[ReasonPublic] = Field(
        default_factory=list, description="The same reasons with their message ids and values."
    )
    rules_fired: list[str] = Field(description="named triage rules that raised a label of this verdict")
    suppressed_by: list[str] = Field(description="named rules that held a label back (rule/why)")
    created_at: datetime


class RecommendationPublic(_Public):
    id: int
    step: str
    reports: list[str]
    auto: bool
    reply: str
    reasons: list[str] = Field(description="Why, in the language the request asked for (Accept-Language; en).")
    reason_details: list[ReasonPublic] = Field(
        default_factory=list, description="The same reasons with their message ids and values."
    )
    language: str
    alert_lead: bool
    policy_version: str
    label: str | None
    actions: list[str]
    platform: str
    created_at: datetime


class DecisionPublic(_Public):
    id: int
    comment_id: int | None
    author_id: int | None
    user: str
    kind: str = Field(description="accept, edit, override, escalate, clear_author or undo.")
    step: str
    reply: str
    reports: list[str]
    reason: str
    created_at: datetime


class ActionPublic(_Public):
    id: int
    action: str
    status: str
    attempts: int
    payload: dict[str, Any]
    decision_id: int | None
    recommendation_id: int | None
    last_error: str | None
    created_at: datetime
    outcome: str | None = Field(None, description="What the platform made of it, once settled (done or failed).")
    platform_ref: str | None = Field(None, description="The platform's id of what the action created (a reply).")
    finished_at: datetime | None = None


class HistoryItemPublic(_Public):
    when: datetime
    step: str
    labels: list[str]
    by_person: bool
    override: bool
    comment_id: int | None
    note: str
    counts: bool = Field(description="Whether it counts as a strike now (within the escalation window).")


class AuthorHistoryPublic(_Public):
    organisation_id: int
    window_days: int
    strikes: int
    entries: list[HistoryItemPublic]


class ChannelPublic(_Public):
    id: int
    organisation_id: int
    platform: str
    external_id: str
    name: str
    has_policy: bool
    policy_version: str
    credentials_ref: str | None
    created_at: datetime


class PostPublic(_Public):
    id: int
    external_id: str = Field(description="The post's id on its platform (the comment's `thread`).")
    text: str
    url: str | None
    posted_at: datetime | None


class RevisionPublic(_Public):
    id: int
    text: str = Field(description="An earlier text of the comment, before its author edited it.")
    received_at: datetime = Field(description="When hierniet received that text.")
    replaced_at: datetime = Field(description="When an edit replaced it.")
    verdict_version: int = Field(description="The verdict version that read that text.")
    severity: int
    labels: list[str]


class CommentPublic(_Public):
    id: int
    channel: ChannelPublic
    platform: str
    external_id: str
    thread: str | None
    parent: str | None
    author: AuthorRefPublic | None
    text: str
    posted_at: datetime
    received_at: datetime
    status: str
    verdict: VerdictPublic | None
    verdict_versions: int
    recommendation: RecommendationPublic | None
    decisions: list[DecisionPublic]
    actions: list[ActionPublic]
    author_history: AuthorHistoryPublic | None
    post: PostPublic | None = Field(None, description="The post the comment answers, when it was sent in with it.")
    revisions: list[RevisionPublic] = Field(
        default_factory=list, description="Earlier texts of a comment edited on the platform, oldest first."
    )
    edited_at: datetime | None = Field(None, description="When the latest edit on the platform arrived, if any.")
    edited_after_decision: bool = Field(
        False, description="Edited on the platform after a person decided: look again (the decision stands)."
    )
    removed_at: datetime | None = Field(None, description="When hierniet learnt it was removed on the platform.")
    redacted_at: datetime | None = Field(
        None, description="When its text was erased (retention or the author's erasure; docs/privacy.md)."
    )
    pii_redacted_at: datetime | None = Field(None, description="When the personal data in it was redacted.")
    evidence_hold: bool = Field(False, description="Kept as evidence: no purge or erasure touches it.")


class CountsPublic(_Public):
    total: int
    by_status: dict[str, int]
    by_step: dict[str, int]
    by_language: dict[str, int]
    by_severity: dict[str, int]
    by_label: dict[str, int]


# --- decisions -----------------------------------------------------------------------------------------


class DecisionCreate(_Create):
    step: CharterStep = Field(description="The step taken; the recommended one to accept it.")
    reason: str = Field("", max_length=2000, description="Why; required when the step is not the recommended one.")
    reply: str | None = Field(
        None, max_length=5000, description="The reply to post; left out: the recommended (or the policy's) reply."
    )
    reports: list[ReportTo] | None = Field(
        None, description="Where to report; left out: the recommendation's, or what the step implies."
    )


class EscalationCreate(_Create):
    reason: str = Field("", max_length=2000)


class RetriageCreate(_Create):
    comment_ids: list[Id] = Field(min_length=1, max_length=1000)


class RetriagePublic(_Public):
    comment_ids: list[int]
    versions: list[int]


# --- authors and audit ---------------------------------------------------------------------------------


class AuthorSummaryPublic(_Public):
    author: AuthorRefPublic
    in_belgium: bool | None
    comments: int
    open: int
    last_seen: datetime | None


class AuthorPublic(_Public):
    author: AuthorRefPublic
    in_belgium: bool | None
    created_at: datetime
    histories: list[AuthorHistoryPublic]


class AuthorClear(_Create):
    reason: str = Field(min_length=1, max_length=2000)
    organisation_id: Id | None = None


class ErasurePublic(_Public):
    """What an erasure did (hierniet.services.privacy.PrivacyReport); ids only, never the erased data."""

    erased: list[int] = Field(description="Comments whose text was erased.")
    decisions: list[int] = Field(description="Decisions whose reply and reason were blanked.")
    unlinked: list[int] = Field(description="Comments no longer linked to the author.")
    authors: list[int] = Field(description="The author, when nothing refers to them any more and they were deleted.")
    kept: dict[int, str] = Field(description="Comments an open case holds, and why; erase again once closed.")
    audit_id: int | None = Field(description="The privacy.erasure entry of the audit log that records it.")


class EvidenceHold(_Create):
    hold: bool = Field(description="True keeps the comment out of retention purges and erasures; false releases it.")
    reason: str = Field(min_length=1, max_length=2000)


class AuditEntryPublic(_Public):
    id: int
    at: datetime
    user_id: int | None
    actor: str
    action: str
    subject_type: str
    subject_id: str | None
    organisation_id: int | None
    detail: dict[str, Any]
    action_text: str = Field("", description="The action in words, in the language the request asked for.")
    detail_text: list[list[str]] = Field(
        default_factory=list, description="The details in words: [name, value] pairs, in the request's language."
    )


# --- administration ------------------------------------------------------------------------------------


class OrganisationCreate(_Create):
    slug: str = Field(description="Short name in URLs: lower-case letters, digits and '-'.")
    name: str
    policy: str | None = Field(None, description="The organisation's policy YAML; left out: the default policy.")


class OrganisationPublic(_Public):
    id: int
    slug: str
    name: str
    has_policy: bool
    policy_version: str
    created_at: datetime


class ChannelCreate(_Create):
    organisation_id: Id
    platform: str
    external_id: str = Field(description="The channel's (page's, account's) id on the platform.")
    name: str = ""
    policy: str | None = Field(None, description="A policy YAML for this channel only; left out: the organisation's.")
    credentials_ref: str | None = Field(
        None, description="Where the connector finds its secret: env:VAR, file:/path, vault:path or keyring:name."
    )


class ChannelUpdate(_Create):
    name: str | None = None
    policy: str | None = Field(None, description='New policy YAML; "" returns to the organisation\'s policy.')
    credentials_ref: str | None = None


_EMAIL_HELP = (
    "Where alerts of their organisation (a critical threat, self-harm, a raid) reach them if they are a lead, "
    "in their desk language; at most 254 characters."
)


class UserCreate(_Create):
    name: str
    role: Role
    organisation_id: Id | None = None
    email: str | None = Field(None, max_length=254, description=_EMAIL_HELP)


class UserUpdate(_Create):
    role: Role | None = None
    active: bool | None = None
    email: str | None = Field(
        None, max_length=254, description=_EMAIL_HELP + ' null or "" removes it; left out, it stays.'
    )


class UserPublic(_Public):
    id: int
    name: str
    role: str
    organisation_id: int | None
    active: bool
    created_at: datetime
    # Only the routes that need manage_users answer with this schema, and PATCH /users/{id} to oneself: nobody
    # else sees an address.
    email: str | None = Field(description="Where alerts reach them (null: not by e-mail).")


class TokenCreate(_Create):
    name: str = Field("token", max_length=100, description="What the token is for (a connector, a script).")


class TokenPublic(_Public):
    id: int
    user_id: int
    name: str
    prefix: str
    created_at: datetime
    revoked_at: datetime | None


class TokenCreated(_Public):
    token: str = Field(description="The token itself: shown this once, stored only as a hash.")
    info: TokenPublic


class MePublic(BaseModel):
    user_id: int | None
    name: str
    role: Role
    organisation_id: int | None
    permissions: list[Permission]
    email: str | None = Field(
        None, description="The caller's own address for alerts (null: none); they change it with PATCH /users/{id}."
    )


class SavedFilterCreate(_Create):
    """A queue filter saved under a name, for the person the token belongs to."""

    name: str = Field(max_length=MAX_FILTER_NAME, description="What the desk lists it as (spaces are tidied).")
    query: str = Field(
        max_length=4 * MAX_FILTER_QUERY,
        description="The desk queue's filter as its address's query string, e.g. `label=hate&status=open` "
        "(names: " + ", ".join(FILTER_KEYS) + "; the page number and empty values are left out).",
    )
    replace: bool = Field(
        False, description="Give a filter of that name the new query; without it a name already taken is a 409."
    )


class SavedFilterPublic(_Public):
    id: int
    name: str
    query: str = Field(description="The filter as the desk queue's query string.")
    desk_url: str = Field(description="The desk's queue with this filter (relative to the server).")


class LastFilterPublic(BaseModel):
    query: str = Field(description="The filter the person last used on the desk's queue; empty for none.")
    desk_url: str


class LastFilterPut(_Create):
    query: str = Field(max_length=4 * MAX_FILTER_QUERY, description="The filter to remember; empty forgets it.")


class UndoCreate(_Create):
    """Undo the last decision on a comment, taken by the caller within the desk's undo window."""

    decision_id: Id = Field(description="The decision to undo: the comment's last one.")
    reason: str = Field("", max_length=2000, description="Why (optional; the undo says what it undid).")


class UndoPublic(_Public):
    decision: DecisionPublic = Field(description="The undo: a new decision of kind 'undo'.")
    undone: int = Field(description="The id of the undone decision.")
    cancelled: list[str] = Field(description="Platform calls cancelled before they were sent.")
    reversed: list[str] = Field(description="Calls queued to take back the ones already sent (e.g. unhide).")
    by_hand: list[str] = Field(description="Sent calls no connector takes back: a person does it on the platform.")
    to_do: list[str] = Field(
        default_factory=list,
        description="Of those, the calls queued as to-dos in the outbox (status `manual`), e.g. `unblock`.",
    )
    status: str = Field(description="Where the comment stands now.")
