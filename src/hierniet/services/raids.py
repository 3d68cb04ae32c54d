"""Raids and pile-ons on the store's side (issue 14): stored comments in as detector events, findings out as rows,
an alert to the lead, and the one-move actions a lead takes on a raid.

The detector itself (`hierniet.raids.detector.RaidDetector`) is pure and incremental (hierniet.raids.types):
`run_detection` feeds it only the comments stored since the last run (a cursor per organisation) and keeps its
whole state in the store, in the same transaction as the raids it found, so a worker that restarts (or a
second run of `hierniet raids detect`) picks up where the last one stopped.

The moves (hide every abusive comment, hold new comments on the post, block the core, one evidence pack,
dismiss) are made of what the desk already does for one comment: a person's decision per comment (which queues
the platform calls in the outbox, is audited, and is undone by hierniet.services.undo), or an outbox to-do. A
comment a person already decided is left alone: their decision stands (house rule 3). Each move is one row of
`raid_actions` listing what it made, so "undo" takes the whole move back. A criticism storm is answered, never
hidden: it offers no hide, hold or block.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta, tzinfo
from typing import Any

from hierniet.domain import Label, Reason
from hierniet.raids.types import Raid, RaidDetector, RaidEvent, RaidKind
from hierniet.services import alerts, audit, decisions, evidence, raid_holds, undo
from hierniet.services.actions import ActionStatus, api_actions
from hierniet.services.auth import Actor, Permission, require
from hierniet.services.errors import Conflict, InvalidInput, NotFound, ServiceError
from hierniet.services.policies import policy_for
from hierniet.store import repo, repo_alerts, repo_raids
from hierniet.store import tables as t
from hierniet.store.tables import utcnow

#: The labels that make a comment abusive for the detector (the contract: hierniet.raids.types.RaidEvent).
ABUSIVE_LABELS: frozenset[str] = frozenset(
    {Label.INSULT, Label.HATE, Label.THREAT, Label.SEXUAL, Label.PROVOCATION, Label.DOXXING}
)
#: A person's steps that say a comment was abusive; any other step a person took says it was not.
AGAINST_STEPS: frozenset[str] = frozenset({"hide", "hide_report", "block", "police"})
#: An author is known to the organisation when their first comment on its channels came this long before.
KNOWN_AFTER = timedelta(days=1)
#: Comments read from the store per round of one run (the detector takes them in batches).
BATCH = 2000

#: The one-move actions, as `raid_actions.action` names them.
HIDE, HOLD, BLOCK_CORE, EVIDENCE, DISMISS = "hide", "hold", "block_core", "evidence", "dismiss"
ACTIONS: tuple[str, ...] = (HIDE, HOLD, BLOCK_CORE, EVIDENCE, DISMISS)
#: The ones a criticism storm offers: it is answered, not hidden.
STORM_ACTIONS: tuple[str, ...] = (DISMISS,)
#: The outbox's calls for holding new comments on a post and for lifting that hold again: sent by the worker
#: where the connector can (Bluesky's threadgate, Mastodon's quote policy), else to-dos for a person.
HOLD_CALL, RELEASE_CALL = "hold_new_comments", "release_hold"
#: Mastodon's replies cannot be limited by its API: a to-do beside the quote policy the connector sets.
HOLD_REPLIES_CALL, RELEASE_REPLIES_CALL = "hold_replies", "release_replies"
#: The call that lifts what each hold call made.
RELEASES: Mapping[str, str] = {HOLD_CALL: RELEASE_CALL, HOLD_REPLIES_CALL: RELEASE_REPLIES_CALL}
#: How each platform's hold is made, and what is left to a person there (the outbox's to-dos carry these words).
#: YouTube has no API that holds a video's comments, but holds single ones (heldForReview): while the hold is
#: active each new comment stored on the post is held through the outbox (hierniet.services.raid_holds).
#: Bluesky's connector gates the thread (threadgate); Mastodon's sets the post's quote policy to nobody
#: (Mastodon 4.5), but no API limits replies there. Elsewhere no API does it for one post: a to-do.
HOLD_HOW: Mapping[str, str] = {
    "youtube": "Nothing to do by hand: every new comment on the video is held for review (heldForReview) as soon "
    "as hierniet reads it, until the hold is lifted. To hold comments even before that, also choose 'Hold all "
    "comments for review' in the video's comment settings in YouTube Studio.",
    "bluesky": "Nothing to do by hand: the post's interaction settings (threadgate) let only people you follow or "
    "mention reply.",
    "mastodon": "Quotes are turned off through the API (the post's quote policy set to nobody). Mastodon cannot "
    "limit replies to a post: block or mute the accounts that keep replying (Block the core), or delete the post "
    "and post it again for followers only.",
    "facebook": "Limit who can comment on the post (Meta Business Suite: post settings) or turn its comments off.",
    "instagram": "Limit or turn off comments on the post in the Instagram app (post menu).",
    "x": "Change who can reply to the post to accounts you follow or mention.",
    "tiktok": "Turn comments off or filter all comments for review on the video in TikTok Studio.",
    "linkedin": "Close comments on the post (post menu: 'Who can comment on this post?').",
}
#: Mastodon's to-do for replies, which its API cannot limit.
HOLD_REPLIES_HOW = (
    "Mastodon cannot limit replies to a post through its API: block or mute the accounts that keep replying, or "
    "delete the post and post it again for followers only."
)
HOLD_HOW_OTHER = "Turn comments off or hold them for review on the post, in the platform's own tools."
#: Mentions: the people a comment addresses (@handle), as the detector's targets want them (lower case, no @).
_MENTION = re.compile(r"(?<![\w@])@([A-Za-z0-9_][A-Za-z0-9_.]{1,49})")

log = logging.getLogger("hierniet.raids")

MakeDetector = Callable[[Mapping[str, Any] | None], RaidDetector]


def real_detector(state: Mapping[str, Any] | None) -> RaidDetector:
    """The detector of hierniet.raids.detector, rebuilt from its stored state (imported here only, when a run
    needs it: nothing is loaded at import time, and the store side does not depend on how it is built)."""
    from hierniet.raids.detector import RaidDetector as Detector

    return Detector.from_state(dict(state)) if state else Detector()


# --- events ---------------------------------------------------------------------------------------------------


def is_abusive(labels: Sequence[str], decided_step: str | None) -> bool:
    """A person's decision counts over the machine's labels."""
    if decided_step:
        return decided_step in AGAINST_STEPS
    return any(label in ABUSIVE_LABELS for label in labels)


def people_of(store: repo.Store, organisation_id: int) -> tuple[str, ...]:
    """The people the organisation's policy names (`organisation.people`): a burst naming one is aimed at them."""
    with store.session() as s:
        organisation = repo.get_organisation(s, organisation_id)
    return policy_for(None, organisation.policy_yaml if organisation else None).organisation.people


