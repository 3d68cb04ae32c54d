"""Scoring verdicts against hand labels (the devset format).

Pure functions: gold rows and predicted label sets in, figures out. The
criticism false-positive rate is the share of comments labelled only ok or
criticism that receive any abuse label: the number that says whether the
engine silences legitimate complaints. Where the gold rows carry the charter
step a moderator would take (`action`) and the caller passes the steps the
policy recommends, the step agreement is the share of those rows where both
agree: what a community manager sees on the desk.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from hierniet.domain import ABUSE_LABELS, ALL_LABELS, Label


@dataclass(frozen=True, slots=True)
class GoldRow:
    id: str
    text: str
    lang: str
    labels: frozenset[Label]
    platform: str | None = None
    action: str | None = None  # the gold charter step, where the file has one


def _prf(tp: int, fp: int, fn: int) -> dict[str, float]:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"precision": round(p, 4), "recall": round(r, 4), "f1": round(f, 4), "support": tp + fn}


def score(gold: Sequence[GoldRow], predicted: Sequence[frozenset[Label]]) -> dict[str, Any]:
    """Per-label precision/recall/F1, abuse macro-F1, criticism false-positive rate."""
    per_label: dict[str, dict[str, float]] = {}
    for label in ALL_LABELS:
        tp = sum(1 for g, p in zip(gold, predicted, strict=True) if label in g.labels and label in p)
        fp = sum(1 for g, p in zip(gold, predicted, strict=True) if label not in g.labels and label in p)
        fn = sum(1 for g, p in zip(gold, predicted, strict=True) if label in g.labels and label not in p)
        per_label[label.value] = _prf(tp, fp, fn)
    present = [label.value for label in ABUSE_LABELS if per_label[label.value]["support"] > 0]
    macro = sum(per_label[name]["f1"] for name in present) / len(present) if present else 0.0
    benign = [(g, p) for g, p in zip(gold, predicted, strict=True) if g.labels <= {Label.OK, Label.CRITICISM}]
    flagged = sum(1 for _, p in benign if p & set(ABUSE_LABELS))
    exact = sum(1 for g, p in zip(gold, predicted, strict=True) if g.labels == p)
    return {
        "n": len(gold),
        "per_label": per_label,
        "abuse_macro_f1": round(macro, 4),
        "abuse_labels_scored": present,
        "criticism_fp_rate": round(flagged / len(benign), 4) if benign else 0.0,
        "benign_n": len(benign),
        "exact_match": round(exact / len(gold), 4) if gold else 0.0,
    }


def confusions(gold: Sequence[GoldRow], predicted: Sequence[frozenset[Label]], top: int = 15) -> list[dict[str, Any]]:
    """The most frequent (gold label -> predicted label) mistakes, 'ok' standing for 'nothing'."""
    counter: Counter[tuple[str, str]] = Counter()
    for g, p in zip(gold, predicted, strict=True):
        missed = g.labels - p
        extra = p - g.labels
        for m in missed:
            for e in extra or {Label.OK}:
                counter[(m.value, e.value)] += 1
        if not missed:
            for e in extra:
                counter[("(none)", e.value)] += 1
    return [{"gold": a, "predicted": b, "count": n} for (a, b), n in counter.most_common(top)]


def step_agreement(gold: Sequence[GoldRow], steps: Sequence[str]) -> dict[str, Any]:
    """Share of rows with a gold step whose recommended step is the same, and the commonest disagreements."""
    pairs = [(g.action, s) for g, s in zip(gold, steps, strict=True) if g.action]
    if not pairs:
        return {"n": 0, "agreement": None, "confusions": []}
    agree = sum(1 for a, s in pairs if a == s)
    counter: Counter[tuple[str, str]] = Counter((a, s) for a, s in pairs if a != s)
    return {
        "n": len(pairs),
        "agreement": round(agree / len(pairs), 4),
        "confusions": [{"gold": a, "recommended": s, "count": n} for (a, s), n in counter.most_common(10)],
    }


def evaluate(
    gold: Sequence[GoldRow], predicted: Sequence[frozenset[Label]], steps: Sequence[str] | None = None
) -> dict[str, Any]:
    overall = score(gold, predicted)
    if steps is not None:
        overall["steps"] = step_agreement(gold, steps)
    by_language: dict[str, Any] = {}
    for lang in sorted({g.lang for g in gold}):
        idx = [i for i, g in enumerate(gold) if g.lang == lang]
        sub = score([gold[i] for i in idx], [predicted[i] for i in idx])
        by_language[lang] = {
            "n": sub["n"],
            "abuse_macro_f1": sub["abuse_macro_f1"],
            "criticism_fp_rate": sub["criticism_fp_rate"],
            "exact_match": sub["exact_match"],
        }
    overall["by_language"] = by_language
    overall["confusions"] = confusions(gold, predicted)
    return overall
