"""Crisis posts brought to one canonical form, so that reposts of the same message collapse.

In a crisis the same offer or request is reposted hundreds of times with small changes: a ``RT @user:`` or
``Repost:`` prefix, a different short link, the phone number written ``0471/12.34.56`` or ``+32 471 12 34 56``,
``Rue de la Gare 5`` or ``rue de la gare, 5``, another emoji or hashtag at the end. The canonical form drops what
carries no meaning (prefixes, link targets, mentions, emoji, punctuation, case and accents) and writes what does
(phone numbers, street abbreviations) one way, so exact reposts get the same key and edited ones stay close.

The canonical form is a key, never shown: cards show the posts as written.
"""

from __future__ import annotations

import re
import unicodedata

#: Repost markers at the start of a post, repeated (``RT @a: RT @b: ...``), in the four desk languages.
_PREFIX = re.compile(
    r"^(?:\s*(?:rt|mt|via|repost|reposted|retweet|partage|partagé|gedeeld|delen|doorsturen|teilen|geteilt|fwd?|tr)"
    r"\b(?:\s*(?:aub|a\.u\.b\.?|svp|s\.v\.p\.?|pls|please|bitte)\b)?\s*(?:@[\w.]+)?\s*[:>\-–—!]*\s*)+",
    re.IGNORECASE,
)
_URL = re.compile(r"(?:https?://|www\.)\S+|(?<![\w-])[\w-]+\.(?:be|com|org|net|eu|ly|co|gl|me)/\S*", re.IGNORECASE)
_MENTION = re.compile(r"(?<![\w@])@[\w.]+")
# A Belgian number in any usual writing: +32 / 0032 / 0, then 8 or 9 digits with spaces, dots, slashes or dashes.
# It starts with '+' or '0' so that the regex engine can skip to those characters instead of trying every one.
_PHONE = re.compile(r"(?<![\w+])(?:(?:\+|00)32[\s./-]*(?:\(0\)[\s./-]*)?|0)(?:\d[\s./-]?){7,8}\d(?!\d)")
_STREET_WORDS = {
    "str": "straat",
    "stwg": "steenweg",
    "stw": "steenweg",
    "ln": "laan",
    "av": "avenue",
    "ave": "avenue",
    "bd": "boulevard",
    "bld": "boulevard",
    "bvd": "boulevard",
    "ch": "chaussee",
    "chee": "chaussee",
    "pl": "place",
    "r": "rue",
}
_STREET = re.compile(r"\b(?:" + "|".join(sorted(_STREET_WORDS, key=len, reverse=True)) + r")\b")
# Dutch writes the street word glued to the name (Kerkstr. 12, Brusselsestwg 5).
_GLUED_STREET = re.compile(r"(?<=[a-z])(str|stwg|ln)\b")
_GLUED_WORDS = {"str": "straat", "stwg": "steenweg", "ln": "laan"}
_NON_WORD = re.compile(r"[\W_]+")
_COMBINING = re.compile(r"[\u0300-\u036f]+")
_SPACES = re.compile(r"\s+")


def _phone(match: re.Match[str]) -> str:
    digits = re.sub(r"\D", "", match.group())
    if digits.startswith("0032"):
        digits = digits[4:]
    elif match.group().startswith("+"):
        digits = digits[2:]
    digits = digits.lstrip("0")
    return f" tel{digits} "


def fold(text: str) -> str:
    """Lower case without accents (Liège -> liege), the form names and keys are compared in."""
    lowered = text.lower()
    if lowered.isascii():
        return lowered
    # NFKD splits a letter from its accent, which the regex then drops (both in C: a million posts pass here).
    folded = _COMBINING.sub("", unicodedata.normalize("NFKD", lowered))
    if "ß" in folded or "œ" in folded or "æ" in folded:
        folded = folded.replace("ß", "ss").replace("œ", "oe").replace("æ", "ae")
    return folded


def unprefixed(text: str) -> str:
    """The post without its repost markers (``RT @x: Wij hebben plaats...`` -> ``Wij hebben plaats...``).

    What the reader reads: a repost says what the original says (an offer retweeted is that offer, counted once
    when its card collapses), while the marker itself is what tweets of news and chatter carry most in the
    training data, so left in it pulls a retweeted offer or request towards information. A post that is only a
    marker stays as written.
    """
    stripped = _PREFIX.sub("", text, count=1)
    return stripped if stripped.strip() else text


def canonical(text: str) -> str:
    """The key a post is collapsed on: words only, one way of writing each phone number and street word."""
    text = _PREFIX.sub("", text)
    # Each costly pattern only runs where its first character is there at all (a million posts go through this).
    if "/" in text or "www" in text:
        text = _URL.sub(" ", text)
    if "@" in text:
        text = _MENTION.sub(" ", text)
    if "0" in text or "+" in text:
        text = _PHONE.sub(_phone, text)
    text = _NON_WORD.sub(" ", fold(text))
    text = _STREET.sub(_street, text)
    if "str" in text or "stwg" in text or "ln" in text:
        text = _GLUED_STREET.sub(_glued, text)
    return text.strip()


def _street(match: re.Match[str]) -> str:
    return _STREET_WORDS[match.group()]


def _glued(match: re.Match[str]) -> str:
    return _GLUED_WORDS[match.group()]


def display(text: str) -> str:
    """The post as written, with runs of white space made one (for the variants a card lists)."""
    return _SPACES.sub(" ", text).strip()
