"""Evidence packs for Unia, the police or a lawyer (issue 13): one ZIP per comment, author or (later) raid.

A pack holds
- `evidence.pdf`: the comments in their context (post, thread, times in Europe/Brussels, platform link, the
  author and their history, the verdict, the recommendation, the decisions, the platform calls, the audit trail);
- `evidence.json`: every field of the same, times as ISO 8601 with their offset;
- `unia.txt` (for Unia) or `report.txt` (police, lawyer): the text to paste into Unia's online form or a
  statement, in the reporter's language (hierniet.services.evidence_text);
- `MANIFEST.sha256`: the SHA-256 of each of those files, in `sha256sum` format.

Making a pack writes an `evidence.packed` audit entry whose subject is the manifest's SHA-256 and whose detail
holds every file's hash and the ZIP's: `verify_pack` recomputes them and compares, so a file changed later
shows. The same store state gives the same bytes (fixed ZIP times, sorted JSON keys, the PDF dated by the
record, not by the clock), so packing twice gives the same hashes.

A pack shows the comments' words unmasked (they are the evidence): only a person allowed to handle personal
data and keep comments as evidence (leads and admins) makes one, and every pack is audited. Reports that go
outside the platform (Unia's form, a police report) become to-dos on the comment ("manual" calls in the outbox,
hierniet.services.outbox_desk), which a person ticks once done.

`make_pack` takes a list of comment ids, so a raid (many comments on one post) is packed the same way.
"""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, is_dataclass
from datetime import UTC, datetime, tzinfo
from typing import Any
from zoneinfo import ZoneInfo

from fpdf import FPDF
from sqlalchemy.orm import Session

from hierniet import pdfdoc
from hierniet.services import audit, evidence_text, queue
from hierniet.services.actions import ActionStatus
from hierniet.services.auth import Actor, Permission, require
from hierniet.services.errors import InvalidInput, NotFound
from hierniet.services.outbox_desk import PLATFORM_NAMES, comment_url
from hierniet.services.views import CommentDetail
from hierniet.store import repo, repo_evidence
from hierniet.store.tables import Channel, Comment, QueuedAction, utcnow

FORMAT = "hierniet-evidence/1"
MANIFEST = "MANIFEST.sha256"
PDF_FILE = "evidence.pdf"
JSON_FILE = "evidence.json"
#: The most comments one pack holds (an author's or a raid's); a longer list is refused, not cut.
MAX_COMMENTS = 200
#: The author's comments on the organisation listed in a pack (their record there), newest first.
AUTHOR_COMMENTS = 50
#: Comments of the thread shown before and after the packed one.
THREAD_BEFORE = 5
THREAD_AFTER = 5
#: The to-do each purpose leaves on a comment: a report that no platform API makes (a person ticks it).
TODO_CALLS: dict[str, str] = {"unia": "report_unia", "police": "report_police"}
#: Pack times and the PDF's dates are Belgian time, whatever the server's clock says.
DEFAULT_ZONE = "Europe/Brussels"


@dataclass(frozen=True, slots=True)
class EvidencePack:
    """A pack as made: the ZIP's bytes and what its audit entry records."""

    filename: str
    data: bytes
    purpose: str
    language: str
    comment_ids: list[int]
    author_id: int | None
    #: SHA-256 of each file in the ZIP except the manifest.
    files: dict[str, str]
    #: SHA-256 of MANIFEST.sha256: the pack's name in the audit log.
    manifest_sha256: str
    zip_sha256: str
    #: The paste-ready text (unia.txt or report.txt), as in the ZIP.
    statement: str
    #: The to-dos this pack added to its comments (outbox ids), none when they were there already.
    todos: list[int]


@dataclass(frozen=True, slots=True)
class FileCheck:
    name: str
    recorded: str | None  # the hash in the audit log (None: not in the pack as made)
    found: str | None  # the hash of the file in this ZIP (None: missing)

    @property
    def ok(self) -> bool:
        return self.recorded is not None and self.recorded == self.found


