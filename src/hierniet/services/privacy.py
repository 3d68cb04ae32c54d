"""Data protection: the retention purge, and a person's subject-access export and erasure.

The policy's `retention` says how long each kind of data is kept (docs/privacy.md):

- `pii_days`: personal data found in a comment (phone, e-mail, IBAN, ...) is redacted in place in the
  comment, its earlier texts (revisions) and its verdicts, counted from when the comment was posted;
- `comments_days`: the comment's text and what its verdicts quote of it are erased (labels, steps and
  scores stay, without the words); `evidence_days` instead for a comment a person reported;
- `history_days`: a person's decisions lose their reply and reason, and comments and decisions lose
  the link to their author; an author nothing refers to any more is deleted.

An open case is never touched: a comment not decided yet, a report to a platform still in progress,
or a comment a lead keeps as evidence (`evidence_hold`). An erasure takes the same steps at once for
one author on the organisations the acting lead or admin sees. Every redaction is recorded in one
audit entry ("privacy.retention" or "privacy.erasure"), which the append-only tables' rows name in
`redacted_by`: the database refuses any other change to them (migration 0008).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from hierniet.domain import QUOTING_PARAMS, PIIMatch
from hierniet.policy import Policy
from hierniet.services import audit
from hierniet.services.auth import Actor, Permission, require
from hierniet.services.errors import NotFound
from hierniet.services.policies import policy_for
from hierniet.store import repo, repo_privacy
from hierniet.store.tables import Comment, CommentRevision, Decision, Verdict, utcnow
from hierniet.triage.pii import find_pii

#: How often the worker runs the purge.
PURGE_EVERY = timedelta(days=1)

_FILL = "•"


def redact_span(span: str, kind: str) -> str:
    """`[phone]••••` as long as the span, so the verdicts' character offsets still fit the text."""
    marker = f"[{kind}]"
    return marker.ljust(len(span), _FILL) if len(marker) <= len(span) else _FILL * len(span)


def redact_pii(text: str, known: Iterable[tuple[str, str]] = ()) -> tuple[str, list[str]]:
    """The text with the personal data in it replaced, and the kinds found.

    `known` adds (text, kind) pairs an earlier verdict found, so data the detector no longer finds
    (a changed model or pattern) is still redacted.
    """
    found: list[PIIMatch] = find_pii(text)
    out = list(text)
    kinds = []
    for m in found:
        out[m.start : m.end] = redact_span(text[m.start : m.end], m.kind.value)
        kinds.append(m.kind.value)
    redacted = "".join(out)
    for literal, kind in known:
        if literal and literal in redacted:
            redacted = redacted.replace(literal, redact_span(literal, kind))
            kinds.append(kind)
    return redacted, kinds


_REDACTED_SPAN = re.compile(r"\[[a-z_]+\]•*|•+")


def is_redacted_copy(text: str, redacted: str) -> bool:
    """True when `redacted` is `text` with some spans redacted (what `redact_pii` made of it).

    Redaction keeps the length, so the two agree everywhere outside the redacted spans; this holds
    whatever the detector finds today, unlike redacting `text` again.
    """
    if len(text) != len(redacted):
        return False
    last = 0
    for m in _REDACTED_SPAN.finditer(redacted):
        if text[last : m.start()] != redacted[last : m.start()]:
            return False
        last = m.end()
    return text[last:] == redacted[last:]


def _known_pii(verdicts: Sequence[Verdict]) -> list[tuple[str, str]]:
    return [(str(p.get("text") or ""), str(p.get("kind") or "pii")) for v in verdicts for p in v.pii]


def _pii_stripped(pii: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{**p, "value": "", "text": "", "redacted": True} for p in pii]


#: Quoted words in a reason's text: triage and the policy quote the comment between these marks.
_QUOTED = re.compile(r"'[^']*'|\"[^\"]*\"|“[^”]*”|‘[^’]*’|«[^»]*»")
_ELLIPSIS = "…"


