"""The sentences of an alert to the lead (hierniet.services.alerts), in the four languages of the desk.

One table, not the desk's gettext catalogs: the worker sends alerts with no request and no desk around it,
and a missing sentence in one language must fail a test (tests/services/test_alerts.py checks that every
language has every key and the same placeholders) rather than fall back silently to English.

The words never include the comment's text or its author: only what, where, how severe, when, and a link.
"""

from __future__ import annotations

from string import Formatter
from typing import Final

#: The languages an alert is written in; anything else is written in English.
LANGUAGES: Final[tuple[str, ...]] = ("nl", "fr", "de", "en")
FALLBACK: Final = "en"

TEXTS: Final[dict[str, dict[str, str]]] = {
    "en": {
        "kind.threat": "Critical threat",
        "kind.self_harm": "Someone may be in distress (self-harm)",
        "kind.raid": "Raid: a coordinated attack on a post or a person",
        "title": "hierniet: {kind} on {organisation}",
        "fact.kind": "Kind",
        "fact.organisation": "Organisation",
        "fact.channel": "Channel",
        "fact.severity": "Severity",
        "fact.when": "When",
        "fact.raid": "Raid",
        "fact.comment": "Comment",
        "severity.0": "none",
        "severity.1": "low",
        "severity.2": "medium",
        "severity.3": "high",
        "severity.4": "critical",
        "open.link": "Open it on the desk (sign in first): {link}",
        "open.raid": "Open raid #{id} on the desk.",
        "open.comment": "Open comment #{id} on the desk.",
        "open.button": "Open on the desk",
        "self_harm.care": "A caring reply with the helpline is waiting for a person; it is never sent automatically.",
    },
    "nl": {
        "kind.threat": "Ernstige bedreiging",
        "kind.self_harm": "Iemand is mogelijk in nood (zelfbeschadiging)",
        "kind.raid": "Raid: een gecoördineerde aanval op een bericht of een persoon",
        "title": "hierniet: {kind} bij {organisation}",
        "fact.kind": "Soort",
        "fact.organisation": "Organisatie",
        "fact.channel": "Kanaal",
        "fact.severity": "Ernst",
        "fact.when": "Wanneer",
        "fact.raid": "Raid",
        "fact.comment": "Reactie",
        "severity.0": "geen",
        "severity.1": "laag",
        "severity.2": "middel",
        "severity.3": "hoog",
        "severity.4": "kritiek",
        "open.link": "Open het op de desk (meld je eerst aan): {link}",
        "open.raid": "Open raid #{id} op de desk.",
        "open.comment": "Open reactie #{id} op de desk.",
        "open.button": "Openen op de desk",
        "self_harm.care": (
            "Een zorgzaam antwoord met de hulplijn wacht op een persoon; het wordt nooit automatisch verstuurd."
        ),
    },
    "fr": {
        "kind.threat": "Menace critique",
        "kind.self_harm": "Une personne est peut-être en détresse (automutilation)",
        "kind.raid": "Raid : une attaque coordonnée contre une publication ou une personne",
        "title": "hierniet : {kind} chez {organisation}",
        "fact.kind": "Type",
        "fact.organisation": "Organisation",
        "fact.channel": "Canal",
        "fact.severity": "Gravité",
        "fact.when": "Quand",
        "fact.raid": "Raid",
        "fact.comment": "Commentaire",
        "severity.0": "aucune",
        "severity.1": "faible",
        "severity.2": "moyenne",
        "severity.3": "élevée",
        "severity.4": "critique",
        "open.link": "Ouvrez-le sur le desk (connectez-vous d'abord) : {link}",
        "open.raid": "Ouvrez le raid n° {id} sur le desk.",
        "open.comment": "Ouvrez le commentaire n° {id} sur le desk.",
        "open.button": "Ouvrir sur le desk",
        "self_harm.care": (
            "Une réponse bienveillante avec la ligne d'écoute attend une personne ; elle n'est jamais envoyée "
            "automatiquement."
        ),
    },
    "de": {
        "kind.threat": "Kritische Drohung",
        "kind.self_harm": "Jemand ist möglicherweise in Not (Selbstverletzung)",
        "kind.raid": "Raid: ein koordinierter Angriff auf einen Beitrag oder eine Person",
        "title": "hierniet: {kind} bei {organisation}",
        "fact.kind": "Art",
        "fact.organisation": "Organisation",
        "fact.channel": "Kanal",
        "fact.severity": "Schweregrad",
        "fact.when": "Wann",
        "fact.raid": "Raid",
        "fact.comment": "Kommentar",
        "severity.0": "keine",
        "severity.1": "niedrig",
        "severity.2": "mittel",
        "severity.3": "hoch",
        "severity.4": "kritisch",
        "open.link": "Im Desk öffnen (zuerst anmelden): {link}",
        "open.raid": "Raid #{id} im Desk öffnen.",
        "open.comment": "Kommentar #{id} im Desk öffnen.",
        "open.button": "Im Desk öffnen",
        "self_harm.care": (
            "Eine einfühlsame Antwort mit der Hilfenummer wartet auf eine Person; sie wird nie automatisch gesendet."
        ),
    },
}


def language(*candidates: str | None) -> str:
    """The first of the candidates an alert can be written in (a person's locale, the policy's language),
    else English. "fr-BE" counts as fr."""
    for candidate in candidates:
        code = (candidate or "").strip().lower().split("-")[0].split("_")[0]
        if code in TEXTS:
            return code
    return FALLBACK


def text(lang: str, key: str, **values: object) -> str:
    """One sentence in `lang` (English for a language with no table); KeyError for an unknown key."""
    sentence = TEXTS.get(lang, TEXTS[FALLBACK])[key]
    return sentence.format(**values) if values else sentence


def placeholders(sentence: str) -> set[str]:
    """The {names} a sentence fills in (the test checks each language has the same ones)."""
    return {name for _, name, _, _ in Formatter().parse(sentence) if name}