@dataclass(frozen=True, slots=True)
class Verification:
    """What `verify_pack` found: `ok` only when the manifest and every file match the audit log."""

    ok: bool
    manifest_sha256: str
    zip_sha256: str
    #: The audit entry of the pack, when its manifest is in the log.
    entry_id: int | None
    packed_at: datetime | None
    packed_by: str | None
    purpose: str | None
    comment_ids: list[int]
    files: list[FileCheck]
    #: Whether the ZIP as a whole is byte for byte the one made (a repacked ZIP with the same files is not).
    same_zip: bool
    problems: list[str]


def zone_of(name: str | None) -> tzinfo:
    return ZoneInfo(name or DEFAULT_ZONE)


def _check(purpose: str, language: str) -> None:
    if purpose not in evidence_text.PURPOSES:
        raise InvalidInput(f"unknown purpose {purpose!r}: a pack is for one of {', '.join(evidence_text.PURPOSES)}")
    if language not in evidence_text.LANGUAGES:
        raise InvalidInput(
            f"unknown language {language!r}: a pack is written in one of {', '.join(evidence_text.LANGUAGES)}"
        )


def require_pack(actor: Actor) -> None:
    """Refuse (403) anyone who may not hold a comment's unmasked words as evidence, before anything else."""
    require(actor, Permission.MANAGE_PERSONAL_DATA, "make evidence packs (they hold the comments unmasked)")


# --- gathering -------------------------------------------------------------------------------------------


def _comment_ids(store: repo.Store, actor: Actor, comment_ids: Sequence[int], author_id: int | None) -> list[int]:
    ids = list(dict.fromkeys(comment_ids))
    if author_id is not None:
        with store.session() as s:
            if repo.get_author(s, author_id) is None:
                raise NotFound(f"no author {author_id}: list authors with GET /api/v1/authors")
            found = repo_evidence.comments_of_author(s, author_id, actor.organisation_id, limit=MAX_COMMENTS + 1)
        if not found:
            raise NotFound(f"author {author_id} has no comments on the organisations you see: nothing to pack")
        ids = list(dict.fromkeys([*ids, *found]))
    if not ids:
        raise InvalidInput("name a comment or an author to pack")
    if len(ids) > MAX_COMMENTS:
        raise InvalidInput(
            f"a pack holds at most {MAX_COMMENTS} comments and this one would hold {len(ids)}: "
            "pack fewer comments (or the author's comments in parts)"
        )
    return ids


def _stamp(d: CommentDetail) -> datetime:
    """The latest moment the store records about a comment (the pack's "as of")."""
    moments = [d.received_at, d.posted_at]
    moments += [x for x in (d.edited_at, d.removed_at, d.redacted_at, d.pii_redacted_at) if x is not None]
    moments += [x.created_at for x in d.decisions] + [a.created_at for a in d.actions]
    moments += [a.finished_at for a in d.actions if a.finished_at is not None]
    if d.verdict is not None:
        moments.append(d.verdict.created_at)
    if d.recommendation is not None:
        moments.append(d.recommendation.created_at)
    return max(_aware(m) for m in moments)


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def _plain(value: Any, zone: tzinfo) -> Any:
    """JSON-ready data: dataclasses as dicts, times as ISO 8601 in `zone` with their offset."""
    if is_dataclass(value) and not isinstance(value, type):
        value = asdict(value)
    if isinstance(value, datetime):
        return _aware(value).astimezone(zone).isoformat()
    if isinstance(value, Mapping):
        return {str(k): _plain(v, zone) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v, zone) for v in value]
    if isinstance(value, str):
        return str(value)  # a Reason is a str with extras: keep its sentence
    return value


def _local(value: datetime | None, zone: tzinfo) -> str:
    return _aware(value).astimezone(zone).strftime("%d/%m/%Y %H:%M:%S") if value is not None else ""


