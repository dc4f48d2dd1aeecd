"""JSON responses serialized with orjson: one place that decides how bytes are written."""

from __future__ import annotations

from typing import Any

import orjson
from starlette.responses import JSONResponse

JSON_MEDIA_TYPE = "application/json"
PROBLEM_MEDIA_TYPE = "application/problem+json"


def dump_json(content: Any) -> bytes:
    """Serialize for the wire: UTF-8, compact, keys in the order the models define them."""
    return orjson.dumps(content)


class JSONBytesResponse(JSONResponse):
    """A JSON response rendered with orjson (a `JSONResponse`, so OpenAPI documents its model)."""

    media_type = JSON_MEDIA_TYPE

    def render(self, content: Any) -> bytes:
        return dump_json(content)


def wants_linked_data(accept: str) -> bool:
    """Whether an Accept header asks for `application/ld+json` (with a quality above 0)."""
    for media_range in accept.split(","):
        kind, *parameters = (part.strip() for part in media_range.split(";"))
        if kind.lower() == "application/ld+json":
            quality = next((p.split("=", 1)[1] for p in parameters if p.lower().startswith("q=")), "1")
            try:
                return float(quality) > 0
            except ValueError:
                return False
    return False
