"""The learned model: one logistic regression per head over embeddings and char n-grams of a masked clause.

Heads are the taxonomy's labels, except that hate and insult share one head, `hostility`: the model reads a
clause with group names masked, so it can tell hostility but not whom it is aimed at; the pipeline makes
hostility toward a protected group hate and hostility toward anyone else an insult.

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


#: The head that reads hostility (contempt, dehumanisation, exclusion, derogation) whatever its target.
HOSTILITY = "hostility"
#: Every head of the model, in column order.
HEADS: tuple[str, ...] = (
    Label.CRITICISM.value,
    HOSTILITY,
    Label.THREAT.value,
    Label.SEXUAL.value,
    Label.DOXXING.value,
    Label.PROVOCATION.value,
    Label.DEFAMATION.value,
    Label.SPAM.value,
    Label.SELF_HARM.value,
)


def head_target(head: str, labels: tuple[Label, ...] | frozenset[Label]) -> bool:
    """Whether an example with these labels is a positive of the head."""
    if head == HOSTILITY:
        return Label.HATE in labels or Label.INSULT in labels
    return Label(head) in labels


def shipped_model_dir() -> Path:
    return Path(__file__).resolve().parent / "model"


@dataclass
class TriageModel:
    version: str
    heads: tuple[str, ...]
    coef: np.ndarray  # (n_heads, 512 + N_HASH_FEATURES), float32
    intercept: np.ndarray  # (n_labels,)
    idf: np.ndarray  # (N_HASH_FEATURES,)
    thresholds: dict[Label, float]  # per verdict label, on the raw combined score (see pipeline.calibrate)
    meta: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def empty(cls) -> TriageModel:
        """A model that knows nothing: for reading text the way the model would (masking) before one exists."""
        return cls(
            "empty",
            HEADS,
            np.zeros((len(HEADS), 512 + N_HASH_FEATURES), np.float32),
            np.full(len(HEADS), -10.0, np.float32),
            np.ones(N_HASH_FEATURES, np.float32),
            {},
        )

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
                "heads": list(self.heads),
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
            if "heads" not in meta:
                raise KeyError("heads (a model made before triage v2)")
            heads = tuple(str(v) for v in meta["heads"])
            thresholds = {Label(k): float(v) for k, v in meta["thresholds"].items()}
        except (OSError, ValueError, KeyError) as exc:
            raise ModelError(
                f"the triage model in {folder} is unreadable ({exc}); rebuild it with `hierniet train`"
            ) from exc
        if coef.shape[0] != len(heads) or idf.shape[0] != N_HASH_FEATURES or HOSTILITY not in heads:
            raise ModelError(f"the triage model in {folder} does not match this version of hierniet; rebuild it")
        return cls(str(meta["version"]), heads, coef, intercept, idf, thresholds, meta)
