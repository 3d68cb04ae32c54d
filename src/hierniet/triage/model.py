"""The learned model: one logistic regression per label over embeddings and char n-grams.

Saved as two files in a model folder: `weights.npz` (coefficients, intercepts,
idf) and `model.json` (version, labels, thresholds, the data sets it was trained
on with their licences, measured figures). The shipped model lives in
`hierniet/triage/model/` inside the package; `hierniet train` rebuilds it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from scipy import sparse

from hierniet.domain import Label
from hierniet.triage.features import N_HASH_FEATURES, combine, tfidf


class ModelError(RuntimeError):
    """The model folder is missing or unreadable; the message says how to fix it."""


def shipped_model_dir() -> Path:
    return Path(__file__).resolve().parent / "model"


@dataclass
class TriageModel:
    version: str
    labels: tuple[Label, ...]
    coef: np.ndarray  # (n_labels, 512 + N_HASH_FEATURES), float32
    intercept: np.ndarray  # (n_labels,)
    idf: np.ndarray  # (N_HASH_FEATURES,)
    thresholds: dict[Label, float]
    meta: dict[str, Any] = field(default_factory=dict)

    def predict_proba(self, embeddings: np.ndarray, char_counts: sparse.csr_matrix) -> np.ndarray:
        x = combine(embeddings, tfidf(char_counts, self.idf))
        logits = np.asarray(x @ self.coef.T) + self.intercept
        probabilities: np.ndarray = (1.0 / (1.0 + np.exp(-logits))).astype(np.float32)
        return probabilities

    def save(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        # float16 halves the package size; logistic-regression weights lose nothing that matters.
        np.savez_compressed(
            folder / "weights.npz",
            coef=self.coef.astype(np.float16),
            intercept=self.intercept.astype(np.float32),
            idf=self.idf.astype(np.float16),
        )
        meta = dict(self.meta)
        meta.update(
            {
                "version": self.version,
                "labels": [label.value for label in self.labels],
                "thresholds": {label.value: round(t, 4) for label, t in self.thresholds.items()},
                "n_hash_features": N_HASH_FEATURES,
            }
        )
        (folder / "model.json").write_text(json.dumps(meta, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")

    @classmethod
    def load(cls, folder: Path | None = None) -> TriageModel:
        folder = folder or shipped_model_dir()
        meta_path, weights_path = folder / "model.json", folder / "weights.npz"
        if not meta_path.is_file() or not weights_path.is_file():
            raise ModelError(
                f"no triage model in {folder} (model.json and weights.npz expected). "
                "Reinstall hierniet, or rebuild the model with `hierniet train --data PATH/TO/shared/data`."
            )
        try:
            meta = json.loads(meta_path.read_text(encoding="utf-8"))
            with np.load(weights_path) as w:
                coef = w["coef"].astype(np.float32)
                intercept = w["intercept"].astype(np.float32)
                idf = w["idf"].astype(np.float32)
            labels = tuple(Label(v) for v in meta["labels"])
            thresholds = {Label(k): float(v) for k, v in meta["thresholds"].items()}
        except (OSError, ValueError, KeyError) as exc:
            raise ModelError(
                f"the triage model in {folder} is unreadable ({exc}); rebuild it with `hierniet train`"
            ) from exc
        if coef.shape != (len(labels), idf.shape[0] + coef.shape[1] - idf.shape[0]) or idf.shape[0] != N_HASH_FEATURES:
            raise ModelError(f"the triage model in {folder} does not match this version of hierniet; rebuild it")
        return cls(str(meta["version"]), labels, coef, intercept, idf, thresholds, meta)
