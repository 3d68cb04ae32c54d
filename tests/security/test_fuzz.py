"""Property tests of what reads untrusted text: `Triage.classify` and the CSV and JSONL readers
(hierniet.connectors.files). Whatever the text (lone surrogates, NUL, control and zero-width characters,
emoji, quotes and line breaks anywhere, deep or huge JSON), they raise nothing: triage gives one verdict
per comment, and a reader gives a row or a named RowError.

Bounded (a few dozen examples each, no example database) so that the file runs in well under a minute.
"""

from __future__ import annotations

import io
import json
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hierniet.connectors.files import Row, RowError, read_rows
from hierniet.domain import Comment, Label, Severity
from hierniet.triage.pipeline import Triage

BOUNDED = settings(max_examples=40, deadline=None, database=None, suppress_health_check=list(HealthCheck))

# Any character, plus the ones ordinary generators leave out or rarely pick: lone surrogates, NUL, the
# characters obfuscators use (zero-width, bidi controls, homoglyphs) and the ones CSV and JSON care about.
_SPECIAL = [
    "\x00",
    "\ud800",
    "\udfff",
    "\u200b",
    "\u202e",
    "\ufeff",
    "\ufffd",
    "а",
    "0",
    "@",
    '"',
    ",",
    "\n",
    "\r",
    "\\",
]
CHARS = st.one_of(st.characters(), st.characters(categories=["Cs"]), st.sampled_from(_SPECIAL))
TEXTS = st.one_of(
    st.text(CHARS, max_size=80),
    st.builds(lambda word, n: word * n, st.text(CHARS, min_size=1, max_size=5), st.integers(1, 600)),
)


@BOUNDED
@given(
    texts=st.lists(TEXTS, min_size=1, max_size=4),
    # Triage refuses a hint that is no language tag (the boundaries check it, see test_ingest_boundaries).
    hint=st.one_of(st.none(), st.sampled_from(["nl", "fr", "en", "de", "xx", "nl-BE", "fr_BE", "", " "])),
)
def test_triage_gives_one_verdict_per_comment_whatever_the_text(
    triage: Triage, texts: list[str], hint: str | None
) -> None:
    comments = [Comment(id=str(i), text=text, language_hint=hint) for i, text in enumerate(texts)]
    verdicts = triage.classify(comments)
    assert [v.comment_id for v in verdicts] == [c.id for c in comments]
    for verdict in verdicts:
        assert verdict.labels and all(isinstance(label, Label) for label in verdict.labels)
        assert isinstance(verdict.severity, Severity)
        for span in verdict.evidence:
            assert 0 <= span.start <= span.end


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(CHARS, max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(CHARS, max_size=8), inner, max_size=4),
    max_leaves=20,
)
RECORDS = st.fixed_dictionaries(
    {},
    optional={
        "id": st.one_of(st.text(CHARS, max_size=10), st.integers(), st.integers(10**18, 10**40)),
        "text": st.one_of(TEXTS, JSON_VALUES),
        "lang": JSON_VALUES,
        "platform": JSON_VALUES,
        "author": JSON_VALUES,
        "post": JSON_VALUES,
    },
)


def _lines(stream_text: str, fmt: str) -> list[Row | RowError]:
    return list(read_rows(io.StringIO(stream_text, newline=""), fmt))  # type: ignore[arg-type]


def _check(rows: list[Row | RowError]) -> None:
    for row in rows:
        assert isinstance(row, Row | RowError)
        if isinstance(row, Row):
            assert row.comment.text.strip()


@BOUNDED
@given(lines=st.lists(st.one_of(RECORDS.map(json.dumps), JSON_VALUES.map(json.dumps), st.text(CHARS)), max_size=6))
def test_the_jsonl_reader_names_every_bad_line(lines: list[str]) -> None:
    lines.append("[" * 5000 + "]" * 5000)  # nested past Python's recursion limit
    lines.append('{"id": ' + "9" * 5000 + ', "text": "x"}')  # a number Python refuses to convert
    content = "\n".join(lines) + "\n"
    rows = _lines(content, "jsonl")
    _check(rows)
    last = len(io.StringIO(content, newline="").readlines())  # generated text may hold line breaks of its own
    assert [r.line for r in rows[-2:] if isinstance(r, RowError)] == [last - 1, last]


@BOUNDED
@given(cells=st.lists(st.lists(st.text(CHARS, max_size=12), min_size=0, max_size=4), max_size=8))
def test_the_csv_reader_raises_nothing(cells: list[list[str]]) -> None:
    body = "\n".join(",".join(row) for row in cells)
    _check(_lines("id,text\n" + body + "\n", "csv"))


@BOUNDED
@given(cells=st.lists(st.tuples(st.text(st.characters(exclude_characters=',"\r\n'), max_size=10), TEXTS), max_size=8))
def test_a_csv_without_quotes_gives_a_row_or_an_error_per_line(cells: list[tuple[str, str]]) -> None:
    # Without quotes no row can take in the lines after it: each line comes out once, as a row or an error.
    lines = [f"{cid},{text.replace(chr(34), '').replace(chr(13), ' ').replace(chr(10), ' ')}" for cid, text in cells]
    rows = _lines("id,text\n" + "".join(line + "\n" for line in lines), "csv")
    _check(rows)
    assert [r.line for r in rows] == list(range(2, 2 + len(lines)))


def _quoted(value: Any) -> str:
    return '"' + str(value).replace('"', '""') + '"'


@BOUNDED
@given(
    rows=st.lists(st.tuples(st.text(CHARS, max_size=10), TEXTS), min_size=1, max_size=6),
    broken=st.integers(0, 5),
)
def test_one_unclosed_quote_costs_one_row(rows: list[tuple[str, str]], broken: int) -> None:
    broken %= len(rows)
    lines = []
    for n, (cid, text) in enumerate(rows):
        cell = _quoted(text)
        lines.append(f"{_quoted(cid)},{cell[:-1] if n == broken else cell}")
    result = _lines("id,text\n" + "\n".join(lines) + "\n", "csv")
    _check(result)
    errors = [r for r in result if isinstance(r, RowError)]
    assert errors, "an unclosed quote was not reported"