def _said(reasons: Sequence[str | dict[str, Any]]) -> set[str]:
    """The commenter's words a reason's values quote (`words`, `group`, `evidence`'s first items)."""
    out: set[str] = set()
    for reason in reasons:
        if not isinstance(reason, dict):
            continue
        for name, value in dict(reason.get("params") or {}).items():
            if name not in QUOTING_PARAMS:
                continue
            for v in value if isinstance(value, list) else [value]:
                first = v[0] if isinstance(v, list) and v else v
                if isinstance(first, str):
                    out.add(first)
    return out


def _words_of(texts: Iterable[str], verdicts: Sequence[Verdict], reasons: Iterable[Sequence[Any]]) -> list[str]:
    """Every literal copy of a comment's words that reasons or audit lines can hold, longest first: its texts,
    the spans its verdicts' evidence and personal data say, and what the reasons' values quote."""
    words = set(texts)
    for v in verdicts:
        words.update(str(e.get("text") or "") for e in v.evidence)
        words.update(str(p.get("text") or "") for p in v.pii)
    for rs in reasons:
        words.update(_said(rs))
    return sorted((w for w in {w.strip() for w in words} if w and w != _ELLIPSIS), key=len, reverse=True)


def _words_masked(text: str, words: Sequence[str]) -> str:
    """`text` with every copy of `words` (whole words only: a short evidence word inside another stays) and
    everything quoted replaced by an ellipsis. The literals go first: words with an apostrophe in them
    (t'es, l'arabe) would otherwise end a quote early and leave the rest."""
    for word in words:
        text = _whole_word_replaced(text, word, _ELLIPSIS)
    return _QUOTED.sub(lambda m: m.group(0)[0] + _ELLIPSIS + m.group(0)[-1], text)


def _whole_word_replaced(text: str, word: str, by: str) -> str:
    """`text` with each copy of `word` that is no part of a longer word replaced (str.replace, not a pattern
    built from the commenter's words)."""
    out, start = [], 0
    while (at := text.find(word, start)) >= 0:
        end = at + len(word)
        inside = (at > 0 and _wordy(text[at - 1]) and _wordy(word[0])) or (
            end < len(text) and _wordy(text[end]) and _wordy(word[-1])
        )
        out.append(text[start:at] + (word if inside else by))
        start = end
    return "".join(out) + text[start:]


def _wordy(char: str) -> bool:
    return char.isalnum() or char == "_"


def _reasons_stripped(
    reasons: Sequence[str | dict[str, Any]], known: Sequence[tuple[str, str]], *, words: Sequence[str] | None
) -> list[str | dict[str, Any]]:
    """Reasons without personal data (`known`), and with `words` given (an erasure), without the comment's
    words either: triage and the policy quote them in the text and in the values. A reason stored with its
    code keeps its code and the values that do not quote."""
    out: list[str | dict[str, Any]] = []
    for reason in reasons:
        if isinstance(reason, dict):
            params = {
                name: _quote_stripped(value)
                if words is not None and name in QUOTING_PARAMS
                else _pii_replaced(value, known)
                for name, value in dict(reason.get("params") or {}).items()
            }
            text = _pii_replaced(str(reason.get("text", "")), known)
            out.append({**reason, "params": params, "text": _words_masked(text, words) if words is not None else text})
            continue
        reason = _pii_replaced(reason, known)
        out.append(_words_masked(reason, words) if words is not None else reason)
    return out


def _pii_replaced(value: Any, known: Sequence[tuple[str, str]]) -> Any:
    if isinstance(value, str):
        for literal, kind in known:
            if literal:
                value = value.replace(literal, redact_span(literal, kind))
        return value
    if isinstance(value, list):
        return [_pii_replaced(v, known) for v in value]
    return value


def _quote_stripped(value: Any) -> Any:
    """A quoting value with the commenter's words replaced by an ellipsis ([words, source, detail] lists
    keep their source and detail)."""
    if isinstance(value, str):
        return _ELLIPSIS if value else value
    if isinstance(value, list):
        return [[(_ELLIPSIS if v[0] else v[0]), *v[1:]] if isinstance(v, list) and v else _ELLIPSIS for v in value]
    return value