def targets_in(text: str, staff: Sequence[str] = ()) -> tuple[str, ...]:
    """The people a comment names or addresses: its @handles, and the organisation's staff it names."""
    found = [m.rstrip(".").lower() for m in _MENTION.findall(text)]
    lowered = text.lower()
    for name in staff:
        wanted = name.strip().lower()
        if wanted and _names(lowered, wanted):
            found.append(wanted)
    return tuple(dict.fromkeys(found))


def _names(text: str, name: str) -> bool:
    """`name` in `text` as whole words ("Sofie" is not in "Sofiestraat"); a plain scan, no pattern built per
    name, so a name in a policy can never make a slow regular expression."""
    start = text.find(name)
    while start >= 0:
        end = start + len(name)
        before = text[start - 1] if start > 0 else " "
        after = text[end] if end < len(text) else " "
        if not (before.isalnum() or before == "_") and not (after.isalnum() or after == "_"):
            return True
        start = text.find(name, start + 1)
    return False


def event_for(
    comment: t.Comment,
    channel: t.Channel,
    author: t.Author | None,
    *,
    first_seen: datetime | None,
    staff: Sequence[str] = (),
) -> RaidEvent | None:
    """One stored comment as the detector reads it; None for a comment without an author (no member to name)."""
    if author is None:
        return None
    return RaidEvent(
        comment_id=str(comment.id),
        organisation=str(channel.organisation_id),
        channel=str(channel.id),
        platform=channel.platform,
        post=comment.thread_external_id,
        # The store's author key: unique across platforms, and the member rows point at it.
        author=str(author.id),
        posted_at=comment.posted_at,
        text=comment.text,
        abusive=is_abusive(comment.labels or [], comment.decided_step),
        criticism=Label.CRITICISM.value in (comment.labels or []) and comment.decided_step not in AGAINST_STEPS,
        author_known=first_seen is not None and first_seen <= comment.posted_at - KNOWN_AFTER,
        # Where the platform said when the account was made (Mastodon, X, an import); None reads "not said".
        account_created_at=author.account_created_at,
        targets=targets_in(comment.text, staff),
    )


# --- detection ------------------------------------------------------------------------------------------------


@dataclass
class DetectionReport:
    """What one run did: comments read, raids found (new or grown) and closed, per organisation together."""

    read: int = 0
    new: list[int] = field(default_factory=list)
    updated: list[int] = field(default_factory=list)
    closed: int = 0
    alerted: list[int] = field(default_factory=list)
    findings: list[Raid] = field(default_factory=list)


def run_detection(
    store: repo.Store,
    now: datetime | None = None,
    *,
    organisation_id: int | None = None,
    make_detector: MakeDetector | None = None,
    close_after: timedelta = timedelta(hours=6),
    staff: Mapping[int, Sequence[str]] | None = None,
    batch: int = BATCH,
) -> DetectionReport:
    """Feed the detector the comments stored since its last run, store what it finds, alert the lead of a new
    raid, and keep its state; one organisation, or each in turn."""
    now = now or utcnow()
    # Looked up at each call (not bound as a default) so a test or the lead can swap the detector in one place.
    make_detector = make_detector or real_detector
    report = DetectionReport()
    with store.session() as s:
        if organisation_id is not None and repo.get_organisation(s, organisation_id) is None:
            raise NotFound(f"no organisation {organisation_id}: list them with `hierniet org list`")
        organisations = [organisation_id] if organisation_id is not None else repo_raids.organisations_with_comments(s)
    for org in organisations:
        _detect_one(store, org, now, make_detector, close_after, (staff or {}).get(org, ()), batch, report)
    return report


