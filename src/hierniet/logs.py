"""How `hierniet serve` and `hierniet worker` write their log: text for people, or one JSON object per line.

With HIERNIET_LOG_FORMAT=json each record is one line such as

    {"time": "2026-12-07T15:04:05.123Z", "level": "INFO", "logger": "hierniet.worker", "message": "...",
     "worker": "host:1a2b"}

(the record's `extra=` fields beside the four, an `exception` field with the traceback when there is one),
for a log shipper (Loki, Elasticsearch, journald's JSON) to index without parsing. Secrets are redacted as
in text logs (hierniet.redaction), the extra fields' text included. `configure` is called by the commands,
never at import time.
"""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime
from typing import Any

from hierniet import redaction

#: The attributes every LogRecord has; anything else on a record came from `extra=`.
_STANDARD = frozenset(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {"message", "asctime", "taskName"}
#: Extra fields left out: uvicorn's copy of its message with terminal colours.
_DROPPED = frozenset({"color_message"})


def _plain(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | float):
        return value
    if isinstance(value, str):
        return redaction.redact(value)
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    return redaction.redact(str(value))


class JsonFormatter(logging.Formatter):
    """One JSON object per record, on one line."""

    def format(self, record: logging.LogRecord) -> str:
        when = datetime.fromtimestamp(record.created, UTC)
        out: dict[str, Any] = {
            "time": when.strftime("%Y-%m-%dT%H:%M:%S.") + f"{when.microsecond // 1000:03d}Z",
            "level": record.levelname,
            "logger": record.name,
            "message": redaction.redact(record.getMessage()),
        }
        for name, value in vars(record).items():
            if name not in _STANDARD and name not in _DROPPED and not name.startswith("_") and name not in out:
                out[name] = _plain(value)
        if record.exc_info:
            out["exception"] = redaction.redact(self.formatException(record.exc_info))
        elif record.exc_text:
            out["exception"] = redaction.redact(record.exc_text)
        return json.dumps(out, ensure_ascii=False, default=str)


def configure(fmt: str, level: str = "INFO") -> None:
    """Set the root logger up for `fmt` (json: one object per line on stderr; text: a line for people)."""
    redaction.install()
    handler = logging.StreamHandler()
    if fmt == "json":
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level.upper())


def uvicorn_log_config(fmt: str, level: str = "info") -> dict[str, Any] | None:
    """uvicorn's `log_config` for `fmt`: None keeps uvicorn's own (text); json sends its access and error
    logs, and every other logger, through JsonFormatter."""
    if fmt != "json":
        return None
    handler = {"class": "logging.StreamHandler", "formatter": "json", "stream": "ext://sys.stderr"}
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": {"()": "hierniet.logs.JsonFormatter"}},
        "handlers": {"default": handler},
        "loggers": {
            "uvicorn": {"handlers": ["default"], "level": level.upper(), "propagate": False},
            "uvicorn.error": {"level": level.upper()},
            "uvicorn.access": {"handlers": ["default"], "level": level.upper(), "propagate": False},
        },
        "root": {"handlers": ["default"], "level": level.upper()},
    }
