"""An author's history on one organisation's channels, read from the store for the charter policy.

Two kinds of entries (hierniet.domain.HistoryEntry):

- the machine's: the recommended step of each of the author's earlier comments within the policy's
  escalation window (recommended or applied: DESIGN.md counts steps "taken by the machine or by a person");
- people's: every decision recorded about the author on that organisation (not windowed, because a
  person's block stands), an escalation excepted (it takes no step).

The policy itself (hierniet.policy.charter) decides what counts: a person's decision on a comment
outranks the machine's entry for it, a cleared record resets the count, old entries fall out.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from hierniet.domain import CharterStep, HistoryEntry, Label
from hierniet.policy import Policy
from hierniet.services.views import AuthorHistory, DecisionKind, HistoryItem
from hierniet.store import repo
from hierniet.store.tables import Decision

HistoryKey = tuple[int, int]  # (organisation id, author id)


def _labels(values: Iterable[str]) -> tuple[Label, ...]:
    out = []
    for value in values:
        try:
            out.append(Label(value))
        except ValueError:
            continue
    return tuple(out)


def person_entry(decision: Decision) -> HistoryEntry | None:
    if decision.kind == DecisionKind.ESCALATE:
        return None
    clear = decision.kind == DecisionKind.CLEAR_AUTHOR
    return HistoryEntry(
        when=decision.created_at,
        step=CharterStep.NONE if clear else CharterStep(decision.step),
        by_person=True,
        override=clear or decision.kind == DecisionKind.OVERRIDE,
        comment_id=None if clear or decision.comment_id is None else str(decision.comment_id),
        note=decision.reason,
    )


def load_histories(
    session: Session, keys: Iterable[HistoryKey], since: datetime
) -> dict[HistoryKey, list[HistoryEntry]]:
    """Every author's history on every organisation named in `keys`, oldest first."""
    wanted = set(keys)
    out: dict[HistoryKey, list[HistoryEntry]] = {key: [] for key in wanted}
    if not wanted:
        return out
    for m in repo.machine_steps(session, wanted, since):
        out[(m.organisation_id, m.author_id)].append(
            HistoryEntry(
                when=m.when,
                step=CharterStep(m.step),
                labels=_labels(m.labels),
                by_person=False,
                comment_id=str(m.comment_id),
            )
        )
    decisions = repo.person_decisions(session, wanted)
    # A comment whose last decision is an undo that left it waiting stands where it stood before anyone
    # decided: neither the undone decision nor the undo is a step about the author (services/undo.py).
    last: dict[int, Decision] = {}
    for d in decisions:
        if d.comment_id is not None and d.kind != DecisionKind.ESCALATE:
            last[d.comment_id] = d
    waiting_again = {c for c, d in last.items() if d.kind == DecisionKind.UNDO and d.step == CharterStep.NONE}
    for d in decisions:
        if d.comment_id in waiting_again:
            continue
        entry = person_entry(d)
        if entry is not None and d.author_id is not None:
            out[(d.organisation_id, d.author_id)].append(entry)
    for entries in out.values():
        entries.sort(key=lambda e: e.when)
    return out


def describe(organisation_id: int, entries: list[HistoryEntry], policy: Policy, now: datetime) -> AuthorHistory:
    """The history as the desk shows it, each entry marked when it counts as a strike now.

    This mirrors the reading of hierniet.policy.charter (resets, people outranking the machine, the
    window) for display; the recommendation itself always comes from the policy engine.
    """
    ordered = sorted((e for e in entries if e.when <= now), key=lambda e: e.when)
    reset_at: datetime | None = None
    for e in ordered:
        if e.by_person and e.override and e.comment_id is None and e.step in (CharterStep.NONE, CharterStep.REPLY):
            reset_at = e.when
    latest_person: dict[str, HistoryEntry] = {}
    for e in ordered:
        if e.by_person and e.comment_id is not None:
            latest_person[e.comment_id] = e
    window = timedelta(days=policy.escalation.window_days)
    counted_steps = set(policy.escalation.counts)
    items: list[HistoryItem] = []
    strikes = 0
    for e in ordered:
        superseded = e.comment_id is not None and latest_person.get(e.comment_id, e) is not e
        if superseded:
            # A person's later decision on that comment stands for it: the machine's reading and earlier
            # decisions are not listed beside it (one comment, one line; issue 12).
            continue
        counts = (
            not superseded
            and (reset_at is None or e.when > reset_at)
            and e.step in counted_steps
            and now - e.when <= window
        )
        strikes += counts
        items.append(
            HistoryItem(
                when=e.when,
                step=e.step.value,
                labels=[label.value for label in e.labels],
                by_person=e.by_person,
                override=e.override,
                comment_id=int(e.comment_id) if e.comment_id and e.comment_id.isdigit() else None,
                note=e.note,
                counts=counts,
            )
        )
    return AuthorHistory(
        organisation_id=organisation_id,
        window_days=policy.escalation.window_days,
        strikes=strikes,
        entries=items,
    )


def since_for(now: datetime, window_days: int) -> datetime:
    return now - timedelta(days=window_days)