def _detect_one(
    store: repo.Store,
    organisation_id: int,
    now: datetime,
    make_detector: MakeDetector,
    close_after: timedelta,
    staff: Sequence[str],
    batch: int,
    report: DetectionReport,
) -> None:
    staff = tuple(dict.fromkeys([*staff, *people_of(store, organisation_id)]))
    with store.session() as s:
        saved = repo_raids.detector_state(s, organisation_id)
        cursor = saved.last_comment_id if saved is not None else 0
        detector = make_detector(saved.state if saved is not None and saved.state else None)
        while True:
            rows = repo_raids.comments_after(s, organisation_id, cursor, batch)
            if not rows:
                break
            seen = repo_raids.first_seen(s, organisation_id, [c.author_id for c, _, _ in rows if c.author_id])
            events = [
                e
                for c, ch, a in rows
                if (e := event_for(c, ch, a, first_seen=seen.get(c.author_id or 0), staff=staff)) is not None
            ]
            detector.observe(events)
            report.read += len(rows)
            cursor = rows[-1][0].id
            if len(rows) < batch:
                break
    findings = detector.findings(now)
    started_at = saved.last_comment_id if saved is not None else 0
    # The raids, the state and the cursor in one transaction: a run cut short is read again from the old cursor.
    with store.transaction() as tx:
        current = repo_raids.detector_state(tx, organisation_id, lock=True)
        if (current.last_comment_id if current is not None else 0) != started_at:
            # Another run (a second worker, `hierniet raids detect`) went on meanwhile: its findings stand.
            log.warning("raid detection for organisation %s skipped: another run saved first", organisation_id)
            return
        for raid in findings:
            row, new = _upsert(tx, organisation_id, raid, now)
            (report.new if new else report.updated).append(row.id)
            if raid.kind is RaidKind.RAID and row.status != repo_raids.DISMISSED and _alert(tx, row, raid, now):
                report.alerted.append(row.id)
        report.closed += repo_raids.close_quiet(tx, organisation_id, now - close_after, now)
        repo_raids.save_detector_state(tx, organisation_id, detector.state(), cursor, now)
    report.findings += findings


def _reason_rows(reasons: Sequence[Any]) -> list[dict[str, Any]]:
    return [r.as_dict() if isinstance(r, Reason) else {"code": None, "params": {}, "text": str(r)} for r in reasons]


def _upsert(tx: Any, organisation_id: int, raid: Raid, now: datetime) -> tuple[t.Raid, bool]:
    values: dict[str, Any] = {
        "kind": raid.kind.value,
        "post": raid.post,
        "target": raid.target,
        "score": float(raid.score),
        "started_at": raid.started_at,
        "last_at": raid.last_at,
        "reasons": _reason_rows(raid.reasons),
        "clusters": [
            {"text": c.text, "count": c.count, "comment_ids": [int(i) for i in c.comment_ids if i.isdigit()]}
            for c in raid.clusters
        ],
        "channels": list(raid.channels),
        "updated_at": now,
    }
    row = repo_raids.raid_by_key(tx, organisation_id, raid.key)
    new = row is None
    if row is None:
        row = repo_raids.add_raid(
            tx, organisation_id=organisation_id, key=raid.key, status=repo_raids.OPEN, created_at=now, **values
        )
    else:
        grew = raid.last_at > row.last_at
        for name, value in values.items():
            setattr(row, name, value)
        # A quiet raid that starts again is open again; one a person dismissed stays dismissed.
        if row.status == repo_raids.CLOSED and grew:
            row.status = repo_raids.OPEN
        tx.flush()
    abusive = set(raid.abusive_comment_ids)
    repo_raids.set_comments(tx, row.id, {int(c): c in abusive for c in raid.comment_ids if c.isdigit()})
    repo_raids.set_members(
        tx,
        row.id,
        [
            {
                "author_id": int(m.author),
                "role": m.role.value,
                "comments": m.comments,
                "abusive": m.abusive,
                "first_at": m.first_at,
                "earlier_raids": list(m.earlier_raids),
            }
            for m in raid.members
            if m.author.isdigit()
        ],
    )
    return row, new


def _alert(tx: Any, row: t.Raid, raid: Raid, now: datetime) -> bool:
    """Queue the lead's alert for a raid (once: keyed on the raid's first comment and the kind)."""
    ids = sorted(int(c) for c in (raid.abusive_comment_ids or raid.comment_ids) if c.isdigit())
    if not ids:
        return False
    found = repo.get_comment(tx, ids[0])
    if found is None:
        return False
    comment, channel, _ = found
    repo_alerts.add_alerts(
        tx,
        [
            {
                "comment_id": comment.id,
                "organisation_id": row.organisation_id,
                "channel_id": channel.id,
                "kind": alerts.RAID,
                "severity": 3,
                "created_at": now,
                "status": repo_alerts.QUEUED,
                "attempts": 0,
                "not_before": now,
                "delivered": [],
                "raid_id": row.id,
            }
        ],
    )
    return True


# --- reading ----------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RaidSummary:
    id: int
    organisation_id: int
    kind: str
    status: str
    post: str | None
    target: str | None
    score: float
    started_at: datetime
    last_at: datetime
    members: list[str]  # the authors' platform ids
    comments: int
    abusive: int
    reasons: list[Reason]


@dataclass(frozen=True, slots=True)
class MemberView:
    author_id: int
    platform: str
    external_id: str
    name: str
    role: str
    comments: int
    abusive: int
    first_at: datetime
    earlier_raids: list[str]
    # Their history with the organisation: comments, decisions that hid or blocked them, raids.
    history: dict[str, int]


@dataclass(frozen=True, slots=True)
class RaidCommentView:
    id: int
    posted_at: datetime
    abusive: bool
    status: str
    decided_step: str | None
    platform: str
    channel: str
    author_id: int | None
    severity: int


