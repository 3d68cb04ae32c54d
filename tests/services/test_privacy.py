"""Data protection (issue 11, finding 8): the retention purge redacts and erases in place what is past the
policy's retention, keeps open cases, and a person's data can be exported and erased; on both backends."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select, text

from hierniet.domain import Comment as DomainComment
from hierniet.domain import Evidence, EvidenceSource, Label, Reason
from hierniet.domain import Verdict as DomainVerdict
from hierniet.services import decisions, privacy
from hierniet.services.errors import Forbidden, NotFound
from hierniet.services.ingest import ingest
from hierniet.store import repo
from hierniet.store.tables import (
    AuditEntry,
    Author,
    Comment,
    CommentRevision,
    Decision,
    QueuedAction,
    Recommendation,
    Verdict,
)
from hierniet.triage.pii import find_pii
from store.dbfixtures import Desk, FakeTriage

NOW = datetime(2026, 12, 6, 3, tzinfo=UTC)
PHONE, IBAN = "0470 12 34 56", "BE71 0961 2345 6769"
TEXT = f"insult: bel die idioot op {PHONE} of stort op {IBAN}"


class PiiTriage(FakeTriage):
    """The fake classifier, with the real PII detector: verdicts carry the personal data found."""

    def classify(self, comments: Sequence[DomainComment]) -> list[DomainVerdict]:
        verdicts = super().classify(comments)
        return [
            DomainVerdict(**{**{f: getattr(v, f) for f in v.__dataclass_fields__}, "pii": tuple(find_pii(c.text))})
            for c, v in zip(comments, verdicts, strict=True)
        ]


def _item(cid: str, text: str, channel_id: int, posted: datetime, author: str = "a1", **extra: Any) -> dict[str, Any]:
    return {
        "id": cid,
        "text": text,
        "channel_id": channel_id,
        "posted_at": posted.isoformat(),
        "author": author,
        **extra,
    }


def _ingest(desk: Desk, *items: dict[str, Any], now: datetime) -> list[int]:
    result = ingest(desk.store, PiiTriage(), list(items), actor=desk.actors["root"], now=now)
    return [c.comment_id for c in result.created] + [e.comment_id for e in result.edited]


def _everything(desk: Desk) -> str:
    """Every stored text and JSON value that can hold what a commenter wrote, as one string."""
    with desk.store.session() as s:
        parts: list[object] = []
        parts += [c.text for c in s.scalars(select(Comment))]
        parts += [r.text for r in s.scalars(select(CommentRevision))]
        parts += [(v.pii, v.evidence, v.reasons) for v in s.scalars(select(Verdict))]
        parts += [(d.reply, d.reason) for d in s.scalars(select(Decision))]
        parts += [r.reply for r in s.scalars(select(Recommendation))]
        parts += [a.detail for a in s.scalars(select(AuditEntry))]
        parts += [q.payload for q in s.scalars(select(QueuedAction))]
    return json.dumps(parts, default=str, ensure_ascii=False)


def _comment(desk: Desk, cid: int) -> Comment:
    with desk.store.session() as s:
        row = s.get(Comment, cid)
        assert row is not None
        return row


def _decided_2024(desk: Desk) -> int:
    """The finding's case: a comment from 2024 with a phone number and an IBAN, edited, then decided."""
    posted = datetime(2024, 3, 1, 12, tzinfo=UTC)
    [cid] = _ingest(desk, _item("c1", f"{TEXT}!", desk.channel_id, posted), now=posted)
    _ingest(desk, _item("c1", TEXT, desk.channel_id, posted, edited=True), now=posted + timedelta(hours=1))
    decisions.record_decision(
        desk.store,
        desk.actors["moderator"],
        cid,
        decisions.DecisionIn(step="refer", reason=f"belt hem op {PHONE}"),
        now=posted + timedelta(hours=2),
    )
    return cid


