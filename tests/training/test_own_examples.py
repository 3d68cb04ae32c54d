"""The project's own labelled examples stay well-formed: they train the shipped model."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from hierniet.domain import Label, Target
from hierniet.training.own import examples_dir, load_own

PHENOMENA = frozenset(
    "direct implicit slur dehumanisation stereotype exclusion obfuscated counter_speech quote negation "
    "neutral_identity positive_identity reclaimed non_protected_target profane_complaint sarcastic_complaint "
    "caps_complaint question praise veiled_threat call_for_violence pii call_to_find scam care other "
    "boycott accusation_of_org death_wish banter reported_scam".split()
)
# Allowed severity range per label (docs/concepts.md, "Severity").
SEVERITY = {
    "ok": (0, 0),
    "criticism": (0, 0),
    "provocation": (1, 1),
    "spam": (1, 1),
    "insult": (1, 2),
    "sexual": (2, 3),
    "defamation": (2, 2),
    "hate": (2, 4),
    "threat": (3, 4),
    "doxxing": (3, 4),
    "self_harm": (3, 3),
}
FILES = sorted(examples_dir().glob("*.jsonl"))


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_examples_are_well_formed(path: Path) -> None:
    problems: list[str] = []
    ids: set[str] = set()
    texts: set[str] = set()
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        row = json.loads(line)
        where = f"{path.name}:{number}"
        if row["id"] in ids:
            problems.append(f"{where}: duplicate id")
        ids.add(row["id"])
        key = row["text"].strip().lower()
        if key in texts:
            problems.append(f"{where}: duplicate text")
        texts.add(key)
        labels = row["labels"]
        if not labels or not set(labels) <= {label.value for label in Label}:
            problems.append(f"{where}: labels {labels}")
            continue
        if "ok" in labels and len(labels) > 1:
            problems.append(f"{where}: ok combined with other labels")
        if row["phenomenon"] not in PHENOMENA:
            problems.append(f"{where}: phenomenon {row['phenomenon']}")
        if ("hate" in labels) != (row["target"] is not None):
            problems.append(f"{where}: a target goes with hate and only with hate")
        if row["target"] is not None and row["target"] not in {t.value for t in Target}:
            problems.append(f"{where}: target {row['target']}")
        low = max(SEVERITY[label][0] for label in labels)
        high = max(SEVERITY[label][1] for label in labels)
        if not low <= row["severity"] <= high:
            problems.append(f"{where}: severity {row['severity']} outside [{low}, {high}] for {labels}")
        if row["lang"] != path.stem:
            problems.append(f"{where}: lang {row['lang']} in {path.name}")
    assert not problems, "\n".join(problems[:20])


def test_every_language_and_label_is_covered() -> None:
    examples = load_own()
    by_language = Counter(e.lang for e in examples)
    assert {"nl", "fr", "en", "de"} <= set(by_language)
    for lang in ("nl", "fr", "en", "de"):
        labels = Counter(label for e in examples if e.lang == lang for label in e.labels)
        missing = [label.value for label in Label if labels[label] == 0]
        assert not missing, f"{lang} has no examples of {missing}"
    # Hard negatives (ok and criticism) must stay a large share: they teach the model not to over-flag.
    benign = sum(1 for e in examples if set(e.labels) <= {Label.OK, Label.CRITICISM})
    assert benign / len(examples) >= 0.3