@dataclass(frozen=True, slots=True)
class ClusterView:
    # The canonical text, masked like a severe text (hierniet.services.insight.masked); None when it is abuse
    # with no flagged word to mask (the desk then links to its comments, shielded as usual).
    text: str | None
    count: int
    comment_ids: list[int]


@dataclass(frozen=True, slots=True)
class ActionView:
    id: int
    action: str
    user: str
    at: datetime
    detail: dict[str, Any]
    undone_at: datetime | None
    undoable: bool


@dataclass(frozen=True, slots=True)
class HoldView:
    """A hold on new comments on one channel: how it is made, since when, and the comments it held one by one."""

    channel: str
    platform: str
    mode: str  # raid_holds.EACH, PLATFORM or BY_HAND
    started_at: datetime
    lifted_at: datetime | None
    held: list[int]  # the comments it held (mode each)


@dataclass(frozen=True, slots=True)
class RaidDetail:
    raid: RaidSummary
    members: list[MemberView]
    comments: list[RaidCommentView]
    clusters: list[ClusterView]
    # Comments per minute of the burst: (minute, all, abusive).
    timeline: list[tuple[datetime, int, int]]
    actions: list[ActionView]
    offers: list[str]  # the moves this person may make on it now
    holds: list[HoldView] = field(default_factory=list)


def require_raids(actor: Actor) -> None:
    require(actor, Permission.MANAGE_RAIDS, "see raids and act on them")


def _reasons(rows: Sequence[Mapping[str, Any]]) -> list[Reason]:
    out = []
    for r in rows or []:
        params = r.get("params") or {}
        out.append(Reason(str(r.get("code") or "raid.reason"), str(r.get("text", "")), **params))
    return out


def _summary(s: Any, row: t.Raid, members: list[str]) -> RaidSummary:
    comments, abusive = repo_raids.comment_counts(s, [row.id])[row.id]
    return RaidSummary(
        id=row.id,
        organisation_id=row.organisation_id,
        kind=row.kind,
        status=row.status,
        post=row.post,
        target=row.target,
        score=row.score,
        started_at=row.started_at,
        last_at=row.last_at,
        members=members,
        comments=comments,
        abusive=abusive,
        reasons=_reasons(row.reasons),
    )


def list_raids(
    store: repo.Store,
    actor: Actor,
    *,
    status: str | None = None,
    kind: str | None = None,
    limit: int = 50,
    offset: int = 0,
) -> tuple[list[RaidSummary], int]:
    """The raids and criticism storms of the organisations the person sees, the latest first."""
    require_raids(actor)
    if status and status not in repo_raids.STATUSES:
        raise InvalidInput(f"unknown status {status!r}: use one of {', '.join(repo_raids.STATUSES)}")
    if kind and kind not in {k.value for k in RaidKind}:
        raise InvalidInput(f"unknown kind {kind!r}: use raid or criticism_storm")
    if not 1 <= limit <= 500 or offset < 0:
        raise InvalidInput("ask for 1 to 500 raids from an offset of 0 or more")
    with store.session() as s:
        rows, total = repo_raids.list_raids(
            s, actor.organisation_id, status=status or None, kind=kind or None, limit=limit, offset=offset
        )
        members = repo_raids.members_by_raid(s, [r.id for r in rows])
        return [_summary(s, r, members[r.id]) for r in rows], total


def _load(s: Any, actor: Actor, raid_id: int) -> t.Raid:
    row = repo_raids.get_raid(s, raid_id)
    if row is None or not actor.sees(row.organisation_id):
        raise NotFound(f"no raid {raid_id}: list raids with GET /api/v1/raids")
    return row


def offers(actor: Actor, row: t.Raid, *, holding: bool = False) -> list[str]:
    """The moves a person may make on a raid as it stands: none once dismissed; a storm offers only dismiss;
    a post already held is not held twice; blocking the core takes a lead's right to block."""
    if not actor.can(Permission.MANAGE_RAIDS) or row.status == repo_raids.DISMISSED:
        return []
    if row.kind != RaidKind.RAID.value:
        return list(STORM_ACTIONS)
    out = [HIDE]
    if row.post and not holding:
        out.append(HOLD)
    if actor.can(Permission.DECIDE_SEVERE):
        out.append(BLOCK_CORE)
    if actor.can(Permission.MANAGE_PERSONAL_DATA):
        out.append(EVIDENCE)
    out.append(DISMISS)
    return out


def _minute(at: datetime) -> datetime:
    return at.replace(second=0, microsecond=0)


def timeline(comments: Sequence[RaidCommentView], zone: tzinfo | None = None) -> list[tuple[datetime, int, int]]:
    """Comments per minute from the first to the last (minutes with none included, so the plot shows the burst's
    shape); a burst longer than two hours is counted per 10 minutes."""
    if not comments:
        return []
    first, last = _minute(comments[0].posted_at), _minute(comments[-1].posted_at)
    step = timedelta(minutes=1) if last - first <= timedelta(hours=2) else timedelta(minutes=10)
    buckets: dict[datetime, list[int]] = {}
    at = first
    while at <= last:
        buckets[at] = [0, 0]
        at += step
    for c in comments:
        key = first + step * int((c.posted_at - first) / step)
        buckets[key][0] += 1
        buckets[key][1] += int(c.abusive)
    return [(k.astimezone(zone) if zone else k, a, b) for k, (a, b) in buckets.items()]


