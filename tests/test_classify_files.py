"""`hierniet classify` on the files people really have (issue 12, item 12): what Excel writes in Belgium
(semicolons, a BOM, Windows-1252, UTF-16 "Unicode text"), a workbook or other binary given by mistake, an
empty file, `--format csv` for spreadsheets, and error lines that a narrow terminal does not cut.

Triage is the fixed FakeTriage of tests/store/dbfixtures.py: these tests are about reading and writing files.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from hierniet import cli
from hierniet.connectors.files import open_text, read_rows
from store.dbfixtures import FakeTriage

runner = CliRunner()


@pytest.fixture(autouse=True)
def fake_triage(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cli, "_load_triage", FakeTriage)


def _classify(*args: str, input: str | bytes | None = None):  # type: ignore[no-untyped-def]
    return runner.invoke(cli.app, ["classify", *args], input=input)


def _verdicts(output: str) -> list[dict[str, object]]:
    return [json.loads(line) for line in output.splitlines() if line.startswith("{")]


# --- the delimiter ---------------------------------------------------------------------------------------


def test_a_semicolon_csv_as_excel_writes_it_in_belgium(tmp_path: Path) -> None:
    # Excel (nl-BE) "CSV UTF-8": a BOM, semicolons, CRLF, and commas inside the texts.
    source = tmp_path / "excel.csv"
    source.write_bytes("\ufeffid;text\r\nc1;insult: jij idioot, echt\r\nc2;Hoe laat, ongeveer?\r\n".encode())
    result = _classify(str(source))
    assert result.exit_code == 0, result.output
    rows = _verdicts(result.stdout)
    assert [r["id"] for r in rows] == ["c1", "c2"]
    assert rows[0]["labels"] == ["insult"] and rows[1]["labels"] == ["ok"]
    assert "2 verdicts written" in result.output


def test_the_header_decides_when_the_texts_mislead_the_sniffer(tmp_path: Path) -> None:
    source = tmp_path / "commas.csv"
    source.write_text('id,text\n1,"a; b; c; d"\n2,"e; f; g; h"\n3,"insult: i; j; k"\n', encoding="utf-8")
    result = _classify(str(source))
    assert result.exit_code == 0, result.output
    assert [r["id"] for r in _verdicts(result.stdout)] == ["1", "2", "3"]


def test_a_tab_separated_utf16_file_as_excels_unicode_text(tmp_path: Path) -> None:
    source = tmp_path / "unicode.txt"
    source.write_bytes("id\ttext\r\nx1\tinsult: café idioot\r\n".encode("utf-16"))
    result = _classify(str(source), "--input-format", "csv")
    assert result.exit_code == 0, result.output
    assert _verdicts(result.stdout)[0]["id"] == "x1"


def test_a_wrong_column_names_the_columns_found_with_the_sniffed_delimiter() -> None:
    bad = _classify("-", "--input-format", "csv", "--text-column", "body", input="id;text\n1;hi\n")
    assert bad.exit_code == 2
    assert "no 'body' column (it has: id, text)" in bad.output


def test_an_unquoted_semicolon_is_named_as_such() -> None:
    rows = list(read_rows(io.StringIO("id;text\n1;a;b\n2;fine\n", newline=""), "csv"))
    assert "unquoted semicolon" in getattr(rows[0], "message", "")
    assert getattr(rows[1], "comment", None) is not None


# --- encodings and binary files ----------------------------------------------------------------------------


def test_windows_1252_is_read_with_a_clear_note(tmp_path: Path) -> None:
    # Excel's plain "CSV (gescheiden door lijstscheidingsteken)" is Windows-1252, not UTF-8.
    source = tmp_path / "ansi.csv"
    source.write_bytes("id;text\r\n1;Très mauvais café – €5\r\n".encode("cp1252"))
    result = _classify(str(source), "--format", "csv")
    assert result.exit_code == 0, result.output
    assert "not UTF-8" in result.output and "Windows-1252" in result.output and "CSV UTF-8" in result.output
    rows = list(csv.reader(io.StringIO(result.stdout.lstrip("\ufeff")), delimiter=";"))
    assert rows[1][1] == "Très mauvais café – €5"


def test_utf8_is_not_mistaken_for_windows_1252_when_a_character_straddles_the_head(tmp_path: Path) -> None:
    source = tmp_path / "long.csv"
    prefix = "id;text\n1;" + "a" * (64 * 1024 - len("id;text\n1;") - 1)
    source.write_bytes((prefix + "é\n").encode())  # the 'é' is cut in two by the 64 KiB head
    opened = open_text(str(source))
    with opened.stream:
        assert opened.note is None and opened.encoding == "utf-8-sig"


@pytest.mark.parametrize(
    ("content", "kind"),
    [
        (b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00\xff\xfe[Content_Types].xml", "ZIP archive"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(range(256)), "old Office file"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "PDF"),
        (b"id,text\n1,\x00\x01\x02\x9b\x1b[2J\x00", "NUL bytes"),
    ],
)
def test_a_binary_file_is_refused_in_words_without_its_bytes(tmp_path: Path, content: bytes, kind: str) -> None:
    source = tmp_path / "comments.csv"
    source.write_bytes(content)
    result = _classify(str(source))
    assert result.exit_code == 2
    assert "this is not a text file" in result.output and kind in result.output
    # Raw bytes (an escape sequence could clear the terminal) never reach the message.
    assert not any(ch in result.output for ch in "\x00\x01\x02\x1b\x9b\ufffd")
    assert "Content_Types" not in result.output
    piped = _classify("-", input=content)
    assert piped.exit_code == 2 and "standard input: this is not a text file" in piped.output


# --- empty input -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("content", "why"), [("", "empty"), ("id;text\r\n", "only a header"), ("\n\n", "empty")])
def test_an_empty_file_warns_and_fails(tmp_path: Path, content: str, why: str) -> None:
    source = tmp_path / "empty.csv"
    source.write_text(content, encoding="utf-8")
    result = _classify(str(source))
    assert result.exit_code == 1, result.output
    assert "warning: no comments classified" in result.output and why in result.output
    assert "0 verdicts written" not in result.output


def test_a_file_whose_every_row_is_skipped_fails(tmp_path: Path) -> None:
    source = tmp_path / "bad.jsonl"
    source.write_text("not json\n{}\n", encoding="utf-8")
    result = _classify(str(source))
    assert result.exit_code == 1 and "all 2 rows were skipped" in result.output


# --- --format csv --------------------------------------------------------------------------------------------


def test_format_csv_writes_what_belgian_excel_opens_in_columns(tmp_path: Path) -> None:
    source = tmp_path / "in.jsonl"
    source.write_text(
        json.dumps({"id": "a", "text": "insult: jij idioot"})
        + "\n"
        + json.dumps({"id": "b", "text": '=HYPERLINK("http://evil.example","klik")'})
        + "\n"
        + json.dumps({"id": "c", "text": 'twee\nregels; met "aanhalingstekens"'})
        + "\n",
        encoding="utf-8",
    )
    out = tmp_path / "verdicts.csv"
    result = _classify(str(source), "-o", str(out), "--policy", "default")  # the .csv name picks the format
    assert result.exit_code == 0, result.output
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf"), "no BOM: Excel would read the accents as Windows-1252"
    assert b"\r\n" in raw and b"\r\r\n" not in raw
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline=""), delimiter=";"))
    header, *data = rows
    assert header[:6] == ["id", "text", "language", "labels", "severity", "target"]
    assert header[-3:] == ["step", "reports", "reply"]
    by_id = {r[0]: dict(zip(header, r, strict=True)) for r in data}
    assert by_id["a"]["labels"] == "insult" and by_id["a"]["score insult"] == "0,9500"
    assert by_id["a"]["step"] != ""
    # A text that a spreadsheet would run as a formula is shown as text.
    assert by_id["b"]["text"].startswith("'=HYPERLINK(")
    assert by_id["c"]["text"] == 'twee\nregels; met "aanhalingstekens"'
    jsonl = _classify(str(source), "--format", "jsonl")
    assert len(_verdicts(jsonl.stdout)) == 3


def test_format_csv_to_stdout_and_an_unknown_format() -> None:
    result = _classify("-", "--format", "CSV", input='{"id": 1, "text": "hallo"}\n')
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("\ufeffid;text;")
    bad = _classify("-", "--format", "xlsx", input='{"id": 1, "text": "hallo"}\n')
    assert bad.exit_code == 2 and "unknown output format 'xlsx'" in bad.output


# --- error lines -------------------------------------------------------------------------------------------


def test_error_lines_are_not_wrapped_mid_message(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "40")
    source = tmp_path / "wide.csv"
    source.write_text("identifier_of_the_comment;body_of_the_comment\n1;hi\n", encoding="utf-8")
    result = _classify(str(source))
    assert result.exit_code == 2
    errors = [line for line in result.output.splitlines() if line.strip()]
    assert len(errors) == 1, result.output
    assert "(it has: identifier_of_the_comment, body_of_the_comment); choose one with --text-column" in errors[0]
    skipped = _classify("-", "--input-format", "csv", input="id;text\n1;a;b;c;d;e;f\n2;ok\n")
    assert any(
        "line 2: skipped: more fields than the header has (an unquoted semicolon?)" in line
        for line in skipped.output.splitlines()
    ), skipped.output
