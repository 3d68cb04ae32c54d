"""People's decisions: accept, edit or override a recommendation, escalate to a lead, clear an author's
record; and re-triage, which adds a verdict version and never changes what a person decided. A comment
edited on the platform goes through the same re-triage (`apply_edits`, called by ingestion).

Every decision is a new row (decisions are append-only) and a line in the audit log; the comment's
projection (status, decided step) follows the latest one, and the outbox gets the platform calls.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from hierniet.domain import CharterStep, Comment, Label, Reason, Recommendation, ReportTo, Verdict
from hierniet.policy import Policy, parse_platform, recommend, render_reply
from hierniet.policy.schema import HIDING_STEPS
from hierniet.services import audit, convert, evidence
from hierniet.services.actions import POST_CALLS, ActionStatus, action_rows, platform_calls, report_label
from hierniet.services.auth import Actor, Permission, require
from hierniet.services.errors import Conflict, InvalidInput, NotFound, no_comment
from hierniet.services.history import load_histories, since_for
from hierniet.services.policies import policy_for
from hierniet.services.verdicts import Classifier, label_rows, recommendation_row, status_for, verdict_row
from hierniet.services.views import CommentStatus, DecisionKind, DecisionView
from hierniet.store import repo, repo_team
from hierniet.store import tables as t
from hierniet.store.tables import utcnow

#: Steps only a lead (or an admin) may decide, or change once decided.
SEVERE_STEPS: frozenset[CharterStep] = frozenset({CharterStep.BLOCK, CharterStep.POLICE})

_STEPS = ", ".join(s.value for s in CharterStep)
_REPORTS = ", ".join(r.value for r in ReportTo)


@dataclass(frozen=True, slots=True)
class DecisionIn:
    """A person's decision on a comment. Left out, `reply` and `reports` are the recommendation's when the
    step is the recommended one, else the policy's reply for that step and the reports the step implies."""

    step: str
    reason: str = ""
    reply: str | None = None
    reports: tuple[str, ...] | None = None


def _step(value: str) -> CharterStep:
    try:
        return CharterStep(value.strip().lower())
    except ValueError:
        raise InvalidInput(f"unknown step {value!r}: use one of {_STEPS}") from None


def _reports(values: Sequence[str]) -> list[ReportTo]:
    out: list[ReportTo] = []
    for value in values:
        try:
            report = ReportTo(value.strip().lower())
        except ValueError:
            raise InvalidInput(f"unknown report {value!r}: use one of {_REPORTS}") from None
        if report not in out:
            out.append(report)
    return out


def implied_reports(step: CharterStep) -> list[ReportTo]:
    if step is CharterStep.POLICE:
        return [ReportTo.PLATFORM, ReportTo.POLICE]
    if step is CharterStep.HIDE_REPORT:
        return [ReportTo.PLATFORM]
    return []


@dataclass(frozen=True, slots=True)
class _Loaded:
    comment: t.Comment
    channel: t.Channel
    author: t.Author | None
    policy: Policy


def _load(session: Session, actor: Actor, comment_id: int) -> _Loaded:
    found = repo.get_comment(session, comment_id)
    if found is None or not actor.sees(found[1].organisation_id):
        raise no_comment(comment_id)
    comment, channel, author = found
    organisation = repo.get_organisation(session, channel.organisation_id)
    policy = policy_for(
        channel.policy_yaml,
        organisation.policy_yaml if organisation else None,
        organisation_name=organisation.name if organisation else None,
    )
    return _Loaded(comment, channel, author, policy)


def _reply_for(step: CharterStep, rec: t.Recommendation | None, policy: Policy) -> str:
    label = Label(rec.label) if rec is not None and rec.label else Label.OK
    language = rec.language if rec is not None else policy.organisation.language
    if label in policy.replies.silent_labels and step is not CharterStep.CARE:
        return ""
    if step is CharterStep.CARE:
        label = Label.SELF_HARM
    return render_reply(step, label, language, policy)


