"""Text cleaning shared by training and prediction.

Links become "http://url" and handles "@user" (whatever masking a source used),
HTML entities are unescaped and whitespace collapsed, so the model never sees
at prediction time a raw handle or link it was not trained on.
"""

from __future__ import annotations

import html
import re

URL_TOKEN = "http://url"
USER_TOKEN = "@user"


# A tag ends at the first ">" before any other "<": "[^>]*" made each "<a" of a long
# "<a <a <a ..." scan to the end of the text (quadratic time).
_HTML_TAG = re.compile(
    r"</?(?:a|b|i|u|em|strong|span|br|p|div|font|img|script|noscript|iframe)\b[^<>]*>", re.IGNORECASE
)
# "https?:" without slashes too: crisislex tweets were cut mid-link ("http:…")
_URL = re.compile(r"(?:https?:|www\.)\S*|\bpic\.twitter\.com/\S+|\[url\]|(?<![\w@])@url\b", re.IGNORECASE)
# Upper case only: OLID masks links as a bare "URL", while "url" in prose is a word.
_URL_WORD = re.compile(r"\bURL\b")
_MENTION = re.compile(r"\[user\]|(?<![\w@])@\w+", re.IGNORECASE)
_RETWEET = re.compile(r"(?<!\w)RT\s+@user\b\s*:?\s*", re.IGNORECASE)
_INVISIBLE = re.compile("[\ufeff\u200b]")
_SPACE = re.compile(r"\s+")


def clean_text(text: str) -> str:
    """Normalise a comment the way the training data is normalised.

    HTML entities are unescaped, retweet markers dropped, links become
    "http://url" and user handles "@user" (whatever masking the source used), and
    whitespace is collapsed. Apply the same function before predicting, so that
    the model never sees a raw handle or link it was not trained on.
    """
    for _ in range(2):  # a few sources escaped twice ("&amp;#8220;")
        unescaped = html.unescape(text)
        if unescaped == text:
            break
        text = unescaped
    text = _INVISIBLE.sub("", text)
    text = _HTML_TAG.sub(" ", text)
    text = _URL.sub(URL_TOKEN, text)
    text = _URL_WORD.sub(URL_TOKEN, text)
    text = _MENTION.sub(USER_TOKEN, text)
    text = _RETWEET.sub("", text)
    return _SPACE.sub(" ", text).strip()
