"""Dates and times as the desk shows and reads them: dd/mm/yyyy and a 24-hour clock in the desk's time zone
(Europe/Brussels by default), in every language.

Belgium writes 06/12/2026 whatever language it speaks; the locale's own short format would show an English
page as "12/6/26, 5:51 AM". The date filters are text fields rather than <input type=date>: a date field
shows whatever the browser's locale decides (mm/dd/yyyy in an en-US browser), whatever the page says.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, tzinfo

#: The day as the desk writes it, and the pattern of the filter fields (ISO days still read: old links).
DAY_FORMAT = "%d/%m/%Y"
TIME_FORMAT = "%H:%M"
#: Written for HTML's pattern attribute, which Chromium reads with the `v` flag: a "/" or "-" in a class needs
#: its backslash there.
DAY_PATTERN = r"\s*(\d{1,2}[\/.\-]\d{1,2}[\/.\-]\d{4}|\d{4}-\d{1,2}-\d{1,2})\s*"

_DMY = re.compile(r"(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})")
_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")


def when(value: datetime | None, zone: tzinfo = UTC) -> str:
    """06/12/2026 05:51: a moment in the desk's time zone."""
    if value is None:
        return ""
    if value.tzinfo is None:
        # The store keeps UTC; a naive value read back from SQLite is UTC too.
        value = value.replace(tzinfo=UTC)
    return value.astimezone(zone).strftime(f"{DAY_FORMAT} {TIME_FORMAT}")


def day(value: datetime | date | None, zone: tzinfo = UTC) -> str:
    """06/12/2026: the day of a moment in the desk's time zone (a date as it is)."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        value = value.astimezone(zone).date()
    return value.strftime(DAY_FORMAT)


def parse_day(text: str) -> date | None:
    """The day a person typed: 06/12/2026 (also 6/12/2026, 06-12-2026, 06.12.2026) or 2026-12-06.

    None when it is no day (the caller says so in the page's language).
    """
    text = text.strip()
    found = _DMY.fullmatch(text)
    try:
        if found:
            return date(int(found[3]), int(found[2]), int(found[1]))
        found = _ISO.fullmatch(text)
        if found:
            return date(int(found[1]), int(found[2]), int(found[3]))
    except ValueError:
        return None
    return None


def day_field(text: str) -> str:
    """What a date filter field shows: the day as the desk writes it, or what was typed when it is no day."""
    parsed = parse_day(text) if text else None
    return parsed.strftime(DAY_FORMAT) if parsed else text
