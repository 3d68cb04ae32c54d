"""The project's own hand-written, hand-labelled comments (nl, fr, en, de).

They ship inside the package (training/examples/*.jsonl, CC0) so `hierniet
train` can rebuild the model anywhere. They are the only Dutch and German
training text, and the hard negatives (counter-speech, negation, neutral group
mentions, profane complaints) the public data sets lack. They were written
independently of the development set in ../shared/devset, which is never
trained on.
"""

from __future__ import annotations

import json
from pathlib import Path

from hierniet.domain import Label, Target
from hierniet.training.datasets import TrainingExample


class OwnDataError(ValueError):
    pass


def examples_dir() -> Path:
    return Path(__file__).resolve().parent / "examples"


def load_own(folder: Path | None = None) -> list[TrainingExample]:
    folder = folder or examples_dir()
    out: list[TrainingExample] = []
    for path in sorted(folder.glob("*.jsonl")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
                text = str(row["text"]).strip()
                if not text:
                    raise ValueError("empty text")
                out.append(
                    TrainingExample(
                        text=text,
                        lang=str(row.get("lang", path.stem)),
                        labels=tuple(Label(x) for x in row["labels"]),
                        target=Target(row["target"]) if row.get("target") else None,
                        source=f"own:{row.get('id', f'{path.stem}-{number}')}",
                    )
                )
            except (ValueError, KeyError, TypeError) as exc:
                raise OwnDataError(f"{path}:{number}: {exc}; fix the line (format: docs/model-card.md)") from exc
    return out
