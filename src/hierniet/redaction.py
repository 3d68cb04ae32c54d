"""Secrets out of log lines: the values of secret-looking query parameters are replaced before a line is written.

Platforms put secrets in URLs: Meta's webhook handshake sends `hub.verify_token` in the query string (and
uvicorn's access log writes the whole path), the Graph API takes `appsecret_proof`, OAuth flows carry `code`
and `access_token`, and httpx logs every URL it calls. `install()` wraps the logging module's record factory,
so every record of every logger (uvicorn's, httpx's, ours) is cleaned when it is made, whatever handler or
format writes it later. It is called by `create_app` and the worker, never at import time.
"""

from __future__ import annotations

import logging
import re
from typing import Any
from urllib.parse import unquote

#: Parts of a parameter's name that mark its value as secret (compared lower-case, after percent-decoding).
SECRET_NAME_PARTS = ("token", "secret", "password", "passwd", "proof", "signature", "key", "code", "session")
#: What a secret value is replaced with.
REDACTED = "[redacted]"

# name=value after ? or & (or ;), the value up to the next separator, quote or whitespace.
_PAIR = re.compile(r"(?P<lead>[?&;])(?P<name>[^=&;#\s\"'?]+)=(?P<value>[^&;#\s\"']*)")


def is_secret_name(name: str) -> bool:
    """Whether a query parameter called `name` may carry a secret (hub.verify_token, access_token, ...)."""
    lowered = unquote(name).lower()
    return any(part in lowered for part in SECRET_NAME_PARTS)


def redact(text: str) -> str:
    """`text` with the value of every secret-looking query parameter replaced by REDACTED."""
    if "=" not in text:
        return text

    def one(match: re.Match[str]) -> str:
        if not match["value"] or not is_secret_name(match["name"]):
            return match[0]
        return f"{match['lead']}{match['name']}={REDACTED}"

    return _PAIR.sub(one, text)


def _clean(value: Any) -> Any:
    # Numbers stay numbers (a %d in the format needs them); anything else whose text names a secret
    # (a str, httpx.URL) becomes its redacted text.
    if value is None or isinstance(value, bool | int | float):
        return value
    try:
        text = value if isinstance(value, str) else str(value)
    except Exception:  # an object that cannot say itself: logging will report that, not us
        return value
    cleaned = redact(text)
    return value if cleaned == text else cleaned


def clean_record(record: logging.LogRecord) -> None:
    """Redact a record's message and arguments in place.

    The arguments are cleaned one by one first, keeping their shape: uvicorn's access formatter unpacks them
    (client, method, path, version, status). Only when a secret still shows in the formatted line (a name in
    the format string, its value in an argument) is the record replaced by its redacted, formatted text.
    """
    if record.args:
        if isinstance(record.args, tuple):
            record.args = tuple(_clean(a) for a in record.args)
        elif isinstance(record.args, dict):
            record.args = {k: _clean(v) for k, v in record.args.items()}
        try:
            line = record.getMessage()
        except Exception:  # a logging call whose arguments do not fit its format: logging reports it itself
            return
        cleaned = redact(line)
        if cleaned != line:
            record.msg, record.args = cleaned, ()
    elif isinstance(record.msg, str):
        record.msg = redact(record.msg)


class _RedactingFactory:
    """The record factory `install` sets: the one it replaced, then `clean_record`."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner

    def __call__(self, *args: Any, **kwargs: Any) -> logging.LogRecord:
        record: logging.LogRecord = self.inner(*args, **kwargs)
        clean_record(record)
        return record


def install() -> None:
    """Clean every log record of this process from now on; calling it again changes nothing."""
    current = logging.getLogRecordFactory()
    if not isinstance(current, _RedactingFactory):
        logging.setLogRecordFactory(_RedactingFactory(current))
