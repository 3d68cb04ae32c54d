"""The names the desk shows for the project's codes (labels, steps, statuses, decision buttons, ...).

Each name is an English message marked with N_ so `python -m hierniet.web.desk.i18n` extracts it; the
templates show it translated through `word(kind, code)`.
"""

from __future__ import annotations

from hierniet.services.outbox_desk import PLATFORM_NAMES


def N_(message: str) -> str:
    """Mark a message for extraction without translating it here."""
    return message


LABELS: dict[str, str] = {
    "ok": N_("ok"),
    "criticism": N_("criticism"),
    "insult": N_("insult"),
    "hate": N_("hate"),
    "threat": N_("threat"),
    "sexual": N_("sexual"),
    "doxxing": N_("doxxing"),
    "provocation": N_("provocation"),
    "defamation": N_("defamation"),
    "spam": N_("spam"),
    "self_harm": N_("self-harm"),
}

STEPS: dict[str, str] = {
    "none": N_("no step"),
    "reply": N_("reply"),
    "refer": N_("refer to the code of conduct"),
    "hide": N_("hide"),
    "hide_report": N_("hide and report"),
    "block": N_("block"),
    "police": N_("police"),
    "review": N_("review by a person"),
    "care": N_("care"),
}

STATUSES: dict[str, str] = {
    "": N_("waiting (open and escalated)"),
    "open": N_("open"),
    "escalated": N_("escalated"),
    "auto": N_("automatic"),
    "clear": N_("clear"),
    "decided": N_("decided"),
    "removed": N_("removed on the platform"),
    "any": N_("any status"),
}

SEVERITIES: dict[str, str] = {
    "0": N_("none"),
    "1": N_("low"),
    "2": N_("medium"),
    "3": N_("high"),
    "4": N_("critical"),
}

LANGUAGES: dict[str, str] = {
    "nl": N_("Dutch"),
    "fr": N_("French"),
    "en": N_("English"),
    "de": N_("German"),
    "other": N_("other"),
}

#: The decision buttons, in the order the page shows them.
ACTIONS: dict[str, str] = {
    "accept": N_("Accept the recommendation"),
    "reply": N_("Reply"),
    "refer": N_("Refer to the code of conduct"),
    "hide": N_("Hide"),
    "report": N_("Hide and report"),
    "block": N_("Block the author"),
    "criticism": N_("Mark as criticism"),
    "ok": N_("Mark as ok (false positive)"),
    "escalate": N_("Escalate to a lead"),
}

#: The keyboard shortcut of each decision button.
ACTION_KEYS: dict[str, str] = {
    "accept": "a",
    "reply": "r",
    "refer": "f",
    "hide": "h",
    "report": "p",
    "block": "b",
    "criticism": "c",
    "ok": "o",
    "escalate": "e",
}

SHIELDS: dict[str, str] = {
    "blur": N_("blurred until I reveal it"),
    "mask": N_("hidden behind a block until I reveal it"),
    "show": N_("shown as it is"),
}

DENSITIES: dict[str, str] = {
    "comfortable": N_("comfortable"),
    "compact": N_("compact"),
}

SOURCES: dict[str, str] = {
    "lexicon": N_("word list"),
    "pii": N_("personal data"),
    "pattern": N_("pattern"),
    "model": N_("model"),
}

KINDS: dict[str, str] = {
    "accept": N_("accepted"),
    "edit": N_("edited"),
    "override": N_("overridden"),
    "escalate": N_("escalated"),
    "clear_author": N_("record cleared"),
    "undo": N_("undone"),
}

ROLES: dict[str, str] = {
    "moderator": N_("moderator"),
    "lead": N_("lead"),
    "admin": N_("admin"),
}

#: The states of a platform call in the outbox ("" is the outbox filter's "every state").
OUTBOX_STATES: dict[str, str] = {
    "": N_("every state"),
    "failed": N_("failed"),
    "manual": N_("to do by hand"),
    "queued": N_("queued"),
    "done": N_("done"),
    "cancelled": N_("cancelled"),
}

#: The platform calls, as the connectors name them (hierniet.connectors, the policy's *_action).
CALLS: dict[str, str] = {
    "hide": N_("hide the comment"),
    "unhide": N_("show the comment again"),
    "delete": N_("delete the comment"),
    "reply": N_("reply"),
    "report": N_("report to the platform"),
    "block": N_("block the author"),
    "ban_from_page": N_("ban the author from the page"),
    "hide_reply": N_("hide the reply"),
    "hold_for_review": N_("hold for review"),
    "reject": N_("reject the comment"),
    "reject_and_ban_author": N_("reject and ban the author"),
    "mute": N_("mute the author"),
    "ban_author": N_("ban the author"),
    "delete_reply": N_("delete the reply"),
    # The calls an undo makes to take a block, a mute or a ban back (connectors.base.REVERSALS).
    "unblock": N_("unblock the author"),
    "unmute": N_("unmute the author"),
    "unban_from_page": N_("lift the author's ban from the page"),
    # Reports outside the platform, to-dos an evidence pack leaves (hierniet.services.evidence.TODO_CALLS).
    "report_unia": N_("send the report to Unia (online form)"),
    "report_police": N_("file a report with the police"),
    # A raid's hold on new comments on its post, and lifting it again (hierniet.services.raids): to-dos.
    "hold_new_comments": N_("hold new comments on the post"),
    "release_hold": N_("lift the hold on new comments"),
    # Mastodon's replies, which no API limits: a to-do beside the quote policy the connector sets.
    "hold_replies": N_("limit replies to the post (by hand)"),
    "release_replies": N_("allow replies to the post again (by hand)"),
}

