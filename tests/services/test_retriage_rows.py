"""Bulk re-triage writes (issue 16): the rows a run and the platform edits after it leave in a small store are the
rows the comment-at-a-time writes left, field by field (tests/services/fixtures/retriage_rows.json, written by
that code; HIERNIET_REGENERATE_RETRIAGE_ROWS=1 writes it again after a deliberate change)."""

from __future__ import annotations

import dataclasses
import json
import os
from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import select

from hierniet.domain import Comment, Label, Severity, Verdict
from hierniet.services import retriage as service
from hierniet.services.decisions import DecisionIn, escalate, record_decision
from hierniet.services.ingest import ingest
from hierniet.store import tables as t
from store.dbfixtures import Desk, FakeTriage, at, item

GOLDEN = Path(__file__).parent / "fixtures" / "retriage_rows.json"
NOW = datetime(2026, 4, 1, 9, tzinfo=UTC)
_TEXTS = (
    "insult: je bent een idioot",
    "Dank je voor de uitleg.",
    "spam: koop nu zonnebrillen op www.example.com",
    "threat: ik weet waar je woont",
    "criticism: slecht werk geleverd",
    "hate: die mensen horen hier niet",
    "selfharm: ik zie het niet meer zitten",
    "Wanneer gaat het zwembad open?",
)
#: The "new model": every label moves one place along, so steps change, automatic calls are queued and cancelled.
_SHIFT = {
    Label.OK: (Label.INSULT, Severity.MEDIUM),
    Label.INSULT: (Label.SPAM, Severity.LOW),
    Label.SPAM: (Label.THREAT, Severity.CRITICAL),
    Label.THREAT: (Label.OK, Severity.NONE),
    Label.CRITICISM: (Label.HATE, Severity.HIGH),
    Label.HATE: (Label.CRITICISM, Severity.NONE),
    Label.SELF_HARM: (Label.INSULT, Severity.MEDIUM),
}


class ShiftedTriage:
    version = "shifted-2"

    def __init__(self) -> None:
        self.base = FakeTriage()

    def classify(self, comments: Sequence[Comment]) -> list[Verdict]:
        out = []
        for v in self.base.classify(comments):
            label, severity = _SHIFT[v.labels[0]]
            scores = {other: 0.02 for other in Label}
            scores[label] = 0.93
            out.append(
                dataclasses.replace(
                    v, labels=(label,), scores=scores, severity=severity, model_version=self.version, reasons=("shift",)
                )
            )
        return out


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def _dump(desk: Desk) -> dict[str, Any]:
    """The store's rows that re-triage and edits write, ids replaced by comment external ids (the backends and
    the order of inserts give different ids), wall-clock times left out (audit `at`, `updated_at`)."""
    with desk.store.session() as s:
        comments = {c.id: c for c in s.scalars(select(t.Comment))}
        ext = {cid: c.external_id for cid, c in comments.items()}
        verdicts = list(s.scalars(select(t.Verdict)))
        vkey = {v.id: f"{ext[v.comment_id]}#v{v.version}" for v in verdicts}
        recs = list(s.scalars(select(t.Recommendation)))
        rkey = {r.id: f"{vkey[r.verdict_id]}/rec" for r in recs}
        decisions = {
            d.id: f"{ext[d.comment_id]}/d{d.id - min(x.id for x in s.scalars(select(t.Decision)))}"
            for d in s.scalars(select(t.Decision))
        }

        def row(obj: Any, drop: set[str]) -> dict[str, Any]:
            out = {}
            for col in obj.__table__.columns:
                if col.name in drop:
                    continue
                value = getattr(obj, col.key)
                if col.name == "comment_id":
                    value = ext.get(value, value)
                elif col.name == "verdict_id":
                    value = vkey.get(value, value)
                elif col.name == "recommendation_id":
                    value = rkey.get(value, value)
                elif col.name == "decision_id":
                    value = decisions.get(value, value)
                out[col.name] = _plain(value)
            return out

        clock = {"id", "updated_at", "at", "created_at", "decided_at", "received_at", "search_text"}
        dump: dict[str, Any] = {
            "comments": sorted(
                (row(c, clock | {"author_id", "channel_id", "post_id"}) for c in comments.values()),
                key=lambda r: r["external_id"],
            ),
            "verdicts": sorted((row(v, {"id"}) | {"key": vkey[v.id]} for v in verdicts), key=lambda r: r["key"]),
            "labels": sorted(
                (row(lab, {"id"}) for lab in s.scalars(select(t.VerdictLabel))),
                key=lambda r: (r["verdict_id"], r["label"]),
            ),
            "recommendations": sorted((row(r, {"id"}) for r in recs), key=lambda r: r["verdict_id"]),
            "actions": sorted(
                (row(a, clock | {"channel_id", "not_before"}) for a in s.scalars(select(t.QueuedAction))),
                key=lambda r: json.dumps(r, sort_keys=True, default=str),
            ),
            "audit": sorted(
                (
                    row(a, clock | {"organisation_id", "user_id"})
                    | {"subject": ext.get(int(a.subject_id), a.subject_id) if (a.subject_id or "").isdigit() else None}
                    for a in s.scalars(select(t.AuditEntry).where(t.AuditEntry.subject_type == "comment"))
                ),
                key=lambda r: json.dumps(r, sort_keys=True, default=str),
            ),
        }
    for entry in dump["audit"]:
        entry.pop("subject_id", None)
        detail = entry.get("detail") or {}
        detail.pop("revision", None)  # a revision's row id
    return dump


