"""Undoing a decision within a short window (issue 12): a new decision that reverses the last one.

History is append-only (house rule 3): the undone decision stays, and the undo is a decision of its own
(kind "undo") by the person who undoes, audited like every decision. It puts the comment back where it
stood before: decided as the person's earlier decision said, or waiting again (open, or escalated when it
was escalated or the policy alerts the lead). Its step is the step that stands again ("none" when the
comment waits again), so the author's history no longer counts the undone step.

The outbox follows: the undone decision's calls not sent yet are cancelled; the ones already sent (or on
their way) are taken back where the platform's connector can (unhide, unblock, delete the reply,
`connectors.base.reversal`); otherwise a call a person can take back (a block, a mute, a ban, a hide) becomes
a to-do in the outbox (state "manual", with what to do in words), and a call nothing takes back (a deleted
comment, a report) is named in the undo's reason and audit line. When an earlier decision stands again, its
calls are queued again.

Only the person who decided may undo, within `Settings.desk_undo_minutes` of the decision; afterwards (or
for someone else's decision) a new decision is the way, with its reason. Undoing a lead's step (a block, a
report to the police) takes a lead, as changing it would: a person whose role changed meanwhile cannot.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from hierniet.connectors.base import reversal, reversal_by_hand
from hierniet.domain import CharterStep, ReportTo
from hierniet.policy import parse_platform
from hierniet.services import audit, convert
from hierniet.services.actions import ActionStatus, action_rows, platform_calls
from hierniet.services.actions import by_hand as by_hand_call
from hierniet.services.auth import Actor, Permission, require
from hierniet.services.decisions import SEVERE_STEPS, _load, _queue_calls, _reports, _user_id, append_decision
from hierniet.services.errors import Conflict, Forbidden
from hierniet.services.views import CommentDetail, CommentStatus, DecisionKind, DecisionView
from hierniet.store import repo
from hierniet.store import tables as t
from hierniet.store.tables import utcnow

#: The decisions an undo takes back (an escalation is handled by a lead's decision, a cleared record anew).
UNDOABLE_KINDS: frozenset[str] = frozenset({DecisionKind.ACCEPT, DecisionKind.EDIT, DecisionKind.OVERRIDE})
UNDO = DecisionKind.UNDO.value


@dataclass(frozen=True, slots=True)
class Undoable:
    """The decision a person may still undo on a comment's page, and until when."""

    decision_id: int
    step: str
    decided_at: datetime
    until: datetime


@dataclass(frozen=True, slots=True)
class UndoResult:
    decision: DecisionView
    undone: int  # the undone decision's id
    cancelled: list[str]  # calls cancelled before they were sent
    reversed: list[str]  # reversing calls queued (e.g. "unhide")
    by_hand: list[str]  # sent calls no connector can take back: a person does it on the platform
    status: str  # where the comment stands now
    #: The to-dos queued for a person (state "manual"): the call to make on the platform by hand, e.g. "unblock".
    to_do: list[str] = field(default_factory=list)


def _lead_step(step: str, reports: list[str]) -> bool:
    """True for a decision only a lead may take, and so change or undo (decisions.lead_checks)."""
    return CharterStep(step) in SEVERE_STEPS or ReportTo.POLICE.value in reports


def undoable(
    _store: repo.Store, actor: Actor, detail: CommentDetail, *, window: timedelta, now: datetime | None = None
) -> Undoable | None:
    """The comment's last decision when `actor` took it and may still undo it, else None (for the page)."""
    now = now or utcnow()
    if not actor.can(Permission.DECIDE) or not detail.decisions:
        return None
    last = detail.decisions[-1]
    if last.kind not in UNDOABLE_KINDS or last.user != actor.name or now - last.created_at > window:
        return None
    if _lead_step(last.step, list(last.reports)) and not actor.can(Permission.DECIDE_SEVERE):
        return None
    return Undoable(last.id, last.step, last.created_at, last.created_at + window)