def test_a_2024_comment_with_a_phone_and_an_iban_leaves_nothing_behind(desk: Desk) -> None:
    cid = _decided_2024(desk)
    assert PHONE in _everything(desk) and IBAN in _everything(desk)
    report = privacy.run_retention(desk.store, desk.actors["root"], apply=True, now=NOW)
    assert report.applied and cid in report.erased and report.decisions and report.unlinked == [cid]
    stored = _everything(desk)
    for value in (PHONE, IBAN, "0470123456", "BE71096123456769", "+32470123456", "idioot"):
        assert value not in stored
    row = _comment(desk, cid)
    assert (row.text, row.author_id, row.labels) == ("", None, ["insult"])
    assert row.redacted_at == NOW
    with desk.store.session() as s:
        [revision] = s.scalars(select(CommentRevision)).all()
        [decision] = s.scalars(select(Decision)).all()
        [entry] = s.scalars(select(AuditEntry).where(AuditEntry.action == "privacy.retention")).all()
        assert s.scalars(select(Author)).all() == []  # nothing refers to the author any more
    assert revision.redacted_by == entry.id and decision.redacted_by == entry.id
    assert (decision.step, decision.author_id, decision.reason) == ("refer", None, "")
    assert entry.detail["texts_erased"] == 1 and entry.detail["authors_deleted"] == 1
    # Applied once, there is nothing left to do.
    again = privacy.run_retention(desk.store, desk.actors["root"], apply=True, now=NOW)
    assert again.counts() == dict.fromkeys(again.counts(), 0)


def test_erasure_leaves_no_quote_in_the_verdicts_reasons(desk: Desk) -> None:
    posted = datetime(2024, 3, 1, 12, tzinfo=UTC)
    [cid] = _ingest(desk, _item("c1", "Wanneer open?", desk.channel_id, posted), now=posted)
    with desk.store.transaction() as tx:
        tx.execute(Verdict.__table__.update().values(reasons=["'Jan Peeters woont in Gent' is reported speech"]))
    privacy.run_retention(desk.store, desk.actors["root"], apply=True, now=NOW)
    with desk.store.session() as s:
        assert s.scalars(select(Verdict.reasons)).one() == ["'…' is reported speech"]
    assert _comment(desk, cid).text == ""


def test_erasure_leaves_no_quote_in_a_reasons_values(desk: Desk) -> None:
    """A reason stored with its message id (hierniet.domain.Reason) quotes the comment in its values too:
    they go with the text, and the code and the other values stay so the desk can still say it."""
    posted = datetime(2024, 3, 1, 12, tzinfo=UTC)
    [cid] = _ingest(desk, _item("c1", "Wanneer open?", desk.channel_id, posted), now=posted)
    quoted = Reason("triage.insult_reported", "'Jan Peeters is een idioot' is reported speech", words="Jan Peeters")
    evidence = Reason(
        "policy.evidence",
        'Evidence for insult: "idioot" (lexicon)',
        label="insult",
        evidence=[["idioot", "lexicon", "nl/insult.tsv:3"]],
    )
    stored = [quoted.as_dict(), evidence.as_dict()]
    with desk.store.transaction() as tx:
        tx.execute(Verdict.__table__.update().values(reasons=stored))
    privacy.run_retention(desk.store, desk.actors["root"], apply=True, now=NOW)
    with desk.store.session() as s:
        first, second = s.scalars(select(Verdict.reasons)).one()
    assert first == {"code": "triage.insult_reported", "params": {"words": "…"}, "text": "'…' is reported speech"}
    assert second["params"] == {"label": "insult", "evidence": [["…", "lexicon", "nl/insult.tsv:3"]]}
    assert "Peeters" not in json.dumps([first, second]) and "idioot" not in json.dumps([first, second])
    assert second["text"] == 'Evidence for insult: "…" (lexicon)'
    assert _comment(desk, cid).text == ""


