"""The audit log in words: each action and each detail of an entry as a moderator reads them, in the page's
language ("reports: the platform, Unia; decision #3" rather than `reports: ['platform', 'unia']; decision: 3`).

The log itself keeps codes (hierniet.services.audit): the API and exports show them as they are.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, tzinfo
from typing import Any

from babel.numbers import format_decimal

from hierniet.web.desk import dates, i18n, reasons, words
from hierniet.web.desk.words import N_

#: Every action the services write to the log (an unknown one is shown as its code).
ACTIONS: dict[str, str] = {
    "decision.accept": N_("decision: recommendation accepted"),
    "decision.edit": N_("decision: recommendation edited"),
    "decision.override": N_("decision: another step"),
    "decision.escalate": N_("escalated to a lead"),
    "decision.clear_author": N_("author's record cleared"),
    "decision.undo": N_("decision undone"),
    "comment.revealed": N_("severe comment revealed"),
    "comment.retriaged": N_("comment triaged again"),
    "comment.edited_on_platform": N_("comment edited on the platform"),
    "comment.removed_on_platform": N_("comment removed on the platform"),
    "comments.removed_on_platform": N_("comments removed on the platform"),
    "comment.evidence_hold": N_("kept as evidence"),
    "comment.evidence_released": N_("no longer kept as evidence"),
    "comment.assigned": N_("comment assigned"),
    "comment.taken_over": N_("comment taken over"),
    "comments.ingested": N_("comments received"),
    "action.done": N_("platform call done"),
    "action.failed": N_("platform call failed"),
    "action.cancelled": N_("platform call cancelled"),
    "action.retried": N_("platform call queued again"),
    "action.done_by_hand": N_("platform call done by hand"),
    "action.to_do_added": N_("to-do added"),
    "evidence.packed": N_("evidence pack made"),
    "evidence.verified": N_("evidence pack checked"),
    "author.cleared": N_("author's record cleared"),
    "author.exported": N_("author's data exported"),
    "privacy.erasure": N_("author's data erased"),
    "privacy.retention": N_("retention applied"),
    "channel.created": N_("channel added"),
    "channel.updated": N_("channel changed"),
    "channel.connected": N_("channel connected"),
    "channel.disconnected": N_("channel disconnected"),
    "organisation.created": N_("organisation added"),
    "signatory.requested": N_("request to sign the charter"),
    "signatory.approved": N_("signatory approved"),
    "signatory.rejected": N_("signatory rejected"),
    "token.created": N_("API token created"),
    "token.revoked": N_("API token revoked"),
    "user.created": N_("person added"),
    "user.updated": N_("person changed"),
    "user.login": N_("signed in"),
    "user.login_failed": N_("sign-in failed"),
    "user.logout": N_("signed out"),
    "user.password_changed": N_("password changed"),
    "user.password_set": N_("password set"),
    "user.preferences": N_("settings saved"),
    "user.filter_saved": N_("queue filter saved"),
    "user.filter_deleted": N_("queue filter deleted"),
    "alert.done": N_("alert sent to the lead"),
    "alert.failed": N_("alert to the lead failed"),
    "rotation.set": N_("severe rotation changed"),
    "raid.hide": N_("raid: every abusive comment hidden"),
    "raid.hold": N_("raid: new comments on the post held"),
    "raid.held": N_("raid: new comments held for review as they came in"),
    "raid.block_core": N_("raid: its core blocked"),
    "raid.evidence": N_("raid: evidence pack made"),
    "raid.dismiss": N_("raid dismissed: not a raid"),
    "raid.undo": N_("raid: move undone"),
    "crisis.opened": N_("crisis opened"),
    "crisis.closed": N_("crisis closed"),
    "crisis.posts_added": N_("crisis posts taken in"),
    "crisis.card_marked": N_("crisis card marked"),
    "crisis.match_confirmed": N_("crisis pair confirmed"),
    "crisis.match_rejected": N_("crisis pair rejected"),
    "crisis.reply_queued": N_("crisis reply queued"),
    "crisis.exported": N_("crisis exported"),
}

#: The subject of an entry.
SUBJECTS: dict[str, str] = {
    "comment": N_("comment"),
    "author": N_("author"),
    "user": N_("person"),
    "channel": N_("channel"),
    "organisation": N_("organisation"),
    "signatory": N_("signatory"),
    "token": N_("API token"),
    "action": N_("platform call"),
    "privacy": N_("data protection"),
    "evidence_pack": N_("evidence pack"),
    "raid": N_("raid"),
    "crisis": N_("crisis"),
    "crisis_card": N_("crisis card"),
    "crisis_match": N_("crisis pair"),
}

#: The name of each detail.
KEYS: dict[str, str] = {
    "decision": N_("decision"),
    "decision_id": N_("decision"),
    "step": N_("step"),
    "recommended": N_("recommended step"),
    "decided_step": N_("decided step"),
    "reports": N_("reports"),
    "reason": N_("reason"),
    "labels": N_("labels"),
    "severity": N_("severity"),
    "how": N_("how"),
    "via": N_("through"),
    "by": N_("by"),
    "shield": N_("severe content"),
    "role": N_("role"),
    # Whether a person has an e-mail address for alerts now (never the address: services.admin).
    "email": N_("e-mail address"),
    "name": N_("name"),
    "platform": N_("platform"),
    "external_id": N_("id on the platform"),
    "external_ids": N_("ids on the platform"),
    "status": N_("status"),
    "kind": N_("kind"),
    "targets": N_("told"),
    "error": N_("error"),
    "members": N_("on the rotation"),
    "added": N_("added"),
    "removed": N_("removed"),
    "previous_status": N_("previous status"),
    "language": N_("language"),
    "model": N_("model"),
    "version": N_("version"),
    "policy": N_("policy"),
    "comments": N_("comments"),
    "created": N_("new"),
    "duplicates": N_("duplicates"),
    "rejected": N_("refused"),
    "kept": N_("kept"),
    "cancelled": N_("cancelled"),
    "cancelled_actions": N_("platform calls cancelled"),
    "organisations": N_("organisations"),
    "authors_deleted": N_("authors deleted"),
    "action": N_("platform call"),
    "attempts": N_("attempts"),
    "outcome": N_("outcome"),
    "comment_id": N_("comment"),
    "user": N_("person"),
    "slug": N_("short name"),
    "type": N_("kind"),
    "at": N_("at"),
    "auto": N_("automatic"),
    "changed": N_("changed"),
    "secrets": N_("secrets"),
    "config": N_("settings"),
    "prefix": N_("token prefix"),
    "unknown": N_("unknown"),
    # An undo's details (hierniet.services.undo) and a saved filter's.
    "undone": N_("undone decision"),
    "restored": N_("step again"),
    "reversed": N_("taken back through the API"),
    "by_hand": N_("to take back by hand"),
    "to_do": N_("to do by hand"),
    "query": N_("filter"),
    "note": N_("note"),
    # An evidence pack's details (hierniet.services.evidence).
    "purpose": N_("for"),
    "comment_ids": N_("comments"),
    "author_id": N_("author"),
    "files": N_("files and their SHA-256"),
    "manifest_sha256": N_("SHA-256 of the manifest"),
    "zip_sha256": N_("SHA-256 of the ZIP"),
    "filename": N_("file name"),
    "todos": N_("to-dos added"),
    "ok": N_("matches the audit log"),
    "entry_id": N_("audit entry"),
    # A raid's moves (hierniet.services.raids).
    "skipped": N_("left as a person decided"),
    "failed": N_("refused"),
    "move": N_("move"),
    "authors": N_("authors"),
    "skipped_authors": N_("authors left as a person decided"),
    "outbox": N_("platform calls"),
    "post": N_("post"),
    "platforms": N_("platforms"),
    "left_out": N_("left out of the pack"),
    "previous": N_("before"),
    # A hold on new comments (hierniet.services.raid_holds).
    "hold": N_("hold"),
    "holding": N_("channels where each new comment is held"),
}

#: Which words table shows the values of a detail.
_VALUE_WORDS: dict[str, str] = {
    "step": "step",
    "recommended": "step",
    "decided_step": "step",
    "reports": "report",
    "labels": "label",
    "platform": "platform",
    "role": "role",
    "shield": "shield",
    "language": "language",
    "status": "status",
    "previous_status": "status",
    "action": "call",
    "restored": "step",
    "reversed": "call",
    "by_hand": "call",
    "to_do": "call",
    "cancelled": "call",
    "kept": "call",
    "purpose": "purpose",
}

#: How a person revealed a comment, and through which door they came.
_HOW: dict[str, str] = {"click": N_("by a click"), "key": N_("with the key v"), "shown": N_("shown as it is")}
_VIA: dict[str, str] = {"desk": N_("the desk"), "api": N_("the API"), "cli": N_("the command line")}
#: Details that name another record: shown as "#3".
_REFERENCES = frozenset({"decision", "decision_id", "comment_id", "comment_ids", "author_id", "entry_id", "todos"})


def action_name(action: str) -> str:
    message = ACTIONS.get(action)
    return i18n.gettext(message) if message is not None else action


def subject_name(subject_type: str) -> str:
    message = SUBJECTS.get(subject_type)
    return i18n.gettext(message) if message is not None else subject_type


def _word(kind: str, code: object) -> str:
    message = words.TABLES[kind].get("" if code is None else str(code))
    return i18n.gettext(message) if message is not None else str(code)


def _scalar(key: str, value: object, zone: tzinfo) -> str:
    if value is None:
        return "—"
    if isinstance(value, bool):
        return i18n.gettext(N_("yes") if value else N_("no"))
    if key in _REFERENCES:
        return f"#{value}"
    if key == "reason" and isinstance(value, str):
        return reasons.decision_reason(value)
    if key == "severity" and isinstance(value, int):
        return f"{value} · {_word('severity', value)}"
    if key == "how" and str(value) in _HOW:
        return i18n.gettext(_HOW[str(value)])
    if key in ("via", "by") and str(value) in _VIA:
        return i18n.gettext(_VIA[str(value)])
    if key in _VALUE_WORDS:
        return _word(_VALUE_WORDS[key], value)
    if isinstance(value, int | float):
        return format_decimal(value, locale=i18n.current_locale())
    if isinstance(value, str) and key == "at":
        try:
            return dates.when(datetime.fromisoformat(value), zone)
        except ValueError:
            return value
    return str(value)


def _value(key: str, value: object, zone: tzinfo) -> str:
    if isinstance(value, list | tuple):
        if not value:
            return "—"
        return ", ".join(_scalar(key, v, zone) for v in value)
    if isinstance(value, Mapping):
        return ", ".join(f"{_key(str(k))}: {_value(str(k), v, zone)}" for k, v in sorted(value.items()))
    return _scalar(key, value, zone)


def _key(key: str) -> str:
    message = KEYS.get(key)
    return i18n.gettext(message) if message is not None else key.replace("_", " ")


def details(detail: Mapping[str, Any] | None, zone: tzinfo) -> list[tuple[str, str]]:
    """An entry's details as (name, value) pairs in the page's language, in the order of their names."""
    if not detail:
        return []
    return [(_key(k), _value(k, v, zone)) for k, v in sorted(detail.items()) if v not in ("", None)]
