"""Suggested replies for the crisis board: channel a poster to the one place where help is registered, in the
poster's language. Pure: the crisis service fills in the crisis's links and sends the text through the outbox.

The registration link is a setting of the crisis (`registration_url`); a request is pointed at `request_url`
when the crisis has one, else at the same link, and always at 112 for danger to life.
"""

from __future__ import annotations

from collections.abc import Sequence

LANGUAGES = ("nl", "fr", "en", "de")

#: kind -> need (or "" for any) -> language -> template; {url} is the crisis's link.
_TEMPLATES: dict[str, dict[str, dict[str, str]]] = {
    "offer": {
        "shelter": {
            "nl": "Bied je opvang aan? Dank je! Registreer het hier, zo komt het bij wie het nodig heeft: {url}",
            "fr": "Vous proposez un hébergement ? Merci ! Inscrivez-le ici pour qu'il arrive à qui en a besoin : {url}",
            "en": "Offering shelter? Thank you! Register it here so it reaches someone who needs it: {url}",
            "de": "Sie bieten eine Unterkunft an? Danke! Tragen Sie sie hier ein, damit sie ankommt: {url}",
        },
        "transport": {
            "nl": "Bied je vervoer aan? Dank je! Registreer het hier, zo komt het bij wie het nodig heeft: {url}",
            "fr": "Vous proposez un transport ? Merci ! Inscrivez-le ici pour qu'il arrive à qui en a besoin : {url}",
            "en": "Offering a lift? Thank you! Register it here so it reaches someone who needs it: {url}",
            "de": "Sie bieten eine Fahrt an? Danke! Tragen Sie sie hier ein, damit sie ankommt: {url}",
        },
        "": {
            "nl": "Bied je hulp aan? Dank je! Registreer het hier, zo komt het bij wie het nodig heeft: {url}",
            "fr": "Vous proposez de l'aide ? Merci ! Inscrivez-la ici pour qu'elle arrive à qui en a besoin : {url}",
            "en": "Offering help? Thank you! Register it here so it reaches someone who needs it: {url}",
            "de": "Sie bieten Hilfe an? Danke! Tragen Sie sie hier ein, damit sie ankommt: {url}",
        },
    },
    "request": {
        "": {
            "nl": "We hebben je vraag gezien. Meld ze ook hier, zo vinden helpers je: {url} Levensgevaar? Bel 112.",
            "fr": "Nous avons vu votre demande. Inscrivez-la aussi ici pour que l'aide vous trouve : {url} "
            "Danger de mort ? Appelez le 112.",
            "en": "We have seen your request. Register it here too so helpers can find you: {url} "
            "Danger to life? Call 112.",
            "de": "Wir haben Ihre Anfrage gesehen. Tragen Sie sie auch hier ein, damit Helfer Sie finden: {url} "
            "Lebensgefahr? Rufen Sie 112 an.",
        },
    },
}


def reply_language(language: str, fallback: str = "nl") -> str:
    """The poster's language when the desk writes in it, else the crisis's own language."""
    return language if language in LANGUAGES else (fallback if fallback in LANGUAGES else "en")


def suggested_reply(kind: str, needs: Sequence[str], language: str, url: str) -> str | None:
    """The reply for a card of this kind, or None for information and other posts (nothing to channel)."""
    by_need = _TEMPLATES.get(kind)
    if by_need is None or not url:
        return None
    need = next((n for n in needs if n in by_need), "")
    return by_need[need][reply_language(language)].format(url=url)
