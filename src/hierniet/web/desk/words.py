"""The names the desk shows for the project's codes (labels, steps, statuses, decision buttons, ...).

Each name is an English message marked with N_ so `python -m hierniet.web.desk.i18n` extracts it; the
templates show it translated through `word(kind, code)`.
"""

from __future__ import annotations


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

TABLES: dict[str, dict[str, str]] = {
    "label": LABELS,
    "step": STEPS,
    "status": STATUSES,
    "severity": SEVERITIES,
    "language": LANGUAGES,
    "action": ACTIONS,
    "shield": SHIELDS,
    "source": SOURCES,
    "kind": KINDS,
    "role": ROLES,
}
