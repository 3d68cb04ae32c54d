"""Reading the desk: the queue with its filters, one comment with everything about it, and counts."""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy.orm import Session

from hierniet.domain import Label, Language
from hierniet.policy.schema import SEVERITY_NAMES
from hierniet.services import convert
from hierniet.services.auth import Actor, Permission, require
from hierniet.services.errors import InvalidInput, no_comment
from hierniet.services.history import describe, load_histories, since_for
from hierniet.services.policies import policy_for
from hierniet.services.search import search_terms
from hierniet.services.views import (
    WAITING_STATUSES,
    AuthorHistory,
    CommentDetail,
    CommentStatus,
    Counts,
    Page,
    QueueItem,
)
from hierniet.store import repo, repo_wellbeing
from hierniet.store.tables import utcnow

#: `status` value that lifts the status filter.
ANY_STATUS = "any"
ORDERS = ("severity", "oldest", "newest")
MAX_LIMIT = 500
#: Comments counted beyond which the queue's total and its label counts read "more than" (issue 12): counting
#: 80,000 matches to print the number costs more than finding the page, and reads no differently to a person.
COUNT_LIMIT = 1000


@dataclass(frozen=True, slots=True)
class QueueFilters:
    """What the queue shows. No status means the waiting ones (open, escalated); "any" shows every one."""

    channel_id: int | None = None
    label: str | None = None
    language: str | None = None
    severity: int | None = None
    min_severity: int | None = None
    status: tuple[str, ...] = ()
    author_id: int | None = None
    since: datetime | None = None
    until: datetime | None = None
    order: str = "severity"
    # Words to search for (hierniet.services.search): in the text, or the author's name or handle.
    q: str | None = None
    #: Only the comments this person holds: assigned to them, or claimed by them and not expired.
    assigned_to: int | None = None


def _choice(value: str | None, allowed: list[str], what: str) -> str | None:
    if value is None or value == "":
        return None
    if value not in allowed:
        raise InvalidInput(f"unknown {what} {value!r}: use one of {', '.join(allowed)}")
    return value


def _aware(value: datetime | None, what: str) -> datetime | None:
    if value is not None and (value.tzinfo is None or value.utcoffset() is None):
        raise InvalidInput(f"{what} {value.isoformat()} has no timezone: add Z or an offset (+01:00)")
    return value


def _severity(value: int | None, what: str) -> int | None:
    if value is not None and not 0 <= value <= 4:
        raise InvalidInput(f"{what} {value} is out of range: severities go from 0 (none) to 4 (critical)")
    return value


def _paging(limit: int, offset: int) -> None:
    if not 1 <= limit <= MAX_LIMIT:
        raise InvalidInput(f"limit {limit} is out of range: ask for 1 to {MAX_LIMIT} items")
    if offset < 0:
        raise InvalidInput(f"offset {offset} is negative: start at 0")


def to_query(actor: Actor, f: QueueFilters, *, with_status: bool = True) -> repo.QueueQuery:
    statuses: tuple[str, ...]
    if not with_status or ANY_STATUS in f.status:
        statuses = ()
    elif f.status:
        allowed = [s.value for s in CommentStatus]
        statuses = tuple(_choice(s, [*allowed, ANY_STATUS], "status") or "" for s in f.status)
    else:
        statuses = tuple(s.value for s in WAITING_STATUSES)
    if f.order not in ORDERS:
        raise InvalidInput(f"unknown order {f.order!r}: use one of {', '.join(ORDERS)}")
    return repo.QueueQuery(
        organisation_id=actor.organisation_id,
        channel_id=f.channel_id,
        statuses=statuses,
        label=_choice(f.label, [label.value for label in Label], "label"),
        language=_choice(f.language, [language.value for language in Language], "language"),
        severity=_severity(f.severity, "severity"),
        min_severity=_severity(f.min_severity, "min_severity"),
        author_id=f.author_id,
        since=_aware(f.since, "since"),
        until=_aware(f.until, "until"),
        order=f.order,
        search=search_terms(f.q),
        assigned=(f.assigned_to, utcnow()) if f.assigned_to is not None else None,
    )