def test_personal_data_is_redacted_after_pii_days_and_the_rest_kept(desk: Desk) -> None:
    posted = NOW - timedelta(days=60)
    [cid] = _ingest(desk, _item("c1", f"{TEXT}!", desk.channel_id, posted), now=posted)
    _ingest(desk, _item("c1", TEXT, desk.channel_id, posted, edited=True), now=posted + timedelta(hours=1))
    decisions.record_decision(desk.store, desk.actors["moderator"], cid, decisions.DecisionIn(step="refer"), now=posted)
    report = privacy.run_retention(desk.store, desk.actors["root"], apply=True, now=NOW)
    assert sorted(report.pii[cid]) == ["iban", "iban", "phone", "phone"] and report.erased == []
    row = _comment(desk, cid)
    assert row.text.startswith("insult: bel die idioot op [phone]•") and PHONE not in row.text
    assert len(row.text) == len(TEXT) and row.pii_redacted_at == NOW and row.author_id is not None
    with desk.store.session() as s:
        [revision] = s.scalars(select(CommentRevision)).all()
        verdicts = s.scalars(select(Verdict)).all()
    assert "[iban]" in revision.text and IBAN not in revision.text
    assert all(p["value"] == "" and p["text"] == "" and p["kind"] for v in verdicts for p in v.pii)
    assert PHONE not in _everything(desk) and IBAN not in _everything(desk)


def test_the_platform_sending_a_redacted_comment_again_brings_nothing_back(desk: Desk) -> None:
    posted = NOW - timedelta(days=60)
    erased, redacted = _ingest(
        desk,
        _item("c1", f"Wanneer open? {PHONE}", desk.channel_id, posted, author="jan"),
        _item("c2", f"Mijn nummer is {PHONE}", desk.channel_id, posted, author="piet"),
        now=posted,
    )
    author = _comment(desk, erased).author_id
    assert author is not None
    privacy.erase_author(desk.store, desk.actors["lead"], author, now=NOW)
    privacy.run_retention(desk.store, desk.actors["root"], apply=True, now=NOW)
    assert PHONE not in _everything(desk)
    # A poll delivers both again, as they still are on the platform: duplicates, not edits.
    again = ingest(
        desk.store,
        PiiTriage(),
        [
            _item("c1", f"Wanneer open? {PHONE}", desk.channel_id, posted, author="jan"),
            _item("c2", f"Mijn nummer is {PHONE}", desk.channel_id, posted, author="piet"),
        ],
        actor=desk.actors["root"],
        now=NOW,
    )
    assert again.edited == [] and sorted(d.comment_id for d in again.duplicates) == [erased, redacted]
    assert PHONE not in _everything(desk) and _comment(desk, erased).author_id is None
    # A real edit of the redacted one is still an edit.
    edit = _item("c2", "Laat maar, opgelost", desk.channel_id, posted, author="piet", edited=True)
    assert len(ingest(desk.store, PiiTriage(), [edit], actor=desk.actors["root"], now=NOW).edited) == 1


def test_is_redacted_copy() -> None:
    text = f"bel {PHONE} nu"
    redacted, kinds = privacy.redact_pii(text)
    assert kinds == ["phone"] and redacted == "bel [phone]•••••• nu"
    assert privacy.is_redacted_copy(text, redacted)
    assert not privacy.is_redacted_copy("bel 0470 12 34 57 nu!", redacted)
    assert not privacy.is_redacted_copy("tel 0470 12 34 56 nu", redacted)


def test_a_dry_run_lists_and_changes_nothing(desk: Desk) -> None:
    cid = _decided_2024(desk)
    before = _everything(desk)
    report = privacy.run_retention(desk.store, desk.actors["root"], now=NOW)
    assert not report.applied and report.erased == [cid] and report.authors
    assert f"comment {cid}: would erase the text" in report.lines()
    assert _everything(desk) == before
    with desk.store.session() as s:
        assert s.scalars(select(AuditEntry).where(AuditEntry.action.like("privacy.%"))).all() == []


