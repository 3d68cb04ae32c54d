"""The Dask engine of `hierniet retriage --engine dask`: batches triaged on a Dask cluster's workers.

A local cluster by default (`distributed.LocalCluster`: worker processes with one thread each, as triage is pure
Python that holds the GIL), or any running cluster given its scheduler's address. Each worker loads the model
once, when a worker plugin is set up on it (and once per process where workers share one: a cluster started
with processes=False), not per task: a load takes seconds and hundreds of MB. Workers return verdicts; the
client writes them (see hierniet.services.retriage for why), so workers need the model but not the database.

distributed is imported by this module only, which the CLI imports for --engine dask: nothing of it loads for
the rest of hierniet.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from types import TracebackType
from typing import Any

from distributed import Client, LocalCluster, WorkerPlugin, get_worker

from hierniet.domain import Comment, Verdict
from hierniet.services.retriage import Batch

PLUGIN_NAME = "hierniet-triage"

# The engines loaded in this process by model folder ("" for the shipped model): workers sharing a process (a
# threaded local cluster) share one. Filled on a worker's set-up, never at import time (house rule 4).
_loaded: dict[str, Any] = {}
_loading = threading.Lock()


def cached_triage(model_dir: str | None) -> Any:
    """The triage engine of `model_dir` (None: the shipped model), loaded once per process."""
    key = model_dir or ""
    with _loading:
        if key not in _loaded:
            from hierniet.triage.pipeline import load_triage

            triage = load_triage(Path(model_dir) if model_dir else None)
            embedder = getattr(triage, "embedder", None)
            if embedder is not None:
                embedder.warm_up()  # the sentence encoder loads lazily: at set-up, not inside the first task
            _loaded[key] = triage
        return _loaded[key]


class TriagePlugin(WorkerPlugin):
    """A worker plugin that loads the model when a worker starts (or joins later) and keeps it for its tasks."""

    name = PLUGIN_NAME
    idempotent = True

    def __init__(self, model_dir: str | None) -> None:
        self.model_dir = model_dir
        self.triage: Any = None

    def setup(self, worker: Any) -> None:
        # One worker per core: BLAS threads inside each would only fight over the cores.
        from threadpoolctl import threadpool_limits

        threadpool_limits(1)
        self.triage = cached_triage(self.model_dir)

    def teardown(self, worker: Any) -> None:
        self.triage = None


def classify_on_worker(comments: Sequence[Comment]) -> list[Verdict]:
    """The task: triage one batch with the model the worker's plugin loaded."""
    plugin: Any = get_worker().plugins.get(PLUGIN_NAME)
    if plugin is None or plugin.triage is None:
        raise RuntimeError("this Dask worker has no hierniet model: register TriagePlugin before submitting")
    verdicts: list[Verdict] = plugin.triage.classify(list(comments))
    return verdicts


class DaskEngine:
    """Batches sent to a Dask cluster, `in_flight` per worker thread at a time, results in the order sent."""

    def __init__(
        self,
        *,
        scheduler: str | None = None,
        workers: int = 2,
        processes: bool = True,
        model_dir: str | None = None,
        in_flight: int = 2,
    ) -> None:
        if workers < 1:
            raise ValueError(f"workers must be at least 1 (got {workers})")
        self.scheduler = scheduler
        self.workers = workers
        self.processes = processes
        self.model_dir = model_dir
        self.in_flight = max(1, in_flight)
        self._cluster: Any = None
        self._client: Any = None

    def __enter__(self) -> DaskEngine:
        if self.scheduler is None:
            self._cluster = LocalCluster(  # type: ignore[no-untyped-call]
                n_workers=self.workers,
                threads_per_worker=1,
                processes=self.processes,
                dashboard_address=None,
                # Workers hold the model (~545 MB each) and a few batches; Dask's default memory limit is a
                # share of the machine, which is plenty, and spilling would only slow triage down.
            )
            self._client = Client(self._cluster)  # type: ignore[no-untyped-call]
        else:
            try:
                self._client = Client(self.scheduler, timeout=30)  # type: ignore[no-untyped-call]
            except OSError as exc:
                raise ConnectionError(
                    f"cannot reach the Dask scheduler at {self.scheduler} ({exc}); start one with `dask scheduler` "
                    "and workers with `dask worker ADDRESS`, or leave --scheduler out for a local cluster"
                ) from None
        # Loads the model on every worker now (and on any that joins later), before the first batch.
        self._client.register_plugin(TriagePlugin(self.model_dir), name=PLUGIN_NAME)
        return self

    def __exit__(
        self, kind: type[BaseException] | None, value: BaseException | None, traceback: TracebackType | None
    ) -> None:
        if self._client is not None:
            self._client.close()
            self._client = None
        if self._cluster is not None:
            self._cluster.close()
            self._cluster = None

    def threads(self) -> int:
        assert self._client is not None, "use the engine inside `with`"
        return max(1, int(sum(self._client.nthreads().values())))

    def map(self, batches: Iterable[Batch]) -> Iterator[tuple[Batch, list[Verdict]]]:
        assert self._client is not None, "use the engine inside `with`"
        window = self.threads() * self.in_flight
        pending: deque[tuple[Batch, Any]] = deque()
        for batch in batches:
            if batch.comments:
                pending.append((batch, self._client.submit(classify_on_worker, batch.comments, pure=False)))
            else:
                pending.append((batch, None))
            while len(pending) >= window:
                yield self._next(pending)
        while pending:
            yield self._next(pending)

    @staticmethod
    def _next(pending: deque[tuple[Batch, Any]]) -> tuple[Batch, list[Verdict]]:
        batch, future = pending.popleft()
        return batch, ([] if future is None else future.result())


__all__ = ["PLUGIN_NAME", "DaskEngine", "TriagePlugin", "cached_triage", "classify_on_worker"]
