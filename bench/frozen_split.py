"""Report of the shipped triage engine on the frozen split (bench/frozen_split/*.jsonl).

    python bench/frozen_split.py [--lang nl] [--json]

The frozen split was written by hand before the triage v2 tuning and is never
tuned or trained on (see bench/frozen_split/README.md): read its figures, never
its individual errors, when changing rules or examples. This is a report, not
a test: it prints figures and exits 0 whatever they are.

Figures, per language and overall:
- per-label precision / recall / F1 and the abuse macro-F1 (hierniet.evaluation);
- binary hate macro-F1: positive = hate, or threat with a target (a threat
  against a protected group); the mean of the F1 of both classes;
- criticism recall and the criticism false-positive rate;
- accuracy per phenomenon: an item is right when the predicted abuse labels
  equal the gold ones (ok and criticism both count as "nothing to act on");
  beside it, the binary hate accuracy;
- harmless-sentence robustness: among the hateful items the engine catches
  (binary hate), the share no longer caught once a harmless sentence is put
  before or after the comment.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hierniet.domain import ABUSE_LABELS, Comment, Label, Verdict
from hierniet.evaluation import GoldRow, score

SPLIT_DIR = Path(__file__).resolve().parent / "frozen_split"
LANGS = ("nl", "fr", "en", "de")
BATCH = 128

# Sentences that change nothing about a comment's meaning. A hateful comment
# must stay hateful with one of them before (PREFIXES) or after (SUFFIXES) it;
# fixed here so every run perturbs the same way.
PREFIXES: dict[str, tuple[str, ...]] = {
    "nl": ("Laten we eerlijk zijn:", "Goeiemorgen iedereen."),
    "fr": ("Soyons honnêtes :", "Bonjour à tous."),
    "en": ("Let's be honest:", "Good morning everyone."),
    "de": ("Seien wir ehrlich:", "Guten Morgen zusammen."),
}
SUFFIXES: dict[str, tuple[str, ...]] = {
    "nl": ("Fijne dag nog.", "Stop met de leugens."),
    "fr": ("Bonne journée.", "Arrêtez de mentir."),
    "en": ("Have a nice day.", "Stop the lies."),
    "de": ("Schönen Tag noch.", "Hört auf mit den Lügen."),
}


@dataclass(frozen=True, slots=True)
class Item:
    gold: GoldRow
    target: str | None
    phenomenon: str


def load_items(langs: Sequence[str]) -> list[Item]:
    items: list[Item] = []
    for lang in langs:
        path = SPLIT_DIR / f"{lang}.jsonl"
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
                gold = GoldRow(
                    id=str(row["id"]),
                    text=str(row["text"]),
                    lang=str(row["lang"]),
                    labels=frozenset(Label(x) for x in row["labels"]),
                    platform=row.get("platform"),
                )
                items.append(Item(gold=gold, target=row.get("target"), phenomenon=str(row["phenomenon"])))
            except (ValueError, KeyError, TypeError) as exc:
                raise SystemExit(
                    f"{path}:{number}: {exc!r}; fix the line (tests/test_frozen_split.py checks the format)"
                ) from None
    return items


def classify(triage: Any, texts: Sequence[str], prefix: str) -> list[Verdict]:
    verdicts: list[Verdict] = []
    for start in range(0, len(texts), BATCH):
        chunk = texts[start : start + BATCH]
        comments = [Comment(id=f"{prefix}-{start + i}", text=text, language_hint=None) for i, text in enumerate(chunk)]
        verdicts.extend(triage.classify(comments))
    return verdicts


def is_hate_gold(item: Item) -> bool:
    return Label.HATE in item.gold.labels or (Label.THREAT in item.gold.labels and item.target is not None)


def is_hate_predicted(verdict: Verdict) -> bool:
    return Label.HATE in verdict.labels or (Label.THREAT in verdict.labels and verdict.target is not None)


def _f1(tp: int, fp: int, fn: int) -> float:
    return 2 * tp / (2 * tp + fp + fn) if tp + fp + fn else 0.0


def binary_hate(gold: Sequence[bool], predicted: Sequence[bool]) -> dict[str, float]:
    pairs = list(zip(gold, predicted, strict=True))
    tp = sum(1 for g, p in pairs if g and p)
    fp = sum(1 for g, p in pairs if not g and p)
    fn = sum(1 for g, p in pairs if g and not p)
    tn = len(pairs) - tp - fp - fn
    positive, negative = _f1(tp, fp, fn), _f1(tn, fn, fp)
    return {
        "macro_f1": round((positive + negative) / 2, 4),
        "hate_f1": round(positive, 4),
        "recall": round(tp / (tp + fn), 4) if tp + fn else 0.0,
        "false_positive_rate": round(fp / (fp + tn), 4) if fp + tn else 0.0,
        "support": tp + fn,
    }


def abuse_of(labels: frozenset[Label] | tuple[Label, ...]) -> frozenset[Label]:
    return frozenset(label for label in labels if label in ABUSE_LABELS)


def figures(items: Sequence[Item], verdicts: Sequence[Verdict]) -> dict[str, Any]:
    predicted = [frozenset(v.labels) for v in verdicts]
    report = score([i.gold for i in items], predicted)
    report["binary_hate"] = binary_hate([is_hate_gold(i) for i in items], [is_hate_predicted(v) for v in verdicts])
    critical = [(i, p) for i, p in zip(items, predicted, strict=True) if Label.CRITICISM in i.gold.labels]
    caught = sum(1 for _, p in critical if Label.CRITICISM in p)
    report["criticism_recall"] = round(caught / len(critical), 4) if critical else 0.0
    report["criticism_n"] = len(critical)
    by_phenomenon: dict[str, list[tuple[bool, bool]]] = defaultdict(list)
    for item, verdict in zip(items, verdicts, strict=True):
        right = abuse_of(item.gold.labels) == abuse_of(verdict.labels)
        hate_right = is_hate_gold(item) == is_hate_predicted(verdict)
        by_phenomenon[item.phenomenon].append((right, hate_right))
    report["phenomena"] = {
        name: {
            "n": len(results),
            "accuracy": round(sum(r for r, _ in results) / len(results), 4),
            "hate_accuracy": round(sum(h for _, h in results) / len(results), 4),
        }
        for name, results in sorted(by_phenomenon.items())
    }
    return report


def robustness(triage: Any, items: Sequence[Item], verdicts: Sequence[Verdict]) -> dict[str, Any]:
    """Share of caught hateful items lost when a harmless sentence is added, per position.

    Only shares are reported, never which items: the split is read as figures, not as errors to fix.
    """
    caught = [i for i, v in zip(items, verdicts, strict=True) if is_hate_gold(i) and is_hate_predicted(v)]
    texts: list[str] = []
    keys: list[tuple[int, str, str]] = []
    for n, item in enumerate(caught):
        lang = item.gold.lang
        for sentence in PREFIXES[lang]:
            texts.append(f"{sentence} {item.gold.text}")
            keys.append((n, "before", sentence))
        for sentence in SUFFIXES[lang]:
            texts.append(f"{item.gold.text} {sentence}")
            keys.append((n, "after", sentence))
    lost: dict[str, set[int]] = {"before": set(), "after": set()}
    # Every sentence is listed, also those that lose nothing.
    by_sentence: dict[str, set[int]] = {sentence: set() for _, _, sentence in keys}
    for (n, position, sentence), verdict in zip(keys, classify(triage, texts, "harmless"), strict=True):
        if not is_hate_predicted(verdict):
            lost[position].add(n)
            by_sentence[sentence].add(n)
    total = len(caught)

    def share(ids: set[int]) -> float:
        return round(len(ids) / total, 4) if total else 0.0

    return {
        "caught": total,
        "lost_before": share(lost["before"]),
        "lost_after": share(lost["after"]),
        "lost_any": share(lost["before"] | lost["after"]),
        "lost_by_sentence": {sentence: share(ids) for sentence, ids in by_sentence.items()},
    }


def run(langs: Sequence[str]) -> dict[str, Any]:
    from hierniet.settings import get_settings
    from hierniet.triage.pipeline import load_triage

    started = time.perf_counter()
    items = load_items(langs)
    triage = load_triage(get_settings().model_dir)  # HIERNIET_MODEL_DIR picks another model
    verdicts = classify(triage, [i.gold.text for i in items], "frz")
    report: dict[str, Any] = {"model": getattr(triage, "version", None), "n": len(items), "languages": {}}
    for lang in langs:
        idx = [n for n, i in enumerate(items) if i.gold.lang == lang]
        sub_items, sub_verdicts = [items[n] for n in idx], [verdicts[n] for n in idx]
        lang_report = figures(sub_items, sub_verdicts)
        lang_report["harmless_sentence"] = robustness(triage, sub_items, sub_verdicts)
        report["languages"][lang] = lang_report
    overall = figures(items, verdicts)
    lost = [r["harmless_sentence"] for r in report["languages"].values()]
    caught = sum(r["caught"] for r in lost)
    overall["harmless_sentence"] = {
        "caught": caught,
        **{
            key: round(sum(r[key] * r["caught"] for r in lost) / caught, 4) if caught else 0.0
            for key in ("lost_before", "lost_after", "lost_any")
        },
    }
    report["overall"] = overall
    report["seconds"] = round(time.perf_counter() - started, 1)
    return report


def _print_block(title: str, r: dict[str, Any]) -> None:
    print(f"\n== {title}: {r['n']} comments")
    print(f"{'label':<12} {'prec':>6} {'recall':>6} {'F1':>6} {'support':>7}")
    for label, m in r["per_label"].items():
        if m["support"] or m["precision"]:
            print(f"{label:<12} {m['precision']:>6.2f} {m['recall']:>6.2f} {m['f1']:>6.2f} {m['support']:>7}")
    b = r["binary_hate"]
    h = r["harmless_sentence"]
    print(
        f"abuse macro-F1 {r['abuse_macro_f1']:.3f} | binary hate macro-F1 {b['macro_f1']:.3f} "
        f"(hate recall {b['recall']:.1%}, false positives {b['false_positive_rate']:.1%}) | "
        f"criticism recall {r['criticism_recall']:.1%} of {r['criticism_n']}, "
        f"criticism false-positive rate {r['criticism_fp_rate']:.1%} of {r['benign_n']}"
    )
    print(
        f"harmless sentence: of {h['caught']} caught hateful items, lost with one before {h['lost_before']:.1%}, "
        f"after {h['lost_after']:.1%}, either {h['lost_any']:.1%}"
    )
    if "lost_by_sentence" in h:
        print("  lost per sentence: " + "; ".join(f"{s!r} {v:.0%}" for s, v in h["lost_by_sentence"].items()))


def _print_phenomena(report: dict[str, Any], langs: Sequence[str]) -> None:
    names = sorted(report["overall"]["phenomena"])
    print("\n== accuracy per phenomenon (abuse labels equal / binary hate right)")
    print(f"{'phenomenon':<26} " + " ".join(f"{lang:>13}" for lang in (*langs, "all")))
    for name in names:
        cells = []
        for block in (*(report["languages"][lang] for lang in langs), report["overall"]):
            m = block["phenomena"].get(name)
            cells.append(f"{m['accuracy']:>4.0%} /{m['hate_accuracy']:>4.0%} ({m['n']:>2})" if m else " " * 13)
        print(f"{name:<26} " + " ".join(f"{c:>13}" for c in cells))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--lang", choices=LANGS, action="append", help="only this language (repeatable)")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args()
    langs: tuple[str, ...] = tuple(args.lang) if args.lang else LANGS
    report = run(langs)
    if args.json:
        json.dump(report, sys.stdout, indent=2, ensure_ascii=False)
        print()
        return
    print(f"frozen split, model {report['model']}, {report['n']} comments, {report['seconds']} s")
    for lang in langs:
        _print_block(lang, report["languages"][lang])
    _print_block("overall", report["overall"])
    _print_phenomena(report, langs)


if __name__ == "__main__":
    main()
