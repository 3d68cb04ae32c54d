"""The frozen split's files are well formed (bench/frozen_split/).

Only the format is checked here, never the engine's scores: the split is a
yardstick read by bench/frozen_split.py, and a test that scored it would turn
it into something to tune on.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from hierniet.domain import Label, Target

SPLIT_DIR = Path(__file__).resolve().parents[1] / "bench" / "frozen_split"
FLOORS = {"nl": 220, "fr": 220, "en": 160, "de": 100}
PLATFORMS = {"facebook", "instagram", "x", "linkedin", "youtube", "tiktok", "telegram"}
FIELDS = {"id", "lang", "platform", "post", "text", "labels", "target", "severity", "phenomenon", "note"}


def _phenomena() -> dict[str, str]:
    groups: dict[str, str] = {}
    for line in (SPLIT_DIR / "phenomena.tsv").read_text(encoding="utf-8").splitlines():
        if line.startswith("#") or not line.strip():
            continue
        name, group, description = line.split("\t")
        assert group in {"hate", "not_hate", "threat", "criticism", "ok", "other"}, line
        assert description.strip(), f"phenomenon {name} needs a description"
        groups[name] = group
    return groups


def _rows(lang: str) -> list[dict[str, Any]]:
    rows = []
    for number, line in enumerate((SPLIT_DIR / f"{lang}.jsonl").read_text(encoding="utf-8").splitlines(), 1):
        try:
            rows.append(json.loads(line))
        except json.JSONDecodeError as exc:
            pytest.fail(f"{lang}.jsonl line {number} is not JSON: {exc}")
    return rows


@pytest.mark.parametrize("lang", sorted(FLOORS))
def test_rows_are_well_formed(lang: str) -> None:
    phenomena = _phenomena()
    rows = _rows(lang)
    assert len(rows) >= FLOORS[lang], f"{lang}: {len(rows)} rows, the floor is {FLOORS[lang]}"
    for number, row in enumerate(rows, 1):
        where = f"{lang}.jsonl line {number} ({row.get('id')})"
        assert set(row) == FIELDS, f"{where}: fields {sorted(set(row) ^ FIELDS)} differ"
        assert row["id"] == f"frz-{lang}-{number:04d}", where
        assert row["lang"] == lang, where
        assert row["platform"] in PLATFORMS, where
        assert row["post"] is None or (isinstance(row["post"], str) and row["post"].strip()), where
        assert isinstance(row["text"], str) and row["text"].strip() == row["text"] and row["text"], where
        labels = [Label(x) for x in row["labels"]]
        assert labels and len(set(labels)) == len(labels), where
        assert Label.OK not in labels or labels == [Label.OK], f"{where}: ok goes alone"
        assert (Label.HATE in labels) == (row["target"] is not None), f"{where}: a target exactly when hate"
        if row["target"] is not None:
            Target(row["target"])
        assert isinstance(row["severity"], int) and 0 <= row["severity"] <= 4, where
        benign = set(labels) <= {Label.OK, Label.CRITICISM}
        assert (row["severity"] == 0) == benign, f"{where}: severity 0 exactly when only ok or criticism"
        assert row["phenomenon"] in phenomena, f"{where}: unknown phenomenon {row['phenomenon']!r}"
        group = phenomena[row["phenomenon"]]
        if group == "hate":
            assert Label.HATE in labels, f"{where}: a hate phenomenon needs the hate label"
        elif group != "other":
            assert Label.HATE not in labels, f"{where}: only hate phenomena carry hate"
        if row["phenomenon"].startswith("hate_threat_"):
            assert Label.THREAT in labels, f"{where}: a threat against a group is threat and hate"
        assert isinstance(row["note"], str) and row["note"].strip(), where


@pytest.mark.parametrize("lang", sorted(FLOORS))
def test_every_phenomenon_is_covered_and_hard_negatives_are_half(lang: str) -> None:
    phenomena = _phenomena()
    counts = Counter(row["phenomenon"] for row in _rows(lang))
    missing = sorted(set(phenomena) - set(counts))
    assert not missing, f"{lang}: no items for {missing}"
    hateful = sum(n for name, n in counts.items() if phenomena[name] == "hate")
    negatives = sum(n for name, n in counts.items() if phenomena[name] == "not_hate")
    assert negatives >= hateful, f"{lang}: {negatives} hard negatives for {hateful} hateful items"


def test_ids_and_texts_are_unique() -> None:
    rows = [row for lang in FLOORS for row in _rows(lang)]
    ids = Counter(row["id"] for row in rows)
    texts = Counter(row["text"].casefold() for row in rows)
    assert not [i for i, n in ids.items() if n > 1]
    assert not [t for t, n in texts.items() if n > 1]
