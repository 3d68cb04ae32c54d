"""The desk's sign-in throttle: growing waits per (name, address), kept in the database so that every
process (several Uvicorn workers, several machines) shares it and a restart does not reset it.

Why per (name, address) and not per name: a counter per name let anyone lock any account by typing five
wrong passwords for it from anywhere; the person then could not sign in from their own computer. Keyed by
the pair, failures from one address slow down only that address's guesses at that name.

Each attempt is counted before the password is checked (and the count forgotten when it succeeds), so
attempts sent in parallel cannot all slip through while the first ones are still being checked. The first
`free_attempts` attempts cost nothing; after that each one blocks the pair for twice as long as the last:
1, 2, 4, ... minutes, at most an hour. A pair untouched for a day starts again from zero.

Words used here are defined in docs/concepts.md ("sign-in throttle").
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Protocol

from hierniet.store import repo, repo_desk
from hierniet.store.tables import utcnow

#: The first block after the free attempts, doubled at each further attempt.
FIRST_WAIT = timedelta(minutes=1)
#: The longest block one attempt can set.
LONGEST_WAIT = timedelta(hours=1)
#: A (name, address) pair with no attempt for this long is forgotten.
FORGET_AFTER = timedelta(days=1)


class SignInThrottle(Protocol):
    """What the sign-in page needs; a Redis implementation could stand behind the same two methods."""

    def claim(self, name: str, address: str) -> int:
        """0 when this attempt may go on (it counts until `succeeded`), else the seconds to wait."""
        ...

    def succeeded(self, name: str, address: str) -> None:
        """The attempt signed someone in: forget this pair's count."""
        ...


def wait_after(attempts: int, free_attempts: int) -> timedelta:
    """How long (name, address) is blocked after its `attempts`-th attempt since the last success."""
    if free_attempts <= 0 or attempts < free_attempts:
        return timedelta(0)
    doublings = min(attempts - free_attempts, 30)  # 2**30 minutes is far past the cap already
    wait: timedelta = FIRST_WAIT * (1 << doublings)
    return min(LONGEST_WAIT, wait)


def _digest(kind: str, value: str) -> str:
    return hashlib.sha256(f"hierniet-sign-in:{kind}:{value}".encode("utf-8", "surrogatepass")).hexdigest()


def _key(name: str, address: str) -> tuple[str, str]:
    """The stored key: digests only (an address is personal data; a name field sometimes holds a password)."""
    return _digest("name", name.strip().lower()), _digest("address", address or "unknown")


class StoreThrottle:
    """The throttle in the store's `sign_in_attempts` table (SQLite or PostgreSQL)."""

    def __init__(
        self, store: repo.Store, free_attempts: int, *, clock: Callable[[], datetime] = utcnow
    ) -> None:
        self.store = store
        self.free_attempts = free_attempts
        self._clock = clock

    def claim(self, name: str, address: str) -> int:
        if self.free_attempts <= 0:
            return 0
        key = _key(name, address)
        now = self._clock()
        # Pruning in a transaction of its own: it then never holds row locks while the count below waits for
        # one (two sign-ins at once could otherwise deadlock on PostgreSQL).
        with self.store.transaction() as tx:
            repo_desk.prune_sign_in_attempts(tx, now - FORGET_AFTER)
        with self.store.transaction() as tx:
            attempts = repo_desk.count_sign_in_attempt(tx, *key, now)
            if attempts is None:
                until = repo_desk.sign_in_blocked_until(tx, *key)
                return max(1, math.ceil((until - now).total_seconds())) if until is not None else 1
            wait = wait_after(attempts, self.free_attempts)
            if wait:
                repo_desk.block_sign_in(tx, *key, now + wait)
        return 0

    def succeeded(self, name: str, address: str) -> None:
        with self.store.transaction() as tx:
            repo_desk.clear_sign_in_attempts(tx, *_key(name, address))
