"""Which decision buttons the desk offers a person on a comment: only the steps they may take.

The checks are `decisions.lead_checks`, the same list `record_decision` enforces, so a button shown is a
decision that will not be refused for the person's role (issue 12: a moderator was offered "accept" on a
recommended block and got a 403).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from hierniet.domain import CharterStep, ReportTo
from hierniet.services.auth import Actor, Permission
from hierniet.services.decisions import SEVERE_STEPS, implied_reports, lead_checks
from hierniet.services.desk import DESK_ACTIONS
from hierniet.services.views import CommentDetail, CommentStatus, DecisionKind


@dataclass(frozen=True, slots=True)
class Offers:
    """The desk's decision buttons for one person on one comment.

    `offered`: the actions (DESK_ACTIONS names) the person may take, in the page's order. `for_lead`: the
    actions left out because they need a role the person lacks. `escalated`: the comment waits for a lead.
    """

    offered: list[str] = field(default_factory=list)
    for_lead: list[str] = field(default_factory=list)
    escalated: bool = False
    #: A lead's step (block, police) was decided: only a lead changes it.
    decided_severe: bool = False

    @property
    def lead_must_accept(self) -> bool:
        return "accept" in self.for_lead


def decided_step(detail: CommentDetail) -> str | None:
    """The step a person last decided on the comment (escalations and cleared records take none)."""
    for d in reversed(detail.decisions):
        if d.kind not in (DecisionKind.ESCALATE, DecisionKind.CLEAR_AUTHOR):
            return d.step
    return None


def _reports(values: list[str]) -> list[ReportTo]:
    out = []
    for value in values:
        try:
            out.append(ReportTo(value))
        except ValueError:
            continue
    return out


def offers(actor: Actor, detail: CommentDetail) -> Offers:
    """The buttons `actor` may press on `detail` (a comment as `queue.comment_detail` reads it)."""
    if not actor.can(Permission.DECIDE):
        return Offers()
    escalated = detail.status == CommentStatus.ESCALATED
    decided = decided_step(detail)
    rec = detail.recommendation
    offered: list[str] = []
    for_lead: list[str] = []
    for action, value in DESK_ACTIONS.items():
        if value is None:  # escalate: a comment already escalated waits for a lead; nobody escalates it again
            if not escalated:
                offered.append(action)
            continue
        if action == "accept":
            if rec is None:
                continue  # nothing to accept: the person chooses a step
            step, reports = CharterStep(rec.step), _reports(rec.reports)
        else:
            step = CharterStep(value)
            reports = implied_reports(step)
        needed = [p for p, _what in lead_checks(step, reports, decided, detail.status) if not actor.can(p)]
        (for_lead if needed else offered).append(action)
    severe = decided is not None and CharterStep(decided) in SEVERE_STEPS
    return Offers(offered=offered, for_lead=for_lead, escalated=escalated, decided_severe=severe)


__all__ = ["Offers", "decided_step", "offers"]