def raid_detail(store: repo.Store, actor: Actor, raid_id: int, *, undo_window: timedelta | None = None) -> RaidDetail:
    from hierniet.services.insight import masked

    require_raids(actor)
    with store.session() as s:
        row = _load(s, actor, raid_id)
        members = repo_raids.members_of(s, raid_id)
        history = repo_raids.author_history(s, row.organisation_id, [m.author_id for m, _ in members])
        comment_rows = repo_raids.comments_of(s, raid_id)
        comments = [
            RaidCommentView(
                id=c.id,
                posted_at=c.posted_at,
                abusive=rc.abusive,
                status=c.status,
                decided_step=c.decided_step,
                platform=ch.platform,
                channel=ch.name or ch.external_id,
                author_id=c.author_id,
                severity=c.severity,
            )
            for rc, c, ch in comment_rows
        ]
        clusters = []
        abusive_ids = {rc.comment_id for rc, _, _ in comment_rows if rc.abusive}
        for cluster in row.clusters or []:
            ids = [int(i) for i in cluster.get("comment_ids", [])]
            verdict = repo.latest_verdict(s, ids[0]) if ids else None
            text, hidden = masked(str(cluster.get("text", "")), list(verdict.evidence) if verdict else [])
            # Abuse whose words triage could not point at is not quoted at all (as the insight examples do).
            shown = None if abusive_ids.intersection(ids) and not hidden else text
            clusters.append(ClusterView(text=shown, count=int(cluster.get("count", len(ids))), comment_ids=ids))
        users = {u.id: u.name for u in repo.list_users(s)}
        actions = [
            ActionView(
                id=a.id,
                action=a.action,
                user=users.get(a.user_id or 0, "?"),
                at=a.at,
                detail=dict(a.detail or {}),
                undone_at=a.undone_at,
                undoable=_may_undo(actor, a, undo_window),
            )
            for a in repo_raids.actions_of(s, raid_id)
        ]
        hold_rows = repo_raids.holds_of_raid(s, raid_id)
        held: dict[int, list[int]] = {}
        for h in repo_raids.held_comments(s, [h.id for h, _ in hold_rows]):
            held.setdefault(h.hold_id, []).append(h.comment_id)
        holds = [
            HoldView(
                channel=ch.name or ch.external_id,
                platform=ch.platform,
                mode=h.mode,
                started_at=h.started_at,
                lifted_at=h.lifted_at,
                held=held.get(h.id, []),
            )
            for h, ch in hold_rows
        ]
        summary = _summary(s, row, [a.external_id for _, a in members])
        return RaidDetail(
            raid=summary,
            members=[
                MemberView(
                    author_id=m.author_id,
                    platform=a.platform,
                    external_id=a.external_id,
                    name=a.name,
                    role=m.role,
                    comments=m.comments,
                    abusive=m.abusive,
                    first_at=m.first_at,
                    earlier_raids=list(m.earlier_raids or []),
                    history=history.get(m.author_id, {}),
                )
                for m, a in members
            ],
            comments=comments,
            clusters=clusters,
            timeline=timeline(comments),
            actions=actions,
            offers=offers(actor, row, holding=any(h.lifted_at is None for h in holds)),
            holds=holds,
        )


@dataclass(frozen=True, slots=True)
class Banner:
    """An open raid as a banner says it: on the queue, and on a comment of its post."""

    id: int
    kind: str
    post: str | None
    target: str | None
    comments: int
    started_at: datetime
    linked: bool  # the person may open the raid's page


def banners(store: repo.Store, actor: Actor, *, post: str | None = None) -> list[Banner]:
    """The open raids of the person's organisations (of one post when `post` is given)."""
    with store.session() as s:
        rows = repo_raids.open_raids(s, actor.organisation_id, post=post)
        counts = repo_raids.comment_counts(s, [r.id for r in rows])
        return [
            Banner(
                id=r.id,
                kind=r.kind,
                post=r.post,
                target=r.target,
                comments=counts[r.id][0],
                started_at=r.started_at,
                linked=actor.can(Permission.MANAGE_RAIDS),
            )
            for r in rows
            if actor.sees(r.organisation_id)
        ]


# --- the one-move actions -------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class MoveResult:
    action_id: int
    action: str
    done: list[int]  # comments (or authors, for block_core) the move acted on
    skipped: list[int]  # comments a person had decided already: their decision stands
    to_do: list[int] = field(default_factory=list)  # outbox rows a person carries out by hand
    queued: list[int] = field(default_factory=list)  # outbox rows the worker sends to the platform
    failed: dict[int, str] = field(default_factory=dict)  # comment -> why the desk refused it
    pack: evidence.EvidencePack | None = None
    # A hold: the channels where each new comment on the post is held as it comes in (YouTube).
    holding: list[int] = field(default_factory=list)


def _open_for(store: repo.Store, actor: Actor, raid_id: int, action: str) -> t.Raid:
    with store.session() as s:
        row = _load(s, actor, raid_id)
    if row.status == repo_raids.DISMISSED:
        raise Conflict(f"raid {raid_id} was dismissed as not a raid: nothing more to do on it")
    if row.kind != RaidKind.RAID.value and action not in STORM_ACTIONS:
        raise Conflict(
            f"raid {raid_id} is a criticism storm: answer it, do not hide it (no {action.replace('_', ' ')})"
        )
    return row