def record_decision(
    store: repo.Store, actor: Actor, comment_id: int, decision: DecisionIn, *, now: datetime | None = None
) -> DecisionView:
    """Record a person's decision on a comment and queue its platform calls."""
    require(actor, Permission.DECIDE, "record decisions")
    step = _step(decision.step)
    now = now or utcnow()
    with store.transaction() as tx:
        loaded = _load(tx, actor, comment_id)
        comment, channel = loaded.comment, loaded.channel
        rec = repo.latest_recommendation(tx, comment.id)
        recommended = CharterStep(rec.step) if rec is not None else None
        recommended_reports = _reports(rec.reports) if rec is not None else []
        reports = (
            _reports(decision.reports)
            if decision.reports is not None
            else (recommended_reports if step is recommended else implied_reports(step))
        )
        for permission, what in lead_checks(step, reports, comment.decided_step, comment.status):
            require(actor, permission, what)

        if step is recommended and rec is not None:
            reply = rec.reply if decision.reply is None else decision.reply
            edited = reply != rec.reply or reports != recommended_reports
            kind = DecisionKind.EDIT if edited else DecisionKind.ACCEPT
        else:
            reply = _reply_for(step, rec, loaded.policy) if decision.reply is None else decision.reply
            kind = DecisionKind.OVERRIDE
        reason = decision.reason.strip()
        if kind is DecisionKind.OVERRIDE and not reason:
            message = (
                f"say why you decide '{step.value}' instead of the recommended "
                f"'{recommended.value if recommended else 'nothing'}': give a reason"
            )
            raise InvalidInput(
                message,
                reason=Reason(
                    "error.reason_needed",
                    message,
                    step=step.value,
                    policy_step=recommended.value if recommended else CharterStep.NONE.value,
                ),
            )
        if not reason:
            reason = "accepted the recommendation" if kind is DecisionKind.ACCEPT else "edited the recommendation"

        row = append_decision(
            tx,
            actor,
            loaded,
            rec,
            kind=kind.value,
            step=step.value,
            reply=reply,
            reports=[r.value for r in reports],
            reason=reason,
            now=now,
        )
        # Deciding again is the "look again" an edit after the earlier decision asked for.
        repo.set_comment_state(
            tx,
            comment.id,
            status=CommentStatus.DECIDED.value,
            decided_step=step.value,
            edited_after_decision=False,
        )
        caps = loaded.policy.capabilities(parse_platform(channel.platform))
        # The recommended step keeps the policy's calls (it may have fitted the step to the platform).
        if step is recommended and rec is not None:
            calls = [c for c in rec.actions if c not in ("reply", "report")]
        else:
            calls = platform_calls(step, [], "", caps)
        if ReportTo.PLATFORM in reports and caps.report:
            calls.append("report")
        if reply:
            calls.append("reply")
        _queue_calls(
            tx,
            comment,
            channel,
            calls,
            reply,
            now,
            decision_id=row.id,
            unhide=None if step in HIDING_STEPS else caps.hide_action,
        )
        # Deciding ends whoever's claim or assignment on the comment (hierniet.services.claims).
        repo_team.release(tx, [comment.id])
        audit.record(
            tx,
            actor,
            action=f"decision.{kind.value}",
            subject_type="comment",
            subject_id=comment.id,
            organisation_id=channel.organisation_id,
            detail={
                "decision": row.id,
                "step": step.value,
                "recommended": recommended.value if recommended else None,
                "reports": [r.value for r in reports],
                "reason": reason,
            },
        )
        # A report to Unia or the police has no API: it is a to-do from the moment a decision names it (a pack
        # made for it later finds the to-do there and adds none).
        for report in reports:
            if report in (ReportTo.UNIA, ReportTo.POLICE):
                evidence.add_report_todo(tx, actor, comment, channel, report.value, now)
        user = repo.get_user(tx, row.user_id)
        assert user is not None
        return convert.decision_view(row, user)


