"""The OpenAPI document: readable operationIds, the problem schema and tag descriptions."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from fastapi.routing import APIRoute

from app.web.problems import Problem
from app.web.responses import PROBLEM_MEDIA_TYPE

PROBLEM_REF = {"$ref": "#/components/schemas/Problem"}

_DESCRIPTIONS = {
    400: "Bytes in the URL that are not UTF-8, or a value the database cannot take.",
    404: "No such resource.",
    405: "Method not allowed: the API is read-only.",
    414: "The path is longer than the limit (8 KiB by default).",
    422: "Invalid parameters: each is listed in `invalid_params`.",
    500: "Unexpected error; no internals are shown.",
    501: "The format asked for is not implemented (oEmbed's answer to an unsupported `format`).",
    503: "The database is unavailable or not seeded yet.",
}


def problem_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI `responses` entries for errors, all `application/problem+json`."""
    return {
        status: {"description": _DESCRIPTIONS[status], "content": {PROBLEM_MEDIA_TYPE: {"schema": PROBLEM_REF}}}
        for status in statuses
    }


def operation_id(route: APIRoute) -> str:
    """`detection-methods-list`, `therapies-get`: the tag, then the route's name."""
    return f"{route.tags[0]}-{route.name}" if route.tags else route.name


def build_openapi(app: FastAPI, choices: Callable[[], dict[str, list[str]]] | None = None) -> dict[str, Any]:
    """Generate the document once, add the shared problem schema, and list the values of slug filters.

    `choices` gives, for query parameters such as `section`, the values the dataset accepts; they become enums,
    so that clients and fuzzers know them. They are read again whenever they change (after a reseed).
    """
    current = choices() if choices is not None else {}
    if app.openapi_schema is None or app.openapi_schema.get("x-filter-choices") != current:
        document = get_openapi(
            title=app.title,
            version=app.version,
            summary=app.summary,
            description=app.description,
            routes=app.routes,
            tags=app.openapi_tags,
            license_info=app.license_info,
        )
        schemas = document.setdefault("components", {}).setdefault("schemas", {})
        problem = Problem.model_json_schema(ref_template="#/components/schemas/{model}", by_alias=True)
        schemas.update(problem.pop("$defs", {}))
        schemas["Problem"] = problem
        _add_enums(document, current)
        _add_guard_responses(document)
        document["x-filter-choices"] = current
        app.openapi_schema = document
    return app.openapi_schema


COLLECTION_ERRORS = problem_responses(422, 500, 503)
ITEM_ERRORS = problem_responses(404, 422, 500, 503)


GUARD_ERRORS = problem_responses(400, 414)
"""What the request guards (app/web/guards.py) can answer on any operation, before routing."""


def _add_guard_responses(document: dict[str, Any]) -> None:
    for operations in document["paths"].values():
        for operation in operations.values():
            for status, response in GUARD_ERRORS.items():
                operation.setdefault("responses", {}).setdefault(str(status), response)


def _add_enums(document: dict[str, Any], choices: dict[str, list[str]]) -> None:
    for operations in document["paths"].values():
        for operation in operations.values():
            for parameter in operation.get("parameters", []):
                values = choices.get(parameter["name"]) if parameter["in"] == "query" else None
                if values:
                    parameter["schema"] = {"anyOf": [{"type": "string", "enum": values}, {"type": "null"}]}