def _record_move(
    store: repo.Store, actor: Actor, row: t.Raid, action: str, detail: dict[str, Any], now: datetime
) -> int:
    with store.transaction() as tx:
        return _record_move_in(tx, actor, row, action, detail, now)


def _record_move_in(tx: Any, actor: Actor, row: t.Raid, action: str, detail: dict[str, Any], now: datetime) -> int:
    move = repo_raids.add_action(tx, raid_id=row.id, action=action, user_id=actor.user_id, at=now, detail=detail)
    audit.record(
        tx,
        actor,
        action=_AUDIT[action],
        subject_type="raid",
        subject_id=row.id,
        organisation_id=row.organisation_id,
        detail={k: v for k, v in detail.items() if k != "decisions"} | {"move": move.id},
    )
    return move.id


#: The audit action of each move (written out, so the audit page's words are found for each).
_AUDIT: dict[str, str] = {
    HIDE: "raid.hide",
    HOLD: "raid.hold",
    BLOCK_CORE: "raid.block_core",
    EVIDENCE: "raid.evidence",
    DISMISS: "raid.dismiss",
}


def _decide_each(
    store: repo.Store, actor: Actor, targets: Sequence[int], step: str, reason: str, now: datetime
) -> tuple[dict[int, int], dict[int, str]]:
    """A person's decision on each comment; comment -> decision, and comment -> why one was refused."""
    made: dict[int, int] = {}
    failed: dict[int, str] = {}
    for comment_id in targets:
        try:
            # No reply: answering each member of a brigade feeds it (and is 300 replies nobody asked for).
            view = decisions.record_decision(
                store, actor, comment_id, decisions.DecisionIn(step=step, reason=reason, reply=""), now=now
            )
        except ServiceError as exc:
            if exc.status_code == 403 and not made and not failed:
                raise  # the person may not take this step at all: refuse the move as a whole
            failed[comment_id] = str(exc)
            continue
        made[comment_id] = view.id
    return made, failed


def hide_all(store: repo.Store, actor: Actor, raid_id: int, *, now: datetime | None = None) -> MoveResult:
    """Hide every abusive comment of the raid, each by a decision of this person (queued in the outbox); the
    comments a person decided already keep their decision."""
    require_raids(actor)
    now = now or utcnow()
    row = _open_for(store, actor, raid_id, HIDE)
    with store.session() as s:
        rows = repo_raids.comments_of(s, raid_id)
    abusive = [(rc, c) for rc, c, _ in rows if rc.abusive]
    skipped = [c.id for _, c in abusive if c.decided_step is not None]
    targets = [c.id for _, c in abusive if c.decided_step is None]
    made, failed = _decide_each(store, actor, targets, "hide", f"raid #{raid_id}: hidden with the whole raid", now)
    detail = {"decisions": made, "comments": sorted(made), "skipped": skipped, "failed": sorted(failed)}
    move = _record_move(store, actor, row, HIDE, detail, now)
    return MoveResult(move, HIDE, sorted(made), skipped, failed=failed)


def block_core(store: repo.Store, actor: Actor, raid_id: int, *, now: datetime | None = None) -> MoveResult:
    """Block each author of the raid's core, by a lead's "block" decision on their latest undecided comment of
    the raid (the step hides it too); an author whose every comment a person decided already is left alone."""
    require_raids(actor)
    require(actor, Permission.DECIDE_SEVERE, "block the core of a raid")
    now = now or utcnow()
    row = _open_for(store, actor, raid_id, BLOCK_CORE)
    with store.session() as s:
        core = {m.author_id for m, _ in repo_raids.members_of(s, raid_id) if m.role == "core"}
        rows = repo_raids.comments_of(s, raid_id)
    latest: dict[int, int] = {}
    decided: set[int] = set()
    for _rc, c, _ch in rows:  # in the order posted: the last one wins
        if c.author_id in core:
            if c.decided_step is None:
                latest[c.author_id] = c.id
            else:
                decided.add(c.author_id)
    skipped_authors = sorted(decided - set(latest))
    made, failed = _decide_each(
        store, actor, list(latest.values()), "block", f"raid #{raid_id}: core of the raid blocked", now
    )
    authors = sorted(a for a, c in latest.items() if c in made)
    detail = {"decisions": made, "authors": authors, "skipped_authors": skipped_authors, "failed": sorted(failed)}
    move = _record_move(store, actor, row, BLOCK_CORE, detail, now)
    return MoveResult(move, BLOCK_CORE, authors, skipped_authors, failed=failed)


def hold_how(platform: str) -> str:
    return HOLD_HOW.get(platform, HOLD_HOW_OTHER)


def _outbox_row(
    comment: t.Comment, channel: t.Channel, call: str, payload: dict[str, Any], status: str, now: datetime
) -> dict[str, Any]:
    return {
        "comment_id": comment.id,
        "channel_id": channel.id,
        "decision_id": None,
        "recommendation_id": None,
        "action": call,
        "payload": payload,
        "status": status,
        "attempts": 0,
        "last_error": None,
        "not_before": now,
        "created_at": now,
        "updated_at": now,
    }