def _evidence_stripped(evidence: Sequence[dict[str, Any]], *, only_pii: bool) -> list[dict[str, Any]]:
    return [{**e, "text": ""} if not only_pii or e.get("source") == "pii" else dict(e) for e in evidence]


# --- the plan: what is past retention --------------------------------------------------------------------


@dataclass
class PrivacyReport:
    """What a purge or an erasure redacts (or would redact, in a dry run), by comment, decision and author."""

    pii: dict[int, list[str]] = field(default_factory=dict)  # comment id -> kinds of personal data found
    erased: list[int] = field(default_factory=list)  # comments whose text is erased
    decisions: list[int] = field(default_factory=list)  # decisions whose reply and reason are blanked
    unlinked: list[int] = field(default_factory=list)  # comments no longer linked to their author
    authors: list[int] = field(default_factory=list)  # authors deleted: nothing refers to them any more
    kept: dict[int, str] = field(default_factory=dict)  # comments an open case holds, and why
    applied: bool = False
    audit_id: int | None = None

    def counts(self) -> dict[str, int]:
        return {
            "pii_redacted": len(self.pii),
            "texts_erased": len(self.erased),
            "decisions_redacted": len(self.decisions),
            "comments_unlinked": len(self.unlinked),
            "authors_deleted": len(self.authors),
            "kept_open_cases": len(self.kept),
        }

    def lines(self) -> list[str]:
        """One line per thing redacted or kept, for the CLI."""
        verb = "" if self.applied else "would "
        out = [f"comment {cid}: {verb}redact {', '.join(sorted(set(k)))}" for cid, k in sorted(self.pii.items())]
        out += [f"comment {cid}: {verb}erase the text" for cid in self.erased]
        out += [f"decision {d}: {verb}blank the reply and reason" for d in self.decisions]
        if self.unlinked:
            out.append(f"{len(self.unlinked)} comment(s): {verb}unlink from their author")
        out += [f"author {a}: {verb}delete (nothing refers to them any more)" for a in self.authors]
        out += [f"comment {cid}: kept ({why})" for cid, why in sorted(self.kept.items())]
        return out


@dataclass
class _Work:
    """The rows a plan will change, loaded once and changed in the same transaction."""

    pii: dict[int, Comment] = field(default_factory=dict)
    erase: dict[int, Comment] = field(default_factory=dict)
    decisions: dict[int, Decision] = field(default_factory=dict)
    unlink: set[int] = field(default_factory=set)
    authors: set[int] = field(default_factory=set)  # authors that may be left with nothing


def _hold(s: Session, report: PrivacyReport, comments: Sequence[Comment]) -> list[Comment]:
    held = repo_privacy.open_cases(s, [c.id for c in comments])
    report.kept.update(held)
    return [c for c in comments if c.id not in held]


