"""Triage of large batches on every core: a pool of forked processes sharing the loaded engine.

Why processes: the analysis (normalisation, lexicons, patterns, clause rules) is pure Python and holds the
GIL, so one process triages on one core however many the machine has; only the sentence encoder's matrix
products use a second one. Forking after the engine is loaded shares its lexicons, indexes and weights
copy-on-write, so a worker costs little memory and no start-up time (no second load from disk).

Use it where a process triages batches and runs no threads of its own (the CLI's `classify` and `evaluate`,
bulk imports, benchmarks): forking a process that runs threads (a web server) can deadlock the child, so the
desk and the API keep triaging in-process. Where fork is not available (Windows, macOS' default), or for one
worker, or for a batch too small to be worth splitting, the pool triages in the calling process: the verdicts
are the same either way (tests/triage/test_parallel.py).
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Sequence
from multiprocessing.pool import Pool
from types import TracebackType

from hierniet.domain import Comment, Verdict
from hierniet.triage.pipeline import Triage

#: Below this many comments a batch is triaged in-process: sending it to the workers costs more than it saves.
MIN_PARALLEL_BATCH = 64

# The engine the forked workers use: set in the parent just before the pool forks, inherited by the children.
# A module global because that is what fork hands over without pickling the engine (hundreds of MB).
_engine: Triage | None = None


def _worker_init() -> None:
    # Each worker is one of N processes on N cores: BLAS threads inside each would only fight over them.
    from threadpoolctl import threadpool_limits

    threadpool_limits(1)


def _classify_chunk(comments: Sequence[Comment]) -> list[Verdict]:
    if _engine is None:  # pragma: no cover - only if the pool were started without fork
        raise RuntimeError("the triage worker was started without the engine; TriagePool forks after loading it")
    return _engine.classify(comments)


def default_workers() -> int:
    """The cores this process may use (the affinity mask where the system has one, as in containers)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not on Linux
        return max(1, os.cpu_count() or 1)


class TriagePool:
    """`classify` like Triage's, on `workers` processes. Close it (or use it as a context manager) when done."""

    def __init__(self, triage: Triage, workers: int | None = None) -> None:
        self.triage = triage
        wanted = default_workers() if workers is None else workers
        if wanted < 1:
            raise ValueError(f"workers must be at least 1 (got {wanted}); use 1 to triage in this process")
        self.workers = wanted if "fork" in multiprocessing.get_all_start_methods() else 1
        self._pool: Pool | None = None

    def start(self) -> None:
        """Fork the workers now (else on the first large batch): a caller about to start threads of its own
        (a progress bar's refresh) forks before them."""
        global _engine
        if self._pool is None and self.workers > 1:
            # Load everything lazy (the sentence encoder) before forking, so the children share it instead of
            # each loading its own; a stand-in engine without one (tests) has nothing to load.
            embedder = getattr(self.triage, "embedder", None)
            if embedder is not None:
                embedder.warm_up()
            _engine = self.triage
            # multiprocessing's Pool forks every worker in its constructor, before its own helper threads start.
            self._pool = multiprocessing.get_context("fork").Pool(self.workers, initializer=_worker_init)

    def classify(self, comments: Sequence[Comment]) -> list[Verdict]:
        if self.workers == 1 or len(comments) < MIN_PARALLEL_BATCH:
            return self.triage.classify(comments)
        size = -(-len(comments) // self.workers)
        chunks = [comments[i : i + size] for i in range(0, len(comments), size)]
        self.start()
        assert self._pool is not None
        verdicts: list[Verdict] = []
        for part in self._pool.map(_classify_chunk, chunks, chunksize=1):
            verdicts.extend(part)
        return verdicts

    def close(self) -> None:
        if self._pool is not None:
            self._pool.close()
            self._pool.join()
            self._pool = None

    def __enter__(self) -> TriagePool:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, value: BaseException | None, traceback: TracebackType | None
    ) -> None:
        self.close()