def lead_checks(
    step: CharterStep, reports: Sequence[ReportTo], decided_step: str | None, status: str
) -> list[tuple[Permission, str]]:
    """The permissions beyond DECIDE that taking `step` (with `reports`) on a comment needs, each with the
    words of the refusal. One list for `record_decision` and for the desk, which offers only what a person may
    take (a moderator sees no button that would answer 403)."""
    checks: list[tuple[Permission, str]] = []
    if step in SEVERE_STEPS or ReportTo.POLICE in reports:
        checks.append((Permission.DECIDE_SEVERE, f"decide '{step.value}' or report to the police"))
    if decided_step and CharterStep(decided_step) in SEVERE_STEPS and step is not CharterStep(decided_step):
        checks.append((Permission.DECIDE_SEVERE, f"change a '{decided_step}' decision"))
    if status == CommentStatus.ESCALATED:
        checks.append((Permission.RESOLVE_ESCALATION, "resolve an escalated comment"))
    return checks


def append_decision(
    tx: Session,
    actor: Actor,
    loaded: _Loaded,
    rec: t.Recommendation | None,
    *,
    kind: str,
    step: str,
    reason: str,
    now: datetime | None,
    reply: str = "",
    reports: Sequence[str] = (),
) -> t.Decision:
    """A person's decision on a loaded comment as a new row (decisions are append-only): the one place that
    says whose decision it is, on which comment, author and organisation, after which recommendation."""
    return repo.append_decision(
        tx,
        comment_id=loaded.comment.id,
        author_id=loaded.comment.author_id,
        organisation_id=loaded.channel.organisation_id,
        user_id=_user_id(actor),
        recommendation_id=rec.id if rec is not None else None,
        kind=kind,
        step=step,
        reply=reply,
        reports=list(reports),
        reason=reason,
        created_at=now,
    )


def _user_id(actor: Actor) -> int:
    if actor.user_id is None:
        raise InvalidInput(
            f"{actor.name} is not a user of the desk: decisions name the person who took them "
            "(use an API token of a user, or `hierniet db token --user NAME`)"
        )
    return actor.user_id


def _queue_calls(
    tx: Session,
    comment: t.Comment,
    channel: t.Channel,
    calls: Sequence[str],
    reply: str,
    now: datetime,
    *,
    decision_id: int | None = None,
    recommendation_id: int | None = None,
    unhide: str | None = None,
) -> None:
    """Queue the calls not already queued or done; cancel queued ones the new decision no longer wants.

    `unhide` names the platform's hide call when the new step does not hide: a comment that call already
    hid is shown again.
    """
    cancel, wanted = _plan_calls(repo.actions_for_comment(tx, comment.id), calls, reply, unhide)
    repo.set_action_status(tx, cancel, ActionStatus.CANCELLED)
    repo.insert_many(
        tx,
        t.QueuedAction,
        action_rows(
            comment_id=comment.id,
            channel_id=channel.id,
            calls=wanted,
            reply=reply,
            now=now,
            decision_id=decision_id,
            recommendation_id=recommendation_id,
            label=report_label(comment.labels),
            platform=channel.platform,
        ),
    )


def _plan_calls(
    existing: Sequence[t.QueuedAction], calls: Sequence[str], reply: str, unhide: str | None
) -> tuple[list[int], list[str]]:
    """`_queue_calls`' choice on one comment's calls so far: the ids to cancel and the calls to queue."""
    # A raid's hold on the comment's post rides on its outbox rows but is no call of any decision on it.
    existing = [a for a in existing if a.action not in POST_CALLS]
    # A to-do for a person ("manual") is live like a queued call: not queued twice, cancelled when unwanted.
    live = [a for a in existing if a.status in (ActionStatus.QUEUED, ActionStatus.DONE, ActionStatus.MANUAL)]
    have = {a.action for a in live}
    backs = _reversals(existing, live)
    pending = (ActionStatus.QUEUED, ActionStatus.MANUAL)
    # A call an undo takes back (unhide, unblock, ...) stays whatever a later decision wants: the author is
    # unblocked even when the next step is a mere reply. Only a decision that wants the call again changes it.
    cancel = [a.id for a in live if a.status in pending and a.action not in calls and a.id not in backs]
    for call, taken_back in _taken_back(live, backs).items():
        if call not in calls:
            continue
        unsent = [b.id for b in taken_back if b.status in pending and b.sent_at is None]
        cancel += unsent  # never sent: the call still stands, nothing to make again
        if len(unsent) < len(taken_back):
            have.discard(call)  # taken back on the platform: make it again
    wanted = [c for c in calls if c not in have or (c == "reply" and _reply_changed(live, reply))]
    if unhide is not None and any(a.status == ActionStatus.DONE and a.action == unhide for a in live):
        # The comment was hidden by an earlier step that no longer stands: show it again.
        wanted.append("unhide")
    return cancel, wanted


