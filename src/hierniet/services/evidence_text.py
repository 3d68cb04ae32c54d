"""The words of evidence packs, in the reporter's language (nl, fr, en, de): the text to paste into Unia's
online report form, the statement for the police or a lawyer, and the headings of the pack's PDF.

These are documents handed to someone outside hierniet, written in one chosen language whatever the desk's
language at the time, so they live here as data per language (as the policy's reply templates do) rather
than in the desk's gettext catalogs. `statement` is pure: it fills a template from the pack's data.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

LANGUAGES: tuple[str, ...] = ("nl", "fr", "en", "de")
#: Who a pack is for; each has its own paste-ready text file in the ZIP.
PURPOSES: tuple[str, ...] = ("unia", "police", "lawyer")
TEXT_FILES: dict[str, str] = {"unia": "unia.txt", "police": "report.txt", "lawyer": "report.txt"}

#: The protected grounds of Belgian anti-discrimination law (a hate verdict's target), as Unia's form asks.
GROUNDS: dict[str, dict[str, str]] = {
    "ethnicity": {
        "nl": "afkomst of huidskleur",
        "fr": "l'origine ou la couleur de peau",
        "en": "origin or skin colour",
        "de": "Herkunft oder Hautfarbe",
    },
    "nationality": {"nl": "nationaliteit", "fr": "la nationalité", "en": "nationality", "de": "Staatsangehörigkeit"},
    "religion": {
        "nl": "geloof of levensbeschouwing",
        "fr": "la conviction religieuse ou philosophique",
        "en": "religion or belief",
        "de": "Religion oder Weltanschauung",
    },
    "sexual_orientation": {
        "nl": "seksuele geaardheid",
        "fr": "l'orientation sexuelle",
        "en": "sexual orientation",
        "de": "sexuelle Ausrichtung",
    },
    "gender": {"nl": "geslacht", "fr": "le sexe", "en": "sex and gender", "de": "Geschlecht"},
    "gender_identity": {
        "nl": "genderidentiteit",
        "fr": "l'identité de genre",
        "en": "gender identity",
        "de": "Geschlechtsidentität",
    },
    "disability": {"nl": "handicap", "fr": "le handicap", "en": "disability", "de": "Behinderung"},
    "age": {"nl": "leeftijd", "fr": "l'âge", "en": "age", "de": "Alter"},
}
UNKNOWN_GROUND: dict[str, str] = {
    "nl": "een beschermd kenmerk (niet automatisch vastgesteld)",
    "fr": "un critère protégé (non déterminé automatiquement)",
    "en": "a protected characteristic (not determined automatically)",
    "de": "ein geschütztes Merkmal (nicht automatisch bestimmt)",
}

#: The sentence's "because of ..." for each ground, declined as each language needs it.
BECAUSE: dict[str, dict[str, str]] = {
    "ethnicity": {
        "nl": "omwille van hun afkomst of huidskleur",
        "fr": "en raison de leur origine ou de leur couleur de peau",
        "en": "because of their origin or skin colour",
        "de": "wegen ihrer Herkunft oder Hautfarbe",
    },
    "nationality": {
        "nl": "omwille van hun nationaliteit",
        "fr": "en raison de leur nationalité",
        "en": "because of their nationality",
        "de": "wegen ihrer Staatsangehörigkeit",
    },
    "religion": {
        "nl": "omwille van hun geloof of levensbeschouwing",
        "fr": "en raison de leur conviction religieuse ou philosophique",
        "en": "because of their religion or belief",
        "de": "wegen ihrer Religion oder Weltanschauung",
    },
    "sexual_orientation": {
        "nl": "omwille van hun seksuele geaardheid",
        "fr": "en raison de leur orientation sexuelle",
        "en": "because of their sexual orientation",
        "de": "wegen ihrer sexuellen Ausrichtung",
    },
    "gender": {
        "nl": "omwille van hun geslacht",
        "fr": "en raison de leur sexe",
        "en": "because of their sex or gender",
        "de": "wegen ihres Geschlechts",
    },
    "gender_identity": {
        "nl": "omwille van hun genderidentiteit",
        "fr": "en raison de leur identité de genre",
        "en": "because of their gender identity",
        "de": "wegen ihrer Geschlechtsidentität",
    },
    "disability": {
        "nl": "omwille van een handicap",
        "fr": "en raison d'un handicap",
        "en": "because of a disability",
        "de": "wegen einer Behinderung",
    },
    "age": {
        "nl": "omwille van hun leeftijd",
        "fr": "en raison de leur âge",
        "en": "because of their age",
        "de": "wegen ihres Alters",
    },
    "?": {
        "nl": "omwille van een beschermd kenmerk (niet automatisch vastgesteld)",
        "fr": "en raison d'un critère protégé (non déterminé automatiquement)",
        "en": "because of a protected characteristic (not determined automatically)",
        "de": "wegen eines geschützten Merkmals (nicht automatisch bestimmt)",
    },
}

LABELS: dict[str, dict[str, str]] = {
    "ok": {"nl": "niets aan de hand", "fr": "rien à signaler", "en": "nothing to act on", "de": "unbedenklich"},
    "criticism": {"nl": "kritiek", "fr": "critique", "en": "criticism", "de": "Kritik"},
    "insult": {"nl": "belediging", "fr": "insulte", "en": "insult", "de": "Beleidigung"},
    "hate": {"nl": "haatboodschap", "fr": "discours de haine", "en": "hate speech", "de": "Hassrede"},
    "threat": {"nl": "bedreiging", "fr": "menace", "en": "threat", "de": "Drohung"},
    "sexual": {
        "nl": "seksuele intimidatie",
        "fr": "harcèlement sexuel",
        "en": "sexual harassment",
        "de": "sexuelle Belästigung",
    },
    "doxxing": {
        "nl": "verspreiding van persoonsgegevens",
        "fr": "divulgation de données personnelles",
        "en": "publishing personal data (doxxing)",
        "de": "Veröffentlichung persönlicher Daten",
    },
    "provocation": {"nl": "provocatie", "fr": "provocation", "en": "provocation", "de": "Provokation"},
    "defamation": {"nl": "laster", "fr": "calomnie", "en": "defamation", "de": "Verleumdung"},
    "spam": {"nl": "spam", "fr": "spam", "en": "spam", "de": "Spam"},
    "self_harm": {"nl": "zelfbeschadiging", "fr": "automutilation", "en": "self-harm", "de": "Selbstverletzung"},
}

#: The headings and field names of the PDF and the statements.
WORDS: dict[str, dict[str, str]] = {
    "title": {"nl": "Bewijspakket", "fr": "Dossier de preuves", "en": "Evidence pack", "de": "Beweismappe"},
    "for": {"nl": "Bestemd voor", "fr": "Destiné à", "en": "Prepared for", "de": "Bestimmt für"},
    "unia": {"nl": "Unia", "fr": "Unia", "en": "Unia", "de": "Unia"},
    "police": {"nl": "de politie", "fr": "la police", "en": "the police", "de": "die Polizei"},
    "lawyer": {"nl": "een advocaat", "fr": "un avocat", "en": "a lawyer", "de": "einen Anwalt"},
    "prepared_by": {"nl": "Opgesteld door", "fr": "Établi par", "en": "Prepared by", "de": "Erstellt von"},
    "as_of": {
        "nl": "Stand van het dossier op",
        "fr": "État du dossier au",
        "en": "State of the record as of",
        "de": "Stand der Akte am",
    },
    "times": {
        "nl": "Alle tijden in Belgische tijd (Europe/Brussels).",
        "fr": "Toutes les heures en heure belge (Europe/Brussels).",
        "en": "All times in Belgian time (Europe/Brussels).",
        "de": "Alle Zeiten in belgischer Zeit (Europe/Brussels).",
    },
    "files": {
        "nl": "De bijgevoegde evidence.json bevat alle velden; MANIFEST.sha256 de SHA-256-controlewaarden, die ook in "
        "het auditlogboek van hierniet staan.",
        "fr": "Le fichier evidence.json joint contient tous les champs ; MANIFEST.sha256 les empreintes SHA-256, "
        "également inscrites dans le journal d'audit de hierniet.",
        "en": "The enclosed evidence.json holds every field; MANIFEST.sha256 the SHA-256 hashes, which are also "
        "recorded in hierniet's audit log.",
        "de": "Die beiliegende evidence.json enthält alle Felder; MANIFEST.sha256 die SHA-256-Prüfsummen, die auch im "
        "Prüfprotokoll von hierniet stehen.",
    },
    "comment": {"nl": "Reactie", "fr": "Commentaire", "en": "Comment", "de": "Kommentar"},
    "organisation": {"nl": "Organisatie", "fr": "Organisation", "en": "Organisation", "de": "Organisation"},
    "channel": {"nl": "Kanaal", "fr": "Canal", "en": "Channel", "de": "Kanal"},
    "platform": {"nl": "Platform", "fr": "Plateforme", "en": "Platform", "de": "Plattform"},
    "link": {"nl": "Link", "fr": "Lien", "en": "Link", "de": "Link"},
    "no_link": {
        "nl": "(geen link bekend)",
        "fr": "(aucun lien connu)",
        "en": "(no link known)",
        "de": "(kein Link bekannt)",
    },
    "posted": {"nl": "Geplaatst op", "fr": "Publié le", "en": "Posted at", "de": "Veröffentlicht am"},
    "received": {"nl": "Ontvangen op", "fr": "Reçu le", "en": "Received at", "de": "Empfangen am"},
    "edited": {"nl": "Bewerkt op", "fr": "Modifié le", "en": "Edited at", "de": "Bearbeitet am"},
    "removed": {
        "nl": "Verwijderd op het platform op",
        "fr": "Supprimé sur la plateforme le",
        "en": "Removed on the platform at",
        "de": "Auf der Plattform entfernt am",
    },
    "author": {"nl": "Auteur", "fr": "Auteur", "en": "Author", "de": "Verfasser"},
    "account": {"nl": "account", "fr": "compte", "en": "account", "de": "Konto"},
    "text": {"nl": "Tekst", "fr": "Texte", "en": "Text", "de": "Text"},
    "earlier_texts": {
        "nl": "Eerdere versies van de tekst",
        "fr": "Versions antérieures du texte",
        "en": "Earlier versions of the text",
        "de": "Frühere Fassungen des Textes",
    },
    "post": {"nl": "Bericht", "fr": "Publication", "en": "Post", "de": "Beitrag"},
    "thread": {
        "nl": "Gesprek rond de reactie",
        "fr": "Fil de discussion autour du commentaire",
        "en": "The thread around the comment",
        "de": "Gesprächsverlauf um den Kommentar",
    },
    "see": {"nl": "Zie", "fr": "Voir", "en": "See", "de": "Siehe"},
    "this_comment": {"nl": "deze reactie", "fr": "ce commentaire", "en": "this comment", "de": "dieser Kommentar"},
    "verdict": {
        "nl": "Beoordeling (automatisch)",
        "fr": "Évaluation (automatique)",
        "en": "Assessment (automatic)",
        "de": "Bewertung (automatisch)",
    },
    "labels": {"nl": "Categorieën", "fr": "Catégories", "en": "Categories", "de": "Kategorien"},
    "severity": {"nl": "Ernst (0-4)", "fr": "Gravité (0-4)", "en": "Severity (0-4)", "de": "Schweregrad (0-4)"},
    "target": {
        "nl": "Beschermd kenmerk",
        "fr": "Critère protégé",
        "en": "Protected characteristic",
        "de": "Geschütztes Merkmal",
    },
    "evidence": {"nl": "Aanwijzingen", "fr": "Éléments relevés", "en": "Evidence", "de": "Belege"},
    "model": {"nl": "Model", "fr": "Modèle", "en": "Model", "de": "Modell"},
    "recommendation": {"nl": "Aanbeveling", "fr": "Recommandation", "en": "Recommendation", "de": "Empfehlung"},
    "decisions": {"nl": "Beslissingen", "fr": "Décisions", "en": "Decisions", "de": "Entscheidungen"},
    "none": {"nl": "geen", "fr": "aucune", "en": "none", "de": "keine"},
    "actions": {
        "nl": "Acties op het platform",
        "fr": "Actions sur la plateforme",
        "en": "Platform actions",
        "de": "Aktionen auf der Plattform",
    },
    "audit": {"nl": "Auditspoor", "fr": "Piste d'audit", "en": "Audit trail", "de": "Prüfpfad"},
    "history": {
        "nl": "Geschiedenis van de auteur bij deze organisatie",
        "fr": "Historique de l'auteur auprès de cette organisation",
        "en": "The author's history with this organisation",
        "de": "Verlauf des Verfassers bei dieser Organisation",
    },
    "strikes": {
        "nl": "Tellende stappen",
        "fr": "Étapes comptabilisées",
        "en": "Steps that count",
        "de": "Zählende Schritte",
    },
    "author_comments": {
        "nl": "Reacties van de auteur",
        "fr": "Commentaires de l'auteur",
        "en": "The author's comments",
        "de": "Kommentare des Verfassers",
    },
}


def word(key: str, language: str) -> str:
    return WORDS[key][language]


def label_words(labels: Sequence[str], language: str) -> str:
    shown = [LABELS[x][language] for x in labels if x in LABELS and x not in ("ok", "criticism")]
    return ", ".join(shown or [LABELS[x][language] for x in labels if x in LABELS])


def ground(target: str | None, language: str) -> str:
    return GROUNDS[target][language] if target in GROUNDS else UNKNOWN_GROUND[language]


def because(target: str | None, language: str) -> str:
    return BECAUSE[target if target in BECAUSE else "?"][language]


_UNIA: dict[str, dict[str, str]] = {
    "nl": {
        "title": "Melding aan Unia",
        "what": "Wat is er gebeurd?",
        "what_text": "Op {platform} werd onder een bericht van {organisation} een reactie geplaatst die wij "
        "beoordelen als {labels}. Ze viseert mensen {because}.",
        "where": "Waar?",
        "when": "Wanneer?",
        "who": "Wie werd geviseerd?",
        "who_text": "Mensen {because}.",
        "text": "Letterlijke tekst van de reactie:",
        "author": "Auteur op het platform:",
        "close": "{organisation} onderschrijft het charter Hier Niet / Pas ici. Wij bewaren het bewijs "
        "(bewijspakket met SHA-256-controlewaarden) en bezorgen het op verzoek.",
    },
    "fr": {
        "title": "Signalement à Unia",
        "what": "Que s'est-il passé ?",
        "what_text": "Sur {platform}, sous une publication de {organisation}, un commentaire a été publié que nous "
        "qualifions de {labels}. Il vise des personnes {because}.",
        "where": "Où ?",
        "when": "Quand ?",
        "who": "Qui a été visé ?",
        "who_text": "Des personnes {because}.",
        "text": "Texte exact du commentaire :",
        "author": "Auteur sur la plateforme :",
        "close": "{organisation} a signé la charte Hier Niet / Pas ici. Nous conservons les preuves (dossier avec "
        "empreintes SHA-256) et les transmettons sur demande.",
    },
    "en": {
        "title": "Report to Unia",
        "what": "What happened?",
        "what_text": "On {platform}, under a post by {organisation}, a comment was posted that we assess as "
        "{labels}. It targets people {because}.",
        "where": "Where?",
        "when": "When?",
        "who": "Who was targeted?",
        "who_text": "People {because}.",
        "text": "Exact text of the comment:",
        "author": "Author on the platform:",
        "close": "{organisation} has signed the Hier Niet / Pas ici charter. We keep the evidence (a pack with "
        "SHA-256 hashes) and send it on request.",
    },
    "de": {
        "title": "Meldung an Unia",
        "what": "Was ist geschehen?",
        "what_text": "Auf {platform} wurde unter einem Beitrag von {organisation} ein Kommentar veröffentlicht, den "
        "wir als {labels} einstufen. Er richtet sich gegen Menschen {because}.",
        "where": "Wo?",
        "when": "Wann?",
        "who": "Wer war das Ziel?",
        "who_text": "Menschen {because}.",
        "text": "Wortlaut des Kommentars:",
        "author": "Verfasser auf der Plattform:",
        "close": "{organisation} hat die Charta Hier Niet / Pas ici unterzeichnet. Wir bewahren die Beweise "
        "(Beweismappe mit SHA-256-Prüfsummen) auf und übermitteln sie auf Anfrage.",
    },
}

_STATEMENT: dict[str, dict[str, str]] = {
    "nl": {
        "police": "Verklaring voor de politie",
        "lawyer": "Overzicht van de feiten",
        "facts": "Feiten",
        "facts_text": "Op {platform} plaatste het account {author} onder een bericht van {organisation} een reactie "
        "die wij beoordelen als {labels} (ernst {severity} op 4).",
        "time": "Tijdstip",
        "link": "Link",
        "author": "Auteur (naam en account)",
        "wording": "Bedreigende of strafbare bewoordingen",
        "text": "Volledige tekst van de reactie",
        "history": "Eerdere stappen tegen deze auteur bij {organisation}: {count}.",
        "close": "Het volledige bewijspakket (PDF, JSON en SHA-256-controlewaarden) is bijgevoegd of op verzoek "
        "beschikbaar.",
    },
    "fr": {
        "police": "Déclaration à la police",
        "lawyer": "Exposé des faits",
        "facts": "Faits",
        "facts_text": "Sur {platform}, le compte {author} a publié sous une publication de {organisation} un "
        "commentaire que nous qualifions de {labels} (gravité {severity} sur 4).",
        "time": "Moment",
        "link": "Lien",
        "author": "Auteur (nom et compte)",
        "wording": "Termes menaçants ou punissables",
        "text": "Texte complet du commentaire",
        "history": "Étapes antérieures contre cet auteur chez {organisation} : {count}.",
        "close": "Le dossier de preuves complet (PDF, JSON et empreintes SHA-256) est joint ou disponible sur demande.",
    },
    "en": {
        "police": "Statement for the police",
        "lawyer": "Summary of the facts",
        "facts": "Facts",
        "facts_text": "On {platform}, the account {author} posted under a post by {organisation} a comment that we "
        "assess as {labels} (severity {severity} of 4).",
        "time": "Time",
        "link": "Link",
        "author": "Author (name and account)",
        "wording": "Threatening or punishable wording",
        "text": "Full text of the comment",
        "history": "Earlier steps against this author at {organisation}: {count}.",
        "close": "The full evidence pack (PDF, JSON and SHA-256 hashes) is enclosed or available on request.",
    },
    "de": {
        "police": "Erklärung für die Polizei",
        "lawyer": "Darstellung des Sachverhalts",
        "facts": "Sachverhalt",
        "facts_text": "Auf {platform} veröffentlichte das Konto {author} unter einem Beitrag von {organisation} einen "
        "Kommentar, den wir als {labels} einstufen (Schweregrad {severity} von 4).",
        "time": "Zeitpunkt",
        "link": "Link",
        "author": "Verfasser (Name und Konto)",
        "wording": "Drohende oder strafbare Formulierungen",
        "text": "Vollständiger Text des Kommentars",
        "history": "Frühere Schritte gegen diesen Verfasser bei {organisation}: {count}.",
        "close": "Die vollständige Beweismappe (PDF, JSON und SHA-256-Prüfsummen) liegt bei oder ist auf Anfrage "
        "erhältlich.",
    },
}

#: Evidence of these labels is what a statement quotes as the threatening or punishable wording.
_WORDING_LABELS = frozenset({"threat", "hate", "doxxing", "sexual", "defamation"})


def _author(c: Mapping[str, Any]) -> str:
    author = c.get("author") or {}
    if not author:
        return "?"
    name, handle = author.get("name") or "", author.get("external_id") or ""
    return f"{name} ({handle})" if name and name != handle else handle or name


def statement(pack: Mapping[str, Any], purpose: str, language: str) -> str:
    """The paste-ready text for `purpose` in `language`, filled from a pack's data (the evidence.json document).

    Unia's online form asks what happened, where, when, who was targeted and the text; a police statement
    gives the facts, the time, the link, the author's account and the threatening wording."""
    out: list[str] = []
    organisation = pack.get("organisation") or "?"
    comments: Sequence[Mapping[str, Any]] = pack["comments"]
    if purpose == "unia":
        t = _UNIA[language]
        out += [t["title"], "=" * len(t["title"]), ""]
        for c in comments:
            verdict = c.get("verdict") or {}
            fill = {
                "platform": c["platform_name"],
                "organisation": c.get("organisation") or organisation,
                "labels": label_words(verdict.get("labels", []), language),
                "because": because(verdict.get("target"), language),
            }
            if len(comments) > 1:
                out += [f"{word('comment', language)} #{c['id']}", ""]
            out += [t["what"], t["what_text"].format(**fill), ""]
            out += [t["where"], f"{c['platform_name']}: {c.get('url') or word('no_link', language)}", ""]
            out += [t["when"], f"{c['posted_local']} (Europe/Brussels)", ""]
            out += [t["who"], t["who_text"].format(**fill), ""]
            out += [t["text"], f"“{c['text']}”", ""]
            out += [f"{t['author']} {_author(c)}", ""]
        out.append(t["close"].format(organisation=organisation))
    else:
        t = _STATEMENT[language]
        out += [t[purpose], "=" * len(t[purpose]), ""]
        for c in comments:
            verdict = c.get("verdict") or {}
            if len(comments) > 1:
                out += [f"{word('comment', language)} #{c['id']}", ""]
            fill = {
                "platform": c["platform_name"],
                "author": _author(c),
                "organisation": c.get("organisation") or organisation,
                "labels": label_words(verdict.get("labels", []), language),
                "severity": verdict.get("severity", 0),
            }
            out += [t["facts"], t["facts_text"].format(**fill), ""]
            out += [t["time"], f"{c['posted_local']} (Europe/Brussels)", ""]
            out += [t["link"], c.get("url") or word("no_link", language), ""]
            out += [t["author"], _author(c), ""]
            wording = [
                e.get("text", "")
                for e in verdict.get("evidence", [])
                if e.get("label") in _WORDING_LABELS and e.get("text")
            ]
            if wording:
                out += [t["wording"], *(f"- “{w}”" for w in dict.fromkeys(wording)), ""]
            out += [t["text"], f"“{c['text']}”", ""]
            history = c.get("author_history") or {}
            if history:
                out += [t["history"].format(organisation=fill["organisation"], count=history.get("strikes", 0)), ""]
        out.append(t["close"])
    return "\n".join(out).rstrip() + "\n"