def _comment_doc(
    store: repo.Store, actor: Actor, comment_id: int, zone: tzinfo, records: dict[tuple[int, int], int]
) -> tuple[dict[str, Any], datetime]:
    """One comment's part of the pack. `records` maps (author, organisation) to the comment that holds that
    author's record there: an author's pack lists their record once, not once per comment."""
    first = queue.comment_detail(store, actor, comment_id)
    as_of = _stamp(first)
    # The author's strikes depend on "now": read them as of the record, so the same record packs the same.
    d = queue.comment_detail(store, actor, comment_id, now=as_of)
    with store.session() as s:
        found = repo.get_comment(s, comment_id)
        assert found is not None  # comment_detail found it a moment ago
        comment, channel, author = found
        organisation = repo.get_organisation(s, channel.organisation_id)
        thread = repo_evidence.thread_around(s, comment, before=THREAD_BEFORE, after=THREAD_AFTER)
        authors = {a.id: a for a in (repo.get_author(s, c.author_id) for c in thread if c.author_id) if a}
        trail = repo_evidence.trail(s, comment_id, [a.id for a in d.actions])
        key = (author.id, channel.organisation_id) if author is not None else None
        holder = records.get(key) if key is not None else None
        record = (
            repo_evidence.author_comments_on(s, author.id, channel.organisation_id, limit=AUTHOR_COMMENTS)
            if author is not None and holder is None
            else []
        )
        if key is not None and holder is None:
            records[key] = comment_id
    for entry in trail:
        as_of = max(as_of, _aware(entry.at))
    post = d.post
    doc: dict[str, Any] = {
        "id": d.id,
        "organisation": organisation.name if organisation else "",
        "organisation_id": channel.organisation_id,
        "channel": {
            "id": d.channel.id,
            "platform": d.channel.platform,
            "name": d.channel.name,
            "external_id": d.channel.external_id,
        },
        "platform": d.platform,
        "platform_name": PLATFORM_NAMES.get(d.platform, d.platform),
        "external_id": d.external_id,
        "url": comment_url(d.platform, d.external_id, d.thread, post.url if post else None),
        "thread": d.thread,
        "parent": d.parent,
        "author": (
            {**asdict(d.author), "in_belgium": author.in_belgium if author else None} if d.author is not None else None
        ),
        "text": d.text,
        "posted_at": d.posted_at,
        "posted_local": _local(d.posted_at, zone),
        "received_at": d.received_at,
        "edited_at": d.edited_at,
        "removed_at": d.removed_at,
        "redacted_at": d.redacted_at,
        "pii_redacted_at": d.pii_redacted_at,
        "evidence_hold": d.evidence_hold,
        "status": d.status,
        "post": post,
        "thread_context": [
            {
                "id": c.id,
                "external_id": c.external_id,
                "parent": c.parent_external_id,
                "author": authors[c.author_id].name or authors[c.author_id].external_id
                if c.author_id in authors
                else None,
                "text": c.text,
                "posted_at": c.posted_at,
                "packed": c.id == d.id,
            }
            for c in thread
        ],
        "revisions": d.revisions,
        "verdict": d.verdict,
        "verdict_versions": d.verdict_versions,
        "recommendation": d.recommendation,
        "decisions": d.decisions,
        "actions": d.actions,
        "author_history": d.author_history,
        #: The comment of this pack whose "author_comments" is the author's record (this one, or an earlier one).
        "author_record_with": holder if holder is not None else (d.id if key is not None else None),
        # Every earlier step is in author_history only within the policy's window: the record lists the rest.
        "author_comments": [
            {
                "id": c.id,
                "posted_at": c.posted_at,
                "text": c.text,
                "labels": list(c.labels),
                "severity": c.severity,
                "status": c.status,
                "step": c.step,
                "decided_step": c.decided_step,
                "packed": c.id == d.id,
            }
            for c in record
        ],
        "audit": [
            {
                "id": e.id,
                "at": e.at,
                "actor": e.actor,
                "action": e.action,
                "subject_type": e.subject_type,
                "subject_id": e.subject_id,
                "detail": dict(e.detail),
            }
            for e in trail
        ],
    }
    return doc, as_of