def _reversals(existing: Sequence[t.QueuedAction], live: Sequence[t.QueuedAction]) -> dict[int, str]:
    """The live calls an undo queued to take a call back (payload `reverses`), each with the call it reverses."""
    by_id = {a.id: a for a in existing}
    out: dict[int, str] = {}
    for a in live:
        target = a.payload.get("reverses") if isinstance(a.payload, dict) else None
        if isinstance(target, int) and target in by_id:
            out[a.id] = by_id[target].action
    return out


def _taken_back(live: Sequence[t.QueuedAction], backs: dict[int, str]) -> dict[str, list[t.QueuedAction]]:
    """Per call, its reversals when they are newer than the call's own latest row (the call is taken back)."""
    out: dict[str, list[t.QueuedAction]] = {}
    for call in set(backs.values()):
        rows = [a.id for a in live if a.action == call and a.id not in backs]
        reversing = [a for a in live if backs.get(a.id) == call]
        if not rows or max(rows) < max(b.id for b in reversing):
            out[call] = reversing
    return out


def _reply_changed(live: Sequence[t.QueuedAction], reply: str) -> bool:
    replies = [a for a in live if a.action == "reply"]
    return bool(replies) and all(a.payload.get("text") != reply for a in replies)


def escalate(
    store: repo.Store, actor: Actor, comment_id: int, reason: str = "", *, now: datetime | None = None
) -> DecisionView:
    """Hand a comment to a lead: it waits as escalated until a lead decides."""
    require(actor, Permission.DECIDE, "escalate comments")
    with store.transaction() as tx:
        loaded = _load(tx, actor, comment_id)
        comment, channel = loaded.comment, loaded.channel
        if comment.status == CommentStatus.ESCALATED:
            message = f"comment {comment_id} is already escalated: a lead decides on it"
            raise Conflict(message, reason=Reason("error.already_escalated", message, comment_id=comment_id))
        rec = repo.latest_recommendation(tx, comment.id)
        row = append_decision(
            tx,
            actor,
            loaded,
            rec,
            kind=DecisionKind.ESCALATE.value,
            step=CharterStep.REVIEW.value,
            reason=reason.strip() or "escalated to a lead",
            now=now,
        )
        repo.set_comment_state(tx, comment.id, status=CommentStatus.ESCALATED.value)
        repo_team.release(tx, [comment.id])  # a lead takes it from here
        audit.record(
            tx,
            actor,
            action="decision.escalate",
            subject_type="comment",
            subject_id=comment.id,
            organisation_id=channel.organisation_id,
            detail={"decision": row.id, "reason": row.reason},
        )
        user = repo.get_user(tx, row.user_id)
        assert user is not None
        return convert.decision_view(row, user)


