"""Reading comments from CSV and JSONL files (or standard input).

A bad row never stops a batch: it comes out as a `RowError` with its line
number and what is wrong, and the caller reports it and goes on.
"""

from __future__ import annotations

import csv
import io
import json
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, Literal

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
            if not isinstance(record, dict):
                yield RowError(number, f"expected a JSON object, found {type(record).__name__}")
                continue
            yield number, record
        return
    csv.field_size_limit(_CSV_FIELD_LIMIT)
    reader = csv.DictReader(stream)
    if reader.fieldnames is None:
        return
    if text_column not in reader.fieldnames:
        raise InputError(
            f"the CSV header has no {text_column!r} column (it has: {', '.join(reader.fieldnames)}); "
            "choose one with --text-column"
        )
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            yield RowError(reader.line_num, f"unreadable CSV row ({exc})")
            continue
        if None in row:
            yield RowError(reader.line_num, "more fields than the header has (an unquoted comma?)")
            continue
        yield reader.line_num, dict(row)


def read_rows(
    stream: IO[str], fmt: Format, *, text_column: str = "text", id_column: str = "id"
) -> Iterator[Row | RowError]:
    """Comments from a CSV or JSONL stream; bad rows come out as RowError and the rest goes on."""
    for item in read_records(stream, fmt, text_column=text_column):
        if isinstance(item, RowError):
            yield item
        else:
            yield _comment(item[1], item[0], text_column, id_column)
