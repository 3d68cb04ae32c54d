"""Concurrent ingestion: a slot per CPU core, so triage does not share the GIL twenty ways (issue 11).

Under 20 clients posting 50-comment batches, every request triaged at once and the one holding the
database's write lock got a sliver of a core: the API managed a sixth of one client's throughput. The
throughput itself is measured by bench/ingest.py (--clients), never by a timed test; these tests pin the
mechanism.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

from hierniet.web.deps import IngestSlots
from store.dbfixtures import item

from .conftest import Api


def test_slots_let_at_most_that_many_ingestions_run_at_once() -> None:
    slots = IngestSlots(2)
    running = peak = 0
    lock = threading.Lock()

    def work() -> None:
        nonlocal running, peak
        with lock:
            running += 1
            peak = max(peak, running)
        time.sleep(0.05)
        with lock:
            running -= 1

    threads = [threading.Thread(target=slots.run, args=(work,)) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert 1 <= peak <= 2


def test_slots_default_to_one_per_cpu_core_and_never_to_none() -> None:
    assert IngestSlots().slots >= 1
    assert IngestSlots(0).slots == 1


class _Counting(IngestSlots):
    def __init__(self) -> None:
        super().__init__(1)
        self.calls = 0

    def run(self, function: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Any:
        self.calls += 1
        return super().run(function, *args, **kwargs)


def test_posting_comments_takes_an_ingestion_slot(api: Api) -> None:
    counting = _Counting()
    api.client.app.state.ingest_slots = counting  # type: ignore[attr-defined]
    r = api.post("/comments", json=item("slot-1", "merci pour l'info", channel_id=api.desk.channel_id))
    assert r.status_code == 201
    assert counting.calls == 1
