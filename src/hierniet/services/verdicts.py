"""What triage and the policy produce, as rows of the store: shared by ingestion and re-triage.

A module of its own so that ingestion (hierniet.services.ingest) can hand an edited comment to re-triage
(hierniet.services.decisions), which writes the same rows.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, Protocol

from hierniet.domain import Comment as TriageComment
from hierniet.domain import Recommendation, Verdict, reason_json
from hierniet.services.views import CommentStatus


class Classifier(Protocol):
    """What ingestion needs of triage (hierniet.triage.pipeline.Triage has it)."""

    def classify(self, comments: Sequence[TriageComment]) -> list[Verdict]: ...


def status_for(rec: Recommendation) -> CommentStatus:
    if rec.step.value == "none":
        return CommentStatus.CLEAR
    if rec.alert_lead:
        return CommentStatus.ESCALATED
    if rec.auto:
        return CommentStatus.AUTO
    return CommentStatus.OPEN


def verdict_row(comment_id: int, version: int, v: Verdict, now: datetime) -> dict[str, Any]:
    return {
        "comment_id": comment_id,
        "version": version,
        "language": v.language.value,
        "language_confidence": float(v.language_confidence),
        "labels": [label.value for label in v.labels],
        "scores": {label.value: float(score) for label, score in v.scores.items()},
        "severity": int(v.severity),
        "target": v.target.value if v.target else None,
        "evidence": [e.as_dict() for e in v.evidence],
        "pii": [p.as_dict() for p in v.pii],
        "model_version": v.model_version,
        "reasons": [reason_json(r) for r in v.reasons],
        "rules_fired": list(v.rules_fired),
        "suppressed_by": list(v.suppressed_by),
        "created_at": now,
    }


def label_rows(verdict_id: int, v: Verdict) -> list[dict[str, Any]]:
    return [
        {"verdict_id": verdict_id, "label": label.value, "score": float(v.scores.get(label, 1.0))}
        for label in dict.fromkeys(v.labels)
    ]


def recommendation_row(comment_id: int, verdict_id: int, r: Recommendation, now: datetime) -> dict[str, Any]:
    return {
        "comment_id": comment_id,
        "verdict_id": verdict_id,
        "step": r.step.value,
        "reports": [x.value for x in r.reports],
        "auto": r.auto,
        "reply": r.reply,
        "reasons": [reason_json(x) for x in r.reasons],
        "language": r.language.value,
        "alert_lead": r.alert_lead,
        "policy_version": r.policy_version,
        "label": r.label.value if r.label else None,
        "actions": list(r.actions),
        "platform": r.platform.value,
        "created_at": now,
    }