def clear_author(
    store: repo.Store,
    actor: Actor,
    author_id: int,
    reason: str,
    *,
    organisation_id: int | None = None,
    now: datetime | None = None,
) -> DecisionView:
    """Clear an author's record on one organisation: their earlier steps stop counting for the ladder."""
    require(actor, Permission.CLEAR_AUTHOR, "clear an author's record")
    if not reason.strip():
        raise InvalidInput("say why the author's record is cleared: give a reason")
    with store.transaction() as tx:
        author = repo.get_author(tx, author_id)
        organisations = repo.author_organisations(tx, author_id) if author is not None else []
        visible = [o for o in organisations if actor.sees(o)]
        if author is None or not visible:
            raise NotFound(f"no author {author_id}: list authors with GET /api/v1/authors")
        if organisation_id is None:
            organisation_id = actor.organisation_id
        if organisation_id is None:
            if len(visible) > 1:
                raise InvalidInput(
                    f"author {author_id} commented on several organisations ({', '.join(map(str, visible))}): "
                    "say which one with organisation_id"
                )
            organisation_id = visible[0]
        if organisation_id not in visible:
            raise NotFound(f"author {author_id} has no comments on organisation {organisation_id}")
        row = repo.append_decision(
            tx,
            comment_id=None,
            author_id=author_id,
            organisation_id=organisation_id,
            user_id=_user_id(actor),
            recommendation_id=None,
            kind=DecisionKind.CLEAR_AUTHOR.value,
            step=CharterStep.NONE.value,
            reason=reason.strip(),
            created_at=now,
        )
        audit.record(
            tx,
            actor,
            action="author.cleared",
            subject_type="author",
            subject_id=author_id,
            organisation_id=organisation_id,
            detail={"decision": row.id, "reason": row.reason},
        )
        user = repo.get_user(tx, row.user_id)
        assert user is not None
        return convert.decision_view(row, user)


def retriage(
    store: repo.Store, triage: Classifier, actor: Actor, comment_ids: Sequence[int], *, now: datetime | None = None
) -> list[int]:
    """Triage stored comments again: a new verdict version and recommendation each, read as of `now`.

    A person's decision stands: a decided comment keeps its status and decided step (the policy itself
    returns a person's decision on the comment as it stands). Returns the new verdict versions.
    """
    require(actor, Permission.RETRIAGE, "re-triage comments")
    now = now or utcnow()
    with store.session() as s:
        loaded = [_load(s, actor, cid) for cid in dict.fromkeys(comment_ids)]
    verdicts = triage.classify(
        [
            Comment(
                id=str(x.comment.id),
                text=x.comment.text,
                platform=x.comment.platform,
                post=x.comment.thread_external_id,
                language_hint=x.comment.language_hint,
            )
            for x in loaded
        ]
    )
    with store.transaction() as tx:
        return [r.version for r in _retriage_loaded(tx, actor, loaded, verdicts, now)]


def retriage_loaded_rows(
    tx: Session,
    actor: Actor,
    rows: Sequence[tuple[t.Comment, t.Channel, t.Author | None, Policy]],
    verdicts: Sequence[Verdict],
    now: datetime,
) -> list[Retriaged]:
    """`retriage` for comments the caller has loaded (in `tx`) and triaged already: bulk re-triage
    (services/retriage.py) loads and triages whole batches, then writes them through the same path."""
    require(actor, Permission.RETRIAGE, "re-triage comments")
    loaded = [_Loaded(comment, channel, author, policy) for comment, channel, author, policy in rows]
    return _retriage_loaded(tx, actor, loaded, verdicts, now)


@dataclass(frozen=True, slots=True)
class EditIn:
    """A stored comment's new text from the platform, already triaged (ingestion triages it with its batch)."""

    comment_id: int
    text: str
    verdict: Verdict


@dataclass(frozen=True, slots=True)
class Retriaged:
    """What one re-triage (or edit) did to a comment."""

    comment_id: int
    version: int
    status: str
    step: str
    labels: list[str]
    severity: int
    previous_severity: int
    held: bool  # a person's decision (or escalation, or the platform's removal) kept the comment's status


