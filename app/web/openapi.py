"""The OpenAPI document: readable operationIds, the problem schema and tag descriptions."""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import cache
from pathlib import Path
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
    429: "Too many requests from this client (when `MICROMET_RATE_LIMIT` is set): retry after `Retry-After` seconds.",
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
        _add_examples(document)
        document["x-filter-choices"] = current
        public_url = app.state.settings.public_url if hasattr(app.state, "settings") else DOCUMENTED_ORIGIN
        app.openapi_schema = json.loads(json.dumps(document).replace(PUBLIC_URL_PLACEHOLDER, public_url))
    return app.openapi_schema


PUBLIC_URL_PLACEHOLDER = "__PUBLIC_URL__"
"""Stands for `MICROMET_PUBLIC_URL` in examples; the document is served with the real origin in its place."""
DOCUMENTED_ORIGIN = "http://127.0.0.1:8000"
EXAMPLES_FILE = Path(__file__).with_name("openapi_examples.json")
"""A real answer of each operation for each media type of its 200 (`make examples` writes it from the seeded
content; a test fails when it is stale)."""


@cache
def _examples() -> dict[str, dict[str, Any]]:
    if not EXAMPLES_FILE.is_file():
        return {}
    examples: dict[str, dict[str, Any]] = json.loads(EXAMPLES_FILE.read_text(encoding="utf-8"))
    return examples


def _add_examples(document: dict[str, Any]) -> None:
    for path, answers in _examples().items():
        operation = document["paths"].get(path, {}).get("get")
        if operation is None:
            continue
        content = operation["responses"].get("200", {}).get("content", {})
        for media_type, value in answers.items():
            if media_type in content:
                content[media_type]["examples"] = {
                    "dataset": {"summary": "A real answer, from the curated content", "value": value}
                }


COLLECTION_ERRORS = problem_responses(422, 500, 503)
ITEM_ERRORS = problem_responses(404, 422, 500, 503)


GUARD_ERRORS = problem_responses(400, 414, 429)
"""What the request guards (app/web/guards.py) and the rate limit (app/web/rate_limit.py) can answer on any
operation, before routing."""


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
