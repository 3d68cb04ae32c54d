"""SQLite writers of one process queue on a lock instead of SQLite's sleep-and-retry (issue 11).

SQLite lets one writer in at a time; a writer that finds the lock taken sleeps and polls, up to 100 ms a
try, and often misses the moment it is free. Under concurrent API clients most of the time went to
sleeping, so the store makes this process's units of work take turns on a lock of its own.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path

from sqlalchemy import text

from hierniet.store.db import make_engine
from hierniet.store.repo import Store


def test_sqlite_units_of_work_of_one_process_take_turns(tmp_path: Path) -> None:
    store = Store(make_engine(f"sqlite:///{tmp_path / 'turns.db'}"))
    with store.transaction() as tx:
        tx.execute(text("CREATE TABLE t (x INTEGER)"))
    order: list[str] = []
    inside, release = threading.Event(), threading.Event()

    def first() -> None:
        with store.transaction() as tx:
            tx.execute(text("INSERT INTO t VALUES (1)"))
            order.append("first in")
            inside.set()
            release.wait(10)
            order.append("first out")

    def second() -> None:
        inside.wait(10)
        with store.transaction() as tx:
            order.append("second in")
            tx.execute(text("INSERT INTO t VALUES (2)"))

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    inside.wait(10)
    time.sleep(0.2)  # room for the second to get in, were it not queued
    assert order == ["first in"]
    release.set()
    for thread in threads:
        thread.join(10)
    assert order == ["first in", "first out", "second in"]
    with store.session() as session:
        assert session.execute(text("SELECT count(*) FROM t")).scalar_one() == 2
    store.dispose()


def test_a_unit_of_work_opened_inside_another_in_the_same_thread_does_not_wait_on_itself(tmp_path: Path) -> None:
    store = Store(make_engine(f"sqlite:///{tmp_path / 'nested.db'}"))
    with store.transaction() as outer, store.transaction() as inner:
        assert outer.execute(text("SELECT 1")).scalar_one() == inner.execute(text("SELECT 1")).scalar_one()
    store.dispose()