#: Who an evidence pack is for (hierniet.services.evidence_text.PURPOSES).
PURPOSES: dict[str, str] = {
    "unia": "Unia",
    "police": N_("the police"),
    "lawyer": N_("a lawyer"),
}

#: What a platform's answer means (hierniet.services.outbox_desk.reason_of), before the answer itself.
OUTBOX_REASONS: dict[str, str] = {
    "in_doubt": N_(
        "An attempt was interrupted and the platform cannot say whether it took effect: check on the platform, "
        "then retry or tick it done by hand."
    ),
    "channel": N_(
        "The channel cannot be used (a missing or expired token): an admin reconnects it on the Channels page."
    ),
    "rate_limited": N_("The platform asked to slow down: the desk tries again later."),
    "down": N_("The platform was unavailable: the desk tries again later."),
    "no_api": N_("The platform has no API for this: do it on the platform, then tick it done by hand."),
    "gave_up": N_("The desk tried several times and gave up: retry, or do it on the platform."),
    "refused": N_("The platform refused the call."),
}

#: Severity by the name a policy gives it (reasons say "severity high", policies "police: high").
SEVERITY_NAMES: dict[str, str] = {
    "none": N_("none"),
    "low": N_("low"),
    "medium": N_("medium"),
    "high": N_("high"),
    "critical": N_("critical"),
}

#: The protected characteristics a hate verdict names as its target.
TARGETS: dict[str, str] = {
    "ethnicity": N_("origin or skin colour"),
    "nationality": N_("nationality"),
    "religion": N_("religion"),
    "sexual_orientation": N_("sexual orientation"),
    "gender": N_("gender"),
    "gender_identity": N_("gender identity"),
    "disability": N_("disability"),
    "age": N_("age"),
    "?": N_("a group"),
}

PII_KINDS: dict[str, str] = {
    "phone": N_("phone number"),
    "email": N_("e-mail address"),
    "iban": N_("bank account number (IBAN)"),
    "national_number": N_("national register number"),
    "licence_plate": N_("licence plate"),
    "address": N_("address"),
}

#: Platforms by their proper names (the same in every language: the outbox's own table, so none shows as a
#: code), and the words for a channel on no platform we know.
PLATFORMS: dict[str, str] = {**PLATFORM_NAMES, "other": N_("this channel")}

#: Where a comment is reported besides the step on the channel.
REPORTS: dict[str, str] = {
    "platform": N_("the platform"),
    "unia": "Unia",
    "police": N_("the police"),
}

#: The word lists behind triage's evidence (a reason says which kind of words were found).
CATEGORIES: dict[str, str] = {
    "insult": N_("insult"),
    "profanity": N_("swearing"),
    "slur": N_("slur"),
    "dehumanizing": N_("dehumanising"),
    "hostile": N_("hostile"),
    "threat": N_("threat"),
    "sexual": N_("sexual"),
    "self_harm": N_("self-harm"),
    "spam": N_("spam"),
}

#: The state of a platform call in the outbox.
CALL_STATUSES: dict[str, str] = {
    "queued": N_("queued"),
    "done": N_("done"),
    "failed": N_("failed"),
    "cancelled": N_("cancelled"),
    "manual": N_("to do by hand"),
}

#: The crisis desk (issue 15): what a card is, what it is about, and where it stands.
CRISIS_KINDS: dict[str, str] = {
    "request": N_("request"),
    "offer": N_("offer"),
    "info": N_("information"),
    "other": N_("other"),
}

NEEDS: dict[str, str] = {
    "shelter": N_("shelter"),
    "transport": N_("transport"),
    "food_water": N_("food and water"),
    "medical": N_("medical help"),
    "missing_person": N_("missing person"),
    "charging_communication": N_("charging and communication"),
    "animals": N_("animals"),
    "other": N_("other help"),
}

CARD_STATUSES: dict[str, str] = {
    "open": N_("waiting"),
    "matched": N_("pair suggested"),
    "helped": N_("helped"),
    "confirmed": N_("pair confirmed"),
    "full": N_("full"),
}

CRISIS_STATUSES: dict[str, str] = {
    "open": N_("open"),
    "closed": N_("closed"),
}

TABLES: dict[str, dict[str, str]] = {
    "label": LABELS,
    "step": STEPS,
    "status": STATUSES,
    "severity": SEVERITIES,
    "language": LANGUAGES,
    "action": ACTIONS,
    "shield": SHIELDS,
    "density": DENSITIES,
    "source": SOURCES,
    "kind": KINDS,
    "role": ROLES,
    "outbox_state": OUTBOX_STATES,
    "call": CALLS,
    "outbox_reason": OUTBOX_REASONS,
    "severity_name": SEVERITY_NAMES,
    "target": TARGETS,
    "pii": PII_KINDS,
    "platform": PLATFORMS,
    "report": REPORTS,
    "category": CATEGORIES,
    "call_status": CALL_STATUSES,
    "purpose": PURPOSES,
    "crisis_kind": CRISIS_KINDS,
    "need": NEEDS,
    "card_status": CARD_STATUSES,
    "crisis_status": CRISIS_STATUSES,
}