def apply_edits(tx: Session, actor: Actor, edits: Sequence[EditIn], *, now: datetime) -> dict[int, Retriaged]:
    """Give stored comments the text their authors edited on the platform, inside ingestion's transaction.

    The text it replaces is kept as a revision (append-only evidence); then the comment is re-triaged like
    `retriage` does, with the author's history. A person's decision stands (house rule 3): the comment stays
    decided with its decided step, is flagged `edited_after_decision` for the desk, and returns to the queue
    (open, or escalated for an alert) only when the new verdict is more severe than the one it replaces. An
    edit that another writer already applied is skipped. Returns what was done by comment id.
    """
    loaded: list[_Loaded] = []
    verdicts: list[Verdict] = []
    revisions: dict[int, t.CommentRevision] = {}
    for edit in edits:
        x = _load(tx, actor, edit.comment_id)
        if x.comment.text == edit.text or x.comment.id in revisions:
            continue
        revisions[x.comment.id] = repo.replace_comment_text(tx, x.comment, edit.text, now=now)
        loaded.append(x)
        verdicts.append(edit.verdict)
    done = _retriage_loaded(tx, actor, loaded, verdicts, now, revisions=revisions)
    return {r.comment_id: r for r in done}


def _retriage_loaded(
    tx: Session,
    actor: Actor,
    loaded: Sequence[_Loaded],
    verdicts: Sequence[Verdict],
    now: datetime,
    *,
    revisions: dict[int, t.CommentRevision] | None = None,
) -> list[Retriaged]:
    """The one path that gives stored comments a new verdict version and recommendation (re-triage and edits).

    `revisions` names the comments whose text an edit just replaced (with the revision keeping the old one):
    their audit line says so, and a decided one may return to the queue (see `apply_edits`).

    Written in bulk: one statement per table for the whole batch (versions read, verdicts, their labels,
    recommendations, the calls queued and cancelled, the projections, the audit lines), not six or more per
    comment, which made a re-triage of a large archive take hours. The rows are those the comment-at-a-time
    writes made (tests/services/test_retriage_rows.py).
    """
    if not loaded:
        return []
    edited = revisions or {}
    keys = {(x.channel.organisation_id, x.author.id) for x in loaded if x.author is not None}
    window = max((x.policy.escalation.window_days for x in loaded), default=1)
    histories = load_histories(tx, keys, since_for(now, window))
    latest = repo.latest_versions(tx, [x.comment.id for x in loaded])

    plans: list[_Rewrite] = []
    for x, verdict in zip(loaded, verdicts, strict=True):
        comment = x.comment
        own = str(comment.id)
        history = (
            [
                e
                for e in histories[(x.channel.organisation_id, x.author.id)]
                # The comment's own earlier reading is no strike against itself.
                if e.by_person or e.comment_id != own
            ]
            if x.author is not None
            else []
        )
        rec = recommend(
            verdict,
            history,
            x.policy,
            x.channel.platform,
            now=now,
            author_in_belgium=x.author.in_belgium if x.author else None,
        )
        version = latest.get(comment.id, 0) + 1
        latest[comment.id] = version  # a comment twice in one batch gets two versions, as one at a time did
        plans.append(_Rewrite(x, verdict, rec, version))

    vids = repo.insert_and_read_verdicts(tx, [verdict_row(p.x.comment.id, p.version, p.verdict, now) for p in plans])
    for p, vid in zip(plans, vids, strict=True):
        p.verdict_id = vid
    repo.insert_many(tx, t.VerdictLabel, [row for p in plans for row in label_rows(p.verdict_id, p.verdict)])
    repo.insert_many(
        tx, t.Recommendation, [recommendation_row(p.x.comment.id, p.verdict_id, p.rec, now) for p in plans]
    )
    rec_ids = repo.recommendation_ids(tx, [p.verdict_id for p in plans])

    states: list[tuple[int, dict[str, Any]]] = []
    audits: list[dict[str, Any]] = []
    queue: list[tuple[_Rewrite, Sequence[str]]] = []
    out: list[Retriaged] = []
    for p in plans:
        x, verdict, rec, comment = p.x, p.verdict, p.rec, p.x.comment
        previous: dict[str, Any] = {"labels": list(comment.labels), "severity": comment.severity, "step": comment.step}
        was_alert = comment.alert_lead
        state: dict[str, Any] = {
            "verdict_version": p.version,
            "language": verdict.language.value,
            "severity": int(verdict.severity),
            "labels": [label.value for label in verdict.labels],
            "step": rec.step.value,
            "auto": rec.auto,
            "alert_lead": rec.alert_lead,
        }
        status = comment.status
        decided = status == CommentStatus.DECIDED
        held = decided or status == CommentStatus.REMOVED or (status == CommentStatus.ESCALATED and not was_alert)
        revision = edited.get(comment.id)
        more_severe = int(verdict.severity) > previous["severity"]
        if revision is not None and decided:
            state["edited_after_decision"] = True
            if more_severe:
                # Worse than what the person decided on: a person looks again; the decision and its step
                # stand until they decide anew, and no machine step is queued over them.
                status = (CommentStatus.ESCALATED if rec.alert_lead else CommentStatus.OPEN).value
                state["status"] = status
        elif not held:
            new_status = status_for(rec)
            status = state["status"] = new_status.value
            # Calls an earlier automatic step queued and this recommendation no longer wants are cancelled.
            queue.append((p, rec.actions if new_status is CommentStatus.AUTO else []))
        states.append((comment.id, state))
        detail: dict[str, Any] = {"version": p.version, "model": verdict.model_version, "step": rec.step.value}
        if revision is not None:
            detail.update(
                revision=revision.id,
                previous=previous,
                labels=state["labels"],
                severity=state["severity"],
                status=status,
                decided_step=comment.decided_step,
                back_in_queue=decided and more_severe,
            )
        audits.append(
            {
                "user_id": actor.user_id,
                "actor": actor.name,
                "action": "comment.edited_on_platform" if revision is not None else "comment.retriaged",
                "subject_type": "comment",
                "subject_id": comment.id,
                "organisation_id": x.channel.organisation_id,
                "detail": detail,
            }
        )
        out.append(
            Retriaged(
                comment_id=comment.id,
                version=p.version,
                status=status,
                step=rec.step.value,
                labels=state["labels"],
                severity=state["severity"],
                previous_severity=previous["severity"],
                held=held and not (decided and revision is not None and more_severe),
            )
        )

    # The calls: each comment's existing ones read at once, then one cancel and one insert for the batch. The
    # report label is the comment's labels before this rewrite, as the comment-at-a-time path read them.
    existing = repo.actions_for_comments(tx, [p.x.comment.id for p, _ in queue])
    cancel: list[int] = []
    new_calls: list[dict[str, Any]] = []
    for p, calls in queue:
        comment, channel = p.x.comment, p.x.channel
        dropped, wanted = _plan_calls(existing[comment.id], calls, p.rec.reply, None)
        cancel += dropped
        new_calls += action_rows(
            comment_id=comment.id,
            channel_id=channel.id,
            calls=wanted,
            reply=p.rec.reply,
            now=now,
            recommendation_id=rec_ids[p.verdict_id],
            label=report_label(comment.labels),
            platform=channel.platform,
        )
    repo.set_action_status(tx, cancel, ActionStatus.CANCELLED)
    repo.insert_many(tx, t.QueuedAction, new_calls)
    repo.set_comment_states(tx, states)
    _show_states(tx, plans, states)
    repo.append_audits(tx, audits)
    return out


@dataclass(slots=True)
class _Rewrite:
    """One comment's new reading in a bulk rewrite, and the verdict row written for it."""

    x: _Loaded
    verdict: Verdict
    rec: Recommendation
    version: int
    verdict_id: int = 0


def _show_states(tx: Session, plans: Sequence[_Rewrite], states: Sequence[tuple[int, dict[str, Any]]]) -> None:
    """The loaded rows of the session show their new state, as an ORM update would have left them (an edit's
    caller reads them on), without being marked changed (they are written already)."""
    for p, (_, state) in zip(plans, states, strict=True):
        if p.x.comment in tx:
            for name, value in state.items():
                set_committed_value(p.x.comment, name, value)


__all__ = [
    "DecisionIn",
    "EditIn",
    "Retriaged",
    "append_decision",
    "apply_edits",
    "clear_author",
    "escalate",
    "lead_checks",
    "record_decision",
    "retriage",
    "retriage_loaded_rows",
]
