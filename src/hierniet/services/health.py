"""Liveness and readiness, for load balancers and orchestrators (GET /healthz, GET /readyz).

Alive says only that the process answers (no I/O: a slow database must not get a healthy process killed).
Ready says that it can serve: the store answers, its schema is at this release's head revision (a process of
a new release in front of an old schema would fail on every page), and Redis answers where one is configured.
The answer names each check and its state in a fixed word, never an error text: those hold host names,
user names and paths, and /readyz is public.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from sqlalchemy import inspect, text

from hierniet import coordination
from hierniet.settings import Settings
from hierniet.store import migrate
from hierniet.store.repo import Store

log = logging.getLogger("hierniet.health")

OK = "ok"
UNREACHABLE = "unreachable"
BEHIND = "not at head: run `hierniet db upgrade`"
NOT_CONFIGURED = "not configured"


@dataclass(frozen=True, slots=True)
class Readiness:
    checks: dict[str, str] = field(default_factory=dict)

    @property
    def ready(self) -> bool:
        return all(state in (OK, NOT_CONFIGURED) for state in self.checks.values())


def _revision(store: Store) -> str | None:
    """The store's revision, read from Alembic's table directly (Alembic's own reader logs two lines per call,
    and a load balancer asks every few seconds); None where the store was never migrated."""
    if not inspect(store.engine).has_table("alembic_version"):
        return None
    with store.session() as s:
        return s.execute(text("SELECT version_num FROM alembic_version")).scalar()


def readiness(store: Store, settings: Settings, *, shared: coordination.Coordination | None = None) -> Readiness:
    """Each check's state; the reasons of failures go to the log only."""
    checks: dict[str, str] = {}
    try:
        with store.session() as s:
            s.execute(text("SELECT 1"))
        checks["store"] = OK
    except Exception:
        log.exception("readiness: the store does not answer")
        checks["store"] = UNREACHABLE
    if checks["store"] == OK:
        try:
            at = _revision(store)
            head = migrate.head_revision()
            checks["migrations"] = OK if at == head else BEHIND
            if at != head:
                log.warning("readiness: the store is at revision %s, this release needs %s", at, head)
        except Exception:
            log.exception("readiness: could not read the store's revision")
            checks["migrations"] = UNREACHABLE
    else:
        checks["migrations"] = UNREACHABLE
    if settings.redis_url:
        try:
            (shared or coordination.for_settings(settings)).ping()
            checks["redis"] = OK
        except Exception:
            log.exception("readiness: Redis does not answer")
            checks["redis"] = UNREACHABLE
    else:
        checks["redis"] = NOT_CONFIGURED
    return Readiness(checks)
