"""One shape for every 422, in the answers and in the OpenAPI document.

docs/api.md promises `{"detail": "..."}`: a sentence that says what is wrong. The services and the routes
answer bad input that way (ServiceError, HTTPException), but FastAPI's own request validation answered a
list under `detail`, and OpenAPI declared that list for every 422: a client written from the schema broke on
the string. Now request validation answers the same string (`detail`), with the field errors beside it for
programs (`errors`: location, message and type; never the input, which may be a password), and the schema
declares that shape for every 422.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

#: The schema of a 422 answer (the component FastAPI calls HTTPValidationError).
VALIDATION_ERROR_SCHEMA: dict[str, Any] = {
    "title": "HTTPValidationError",
    "type": "object",
    "required": ["detail"],
    "properties": {
        "detail": {
            "title": "Detail",
            "type": "string",
            "description": "What is wrong with the request and how to fix it.",
        },
        "errors": {
            "title": "Errors",
            "type": "array",
            "items": {"$ref": "#/components/schemas/ValidationError"},
            "description": "For a request that does not fit the schema: one entry per field.",
        },
    },
}
#: One field's error in `errors` (FastAPI's ValidationError less `input` and `ctx`, which are not sent).
FIELD_ERROR_SCHEMA: dict[str, Any] = {
    "title": "ValidationError",
    "type": "object",
    "required": ["loc", "msg", "type"],
    "properties": {
        "loc": {"title": "Location", "type": "array", "items": {"anyOf": [{"type": "string"}, {"type": "integer"}]}},
        "msg": {"title": "Message", "type": "string"},
        "type": {"title": "Error Type", "type": "string"},
    },
}
_REF = {"$ref": "#/components/schemas/HTTPValidationError"}


def field_errors(errors: Sequence[Any]) -> list[dict[str, Any]]:
    """Location, message and type of each error: the submitted value is left out (it may be a secret)."""
    out = []
    for err in errors:
        loc = [part if isinstance(part, int) else str(part) for part in err.get("loc", ())]
        out.append({"loc": loc, "msg": str(err.get("msg", "")), "type": str(err.get("type", ""))})
    return out


def validation_message(errors: Sequence[dict[str, Any]]) -> str:
    """'query.since: Input should be a valid datetime; body.reason: Field required' for field errors."""
    parts = []
    for err in errors:
        where = ".".join(str(p) for p in err["loc"]) or "request"
        parts.append(f"{where}: {str(err['msg']).removeprefix('Value error, ')}")
    return "; ".join(parts) or "the request does not fit the documented schema (see /openapi.json)"


async def _request_validation_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = field_errors(exc.errors())
    return JSONResponse(status_code=422, content={"detail": validation_message(errors), "errors": errors})


def declare_422(schema: dict[str, Any]) -> dict[str, Any]:
    """Make the OpenAPI document say what a 422 is: `detail` a string (every operation that answers 422)."""
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    components["HTTPValidationError"] = VALIDATION_ERROR_SCHEMA
    components["ValidationError"] = FIELD_ERROR_SCHEMA
    for operations in schema.get("paths", {}).values():
        for operation in operations.values():
            answer = operation.get("responses", {}).get("422") if isinstance(operation, dict) else None
            if isinstance(answer, dict) and "content" not in answer:
                # Declared by hand (a description only): it is the same shape.
                answer["content"] = {"application/json": {"schema": _REF}}
    return schema


def install_error_handlers(app: FastAPI) -> None:
    """Answer request validation errors with a string `detail`, and declare that in the app's OpenAPI."""
    app.add_exception_handler(RequestValidationError, _request_validation_error)
    build = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = declare_422(build())
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
