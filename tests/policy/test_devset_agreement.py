"""The shipped policy against the hand-labelled Belgian devset: does its first step match the labellers'?

This feeds the devset's GOLD labels, severity and target (not the classifier's)
to `recommend` with an empty history, so it measures the policy alone. The
figure and every disagreement, grouped by kind, are printed (pytest -s shows them).
"""

from __future__ import annotations

import json
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from hierniet.domain import CharterStep, Label, Language, Severity, Target, Verdict
from hierniet.policy import default_policy, parse_platform, recommend

DEVSET = Path(__file__).resolve().parents[3] / "shared" / "devset" / "belgian_comments_dev.jsonl"
TARGET_AGREEMENT = 0.80
NOW = datetime(2026, 1, 1, tzinfo=UTC)


def _rows() -> list[dict[str, Any]]:
    if not DEVSET.exists():
        pytest.skip(f"devset not found at {DEVSET}: it lives in ../shared/devset beside the checkout")
    with DEVSET.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def _gold_verdict(row: dict[str, Any]) -> Verdict:
    labels = tuple(Label(x) for x in row["labels"])
    lang = row.get("lang") or "other"
    return Verdict(
        comment_id=str(row["id"]),
        language=Language(lang) if lang in Language.__members__.values() else Language.OTHER,
        language_confidence=1.0,
        labels=labels,
        scores={label: 1.0 for label in labels},
        severity=Severity(int(row["severity"])),
        target=Target(row["target"]) if row.get("target") else None,
        evidence=(),
        pii=(),
        model_version="gold",
    )


def test_default_policy_agrees_with_devset_actions() -> None:
    rows = _rows()
    policy = default_policy()
    disagreements: Counter[tuple[str, str, str, int]] = Counter()
    agree = 0
    for row in rows:
        rec = recommend(_gold_verdict(row), (), policy, parse_platform(row.get("platform")), now=NOW)
        gold = CharterStep(row["action"])
        if rec.step is gold:
            agree += 1
        else:
            kind = "+".join(row["labels"])
            disagreements[(gold.value, rec.step.value, kind, int(row["severity"]))] += 1
    rate = agree / len(rows)

    print(
        f"\npolicy {policy.version_tag}: first step agrees with the devset action "
        f"on {agree}/{len(rows)} = {rate:.1%}"
    )
    print("disagreements (devset action -> recommended | labels | severity): count")
    for (gold_step, ours, kind, sev), n in sorted(disagreements.items(), key=lambda kv: (-kv[1], kv[0])):
        print(f"  {gold_step:>11} -> {ours:<11} | {kind:<22} | sev {sev}: {n}")
    assert rate >= TARGET_AGREEMENT, f"agreement {rate:.1%} is below {TARGET_AGREEMENT:.0%}"
