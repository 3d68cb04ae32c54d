"""What every boundary (the API, webhooks, the desk's forms, the CLI's file readers) checks before anything
is stored or triaged: ids that fit the store's integers, dates it can convert, text it can store and read.

Each check names what is wrong and how to fix it, so the caller can reject one item and keep the rest
(house rule 8). Pure: imports nothing from the rest of hierniet.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Annotated

from annotated_types import Interval

#: The largest id the store can hold: SQLite's INTEGER and PostgreSQL's BIGINT are 8 bytes. A larger one
#: cannot name anything stored, and would overflow the database driver instead of simply matching nothing.
MAX_ID = 2**63 - 1

#: A row id in a path, a query or a body: 1 to MAX_ID.
Id = Annotated[int, Interval(ge=1, le=MAX_ID)]
#: A number of rows to skip (paging): 0 to MAX_ID.
Offset = Annotated[int, Interval(ge=0, le=MAX_ID)]

#: Comment dates outside these years are typing errors (no social network predates 1970), and the extreme
#: ones (year 1, year 9999) cannot even be converted to UTC.
EARLIEST_YEAR = 1970
LATEST_YEAR = 2999

# NUL: PostgreSQL refuses it in text. A lone UTF-16 surrogate (JSON's "\ud800" without its pair) is no
# character at all: it cannot be encoded as UTF-8, so neither stored, nor shown, nor tokenised.
_UNREADABLE = re.compile("[\x00\ud800-\udfff]")


def unreadable(text: str) -> str | None:
    """What makes `text` unstorable (a NUL byte, a lone surrogate), with its position; None when it is fine."""
    found = _UNREADABLE.search(text)
    if found is None:
        return None
    char = found.group()
    what = "a NUL character (\\u0000)" if char == "\x00" else f"a lone UTF-16 surrogate (\\u{ord(char):04x})"
    return (
        f"contains {what} at position {found.start()}, which cannot be stored: send valid UTF-8 text "
        "(drop the character, or send the surrogate pair it belongs to)"
    )


def check_text(text: str) -> str:
    """`text` unchanged, or ValueError saying what makes it unstorable (for pydantic validators)."""
    problem = unreadable(text)
    if problem is not None:
        raise ValueError(problem)
    return text


def readable(text: str) -> str:
    """`text` with each unreadable character replaced by U+FFFD (for code that must read anything it is given)."""
    return _UNREADABLE.sub("\ufffd", text)


def check_language_hint(value: str) -> str:
    """`value` unchanged when it reads as a language tag (nl, fr-BE, nl_BE, deu), else ValueError: triage
    refuses anything else for the whole batch it is in."""
    primary = value.strip().lower().replace("_", "-").split("-", 1)[0]
    if not (primary.isascii() and primary.isalpha() and 2 <= len(primary) <= 3):
        raise ValueError(
            f"{value[:20]!r} is not a language tag: write nl, fr, en or de (a locale such as nl-BE also works), "
            "or leave it out"
        )
    return value


def check_when(value: datetime) -> datetime:
    """`value` unchanged when it is a plausible date for a comment or a post, else ValueError."""
    try:
        year = value.astimezone(UTC).year
    except (OverflowError, ValueError):
        year = value.year
    if not EARLIEST_YEAR <= year <= LATEST_YEAR or not EARLIEST_YEAR <= value.year <= LATEST_YEAR:
        raise ValueError(
            f"the year {value.year} is out of range: write a date between {EARLIEST_YEAR} and {LATEST_YEAR} "
            "(ISO 8601 with a timezone, e.g. 2026-01-31T20:15:00+01:00)"
        )
    return value


def parse_id(text: str) -> int | None:
    """The id written in `text` (digits only), or None when it is not one the store could hold."""
    digits = text.strip()
    # Length first: int() of thousands of digits is slow, and refused by Python above 4,300.
    if not (digits.isascii() and digits.isdigit()) or len(digits) > len(str(MAX_ID)):
        return None
    value = int(digits)
    return value if 1 <= value <= MAX_ID else None
