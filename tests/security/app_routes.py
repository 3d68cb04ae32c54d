"""Every route of the app as (method, path) pairs, from `create_app().routes`.

FastAPI includes routers lazily (`_IncludedRouter` entries in `app.routes`); their routes are read through
`effective_route_contexts()`, with the prefixes of the include applied. A mounted app (the desk's static
files) is one GET route.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from fastapi import FastAPI
from starlette.routing import Mount, Route

#: Methods a route answers that say nothing of its own about access (HEAD follows GET).
IGNORED_METHODS = frozenset({"HEAD", "OPTIONS"})


def _methods(route: Any) -> set[str]:
    methods = getattr(route, "methods", None) or {"GET"}
    return set(methods) - IGNORED_METHODS


def app_routes(app: FastAPI) -> Iterator[tuple[str, str]]:
    """(method, path template) for each route; path parameters stay as `{name}`."""
    for route in app.routes:
        contexts = getattr(route, "effective_route_contexts", None)
        if contexts is not None:
            for context in contexts():
                for method in _methods(context.original_route):
                    yield method, context.path
        elif isinstance(route, Mount):
            yield "GET", route.path + "/{path}"
        elif isinstance(route, Route):
            for method in _methods(route):
                yield method, route.path
        else:  # pragma: no cover - a new kind of route must be taught to this helper
            raise AssertionError(f"unknown kind of route {route!r}: teach tests/security/app_routes.py about it")