def undo_decision(
    store: repo.Store,
    actor: Actor,
    comment_id: int,
    decision_id: int,
    *,
    window: timedelta,
    reason: str = "",
    now: datetime | None = None,
) -> UndoResult:
    """Undo `decision_id`, the last decision on the comment, taken by `actor` less than `window` ago."""
    require(actor, Permission.DECIDE, "undo decisions")
    now = now or utcnow()
    with store.transaction() as tx:
        loaded = _load(tx, actor, comment_id)
        comment, channel = loaded.comment, loaded.channel
        history = [d for d, _user in repo.decisions_for_comment(tx, comment.id)]
        if not history or history[-1].id != decision_id:
            raise Conflict(
                f"decision {decision_id} is not the last decision on comment {comment_id}: only the last one "
                "can be undone; decide anew instead, with a reason"
            )
        undone = history[-1]
        if undone.kind not in UNDOABLE_KINDS:
            raise Conflict(f"a decision of kind '{undone.kind}' cannot be undone: decide anew instead")
        if undone.user_id != _user_id(actor):
            raise Forbidden(
                f"{actor.name} did not take decision {decision_id}: only the person who decided may undo it; "
                "decide anew instead, with a reason"
            )
        if _lead_step(undone.step, list(undone.reports or [])):
            require(actor, Permission.DECIDE_SEVERE, f"undo a '{undone.step}' decision")
        if now - undone.created_at > window:
            minutes = int(window.total_seconds() // 60)
            raise Conflict(
                f"decision {decision_id} is more than {minutes} minutes old and can no longer be undone: "
                "decide anew instead, with a reason"
            )

        # What stands again: the person's decision before the undone one, if any; else the comment waits.
        before = history[:-1]
        standing = next((d for d in reversed(before) if d.kind != DecisionKind.ESCALATE), None)
        if standing is not None and standing.kind == DecisionKind.CLEAR_AUTHOR:
            standing = None
        if standing is not None and standing.kind == UNDO and standing.step == CharterStep.NONE.value:
            standing = None  # an earlier undo that left the comment waiting
        rec = repo.latest_recommendation(tx, comment.id)
        caps = loaded.policy.capabilities(parse_platform(channel.platform))
        if standing is not None:
            status, decided_step = CommentStatus.DECIDED.value, standing.step
            restored_step = standing.step
            calls = platform_calls(CharterStep(standing.step), _reports(standing.reports), standing.reply, caps)
            reply = standing.reply
        else:
            escalated = (before and before[-1].kind == DecisionKind.ESCALATE) or (rec is not None and rec.alert_lead)
            auto = rec is not None and rec.auto and rec.step != CharterStep.NONE.value
            clear = rec is not None and rec.step == CharterStep.NONE.value
            status = (
                CommentStatus.ESCALATED
                if escalated
                else CommentStatus.AUTO
                if auto
                else CommentStatus.CLEAR
                if clear
                else CommentStatus.OPEN
            ).value
            decided_step, restored_step = None, CharterStep.NONE.value
            # A step the policy applied by itself stands again, with its calls; otherwise nothing is done.
            calls = list(rec.actions) if auto and rec is not None else []
            reply = rec.reply if auto and rec is not None else ""

        # The undone decision's own calls: cancelled while unsent, taken back (or listed) once sent.
        own = [a for a in repo.actions_for_comment(tx, comment.id) if a.decision_id == undone.id]
        unsent = [a for a in own if a.status == ActionStatus.QUEUED and a.sent_at is None]
        sent = [
            a
            for a in own
            if a.status == ActionStatus.DONE or (a.status == ActionStatus.QUEUED and a.sent_at is not None)
        ]
        backs: list[tuple[t.QueuedAction, str]] = []
        by_hand: list[str] = []
        to_do: list[tuple[t.QueuedAction, str]] = []
        for action in sent:
            if action.action in calls:
                continue  # the decision that stands again wants it too
            back = reversal(channel.platform, action.action, hide_action=caps.hide_action)
            if back == "delete_reply" and not action.platform_ref:
                back = None  # the platform never said the reply's id: nothing to address it by
            if back is not None:
                backs.append((action, back))
                continue
            by_hand.append(action.action)
            if (manual := reversal_by_hand(action.action)) is not None:
                to_do.append((action, manual))

        words = reason.strip() or f"undid decision {undone.id} ({undone.kind} '{undone.step}')"
        if by_hand:
            words += "; take back by hand on the platform: " + ", ".join(by_hand)
        row = append_decision(tx, actor, loaded, rec, kind=UNDO, step=restored_step, reason=words, now=now)
        repo.cancel_actions(tx, [a.id for a in unsent], f"cancelled: decision {undone.id} was undone", now=now)
        # An earlier decision that stands again gets its calls back (those not queued or done already).
        # Calls on their way are left to the worker (cancelling them would not stop them): reversed below.
        on_their_way = [a.action for a in sent if a.status == ActionStatus.QUEUED]
        _queue_calls(tx, comment, channel, [*calls, *on_their_way], reply, now, decision_id=row.id)
        for action, back in backs:
            (queued,) = action_rows(
                comment_id=comment.id, channel_id=channel.id, calls=[back], reply="", now=now, decision_id=row.id
            )
            # A call still on its way is taken back after its lease, not raced; a reply is deleted by its id.
            queued["not_before"] = max(now, action.lease_until or now)
            queued["payload"] = {"reverses": action.id, "platform_ref": action.platform_ref}
            repo.insert_many(tx, t.QueuedAction, [queued])
        for action, manual in to_do:
            (queued,) = action_rows(
                comment_id=comment.id, channel_id=channel.id, calls=[manual], reply="", now=now, decision_id=row.id
            )
            # A to-do for a person on the desk's outbox and the comment's page; the worker never sends it.
            queued["status"] = ActionStatus.MANUAL
            queued["payload"] = {"reverses": action.id, "platform_ref": action.platform_ref}
            why = (
                f"the {channel.platform} connector has no API for '{manual}'"
                if by_hand_call(channel.platform, manual)
                else "the platform never said the reply's id"
            )
            queued["last_error"] = (
                f"decision {undone.id} was undone, but '{action.action}' cannot be taken back through the "
                f"platform's API ({why}): do '{manual}' by hand on the platform, then tick it done"
            )
            repo.insert_many(tx, t.QueuedAction, [queued])
        reversed_calls = [back for _action, back in backs]
        repo.set_comment_state(tx, comment.id, status=status, decided_step=decided_step)
        audit.record(
            tx,
            actor,
            action="decision.undo",
            subject_type="comment",
            subject_id=comment.id,
            organisation_id=channel.organisation_id,
            detail={
                "decision": row.id,
                "undone": undone.id,
                "step": undone.step,
                "restored": restored_step,
                "status": status,
                "cancelled": [a.action for a in unsent],
                "reversed": reversed_calls,
                "by_hand": by_hand,
                "to_do": [manual for _action, manual in to_do],
            },
        )
        user = repo.get_user(tx, row.user_id)
        assert user is not None
        return UndoResult(
            decision=convert.decision_view(row, user),
            undone=undone.id,
            cancelled=[a.action for a in unsent],
            reversed=reversed_calls,
            by_hand=by_hand,
            status=status,
            to_do=[manual for _action, manual in to_do],
        )


__all__ = ["UNDO", "UNDOABLE_KINDS", "UndoResult", "Undoable", "undo_decision", "undoable"]