def test_open_cases_are_kept(desk: Desk) -> None:
    posted = datetime(2024, 3, 1, 12, tzinfo=UTC)
    undecided, held, reported, done = _ingest(
        desk,
        *(_item(f"c{i}", TEXT, desk.channel_id, posted, author=f"a{i}") for i in range(4)),
        now=posted,
    )
    privacy.hold_evidence(desk.store, desk.actors["lead"], held, hold=True, reason="police file 2024/17")
    decisions.record_decision(
        desk.store, desk.actors["moderator"], held, decisions.DecisionIn(step="refer"), now=posted
    )
    for cid in (reported, done):
        decisions.record_decision(
            desk.store,
            desk.actors["lead"],
            cid,
            decisions.DecisionIn(step="hide_report", reason="reported"),
            now=posted,
        )
    with desk.store.transaction() as tx:
        tx.execute(
            QueuedAction.__table__.update()
            .where(QueuedAction.comment_id == done, QueuedAction.action == "report")
            .values(status="done")
        )
    report = privacy.run_retention(desk.store, desk.actors["root"], apply=True, now=NOW)
    assert report.kept == {
        undecided: "not decided yet",
        held: "kept as evidence",
        reported: "report in progress",
    }
    for cid in (undecided, held, reported):
        assert _comment(desk, cid).text == TEXT
    # Reported and done: evidence, kept evidence_days (730) after 2024-03-01, so erased by now.
    assert _comment(desk, done).text == ""
    # Released, the evidence goes with the next purge.
    privacy.hold_evidence(desk.store, desk.actors["lead"], held, hold=False, reason="case closed")
    privacy.run_retention(desk.store, desk.actors["root"], apply=True, now=NOW)
    assert _comment(desk, held).text == ""


def test_a_reported_comment_is_kept_until_evidence_days(desk: Desk) -> None:
    posted = NOW - timedelta(days=400)
    [cid] = _ingest(desk, _item("c1", "threat: ik weet waar je woont", desk.channel_id, posted), now=posted)
    decisions.record_decision(
        desk.store, desk.actors["lead"], cid, decisions.DecisionIn(step="police", reason="credible"), now=posted
    )
    with desk.store.transaction() as tx:
        tx.execute(QueuedAction.__table__.update().values(status="done"))
    report = privacy.run_retention(desk.store, desk.actors["root"], apply=True, now=NOW)
    assert cid not in report.erased and _comment(desk, cid).text.startswith("threat")
    privacy.run_retention(desk.store, desk.actors["root"], apply=True, now=posted + timedelta(days=731))
    assert _comment(desk, cid).text == ""


def test_decisions_lose_reply_reason_and_author_after_history_days(desk: Desk) -> None:
    posted = NOW - timedelta(days=300)
    [cid] = _ingest(desk, _item("c1", "insult: sukkel", desk.channel_id, posted), now=posted)
    decided = NOW - timedelta(days=366)
    view = decisions.record_decision(
        desk.store,
        desk.actors["moderator"],
        cid,
        decisions.DecisionIn(step="refer", reason="Jan uit Gent"),
        now=decided,
    )
    report = privacy.run_retention(desk.store, desk.actors["root"], apply=True, now=NOW)
    assert report.decisions == [view.id] and report.erased == []
    with desk.store.session() as s:
        decision = s.get(Decision, view.id)
        assert decision is not None and (decision.reason, decision.reply, decision.author_id) == ("", "", None)
        entries = s.scalars(select(AuditEntry).where(AuditEntry.action == "decision.accept")).all()
    assert "Jan uit Gent" not in _everything(desk) and all(e.detail["reason"] == "" for e in entries)
    assert _comment(desk, cid).text == "insult: sukkel"