def gather(
    store: repo.Store,
    actor: Actor,
    *,
    comment_ids: Sequence[int] = (),
    author_id: int | None = None,
    purpose: str,
    language: str,
    zone: tzinfo | None = None,
) -> dict[str, Any]:
    """The pack's document (what evidence.json holds) for these comments, or every comment of an author on
    the organisations the actor sees. Nothing is written."""
    require_pack(actor)
    _check(purpose, language)
    zone = zone or zone_of(None)
    ids = _comment_ids(store, actor, comment_ids, author_id)
    comments: list[dict[str, Any]] = []
    as_of: datetime | None = None
    records: dict[tuple[int, int], int] = {}
    for cid in ids:
        doc, stamp = _comment_doc(store, actor, cid, zone, records)
        comments.append(doc)
        as_of = stamp if as_of is None else max(as_of, stamp)
    assert as_of is not None
    kind = "author" if author_id is not None else "comment" if len(ids) == 1 else "comments"
    organisations = sorted({c["organisation"] for c in comments})
    author: dict[str, Any] | None = None
    if author_id is not None:
        author = next((c["author"] for c in comments if c["author"]), None)
    document = {
        "format": FORMAT,
        "purpose": purpose,
        "language": language,
        "prepared_by": actor.name,
        "as_of": as_of,
        "time_zone": str(zone),
        "subject": {"kind": kind, "comment_ids": ids, "author_id": author_id},
        "organisation": ", ".join(organisations),
        "author": author,
        "comments": comments,
    }
    plain: dict[str, Any] = _plain(document, zone)
    plain["as_of_local"] = _local(as_of, zone)
    return plain


# --- the files -------------------------------------------------------------------------------------------


class _Writer:
    """The PDF's few kinds of lines, in the pack's language."""

    def __init__(self, pdf: FPDF, language: str) -> None:
        self.pdf = pdf
        self.language = language

    def w(self, key: str) -> str:
        return evidence_text.word(key, self.language)

    def put(self, text: str, height: float, **style: Any) -> None:
        """`text` at the left margin, wrapped to the page's width. fpdf2's multi_cell costs some twenty times a
        cell, and an author's pack prints thousands of lines that fit on one: those go out as a cell."""
        if "\n" not in text and self.pdf.get_string_width(text) < self.pdf.epw - 2 * self.pdf.c_margin:
            self.pdf.cell(0, height, text, new_x="LMARGIN", new_y="NEXT", **style)
        else:
            self.pdf.multi_cell(0, height, text, new_x="LMARGIN", new_y="NEXT", **style)

    def heading(self, text: str, size: int = 13) -> None:
        self.pdf.ln(2)
        self.pdf.set_font(pdfdoc.FAMILY, "B", size)
        self.put(text, 7)
        self.pdf.set_font(pdfdoc.FAMILY, "", 10)

    def field(self, key: str, value: Any) -> None:
        self.pdf.set_font(pdfdoc.FAMILY, "B", 10)
        self.put(f"{self.w(key)}:", 5)
        self.pdf.set_font(pdfdoc.FAMILY, "", 10)
        self.put(str(value) if value not in (None, "") else "-", 5)

    def line(self, text: str, *, mono: bool = False, size: int = 10) -> None:
        self.pdf.set_font(pdfdoc.MONO if mono else pdfdoc.FAMILY, "", size)
        self.put(text, 5)
        self.pdf.set_font(pdfdoc.FAMILY, "", 10)

    def quote(self, text: str) -> None:
        self.pdf.set_fill_color(240, 240, 240)
        self.put(text or "-", 5, fill=True, border=1)