def _plan_retention(s: Session, now: datetime, report: PrivacyReport) -> _Work:
    work = _Work()
    org_policies: dict[int, Policy] = {}
    for ch in repo_privacy.channel_policies(s):
        retention = policy_for(ch.channel_yaml, ch.organisation_yaml).retention
        org_policies.setdefault(ch.organisation_id, policy_for(None, ch.organisation_yaml))
        # Texts past comments_days, or past evidence_days for what a person reported.
        old = repo_privacy.comments_before(
            s, ch.channel_id, now - timedelta(days=retention.comments_days), unredacted="text"
        )
        reported = repo_privacy.reported_comments(s, [c.id for c in old])
        evidence_before = now - timedelta(days=retention.evidence_days)
        for c in _hold(s, report, [c for c in old if c.id not in reported or c.posted_at < evidence_before]):
            work.erase[c.id] = c
        # Personal data past pii_days, in what keeps its text for now.
        stale = repo_privacy.comments_before(
            s, ch.channel_id, now - timedelta(days=retention.pii_days), unredacted="pii"
        )
        for c in _hold(s, report, [c for c in stale if c.id not in work.erase]):
            work.pii[c.id] = c
        # The link between comments and their author, past history_days (evidence keeps it longer).
        linked_before = now - timedelta(days=retention.history_days)
        linked = repo_privacy.comments_linked_before(s, ch.channel_id, linked_before)
        reported = repo_privacy.reported_comments(s, linked)
        held = repo_privacy.open_cases(s, linked)
        report.kept.update(held)
        rows = {c.id: c for c in (s.get(Comment, cid) for cid in linked) if c is not None}
        for cid, c in rows.items():
            if cid in held or (cid in reported and c.posted_at >= evidence_before):
                continue
            work.unlink.add(cid)
            if c.author_id is not None:
                work.authors.add(c.author_id)
    for organisation_id, policy in org_policies.items():
        before = now - timedelta(days=policy.retention.history_days)
        evidence_before = now - timedelta(days=policy.retention.evidence_days)
        candidates = repo_privacy.decisions_before(s, organisation_id, before)
        comment_ids = sorted({d.comment_id for d in candidates if d.comment_id is not None})
        held = repo_privacy.open_cases(s, comment_ids)
        reported = repo_privacy.reported_comments(s, comment_ids)
        report.kept.update(held)
        for d in candidates:
            if d.comment_id in held or (d.comment_id in reported and d.created_at >= evidence_before):
                continue
            work.decisions[d.id] = d
            if d.author_id is not None:
                work.authors.add(d.author_id)
    return work


@dataclass
class _AuthorRows:
    """One author's data on some organisations: what an export shows and an erasure erases."""

    comments: list[Comment]
    # Decisions that name the author, and those about their comments that name no other author; by id.
    decisions: list[Decision]


def _author_rows(s: Session, author_id: int, organisation_ids: Sequence[int]) -> _AuthorRows:
    comments: list[Comment] = []
    decisions: dict[int, Decision] = {}
    for organisation_id in organisation_ids:
        comments += repo_privacy.author_comments(s, author_id, organisation_id)
        decisions.update({d.id: d for d in repo_privacy.author_decisions(s, author_id, organisation_id)})
    about = repo_privacy.decisions_of(s, [c.id for c in comments])
    decisions.update({d.id: d for d in about if d.author_id is None or d.author_id == author_id})
    return _AuthorRows(comments, [decisions[i] for i in sorted(decisions)])


def _plan_erasure(s: Session, author_id: int, rows: _AuthorRows, report: PrivacyReport) -> _Work:
    work = _Work(authors={author_id})
    for c in _hold(s, report, rows.comments):
        work.unlink.add(c.id)
        if c.redacted_at is None:
            work.erase[c.id] = c
    for d in rows.decisions:
        already = d.author_id is None and not d.reply and not d.reason  # redacted by an earlier purge
        if not already and (d.comment_id is None or d.comment_id not in report.kept):
            work.decisions[d.id] = d
    return work


# --- applying a plan -------------------------------------------------------------------------------------


def _fill_report(s: Session, work: _Work, report: PrivacyReport) -> None:
    for cid, c in sorted(work.pii.items()):
        revisions = repo_privacy.revisions_of(s, [cid])
        verdicts = repo_privacy.verdicts_of(s, [cid])
        known = _known_pii(verdicts)
        kinds = [k for text in [c.text, *(r.text for r in revisions)] for k in redact_pii(text, known)[1]]
        if kinds or any(v.pii for v in verdicts):
            report.pii[cid] = kinds or [str(p.get("kind")) for v in verdicts for p in v.pii]
    report.erased = sorted(work.erase)
    report.decisions = sorted(work.decisions)
    report.unlinked = sorted(work.unlink)
    for cid in report.erased + report.unlinked:
        report.kept.pop(cid, None)