def hold_post(store: repo.Store, actor: Actor, raid_id: int, *, now: datetime | None = None) -> MoveResult:
    """Hold new comments on the raid's post, on each channel the raid came through: on YouTube every new comment
    stored on the post is held for review as it comes in (hierniet.services.raid_holds); on Bluesky and Mastodon
    one outbox call the worker sends (Bluesky's threadgate; Mastodon's quote policy, with a to-do for replies,
    which no API limits); elsewhere a to-do saying what to do there ("manual")."""
    require_raids(actor)
    now = now or utcnow()
    row = _open_for(store, actor, raid_id, HOLD)
    if not row.post:
        raise Conflict(f"raid {raid_id} targets a person across posts: there is no one post to hold")
    with store.session() as s:
        rows = repo_raids.comments_of(s, raid_id)
        held = any(h.lifted_at is None for h, _ch in repo_raids.holds_of_raid(s, raid_id))
    if held:
        raise Conflict(f"new comments on the post of raid {raid_id} are held already: undo that hold to lift it")
    first: dict[int, tuple[t.Comment, t.Channel]] = {}
    for _rc, c, ch in rows:
        if c.thread_external_id == row.post:
            first.setdefault(ch.id, (c, ch))
    made: list[int] = []
    by_hand: list[int] = []
    holding: list[int] = []
    with store.transaction() as tx:
        modes: dict[int, str] = {}
        for comment, channel in first.values():
            payload = {"post": row.post, "raid": raid_id, "how": hold_how(channel.platform)}
            can = api_actions(channel.platform) or frozenset()
            if channel.platform in raid_holds.HOLD_EACH:
                modes[channel.id] = raid_holds.EACH
                holding.append(channel.id)
                continue
            if HOLD_CALL in can:
                modes[channel.id] = raid_holds.PLATFORM
                made += repo.insert_rows(
                    tx, t.QueuedAction, [_outbox_row(comment, channel, HOLD_CALL, payload, ActionStatus.QUEUED, now)]
                )
            else:
                modes[channel.id] = raid_holds.BY_HAND
                ids = repo.insert_rows(
                    tx, t.QueuedAction, [_outbox_row(comment, channel, HOLD_CALL, payload, ActionStatus.MANUAL, now)]
                )
                made += ids
                by_hand += ids
            if channel.platform == "mastodon":
                # What the quote policy leaves open: replies, which no Mastodon API limits.
                todo = {**payload, "how": HOLD_REPLIES_HOW}
                ids = repo.insert_rows(
                    tx,
                    t.QueuedAction,
                    [_outbox_row(comment, channel, HOLD_REPLIES_CALL, todo, ActionStatus.MANUAL, now)],
                )
                made += ids
                by_hand += ids
        detail = {
            "outbox": made,
            "post": row.post,
            "platforms": sorted({ch.platform for _, ch in first.values()}),
            "holding": holding,
        }
        move = _record_move_in(tx, actor, row, HOLD, detail, now)
        repo_raids.add_holds(
            tx,
            [
                {
                    "raid_id": raid_id,
                    "action_id": move,
                    "channel_id": channel.id,
                    "post": row.post,
                    "mode": modes[channel.id],
                    "started_at": now,
                }
                for _c, channel in first.values()
            ],
        )
    sent = [i for i in made if i not in by_hand]
    return MoveResult(move, HOLD, [c.id for c, _ in first.values()], [], to_do=by_hand, queued=sent, holding=holding)


def evidence_pack(
    store: repo.Store,
    actor: Actor,
    raid_id: int,
    *,
    purpose: str,
    language: str,
    zone: tzinfo | None = None,
    now: datetime | None = None,
) -> MoveResult:
    """One evidence pack for the whole raid: its abusive comments first, then the others, as many as a pack holds."""
    require_raids(actor)
    evidence.require_pack(actor)
    now = now or utcnow()
    row = _open_for(store, actor, raid_id, EVIDENCE)
    with store.session() as s:
        rows = repo_raids.comments_of(s, raid_id)
    ordered = [c.id for rc, c, _ in rows if rc.abusive] + [c.id for rc, c, _ in rows if not rc.abusive]
    ids = ordered[: evidence.MAX_COMMENTS]
    pack = evidence.make_pack(store, actor, comment_ids=ids, purpose=purpose, language=language, zone=zone, now=now)
    detail = {
        "comments": ids,
        "left_out": len(ordered) - len(ids),
        "purpose": purpose,
        "manifest_sha256": pack.manifest_sha256,
    }
    move = _record_move(store, actor, row, EVIDENCE, detail, now)
    return MoveResult(move, EVIDENCE, ids, [], pack=pack)


def dismiss(
    store: repo.Store, actor: Actor, raid_id: int, *, reason: str = "", now: datetime | None = None
) -> MoveResult:
    """ "Not a raid": the banner goes and the detector never reopens it (its alert, if sent, stays in the log)."""
    require_raids(actor)
    now = now or utcnow()
    row = _open_for(store, actor, raid_id, DISMISS)
    previous = row.status
    with store.transaction() as tx:
        repo_raids.set_status(tx, raid_id, repo_raids.DISMISSED, now)
    move = _record_move(store, actor, row, DISMISS, {"previous": previous, "reason": reason.strip()}, now)
    return MoveResult(move, DISMISS, [], [])


# --- undo -----------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class UndoMoveResult:
    action_id: int
    undone: list[int]  # comments whose decision was undone (for a hold: outbox rows cancelled or lifts queued)
    kept: dict[int, str]  # comment -> why its decision stays (someone decided again since)
    to_do: list[int] = field(default_factory=list)