def _time(value: str | None, zone: tzinfo) -> str:
    if not value:
        return ""
    return datetime.fromisoformat(value).astimezone(zone).strftime("%d/%m/%Y %H:%M:%S")


def _pdf(doc: Mapping[str, Any], zone: tzinfo) -> bytes:
    language = doc["language"]
    w = _Writer(
        pdfdoc.new_document(
            f"{evidence_text.word('title', language)}: {doc['organisation']}",
            created=datetime.fromisoformat(doc["as_of"]),
        ),
        language,
    )
    pdf = w.pdf
    pdf.add_page()
    w.heading(f"{w.w('title')}: {doc['organisation']}", 16)
    w.line(f"{w.w('for')}: {w.w(doc['purpose'])}")
    w.line(f"{w.w('prepared_by')}: {doc['prepared_by']}")
    w.line(f"{w.w('as_of')}: {doc['as_of_local']}")
    w.line(w.w("times"))
    w.line(w.w("files"))
    for c in doc["comments"]:
        w.heading(f"{w.w('comment')} #{c['id']}", 14)
        w.field("organisation", c["organisation"])
        w.field("channel", f"{c['platform_name']} · {c['channel']['name'] or c['channel']['external_id']}")
        w.field("link", c["url"] or w.w("no_link"))
        author = c["author"]
        if author:
            handle = author["external_id"]
            w.field("author", f"{author['name'] or handle} ({w.w('account')}: {handle}, #{author['id']})")
        w.field("posted", _time(c["posted_at"], zone))
        w.field("received", _time(c["received_at"], zone))
        if c["edited_at"]:
            w.field("edited", _time(c["edited_at"], zone))
        if c["removed_at"]:
            w.field("removed", _time(c["removed_at"], zone))
        w.heading(w.w("text"), 11)
        w.quote(c["text"])
        if c["revisions"]:
            w.heading(w.w("earlier_texts"), 11)
            for r in c["revisions"]:
                w.line(f"{_time(r['received_at'], zone)} – {_time(r['replaced_at'], zone)}")
                w.quote(r["text"])
        post = c["post"]
        if post:
            w.heading(w.w("post"), 11)
            w.line(f"{_time(post['posted_at'], zone)} {post['url'] or ''}".strip())
            w.quote(post["text"])
        if len(c["thread_context"]) > 1:
            w.heading(w.w("thread"), 11)
            for t in c["thread_context"]:
                marker = f" ← {w.w('this_comment')}" if t["packed"] else ""
                w.line(f"#{t['id']} · {_time(t['posted_at'], zone)} · {t['author'] or '?'}{marker}", size=9)
                w.quote(t["text"])
        verdict = c["verdict"]
        if verdict:
            w.heading(w.w("verdict"), 11)
            w.field("labels", evidence_text.label_words(verdict["labels"], language) or w.w("none"))
            scores = ", ".join(f"{k} {v:.2f}" for k, v in sorted(verdict["scores"].items()) if v >= 0.01)
            w.line(scores, mono=True, size=8)
            w.field("severity", verdict["severity"])
            if verdict["target"]:
                w.field("target", evidence_text.ground(verdict["target"], language))
            if verdict["evidence"]:
                w.field(
                    "evidence",
                    "\n".join(
                        f"“{e.get('text', '')}” ({e.get('label')}, {e.get('source')}: {e.get('detail', '')})"
                        for e in verdict["evidence"]
                    ),
                )
            w.field("model", verdict["model_version"])
        rec = c["recommendation"]
        if rec:
            w.heading(w.w("recommendation"), 11)
            w.line(f"{rec['step']} · {', '.join(rec['reports']) or '-'} · {rec['policy_version']}")
            for reason in rec["reasons"]:
                w.line(f"- {reason}", size=9)
        w.heading(w.w("decisions"), 11)
        for dec in c["decisions"] or []:
            w.line(f"{_time(dec['created_at'], zone)} · {dec['user']} · {dec['kind']} · {dec['step']}")
            if dec["reason"]:
                w.line(f"  {dec['reason']}", size=9)
        if not c["decisions"]:
            w.line(w.w("none"))
        if c["actions"]:
            w.heading(w.w("actions"), 11)
            for a in c["actions"]:
                w.line(f"{_time(a['created_at'], zone)} · {a['action']} · {a['status']} {a['outcome'] or ''}".strip())
        history = c["author_history"]
        if c["author_record_with"] not in (None, c["id"]):
            # The author's history and record are printed once, with the first of their comments in the pack.
            w.heading(w.w("history"), 11)
            w.line(f"{w.w('see')} {w.w('comment').lower()} #{c['author_record_with']}")
        elif history:
            w.heading(w.w("history"), 11)
            w.line(f"{w.w('strikes')}: {history['strikes']}")
            for h in history["entries"]:
                who = "person" if h["by_person"] else "machine"
                ref = f" #{h['comment_id']}" if h["comment_id"] else ""
                w.line(f"{_time(h['when'], zone)} · {h['step']} · {who}{ref} {h['note']}".rstrip(), size=9)
        if len(c["author_comments"]) > 1:
            w.heading(w.w("author_comments"), 11)
            for a in c["author_comments"]:
                marker = f" ← {w.w('this_comment')}" if a["packed"] else ""
                labels = evidence_text.label_words(a["labels"], language)
                step = a["decided_step"] or a["step"]
                w.line(f"#{a['id']} · {_time(a['posted_at'], zone)} · {labels} · {step}{marker}", size=9)
                w.quote(a["text"])
        w.heading(w.w("audit"), 11)
        for e in c["audit"]:
            detail = json.dumps(e["detail"], sort_keys=True, ensure_ascii=False)
            w.line(f"{_time(e['at'], zone)} · {e['actor']} · {e['action']} · {detail}", size=8)
    return bytes(pdf.output())