def test_export_and_erase_one_author(desk: Desk) -> None:
    posted = NOW - timedelta(days=5)
    mine, open_one = _ingest(
        desk,
        _item("c1", f"Wanneer open? Bel me op {PHONE}", desk.channel_id, posted, author="jan"),
        _item("c2", "insult: sukkels", desk.channel_id, posted, author="jan"),
        now=posted,
    )
    [theirs] = _ingest(desk, _item("c3", "Wanneer dicht?", desk.other_channel_id, posted, author="jan"), now=posted)
    with desk.store.session() as s:
        author_id = _comment(desk, mine).author_id
        assert author_id is not None and repo.get_author(s, author_id) is not None

    exported = privacy.export_author(desk.store, desk.actors["lead"], author_id)
    assert exported["author"]["external_id"] == "jan" and exported["organisations"] == [desk.organisation_id]
    assert [c["id"] for c in exported["comments"]] == [mine, open_one]  # not the other organisation's
    assert exported["comments"][0]["personal_data_found"][0]["kind"] == "phone"

    report = privacy.erase_author(desk.store, desk.actors["lead"], author_id, now=NOW)
    assert report.erased == [mine] and report.kept == {open_one: "not decided yet"} and report.authors == []
    assert _comment(desk, mine).text == "" and _comment(desk, mine).author_id is None
    assert _comment(desk, open_one).author_id == author_id
    assert _comment(desk, theirs).text == "Wanneer dicht?"
    with desk.store.session() as s:
        [entry] = s.scalars(select(AuditEntry).where(AuditEntry.action == "privacy.erasure")).all()
        exports = s.scalars(select(AuditEntry).where(AuditEntry.action == "author.exported")).all()
    assert entry.organisation_id == desk.organisation_id and entry.detail["kept"] == [open_one]
    assert "jan" not in json.dumps(entry.detail) and len(exports) == 1

    # Once the open case is decided, an admin of every organisation erases the rest, and the author row.
    decisions.record_decision(desk.store, desk.actors["moderator"], open_one, decisions.DecisionIn(step="refer"))
    report = privacy.erase_author(desk.store, desk.actors["root"], author_id, now=NOW)
    assert sorted(report.erased) == [open_one, theirs] and report.authors == [author_id]
    with desk.store.session() as s:
        assert repo.get_author(s, author_id) is None
    assert '"jan"' not in _everything(desk)
    with pytest.raises(NotFound):
        privacy.export_author(desk.store, desk.actors["root"], author_id)


def test_only_leads_and_admins_of_the_authors_organisation(desk: Desk) -> None:
    [cid] = _ingest(desk, _item("c1", "insult: x", desk.other_channel_id, NOW, author="piet"), now=NOW)
    author_id = _comment(desk, cid).author_id
    assert author_id is not None
    with pytest.raises(Forbidden, match="lead"):
        privacy.erase_author(desk.store, desk.actors["moderator"], author_id)
    with pytest.raises(NotFound):  # the lead's organisation never saw this author
        privacy.erase_author(desk.store, desk.actors["lead"], author_id)
    with pytest.raises(NotFound):
        privacy.export_author(desk.store, desk.actors["admin"], author_id)
    with pytest.raises(Forbidden):
        privacy.run_retention(desk.store, desk.actors["lead"])
    assert _comment(desk, cid).text == "insult: x"


def test_the_purge_is_due_once_a_day(desk: Desk) -> None:
    assert privacy.retention_due(desk.store, NOW)
    privacy.run_retention(desk.store, desk.actors["root"], apply=True)
    assert not privacy.retention_due(desk.store)
    assert privacy.retention_due(desk.store, datetime.now(UTC) + timedelta(days=1, minutes=1))


# --- an erasure leaves no copy of the words anywhere -------------------------------------------------------

WORD = "Kwakkelbroek"  # a word no table holds unless it came from this comment
SAID = f"t'es een {WORD}"  # with an apostrophe: quotes in the reasons cannot be told apart by the quote mark
QUOTING_TEXT = f"insult: {SAID}, echt waar"


class QuotingTriage(FakeTriage):
    """The fake classifier, quoting the comment the way the real one does: an evidence span with what was said,
    reasons that quote it in their text and their values, and one plain-text reason (as older verdicts keep)."""

    def classify(self, comments: Sequence[DomainComment]) -> list[DomainVerdict]:
        out = []
        for c, v in zip(comments, super().classify(comments), strict=True):
            start = c.text.find(SAID)
            if start < 0:
                out.append(v)
                continue
            span = Evidence(start, start + len(SAID), Label.INSULT, EvidenceSource.MODEL, "model reading", SAID)
            word = Evidence(
                c.text.find(WORD), c.text.find(WORD) + len(WORD), Label.INSULT, EvidenceSource.LEXICON, "nl:3", WORD
            )
            reasons = (
                Reason("triage.model", f"the model reads '{SAID}' as insult (0.93)", words=SAID, label="insult"),
                Reason("triage.group_emoji", f"emoji {WORD} next to a group name", words=WORD),
                f"'{SAID}' used as an insult",
            )
            fields = {f: getattr(v, f) for f in v.__dataclass_fields__}
            out.append(DomainVerdict(**{**fields, "evidence": (span, word), "reasons": reasons}))
        return out