def _redact_pii(s: Session, cid: int, c: Comment, entry_id: int, now: datetime) -> None:
    verdicts = repo_privacy.verdicts_of(s, [cid])
    known = _known_pii(verdicts)
    text, _ = redact_pii(c.text, known)
    repo_privacy.set_comment(s, cid, text=text, pii_redacted_at=now)
    for r in repo_privacy.revisions_of(s, [cid]):
        redacted, kinds = redact_pii(r.text, known)
        if kinds:
            repo_privacy.redact_revision(s, r.id, redacted, entry_id=entry_id)
    for v in verdicts:
        if v.pii or any(e.get("source") == "pii" for e in v.evidence):
            repo_privacy.set_verdict(
                s,
                v.id,
                evidence=_evidence_stripped(v.evidence, only_pii=True),
                pii=_pii_stripped(v.pii),
                reasons=_reasons_stripped(v.reasons, known, words=None),
            )
    if known:
        for rec in repo_privacy.recommendations_of(s, [cid]):
            repo_privacy.set_recommendation(s, rec.id, reasons=_reasons_stripped(rec.reasons, known, words=None))


def _erase(s: Session, cid: int, c: Comment, entry_id: int, now: datetime) -> None:
    """Erase a comment's words from every row that holds them: its text and earlier texts, what its verdicts
    and recommendations quote, the replies queued for it, and the free text of the audit lines about it."""
    revisions = repo_privacy.revisions_of(s, [cid])
    verdicts = repo_privacy.verdicts_of(s, [cid])
    recommendations = repo_privacy.recommendations_of(s, [cid])
    known = _known_pii(verdicts)
    reasons = [v.reasons for v in verdicts] + [r.reasons for r in recommendations]
    words = _words_of([c.text, *(r.text for r in revisions)], verdicts, reasons)
    repo_privacy.set_comment(s, cid, text="", redacted_at=now, pii_redacted_at=now)
    for r in revisions:
        if r.text:
            repo_privacy.redact_revision(s, r.id, "", entry_id=entry_id)
    for v in verdicts:
        repo_privacy.set_verdict(
            s,
            v.id,
            evidence=_evidence_stripped(v.evidence, only_pii=False),
            pii=_pii_stripped(v.pii),
            reasons=_reasons_stripped(v.reasons, known, words=words),
        )
    for rec in recommendations:
        repo_privacy.set_recommendation(s, rec.id, reasons=_reasons_stripped(rec.reasons, known, words=words))
    actions = repo_privacy.actions_of(s, [cid])
    for a in actions:
        finished = a.status in repo_privacy.FINISHED_ACTIONS
        payload = {k: ("" if finished and k == "text" else _masked(v, words)) for k, v in a.payload.items()}
        # A person's note on a call done by hand ("done by hand by X: ...") may quote the comment.
        outcome = a.outcome.split(": ", 1)[0] if a.outcome and a.manual_by is not None else _masked(a.outcome, words)
        if payload != a.payload or outcome != a.outcome:
            repo_privacy.set_action(s, a.id, payload=payload, outcome=outcome, last_error=_masked(a.last_error, words))
    for row in repo_privacy.audit_about(s, [cid], [a.id for a in actions]):
        # A person's own words about the comment (a decision's reason, an evidence hold's, a note) go; the
        # rest stays for the audit trail (ids, codes, labels, who did what), without the comment's words.
        detail = {k: "" if k in _FREE_TEXT and v else _masked(v, words) for k, v in (row.detail or {}).items()}
        if detail != row.detail and row.redacted_by != entry_id:
            repo_privacy.redact_audit_detail(s, row.id, detail, entry_id=entry_id)


#: The audit details' keys that hold what a person wrote in their own words.
_FREE_TEXT = frozenset({"reason", "note"})


def _masked(value: Any, words: Sequence[str]) -> Any:
    """Any JSON value with the comment's words masked in its strings."""
    if isinstance(value, str):
        return _words_masked(value, words) if words else value
    if isinstance(value, list):
        return [_masked(v, words) for v in value]
    if isinstance(value, dict):
        return {k: _masked(v, words) for k, v in value.items()}
    return value