def _json(doc: Mapping[str, Any]) -> bytes:
    return (json.dumps(doc, sort_keys=True, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def manifest(files: Mapping[str, bytes]) -> bytes:
    """`sha256sum` lines for the files, by name."""
    return "".join(f"{hashlib.sha256(files[n]).hexdigest()}  {n}\n" for n in sorted(files)).encode("ascii")


def _zip(files: Mapping[str, bytes], when: datetime) -> bytes:
    """The files in a fixed order, each with the same fixed time and mode, so equal content gives equal bytes."""
    stamp = (max(when.year, 1980), when.month, when.day, when.hour, when.minute, when.second - when.second % 2)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        for name in files:
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            info.create_system = 3
            z.writestr(info, files[name])
    return out.getvalue()


def render_files(doc: Mapping[str, Any], zone: tzinfo) -> dict[str, bytes]:
    """The pack's files, the manifest last, from its document."""
    statement = evidence_text.statement(doc, doc["purpose"], doc["language"])
    files = {
        PDF_FILE: _pdf(doc, zone),
        JSON_FILE: _json(doc),
        evidence_text.TEXT_FILES[doc["purpose"]]: statement.encode("utf-8"),
    }
    return {**files, MANIFEST: manifest(files)}


# --- making and checking packs ---------------------------------------------------------------------------


def _add_todos(store: repo.Store, actor: Actor, comment_ids: Sequence[int], purpose: str, now: datetime) -> list[int]:
    """The report outside the platform as a to-do on each comment that has none yet (audited per to-do)."""
    added: list[int] = []
    with store.transaction() as tx:
        for cid in comment_ids:
            found = repo.get_comment(tx, cid)
            if found is None:
                continue
            comment, channel, _author = found
            action_id = add_report_todo(tx, actor, comment, channel, purpose, now)
            if action_id is not None:
                added.append(action_id)
    return added


def add_report_todo(
    tx: Session, actor: Actor, comment: Comment, channel: Channel, purpose: str, now: datetime
) -> int | None:
    """A report to Unia or the police as a to-do a person ticks off (no API sends it), once per comment: made
    when a decision names the report or when a pack for it is made, whichever comes first. Audited."""
    call = TODO_CALLS.get(purpose)
    if call is None:
        return None
    if any(a.action == call and a.status != ActionStatus.CANCELLED for a in repo.actions_for_comment(tx, comment.id)):
        return None
    [action_id] = repo.insert_rows(
        tx,
        QueuedAction,
        [
            {
                "comment_id": comment.id,
                "channel_id": channel.id,
                "action": call,
                "payload": {"to": purpose},
                "status": ActionStatus.MANUAL,
                "attempts": 0,
                "not_before": now,
                "created_at": now,
                "updated_at": now,
            }
        ],
    )
    audit.record(
        tx,
        actor,
        action="action.to_do_added",
        subject_type="queued_action",
        subject_id=action_id,
        organisation_id=channel.organisation_id,
        detail={"action": call, "comment_id": comment.id, "platform": channel.platform},
    )
    return int(action_id)


def make_pack(
    store: repo.Store,
    actor: Actor,
    *,
    comment_ids: Sequence[int] = (),
    author_id: int | None = None,
    purpose: str,
    language: str,
    zone: tzinfo | None = None,
    now: datetime | None = None,
) -> EvidencePack:
    """Make the pack, leave the report's to-do on each comment (Unia, police) and audit it with every hash."""
    require_pack(actor)
    _check(purpose, language)
    zone = zone or zone_of(None)
    now = now or utcnow()
    ids = _comment_ids(store, actor, comment_ids, author_id)
    for cid in ids:
        queue.comment_detail(store, actor, cid)  # not found (404) for a comment this person may not see
    # The to-dos come first, so that the pack lists them and a second pack of the same record is the same.
    todos = _add_todos(store, actor, ids, purpose, now)
    doc = gather(store, actor, comment_ids=ids, author_id=None, purpose=purpose, language=language, zone=zone)
    if author_id is not None:
        doc["subject"] = {**doc["subject"], "kind": "author", "author_id": author_id}
        doc["author"] = next((c["author"] for c in doc["comments"] if c["author"]), None)
    files = render_files(doc, zone)
    hashes = {name: hashlib.sha256(data).hexdigest() for name, data in files.items() if name != MANIFEST}
    digest = hashlib.sha256(files[MANIFEST]).hexdigest()
    data = _zip(files, datetime.fromisoformat(doc["as_of"]))
    zip_sha = hashlib.sha256(data).hexdigest()
    subject = f"author-{author_id}" if author_id is not None else f"comment-{ids[0]}" if len(ids) == 1 else "comments"
    filename = f"hierniet-evidence-{subject}-{purpose}.zip"
    organisations = {c["organisation_id"] for c in doc["comments"]}
    with store.transaction() as tx:
        audit.record(
            tx,
            actor,
            action="evidence.packed",
            subject_type="evidence_pack",
            subject_id=digest,
            organisation_id=organisations.pop() if len(organisations) == 1 else actor.organisation_id,
            detail={
                "purpose": purpose,
                "language": language,
                "comment_ids": ids,
                "author_id": author_id,
                "files": hashes,
                "manifest_sha256": digest,
                "zip_sha256": zip_sha,
                "filename": filename,
                "todos": todos,
            },
        )
    return EvidencePack(
        filename=filename,
        data=data,
        purpose=purpose,
        language=language,
        comment_ids=ids,
        author_id=author_id,
        files=hashes,
        manifest_sha256=digest,
        zip_sha256=zip_sha,
        statement=files[evidence_text.TEXT_FILES[purpose]].decode("utf-8"),
        todos=todos,
    )


def statement_for(
    store: repo.Store, actor: Actor, comment_id: int, *, purpose: str, language: str, zone: tzinfo | None = None
) -> str:
    """The paste-ready text for one comment, as its pack would hold it (nothing is written)."""
    doc = gather(store, actor, comment_ids=[comment_id], purpose=purpose, language=language, zone=zone)
    return evidence_text.statement(doc, purpose, language)


def verify_pack(store: repo.Store, actor: Actor, data: bytes) -> Verification:
    """Compare a pack's files with the hashes its `evidence.packed` entry recorded (audited as `evidence.verified`).

    The manifest's SHA-256 finds the entry: a changed manifest finds none; a changed file no longer matches
    the hash recorded for it."""
    require(actor, Permission.READ_AUDIT, "verify evidence packs against the audit log")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            found = {name: z.read(name) for name in z.namelist()}
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise InvalidInput(f"this is no evidence pack ZIP ({exc}): give the .zip file hierniet made") from None
    if MANIFEST not in found:
        raise InvalidInput(f"the ZIP has no {MANIFEST}: give the .zip file hierniet made, not one repacked by hand")
    digest = hashlib.sha256(found[MANIFEST]).hexdigest()
    zip_sha = hashlib.sha256(data).hexdigest()
    with store.session() as s:
        entries = [e for e in repo_evidence.pack_entries(s, digest) if actor.sees(e.organisation_id)]
    problems: list[str] = []
    entry = entries[0] if entries else None
    recorded: dict[str, str] = dict(entry.detail.get("files", {})) if entry else {}
    if entry is None:
        problems.append(
            f"{MANIFEST} (SHA-256 {digest}) is in no evidence.packed entry of the audit log you may read: "
            "the manifest was changed, or the pack was made on another system"
        )
        # Still say which files disagree with the manifest they came with.
        for raw in found[MANIFEST].decode("utf-8", "replace").splitlines():
            hash_, _, name = raw.partition("  ")
            if name:
                recorded[name] = hash_
    checks = [
        FileCheck(
            name=name,
            recorded=recorded.get(name),
            found=hashlib.sha256(found[name]).hexdigest() if name in found else None,
        )
        for name in sorted(set(recorded) | (set(found) - {MANIFEST}))
    ]
    for c in checks:
        if c.found is None:
            problems.append(f"{c.name} is missing from the ZIP")
        elif c.recorded is None:
            problems.append(f"{c.name} was not in the pack as made")
        elif not c.ok:
            problems.append(f"{c.name} was changed: its SHA-256 is {c.found}, the audit log recorded {c.recorded}")
    ok = entry is not None and all(c.ok for c in checks)
    detail = dict(entry.detail) if entry else {}
    result = Verification(
        ok=ok,
        manifest_sha256=digest,
        zip_sha256=zip_sha,
        entry_id=entry.id if entry else None,
        packed_at=entry.at if entry else None,
        packed_by=entry.actor if entry else None,
        purpose=detail.get("purpose"),
        comment_ids=[int(x) for x in detail.get("comment_ids", [])],
        files=checks,
        same_zip=entry is not None and detail.get("zip_sha256") == zip_sha,
        problems=problems,
    )
    with store.transaction() as tx:
        audit.record(
            tx,
            actor,
            action="evidence.verified",
            subject_type="evidence_pack",
            subject_id=digest,
            organisation_id=entry.organisation_id if entry else actor.organisation_id,
            detail={
                "ok": ok,
                "entry_id": result.entry_id,
                "zip_sha256": zip_sha,
                "changed": [c.name for c in checks if not c.ok],
            },
        )
    return result


__all__ = [
    "FORMAT",
    "MANIFEST",
    "EvidencePack",
    "FileCheck",
    "Verification",
    "gather",
    "make_pack",
    "manifest",
    "render_files",
    "require_pack",
    "statement_for",
    "verify_pack",
]
