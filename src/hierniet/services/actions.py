"""From a step to the platform calls that carry it out, queued in the outbox (queued_actions).

The policy engine names the calls for the step it recommends (`Recommendation.actions`); when a person
takes another step, the calls come from the same platform capabilities of the policy. A connector's
worker (a later issue) sends them with timeouts and retries.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from hierniet.connectors.base import ConfigError, connector_class
from hierniet.domain import CharterStep, ReportTo
from hierniet.policy.schema import HIDING_STEPS, PlatformCapabilities


class ActionStatus:
    QUEUED = "queued"
    DONE = "done"
    FAILED = "failed"
    CANCELLED = "cancelled"  # a later decision made it unnecessary before it was sent
    # The platform has no API for it (Facebook reports, Instagram blocks): a to-do for a person, who ticks
    # "done by hand" on the desk (hierniet.services.outbox_desk). The worker never sends it.
    MANUAL = "manual"


#: Calls about a whole post that ride on one of its comments' outbox rows (a raid's hold on new comments and its
#: lift, hierniet.services.raids): a decision on that comment neither wants nor cancels them.
POST_CALLS: frozenset[str] = frozenset({"hold_new_comments", "release_hold", "hold_replies", "release_replies"})


def api_actions(platform: str | None) -> frozenset[str] | None:
    """The calls the platform's connector can make; None when the platform has no connector (imports, other)."""
    if not platform:
        return None
    try:
        return connector_class(platform).actions
    except ConfigError:
        return None


def by_hand(platform: str | None, call: str) -> bool:
    """True when a person must make this call on the platform themselves: its connector cannot."""
    actions = api_actions(platform)
    return actions is not None and call not in actions


def platform_calls(step: CharterStep, reports: Sequence[ReportTo], reply: str, caps: PlatformCapabilities) -> list[str]:
    """The calls for a person's step on a platform with these capabilities (hide or delete, block, ...)."""
    calls: list[str] = []
    if step in HIDING_STEPS:
        if caps.hide:
            calls.append(caps.hide_action)
        elif caps.delete:
            calls.append(caps.delete_action)
    if step is CharterStep.BLOCK and caps.block:
        calls.append(caps.block_action)
    if ReportTo.PLATFORM in reports and caps.report:
        calls.append("report")
    if reply:
        calls.append("reply")
    return calls


def payload_for(call: str, reply: str, label: str | None = None) -> dict[str, Any]:
    if call == "reply":
        return {"text": reply}
    if call == "report":
        # Platforms that take a category and a note (Mastodon, Bluesky) get what the comment was judged to be.
        payload: dict[str, Any] = {"to": ReportTo.PLATFORM.value}
        if label:
            payload["label"] = label
            payload["reason"] = f"{label.replace('_', ' ')}: reported under the Hier Niet / Pas ici charter"
        return payload
    return {}


def report_label(labels: Sequence[str]) -> str | None:
    """The label a report names: the first of the comment's labels that is abuse (not ok or criticism)."""
    return next((label for label in labels if label not in ("ok", "criticism")), None)


def action_rows(
    *,
    comment_id: int,
    channel_id: int,
    calls: Sequence[str],
    reply: str,
    now: datetime,
    decision_id: int | None = None,
    recommendation_id: int | None = None,
    label: str | None = None,
    platform: str | None = None,
) -> list[dict[str, Any]]:
    """Outbox rows for `calls`; those the channel's platform has no API for wait as to-dos ("manual")."""
    return [
        {
            "comment_id": comment_id,
            "channel_id": channel_id,
            "decision_id": decision_id,
            "recommendation_id": recommendation_id,
            "action": call,
            "payload": payload_for(call, reply, label),
            "status": ActionStatus.MANUAL if by_hand(platform, call) else ActionStatus.QUEUED,
            "attempts": 0,
            "last_error": None,
            "not_before": now,
            "created_at": now,
            "updated_at": now,
        }
        for call in calls
    ]