def _one_row_a_line(dump: dict[str, Any]) -> str:
    tables = [
        f' "{name}": [\n'
        + ",\n".join("  " + json.dumps(r, sort_keys=True, ensure_ascii=False) for r in dump[name])
        + "\n ]"
        for name in sorted(dump)
    ]
    return "{\n" + ",\n".join(tables) + "\n}\n"


def test_bulk_writes_leave_the_rows_the_comment_at_a_time_writes_left(desk: Desk) -> None:
    items = [
        item(
            f"c{i:02d}",
            f"{_TEXTS[i % len(_TEXTS)]} ({i})",
            channel_id=desk.channel_id if i % 3 else desk.other_channel_id,
            author=f"a{i % 5}",  # authors with a history: their earlier comments count
            # One author's comments never share a moment: entries of a history at the same time come back in
            # no fixed order on PostgreSQL, and the recommendation's reason lists them in that order.
            posted_at=at(1 + i % 9, i % 24).isoformat(),
        )
        for i in range(48)
    ]
    created = ingest(desk.store, FakeTriage(), items, actor=desk.actors["root"], now=NOW).created
    ids = {c.external_id: c.comment_id for c in created}
    # A person's decisions stand, an escalation waits for its lead, whatever the new model says.
    for minute, (name, step) in enumerate((("c01", "hide"), ("c02", "none"), ("c04", "refer"), ("c05", "hide"))):
        when = NOW - timedelta(minutes=10 - minute)
        record_decision(desk.store, desk.actors["lead"], ids[name], DecisionIn(step=step, reason="checked"), now=when)
    escalate(desk.store, desk.actors["lead"], ids["c07"], "look", now=NOW - timedelta(minutes=1))

    f = service.RetriageFilter(everything=True)
    run_id = service.start_run(desk.store, desk.actors["admin"], f, engine="local", batch_size=7, now=NOW)
    result = service.run(
        desk.store,
        desk.actors["admin"],
        run_id,
        service.ClassifierEngine(ShiftedTriage()),
        service.RunOptions(now=lambda: NOW),
    )
    assert result.finished and result.retriaged == 48 and result.held >= 5
    # Then some authors edit their comments on the platform (the same write path, through ingestion).
    edits = [
        item(
            name,
            text_,
            channel_id=desk.channel_id,
            author=f"a{int(name[1:]) % 5}",
            posted_at=at(1 + int(name[1:]) % 9, int(name[1:]) % 24).isoformat(),
        )
        for name, text_ in (("c01", "threat: nu echt"), ("c02", "Gewoon een vraag."), ("c08", "hate: toch wel"))
    ]
    ingest(desk.store, FakeTriage(), edits, actor=desk.actors["root"], now=NOW)

    dump = _dump(desk)
    if os.environ.get("HIERNIET_REGENERATE_RETRIAGE_ROWS"):
        GOLDEN.parent.mkdir(exist_ok=True)
        GOLDEN.write_text(_one_row_a_line(dump), encoding="utf-8")
    expected = json.loads(GOLDEN.read_text(encoding="utf-8"))
    got = json.loads(json.dumps(dump, sort_keys=True, ensure_ascii=False))
    for table in expected:
        assert got[table] == expected[table], table