def _apply(s: Session, work: _Work, report: PrivacyReport, entry_id: int, now: datetime) -> None:
    with repo_privacy.overwriting_deleted(s):
        for cid, c in sorted(work.pii.items()):
            _redact_pii(s, cid, c, entry_id, now)
        for cid, c in sorted(work.erase.items()):
            _erase(s, cid, c, entry_id, now)
        for d in work.decisions.values():
            repo_privacy.redact_decision(s, d.id, entry_id=entry_id, unlink_author=True)
        repo_privacy.redact_decision_audit(s, sorted(work.decisions), entry_id=entry_id)
        repo_privacy.unlink_comment_author(s, sorted(work.unlink))
        orphans = repo_privacy.orphan_authors(s, sorted(work.authors))
        repo_privacy.delete_authors(s, orphans)
        if work.erase or work.pii or orphans:
            repo_privacy.compact_search(s)
    report.authors = orphans
    report.applied = True
    report.audit_id = entry_id


def _planned_orphans(s: Session, work: _Work) -> list[int]:
    """The authors a plan would leave with nothing, without changing anything (for a dry run)."""
    out = []
    for author_id in sorted(work.authors):
        comments = repo_privacy.author_comments(s, author_id, None)
        decisions = repo_privacy.author_decisions(s, author_id, None)
        if all(c.id in work.unlink for c in comments) and all(d.id in work.decisions for d in decisions):
            out.append(author_id)
    return out


def run_retention(
    store: repo.Store, actor: Actor, *, apply: bool = False, now: datetime | None = None
) -> PrivacyReport:
    """Redact what is past each channel's retention; a dry run (the default) only reports it."""
    require(actor, Permission.MANAGE_ORGANISATIONS, "run the retention purge")
    now = now or utcnow()
    report = PrivacyReport()
    with store.transaction() as tx:
        work = _plan_retention(tx, now, report)
        _fill_report(tx, work, report)
        if not apply:
            report.authors = _planned_orphans(tx, work)
            return report
        entry_id = repo_privacy.add_privacy_entry(
            tx,
            user_id=actor.user_id,
            actor=actor.name,
            action=repo_privacy.RETENTION_ACTION,
            subject_type="retention",
            subject_id=None,
            organisation_id=actor.organisation_id,
            detail={**report.counts(), "authors_deleted": len(_planned_orphans(tx, work)), "at": now.isoformat()},
        )
        _apply(tx, work, report, entry_id, now)
    return report


def retention_due(store: repo.Store, now: datetime | None = None) -> bool:
    """True when no purge was applied in the last day (the worker's schedule, kept in the audit log)."""
    now = now or utcnow()
    with store.session() as s:
        last = repo_privacy.last_entry_at(s, repo_privacy.RETENTION_ACTION)
    return last is None or now - last >= PURGE_EVERY


# --- one person: export and erasure ----------------------------------------------------------------------


def _author_scope(s: Session, actor: Actor, author_id: int, what: str) -> list[int]:
    """The organisations of the author's data the actor may act on; NotFound when there are none."""
    require(actor, Permission.MANAGE_PERSONAL_DATA, what)
    author = repo.get_author(s, author_id)
    organisations = repo.author_organisations(s, author_id) if author else []
    organisations += [d.organisation_id for d in repo_privacy.author_decisions(s, author_id, None)]
    visible = sorted({o for o in organisations if actor.sees(o)})
    if author is None or not visible:
        raise NotFound(f"no author {author_id} on your organisations: list authors with GET /api/v1/authors")
    return visible


def require_personal_data(actor: Actor, what: str) -> None:
    """Refuse (403) anyone who may not export or erase personal data, before any other check."""
    require(actor, Permission.MANAGE_PERSONAL_DATA, what)


