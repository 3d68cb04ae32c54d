"""Verdicts as a CSV for spreadsheets (`hierniet classify --format csv`).

The file is made for Excel as community managers in Belgium run it, and opens right in LibreOffice too:

- **semicolon-separated**: Excel takes the list separator of the computer's regional settings, and in
  Belgium (nl-BE, fr-BE, de-BE) that is ';' because the decimal sign is ','. A comma-separated file opens
  there as one column; a semicolon-separated one opens in columns.
- **decimal comma** in the scores, for the same reason: "0,93" is a number to Belgian Excel, "0.93" is
  text (or a date).
- **UTF-8 with a byte-order mark**: without it Excel reads the file as Windows-1252 and breaks every accent.
- **CRLF line ends**, what Excel writes itself; a comment's own line breaks stay inside its quoted cell.
- **no formulas**: a cell that starts with = + - @ (or a tab or carriage return) gets a leading apostrophe,
  so a comment such as "=HYPERLINK(...)" is shown as text and never run (CSV formula injection).
"""

from __future__ import annotations

import csv
from typing import IO, Any

from hierniet.domain import Label

DELIMITER = ";"
BOM = "\ufeff"
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

#: The columns, in order; the recommendation's only with --policy.
COLUMNS = [
    "id",
    "text",
    "language",
    "labels",
    "severity",
    "target",
    *(f"score {label.value}" for label in Label),
    "personal data",
    "reasons",
    "model",
]
POLICY_COLUMNS = ["step", "reports", "reply"]


def safe_cell(value: str) -> str:
    """`value` as a spreadsheet shows it without evaluating it."""
    return "'" + value if value.startswith(_FORMULA_START) else value


def decimal_comma(value: float) -> str:
    return f"{value:.4f}".replace(".", ",")


class VerdictSheet:
    """Writes a header, then one row per verdict (the JSON record of Verdict.as_dict) to `out`."""

    def __init__(self, out: IO[str], *, with_policy: bool) -> None:
        self.out = out
        self.with_policy = with_policy
        self.writer = csv.writer(out, delimiter=DELIMITER, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
        out.write(BOM)
        self.writer.writerow(COLUMNS + (POLICY_COLUMNS if with_policy else []))

    def write(self, record: dict[str, Any], text: str) -> None:
        scores = record.get("scores", {})
        row = [
            str(record["id"]),
            text,
            record["language"],
            ", ".join(record["labels"]),
            str(record["severity"]),
            record.get("target") or "",
            *(decimal_comma(scores[label.value]) if label.value in scores else "" for label in Label),
            ", ".join(sorted({p["kind"] for p in record.get("pii", [])})),
            " | ".join(record.get("reasons", [])),
            record.get("model", ""),
        ]
        if self.with_policy:
            recommendation = record.get("recommendation") or {}
            row += [
                recommendation.get("step", ""),
                ", ".join(recommendation.get("reports", [])),
                recommendation.get("reply") or "",
            ]
        self.writer.writerow([safe_cell(str(cell)) for cell in row])