def _holding(desk: Desk, needle: str) -> list[str]:
    """Every row of every table (the search's own included) that holds `needle`, in any case, as text."""
    needle = needle.lower()
    found = []
    with desk.store.session() as s:
        if s.get_bind().dialect.name == "sqlite":
            names = s.scalars(text("SELECT name FROM sqlite_master WHERE type = 'table'")).all()
            for name in names:
                for row in s.execute(text(f'SELECT * FROM "{name}"')):
                    for value in row:
                        as_text = value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)
                        if needle in as_text.lower():
                            found.append(f"{name}: {as_text[:120]}")
        else:
            names = s.scalars(text("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")).all()
            for name in names:
                for (row,) in s.execute(text(f'SELECT t::text FROM "{name}" t')):
                    if needle in row.lower():
                        found.append(f"{name}: {row[:120]}")
    return found


def test_an_erasure_leaves_no_copy_of_the_words_in_any_table(desk: Desk) -> None:
    posted = NOW - timedelta(days=5)
    created = ingest(
        desk.store,
        QuotingTriage(),
        [_item("c1", QUOTING_TEXT, desk.channel_id, posted, author="vlaskoper", author_name="Jef Vlaskoper")],
        actor=desk.actors["root"],
        now=posted,
    ).created
    cid = created[0].comment_id
    # The words go into the comment's edit history, a person's reason and reply, and the audit trail.
    ingest(
        desk.store,
        QuotingTriage(),
        [_item("c1", f"{QUOTING_TEXT}!", desk.channel_id, posted, author="vlaskoper", edited=True)],
        actor=desk.actors["root"],
        now=posted + timedelta(hours=1),
    )
    privacy.hold_evidence(desk.store, desk.actors["lead"], cid, hold=True, reason=f"zei '{WORD}' tegen Jan")
    privacy.hold_evidence(desk.store, desk.actors["lead"], cid, hold=False, reason=f"'{WORD}': geen zaak")
    decisions.record_decision(
        desk.store,
        desk.actors["lead"],
        cid,
        decisions.DecisionIn(step="refer", reason=f"noemt iemand {WORD}", reply=f"'{WORD}' zeggen we hier niet."),
        now=posted + timedelta(hours=2),
    )
    assert _holding(desk, WORD) and _holding(desk, "Vlaskoper")
    with desk.store.session() as s:
        [rec_reasons] = s.scalars(select(Recommendation.reasons).order_by(Recommendation.id.desc()).limit(1))
    assert WORD in json.dumps(rec_reasons)  # the policy quotes the evidence too

    author_id = _comment(desk, cid).author_id
    assert author_id is not None
    report = privacy.erase_author(desk.store, desk.actors["lead"], author_id, now=NOW)
    assert report.erased == [cid] and report.authors == [author_id]

    assert _holding(desk, WORD) == [], "\n".join(_holding(desk, WORD))
    assert _holding(desk, WORD[2:-2]) == []  # nor a stem of it (the search's indexes)
    assert _holding(desk, "Vlaskoper") == []
    # What the audit trail needs stays: who did what to which comment, with which step and labels.
    with desk.store.session() as s:
        entries = {e.action: e for e in s.scalars(select(AuditEntry).where(AuditEntry.subject_id == str(cid)))}
        [verdict] = s.scalars(select(Verdict).order_by(Verdict.id.desc()).limit(1))
    assert entries["decision.edit"].detail["step"] == "refer"
    assert entries["decision.edit"].user_id == desk.actors["lead"].user_id
    assert entries["comment.evidence_hold"].actor == desk.actors["lead"].name
    assert [r["code"] for r in verdict.reasons if isinstance(r, dict)] == ["triage.model", "triage.group_emoji"]
    assert verdict.reasons[0]["params"]["label"] == "insult" and verdict.labels == ["insult"]
    assert [(e["label"], e["source"], e["detail"]) for e in verdict.evidence] == [
        ("insult", "model", "model reading"),
        ("insult", "lexicon", "nl:3"),
    ]
