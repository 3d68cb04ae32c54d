"""Reading comments from CSV and JSONL files (or standard input).

A bad row never stops a batch: it comes out as a `RowError` with its line
number and what is wrong, and the caller reports it and goes on.
"""

from __future__ import annotations

import csv
import io
import json
import sys
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, Literal

from hierniet.bounds import check_language_hint, unreadable
from hierniet.domain import Comment

Format = Literal["csv", "jsonl"]
# Big enough for any real comment; csv's default 128 KiB limit would reject a
# pasted wall of text instead of letting triage cut it.
_CSV_FIELD_LIMIT = 10_000_000


class InputError(ValueError):
    """The input as a whole cannot be read (missing file, unknown format, no text column)."""


@dataclass(frozen=True, slots=True)
class RowError:
    line: int
    message: str


@dataclass(frozen=True, slots=True)
class Row:
    line: int
    comment: Comment


def detect_format(path: str, explicit: str | None, head: str) -> Format:
    if explicit:
        if explicit not in ("csv", "jsonl"):
            raise InputError(f"unknown format {explicit!r}: use csv or jsonl")
        return explicit  # type: ignore[return-value]
    suffix = Path(path).suffix.lower()
    if suffix == ".csv":
        return "csv"
    if suffix in (".jsonl", ".ndjson", ".json"):
        return "jsonl"
    return "jsonl" if head.lstrip().startswith("{") else "csv"


def open_input(path: str) -> IO[str]:
    if path == "-":
        # Read standard input whole so the format can be sniffed and lines counted like a file's.
        return io.StringIO(sys.stdin.buffer.read().decode("utf-8-sig", errors="replace"))
    p = Path(path)
    if not p.is_file():
        raise InputError(f"{path}: no such file")
    return p.open(encoding="utf-8-sig", errors="replace", newline="")


def _comment(record: dict[str, object], line: int, text_column: str, id_column: str) -> Row | RowError:
    if text_column not in record:
        return RowError(line, f"no {text_column!r} field (choose the text field with --text-column)")
    text = record[text_column]
    if not isinstance(text, str):
        return RowError(line, f"field {text_column!r} is {type(text).__name__}, not text")
    if not text.strip():
        return RowError(line, f"field {text_column!r} is empty")
    raw_id = record.get(id_column)
    comment_id = str(raw_id) if raw_id not in (None, "") else str(line)
    hint = record.get("lang") or record.get("language")
    platform = record.get("platform")
    author = record.get("author")
    post = record.get("post")
    # Checked here so one bad row is named and skipped: a lone surrogate can be neither triaged nor written out.
    fields = {text_column: text, id_column: comment_id, "lang": hint, "platform": platform, "author": author}
    for name, value in (fields | {"post": post}).items():
        problem = unreadable(value) if isinstance(value, str) else None
        if problem is not None:
            return RowError(line, f"field {name!r} {problem}")
    if isinstance(hint, str) and hint.strip():
        try:
            check_language_hint(hint)
        except ValueError as exc:
            return RowError(line, f"field 'lang': {exc}")
    return Row(
        line,
        Comment(
            id=comment_id,
            text=text,
            platform=str(platform) if platform else None,
            author=str(author) if author else None,
            post=str(post) if isinstance(post, str) else None,
            language_hint=str(hint) if isinstance(hint, str) and hint else None,
        ),
    )


def read_records(
    stream: IO[str], fmt: Format, *, text_column: str = "text"
) -> Iterator[tuple[int, dict[str, Any]] | RowError]:
    """(line number, raw record) per row, or a RowError for a row that cannot be read at all."""
    if fmt == "jsonl":
        for number, line in enumerate(stream, start=1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as exc:
                yield RowError(number, f"invalid JSON ({exc.msg} at column {exc.colno})")
                continue
            except ValueError as exc:  # a number of thousands of digits, which Python refuses to convert
                yield RowError(number, f"invalid JSON ({exc})")
                continue
            except RecursionError:
                yield RowError(number, "invalid JSON (nested too deeply to be a comment)")
                continue
            if not isinstance(record, dict):
                yield RowError(number, f"expected a JSON object, found {type(record).__name__}")
                continue
            yield number, record
        return
    csv.field_size_limit(_CSV_FIELD_LIMIT)
    lines = iter(stream)
    try:
        header = next(csv.reader([next(lines)], strict=True))
    except StopIteration:
        return
    except csv.Error as exc:
        raise InputError(f"cannot read the CSV header on line 1 ({exc}): fix its quotes") from None
    if text_column not in header:
        raise InputError(
            f"the CSV header has no {text_column!r} column (it has: {', '.join(header)}); choose one with --text-column"
        )
    yield from _csv_rows(lines, header, first_line=2)


def _csv_rows(
    lines: Iterator[str], header: list[str], *, first_line: int
) -> Iterator[tuple[int, dict[str, Any]] | RowError]:
    """The rows after the header, each with the line it starts on.

    Strict parsing: a quote that never closes would otherwise swallow every line after it into one field, and
    the rows after it vanished without a word. When a row's quotes break across several lines, that row is
    reported and the lines after its first are read again as rows of their own.
    """
    again: deque[str] = deque()  # lines to read again, before the rest of the input
    record: list[str] = []  # the lines of the row being parsed

    def feed() -> Iterator[str]:
        while True:
            line = again.popleft() if again else next(lines, None)
            if line is None:
                return
            record.append(line)
            yield line

    reader = csv.reader(feed(), strict=True)
    start = first_line
    while True:
        record.clear()
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            taken = list(record)
            if len(taken) > 1:
                yield RowError(
                    start,
                    f"unbalanced quote ({exc}): this row is skipped and the {len(taken) - 1} line(s) it took in "
                    'are read again as rows of their own; close the quote, or double a quote inside a field ("")',
                )
                again.extendleft(reversed(taken[1:]))
                start += 1
            else:
                yield RowError(start, f"unreadable CSV row ({exc})")
                start += len(taken)
            # A reader that met the end of the input stays ended: a fresh one reads the lines put back.
            reader = csv.reader(feed(), strict=True)
            continue
        line, start = start, start + len(record)
        if not row:
            continue
        if len(row) > len(header):
            yield RowError(line, "more fields than the header has (an unquoted comma?)")
            continue
        yield line, {name: (row[i] if i < len(row) else None) for i, name in enumerate(header)}


def read_rows(
    stream: IO[str], fmt: Format, *, text_column: str = "text", id_column: str = "id"
) -> Iterator[Row | RowError]:
    """Comments from a CSV or JSONL stream; bad rows come out as RowError and the rest goes on."""
    for item in read_records(stream, fmt, text_column=text_column):
        if isinstance(item, RowError):
            yield item
        else:
            yield _comment(item[1], item[0], text_column, id_column)
