"""Reading comments from CSV and JSONL files (or standard input).

A bad row never stops a batch: it comes out as a `RowError` with its line
number and what is wrong, and the caller reports it and goes on.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import io
import itertools
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


#: How much of a file is read to tell text from binary data and UTF-8 from Windows-1252.
_HEAD_BYTES = 64 * 1024
#: File signatures a community manager is likely to hand over by mistake, and what to do instead.
_BINARY_KINDS: tuple[tuple[bytes, str], ...] = (
    (b"PK\x03\x04", "a ZIP archive, such as an Excel .xlsx workbook"),
    (b"\xd0\xcf\x11\xe0", "an old Office file, such as an Excel .xls workbook"),
    (b"%PDF", "a PDF document"),
    (b"\x1f\x8b", "a gzip-compressed file"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
)
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")


@dataclass(frozen=True, slots=True)
class TextInput:
    """An opened input: its text stream, the encoding it was read in, and a note for the person, if any."""

    stream: IO[str]
    encoding: str
    note: str | None = None


def _binary_kind(head: bytes) -> str | None:
    """What kind of binary data `head` starts, or None for text."""
    if head.startswith(_UTF16_BOMS):
        return None
    for magic, kind in _BINARY_KINDS:
        if head.startswith(magic):
            return kind
    sample = head[:8192]
    if b"\x00" in sample:
        return "binary data (it holds NUL bytes)"
    controls = sum(1 for b in sample if b < 32 and b not in (9, 10, 12, 13))
    if sample and controls / len(sample) > 0.1:
        return "binary data (it holds control characters)"
    return None


def _encoding(head: bytes, complete: bool) -> tuple[str, str | None]:
    """The encoding to read a text with (and a note when it is not UTF-8), from its first bytes."""
    if head.startswith(_UTF16_BOMS):
        # Excel's "Unicode text" export: UTF-16 with a byte-order mark (and tabs between the fields).
        return "utf-16", None
    try:
        # final=False: the head may end inside a character that the rest of the file completes.
        codecs.getincrementaldecoder("utf-8")().decode(head, final=complete)
    except UnicodeDecodeError:
        return "cp1252", (
            "the file is not UTF-8: it is read as Windows-1252, what Excel writes for 'CSV (comma "
            "delimited)'; if accents look wrong, save it from Excel as 'CSV UTF-8' and run again"
        )
    return "utf-8-sig", None


def open_text(path: str) -> TextInput:
    """Open a CSV or JSONL input ('-' for standard input) as text, refusing binary files in words.

    UTF-8 (with or without the BOM Excel writes) is read as such; a file that is not UTF-8 is read as
    Windows-1252, which is what Excel in Belgium saves as plain "CSV", with a note saying so; UTF-16 with a
    BOM (Excel's "Unicode text") is read as UTF-16. Bytes that still cannot be decoded become U+FFFD,
    never an error halfway through a batch.
    """
    if path == "-":
        # Read standard input whole so the format can be sniffed and lines counted like a file's.
        data = sys.stdin.buffer.read()
        kind = _binary_kind(data[:_HEAD_BYTES])
        if kind:
            raise InputError(f"standard input: this is not a text file ({kind}); give comments as CSV or JSONL")
        encoding, note = _encoding(data[:_HEAD_BYTES], len(data) <= _HEAD_BYTES)
        return TextInput(io.StringIO(data.decode(encoding, errors="replace"), newline=""), encoding, note)
    p = Path(path)
    if not p.is_file():
        raise InputError(f"{path}: no such file")
    try:
        with p.open("rb") as handle:
            head = handle.read(_HEAD_BYTES)
            complete = not handle.read(1)
    except OSError as exc:
        raise InputError(f"{path}: cannot read it ({exc.strerror})") from None
    kind = _binary_kind(head)
    if kind:
        raise InputError(
            f"{path}: this is not a text file ({kind}); give comments as CSV or JSONL "
            "(in Excel: File > Save as > CSV UTF-8)"
        )
    encoding, note = _encoding(head, complete)
    return TextInput(p.open(encoding=encoding, errors="replace", newline=""), encoding, note)


def open_input(path: str) -> IO[str]:
    return open_text(path).stream


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
    # Blank lines before the header (a file of blank lines is empty, not a CSV without a text column).
    skipped = 0
    for first in lines:
        if first.strip():
            break
        skipped += 1
    else:
        return
    sample = [first, *itertools.islice(lines, _SNIFF_LINES - 1)]
    delimiter = _delimiter(sample, text_column)
    try:
        header = next(csv.reader([sample[0]], strict=True, delimiter=delimiter))
    except StopIteration:
        return
    except csv.Error as exc:
        raise InputError(f"cannot read the CSV header on line {skipped + 1} ({exc}): fix its quotes") from None
    if text_column not in header:
        raise InputError(
            f"the CSV header has no {text_column!r} column (it has: {', '.join(_shown(h) for h in header)}); "
            "choose one with --text-column"
        )
    rows = itertools.chain(sample[1:], lines)
    yield from _csv_rows(rows, header, first_line=skipped + 2, delimiter=delimiter)


#: Lines (and at most this many characters of them) read to guess a CSV's delimiter.
_SNIFF_LINES = 20
_SNIFF_CHARS = 64 * 1024
#: The delimiters a CSV may use: ',' (most tools), ';' (Excel where the decimal sign is a comma, as in
#: Belgium) and a tab (Excel's "Unicode text"). Others are refused rather than guessed from letters.
DELIMITERS = (",", ";", "\t")
_DELIMITER_NAMES = {",": "comma", ";": "semicolon", "\t": "tab"}


def _delimiter(sample: list[str], text_column: str) -> str:
    """The delimiter of a CSV from its first lines: csv.Sniffer restricted to DELIMITERS, checked against
    the header (the text column must come out whole); ',' when nothing tells."""
    header_line = sample[0]
    if not any(d in header_line for d in DELIMITERS):
        return ","  # one column: nothing to tell, and the rows must not be cut at a guess
    guessed = ","
    # A bounded sample: the sniffer's regular expressions need not see a 10 MB field.
    with contextlib.suppress(csv.Error):
        guessed = csv.Sniffer().sniff("".join(sample)[:_SNIFF_CHARS], delimiters="".join(DELIMITERS)).delimiter
    # The sniffer can be misled by commas inside the texts: the header decides when it names the column.
    for candidate in (guessed, *DELIMITERS):
        try:
            header = next(csv.reader([header_line], delimiter=candidate))
        except (csv.Error, StopIteration):
            continue
        if text_column in header:
            return candidate
    return guessed


def _shown(name: str) -> str:
    """A header cell as an error message may print it: control characters escaped, never raw."""
    return name if name.isprintable() else ascii(name)


def _csv_rows(
    lines: Iterator[str], header: list[str], *, first_line: int, delimiter: str = ","
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

    reader = csv.reader(feed(), strict=True, delimiter=delimiter)
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
            reader = csv.reader(feed(), strict=True, delimiter=delimiter)
            continue
        line, start = start, start + len(record)
        if not row:
            continue
        if len(row) > len(header):
            mark = _DELIMITER_NAMES.get(delimiter, repr(delimiter))
            yield RowError(line, f"more fields than the header has (an unquoted {mark}?)")
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