def _may_undo(actor: Actor, move: t.RaidAction, window: timedelta | None) -> bool:
    if move.undone_at is not None or move.action == EVIDENCE or move.user_id != actor.user_id:
        return False
    if move.action in (HIDE, BLOCK_CORE) and window is not None and utcnow() - move.at > window:
        return False
    return not (move.action == BLOCK_CORE and not actor.can(Permission.DECIDE_SEVERE))


def undo_move(
    store: repo.Store, actor: Actor, raid_id: int, action_id: int, *, window: timedelta, now: datetime | None = None
) -> UndoMoveResult:
    """Take one move back: its decisions undone (hierniet.services.undo, each within `window`), its to-dos not
    carried out yet cancelled (one carried out becomes a to-do to lift it), a dismissed raid open again."""
    require_raids(actor)
    now = now or utcnow()
    with store.session() as s:
        row = _load(s, actor, raid_id)
        move = repo_raids.get_action(s, action_id)
        if move is None or move.raid_id != raid_id:
            raise NotFound(f"no move {action_id} on raid {raid_id}: see its moves with GET /api/v1/raids/{raid_id}")
    if move.undone_at is not None:
        raise Conflict(f"move {action_id} was undone already")
    if move.action == EVIDENCE:
        raise Conflict("an evidence pack cannot be undone: it was made and handed out")
    if move.user_id != actor.user_id:
        raise Conflict(f"{actor.name} did not make move {action_id}: only the person who made it may undo it")
    undone: list[int] = []
    kept: dict[int, str] = {}
    to_do: list[int] = []
    if move.action in (HIDE, BLOCK_CORE):
        for comment_key, decision_id in (move.detail.get("decisions") or {}).items():
            comment_id = int(comment_key)
            try:
                undo.undo_decision(
                    store, actor, comment_id, int(decision_id), window=window, reason=f"raid #{raid_id}: move undone"
                )
            except ServiceError as exc:
                kept[comment_id] = str(exc)
                continue
            undone.append(comment_id)
    with store.transaction() as tx:
        if move.action == HOLD:
            lifted = _lift_hold(tx, actor, move, now)
            undone += lifted.released
            to_do += lifted.to_do
            kept.update(lifted.kept)
        if move.action == DISMISS:
            previous = str(move.detail.get("previous") or repo_raids.OPEN)
            repo_raids.set_status(tx, raid_id, previous, now)
        repo_raids.mark_undone(tx, action_id, actor.user_id, now)
        audit.record(
            tx,
            actor,
            action="raid.undo",
            subject_type="raid",
            subject_id=row.id,
            organisation_id=row.organisation_id,
            detail={"move": action_id, "kind": move.action, "undone": undone, "kept": sorted(kept), "to_do": to_do},
        )
    return UndoMoveResult(action_id, undone, kept, to_do)


@dataclass(slots=True)
class _Lifted:
    released: list[int] = field(default_factory=list)
    to_do: list[int] = field(default_factory=list)
    kept: dict[int, str] = field(default_factory=dict)


def _lift_hold(tx: Any, actor: Actor, move: t.RaidAction, now: datetime) -> _Lifted:
    """Take a hold back: its outbox calls not carried out yet are cancelled; one carried out is lifted (by the
    worker where the connector can, else as a to-do); the comments held one by one (YouTube) are released,
    except those a person decided on since (raid_holds.release)."""
    out = _Lifted()
    for queued in tx.query(t.QueuedAction).filter(t.QueuedAction.id.in_(move.detail.get("outbox") or [])):
        if queued.status in (ActionStatus.QUEUED, ActionStatus.MANUAL) and queued.sent_at is None:
            repo.set_action_status(tx, [queued.id], ActionStatus.CANCELLED)
            out.released.append(queued.id)
        elif queued.status == ActionStatus.DONE:
            channel = tx.get(t.Channel, queued.channel_id)
            can = api_actions(channel.platform if channel else None) or frozenset()
            call = RELEASES.get(queued.action, RELEASE_CALL)
            payload = {**(queued.payload or {}), "how": "Lift the hold on new comments.", "reverses": queued.id}
            if queued.platform_ref:
                # What the hold changed, for its lift to put back (Mastodon: the quote policy it replaced).
                payload["platform_ref"] = queued.platform_ref
            ids = repo.insert_rows(
                tx,
                t.QueuedAction,
                [
                    {
                        "comment_id": queued.comment_id,
                        "channel_id": queued.channel_id,
                        "action": call,
                        "payload": payload,
                        "status": ActionStatus.QUEUED if call in can else ActionStatus.MANUAL,
                        "attempts": 0,
                        "not_before": now,
                        "created_at": now,
                        "updated_at": now,
                    }
                ],
            )
            # Lifted by the worker where the connector can (taken back), else a to-do for a person.
            (out.released if call in can else out.to_do).extend(ids)
    released = raid_holds.release(tx, repo_raids.holds_of_move(tx, move.id), actor.user_id, now)
    out.released += released.released
    out.kept.update(released.kept)
    return out


def organisation_of(store: repo.Store, slug_or_id: str) -> int:
    """The organisation a CLI option names (its slug or its number)."""
    with store.session() as s:
        found = repo.organisation_by_slug(s, slug_or_id)
        if found is None and slug_or_id.isdigit():
            found = repo.get_organisation(s, int(slug_or_id))
    if found is None:
        raise NotFound(f"no organisation {slug_or_id!r}: give its slug (see `hierniet org list`)")
    return found.id