def export_author(store: repo.Store, actor: Actor, author_id: int) -> dict[str, Any]:
    """Everything stored about one author on the actor's organisations (a subject-access request)."""
    with store.transaction() as tx:
        organisations = _author_scope(tx, actor, author_id, "export an author's data")
        author = repo.get_author(tx, author_id)
        assert author is not None
        rows = _author_rows(tx, author_id, organisations)
        comments = rows.comments
        ids = [c.id for c in comments]
        revisions: dict[int, list[CommentRevision]] = {}
        for r in repo_privacy.revisions_of(tx, ids):
            revisions.setdefault(r.comment_id, []).append(r)
        verdicts: dict[int, list[Verdict]] = {}
        for v in repo_privacy.verdicts_of(tx, ids):
            verdicts.setdefault(v.comment_id, []).append(v)
        channel_orgs = repo_privacy.comment_organisations(tx, ids)
        out: dict[str, Any] = {
            "author": {
                "id": author.id,
                "platform": author.platform,
                "external_id": author.external_id,
                "name": author.name,
                "in_belgium": author.in_belgium,
                "first_seen": author.created_at.isoformat(),
            },
            "organisations": organisations,
            "comments": [
                {
                    "id": c.id,
                    "organisation_id": channel_orgs.get(c.id),
                    "platform": c.platform,
                    "external_id": c.external_id,
                    "posted_at": c.posted_at.isoformat(),
                    "text": c.text,
                    "earlier_texts": [
                        {"text": r.text, "replaced_at": r.replaced_at.isoformat()} for r in revisions.get(c.id, [])
                    ],
                    "status": c.status,
                    "labels": list(c.labels),
                    "severity": c.severity,
                    "decided_step": c.decided_step,
                    "personal_data_found": [
                        {"kind": p.get("kind"), "text": p.get("text")}
                        for v in verdicts.get(c.id, [])[-1:]
                        for p in v.pii
                    ],
                    "kept_as_evidence": c.evidence_hold,
                }
                for c in comments
            ],
            "decisions": [
                {
                    "id": d.id,
                    "comment_id": d.comment_id,
                    "organisation_id": d.organisation_id,
                    "kind": d.kind,
                    "step": d.step,
                    "reports": list(d.reports),
                    "reply": d.reply,
                    "reason": d.reason,
                    "at": d.created_at.isoformat(),
                }
                for d in rows.decisions
            ],
        }
        for organisation_id in organisations:
            audit.record(
                tx,
                actor,
                action="author.exported",
                subject_type="author",
                subject_id=author_id,
                organisation_id=organisation_id,
                detail={"comments": sum(1 for c in comments if channel_orgs.get(c.id) == organisation_id)},
            )
    return out


def erase_author(store: repo.Store, actor: Actor, author_id: int, *, now: datetime | None = None) -> PrivacyReport:
    """Erase one author's data on the actor's organisations, except what an open case holds.

    Their comments' texts are erased, their decisions lose reply and reason, and the links to the
    author go; the author row itself is deleted once nothing refers to it (on any organisation).
    """
    now = now or utcnow()
    report = PrivacyReport()
    with store.transaction() as tx:
        organisations = _author_scope(tx, actor, author_id, "erase an author's data")
        work = _plan_erasure(tx, author_id, _author_rows(tx, author_id, organisations), report)
        _fill_report(tx, work, report)
        entry_id = repo_privacy.add_privacy_entry(
            tx,
            user_id=actor.user_id,
            actor=actor.name,
            action=repo_privacy.ERASURE_ACTION,
            subject_type="author",
            subject_id=author_id,
            organisation_id=actor.organisation_id,
            detail={**report.counts(), "organisations": organisations, "kept": sorted(report.kept)},
        )
        _apply(tx, work, report, entry_id, now)
    return report


def hold_evidence(store: repo.Store, actor: Actor, comment_id: int, *, hold: bool, reason: str) -> None:
    """Keep a comment as evidence (no purge or erasure touches it) or release it; audited."""
    require(actor, Permission.MANAGE_PERSONAL_DATA, "keep a comment as evidence")
    with store.transaction() as tx:
        organisation_id = repo_privacy.comment_organisations(tx, [comment_id]).get(comment_id)
        if organisation_id is None or not actor.sees(organisation_id):
            raise NotFound(f"no comment {comment_id}: list comments with GET /api/v1/queue")
        repo_privacy.set_comment(tx, comment_id, evidence_hold=hold)
        audit.record(
            tx,
            actor,
            action="comment.evidence_hold" if hold else "comment.evidence_released",
            subject_type="comment",
            subject_id=comment_id,
            organisation_id=organisation_id,
            detail={"reason": reason},
        )
