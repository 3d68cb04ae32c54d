"""Schemathesis against the app's own OpenAPI, every operation: its coverage cases (each documented bound and
the value past it, odd strings, missing fields) with an admin's token, then random valid and invalid cases
with the token of each role (and of an admin without organisation), and every integer of a path or query
set past what the store holds. No answer may be a 5xx, and every answer must match the schema its
operation documents (422 aside, see `schema_conformance_but_422`).

Bounded (three random cases per operation) so that it runs in well under 90 seconds on two cores, on
SQLite with the fake triage: the point is the HTTP boundary, not the classifier or the backend.
"""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, settings
from schemathesis import CheckContext, Response
from schemathesis.checks import not_a_server_error
from schemathesis.generation.hypothesis.builder import HypothesisTestConfig, HypothesisTestMode, create_test
from schemathesis.specs.openapi.checks import content_type_conformance, response_schema_conformance

from hierniet.settings import Settings
from hierniet.store.db import make_engine
from hierniet.store.migrate import upgrade
from hierniet.web.app import create_app
from store import dbfixtures
from store.dbfixtures import Database, Desk, FakeTriage

store = dbfixtures.store
desk = dbfixtures.desk

ROLES = ("moderator", "lead", "admin", "root")


def schema_conformance_but_422(ctx: CheckContext, response: Response, case: schemathesis.Case) -> bool | None:
    """The response matches its documented schema; 422 is left out until the OpenAPI documents the shape the
    services answer with (a `detail` string, not FastAPI's list: issue 11, finding 14, another change)."""
    if response.status_code == 422:
        return None
    return response_schema_conformance(ctx, response, case)


CHECKS = [not_a_server_error, schema_conformance_but_422, content_type_conformance]
EXAMPLES = 3  # random cases per operation (valid and invalid input), each sent with every role


@pytest.fixture(scope="module")
def database(tmp_path_factory: pytest.TempPathFactory) -> Database:
    """SQLite only: the HTTP boundary is the same on both backends, and PostgreSQL would double the time."""
    template = tmp_path_factory.mktemp("schemathesis") / "template.db"
    engine = make_engine(f"sqlite:///{template}")
    upgrade(engine)
    engine.dispose()
    return Database("sqlite", f"sqlite:///{template}", template=template)


def _sender(tokens: dict[str, str], roles: tuple[str, ...]) -> Any:
    def run(case: schemathesis.Case) -> None:
        for role in roles:
            response = case.call(headers={"Authorization": f"Bearer {tokens[role]}"})
            case.validate_response(response, checks=CHECKS)

    return run


def _check(schema: Any, operation: Any, tokens: dict[str, str]) -> None:
    """Schemathesis's coverage cases (each documented bound and its neighbour, odd strings, missing fields)
    with an admin's token, then a few random valid and invalid cases with every role's token."""
    for mode, roles in ((HypothesisTestMode.COVERAGE, ("root",)), (HypothesisTestMode.FUZZING, ROLES)):
        bounded = settings(
            max_examples=EXAMPLES,
            deadline=None,
            database=None,
            derandomize=True,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
        )

        config = HypothesisTestConfig(project=schema.config, modes=[mode], settings=bounded, apply_ci_profile=False)
        create_test(operation=operation, test_func=bounded(_sender(tokens, roles)), config=config)()


def _is_integer(definition: dict[str, Any]) -> bool:
    kinds = [definition.get("schema", {}), *definition.get("schema", {}).get("anyOf", [])]
    return any(kind.get("type") == "integer" for kind in kinds)


def _extremes(operation: Any, token: str) -> None:
    """Every integer in a path or query, set past what the store holds: random generation seldom goes there,
    and each such value was a 500 (the database driver overflowing) before the bounds were documented."""
    path = {p.name: 1 for p in operation.path_parameters}
    for parameter in [*operation.path_parameters, *operation.query]:
        if not _is_integer(parameter.definition):
            continue
        for value in (2**63, -(2**63) - 1, 10**30):
            where = parameter.definition["in"]
            case = operation.Case(
                path_parameters=path | ({parameter.name: value} if where == "path" else {}),
                query={parameter.name: value} if where == "query" else {},
            )
            response = case.call(headers={"Authorization": f"Bearer {token}"})
            case.validate_response(response, checks=[not_a_server_error])


def test_no_5xx_and_answers_match_the_schema(desk: Desk) -> None:
    # Schemathesis's own pytest plugin does not run under pytest 9: its generated cases go through Hypothesis
    # here instead, one operation and mode after the other, so one failure does not hide the others.
    app = create_app(
        Settings(database_url="sqlite://", api_max_batch=20, comment_max_chars=2000),
        store=desk.store,
        triage=FakeTriage(),
    )
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    failures: list[str] = []
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) > 20
    for operation in operations:
        try:
            _extremes(operation, desk.tokens["root"])
            _check(schema, operation, desk.tokens)
        except (Exception, BaseExceptionGroup) as exc:  # Schemathesis reports a group of failures
            # Collected, so that one operation's failure does not hide another's.
            failures.append(f"{operation.label}: {exc}")
    assert not failures, "\n\n".join(failures)