def encode_after(key: repo.QueueKey) -> str:
    """The opaque cursor of a queue page's last comment (its order's key, base64url), with whether it is among
    the comments shown first where the queue has such a part (the rotation's)."""
    first = "" if key.first is None else f"|{int(key.first)}"
    raw = f"{key.severity}|{key.posted_at.isoformat()}|{key.id}{first}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_after(cursor: str) -> repo.QueueKey:
    """The key in a cursor from `encode_after`; InvalidInput for anything else."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        severity, posted_at, comment_id, *first = raw.split("|")
        if first not in ([], ["0"], ["1"]):
            raise ValueError(raw)
        key_first = bool(int(first[0])) if first else None
        return repo.QueueKey(int(severity), datetime.fromisoformat(posted_at), int(comment_id), key_first)
    except (ValueError, UnicodeDecodeError, binascii.Error):
        raise InvalidInput(
            f"after {cursor[:40]!r} is not a cursor of this queue: pass the `next_after` of the page before, "
            "or leave `after` out for the first page"
        ) from None


def rotation_first(session: Session, actor: Actor) -> repo.FirstOffered | None:
    """What the queue shows this person first: the comments of their organisation's severe rotation where a
    lead put them on it (hierniet.services.wellbeing: the others see those comments shielded), else None."""
    if actor.user_id is None or actor.organisation_id is None:
        return None
    if actor.user_id not in repo_wellbeing.rotation_of(session, actor.organisation_id):
        return None
    organisation = repo.get_organisation(session, actor.organisation_id)
    policy = policy_for(None, organisation.policy_yaml if organisation else None).wellbeing
    severity_of = {name: int(severity) for severity, name in SEVERITY_NAMES.items()}
    return repo.FirstOffered(
        labels=tuple(label.value for label in policy.rotation_labels),
        from_severity=severity_of[policy.rotation_from_severity],
    )


def queue(
    store: repo.Store,
    actor: Actor,
    filters: QueueFilters,
    *,
    limit: int = 50,
    offset: int = 0,
    after: str | None = None,
    position: int = 0,
    capped: bool = False,
) -> Page[QueueItem]:
    """The comments matching `filters`, most severe (then oldest) first unless `order` says otherwise.

    For a person on the severe rotation the rotation's comments come first, each part in that order (issue 13),
    unless they are `capped` (past their daily cap of severe items, hierniet.services.wellbeing): those
    comments are then not offered to them, and at the top they would only be in the way.

    The total is exact up to COUNT_LIMIT matches (or the end of this page, past that); beyond, the page's
    `total_exact` is False and `total` is that bound: more comments match. The page's `next_after` is the
    cursor of the next page (keyset pagination, `after`): with the filters and order unchanged, following it
    shows each comment once however many arrive or are decided meanwhile; `offset` still works, but a deep
    offset reads every row before it and moves when comments arrive. With `after`, `position` (how many
    comments the pages before held: the desk knows its page number) lets the count reach the end of this page,
    as it does with `offset`, so page 2 of 2 is not called page 1 of more than 1."""
    require(actor, Permission.READ_QUEUE, "read the queue")
    _paging(limit, offset)
    key = decode_after(after) if after else None
    if key is not None and offset:
        raise InvalidInput("give either `after` (the next page's cursor) or `offset`, not both")
    query = to_query(actor, filters)
    with store.session() as s:
        query = replace(query, first=None if capped else rotation_first(s, actor))
        rows, total, exact = repo.queue(
            s, query, limit=limit, offset=offset, count_limit=COUNT_LIMIT, after=key, position=position
        )
        last_first = None
        if len(rows) == limit and query.first is not None:
            last_first = bool(repo.is_first(s, query.first, rows[-1][0].id))
    items = [
        QueueItem(
            id=c.id,
            channel_id=c.channel_id,
            platform=c.platform,
            external_id=c.external_id,
            thread=c.thread_external_id,
            author=convert.author_ref(a),
            text=c.text,
            posted_at=c.posted_at,
            status=c.status,
            language=c.language,
            severity=c.severity,
            labels=list(c.labels),
            step=c.step,
            decided_step=c.decided_step,
            auto=c.auto,
            alert_lead=c.alert_lead,
            edited_at=c.edited_at,
            edited_after_decision=c.edited_after_decision,
            removed_at=c.removed_at,
        )
        for c, _channel, a in rows
    ]
    next_after = None
    if len(rows) == limit:
        last = rows[-1][0]
        next_after = encode_after(repo.QueueKey(last.severity, last.posted_at, last.id, last_first))
    return Page(items=items, total=total, limit=limit, offset=offset, total_exact=exact, next_after=next_after)


def comment_detail(store: repo.Store, actor: Actor, comment_id: int, *, now: datetime | None = None) -> CommentDetail:
    """One comment with its latest verdict and recommendation, the decisions, the outbox and the author's history."""
    require(actor, Permission.READ_QUEUE, "read comments")
    now = now or utcnow()
    with store.session() as s:
        found = repo.get_comment(s, comment_id)
        if found is None:
            raise no_comment(comment_id)
        comment, channel, author = found
        if not actor.sees(channel.organisation_id):
            raise no_comment(comment_id)
        organisation = repo.get_organisation(s, channel.organisation_id)
        org_policy = organisation.policy_yaml if organisation else None
        versions = repo.verdict_versions(s, comment.id)
        recommendation = repo.latest_recommendation(s, comment.id)
        decisions = repo.decisions_for_comment(s, comment.id)
        actions = repo.actions_for_comment(s, comment.id)
        post = repo.post_by_key(s, channel.id, comment.thread_external_id) if comment.thread_external_id else None
        revisions = repo.revisions_for_comment(s, comment.id)
        by_version = {v.version: v for v in versions}
        history: AuthorHistory | None = None
        if author is not None:
            policy = policy_for(channel.policy_yaml, org_policy)
            key = (channel.organisation_id, author.id)
            own = str(comment.id)
            # The comment's own machine reading is what the page is about, not a strike against it (issue 12);
            # a person's decision on it stays: it counts from then on, as the policy counts it.
            entries = [
                e
                for e in load_histories(s, [key], since_for(now, policy.escalation.window_days))[key]
                if e.by_person or e.comment_id != own
            ]
            history = describe(channel.organisation_id, entries, policy, now)
    return CommentDetail(
        id=comment.id,
        channel=convert.channel_view(channel, org_policy),
        platform=comment.platform,
        external_id=comment.external_id,
        thread=comment.thread_external_id,
        parent=comment.parent_external_id,
        author=convert.author_ref(author),
        text=comment.text,
        posted_at=comment.posted_at,
        received_at=comment.received_at,
        status=comment.status,
        verdict=convert.verdict_view(versions[-1] if versions else None),
        verdict_versions=len(versions),
        recommendation=convert.recommendation_view(recommendation),
        decisions=[convert.decision_view(d, u) for d, u in decisions],
        actions=[convert.action_view(a) for a in actions],
        author_history=history,
        post=convert.post_view(post),
        revisions=[convert.revision_view(r, by_version.get(r.verdict_version)) for r in revisions],
        edited_at=comment.edited_at,
        edited_after_decision=comment.edited_after_decision,
        removed_at=comment.removed_at,
        redacted_at=comment.redacted_at,
        pii_redacted_at=comment.pii_redacted_at,
        evidence_hold=comment.evidence_hold,
    )


def label_counts(store: repo.Store, actor: Actor, filters: QueueFilters | None = None) -> dict[str, int] | None:
    """How many comments per label under the filters (the desk's sidebar); None where more than COUNT_LIMIT
    comments match: counting the labels of every match is what made a large queue's page slow (issue 12).
    `counts(...).by_label` counts them all."""
    require(actor, Permission.READ_QUEUE, "read the counts")
    query = to_query(actor, filters or QueueFilters(status=(ANY_STATUS,)))
    with store.session() as s:
        return repo.label_counts_within(s, query, COUNT_LIMIT)


def counts(store: repo.Store, actor: Actor, filters: QueueFilters | None = None) -> Counts:
    """How many comments per status, step, language, severity and label (the status filter applies too)."""
    require(actor, Permission.READ_QUEUE, "read the counts")
    f = filters or QueueFilters(status=(ANY_STATUS,))
    query = to_query(actor, f)
    with store.session() as s:
        grouped = repo.counts(s, query)
    return Counts(
        total=sum(grouped["status"].values()),
        by_status=grouped["status"],
        by_step=grouped["step"],
        by_language=grouped["language"],
        by_severity=grouped["severity"],
        by_label=grouped["label"],
    )
