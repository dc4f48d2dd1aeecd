"""How an entity item is answered: JSON by default, JSON-LD (schema.org) for `Accept: application/ld+json`."""

from typing import Any

from fastapi import Request
from starlette.responses import Response

from app.services.export import JSONLD_CONTEXT, jsonld_node
from app.web.responses import JSONBytesResponse, wants_linked_data

LD_JSON = "application/ld+json"

LINKED_DATA: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "The item; a schema.org JSON-LD node for `Accept: application/ld+json`.",
        "content": {LD_JSON: {"schema": {"type": "object", "description": "A schema.org node with @context."}}},
    }
}
"""The JSON-LD representation, added to the item operations' documented 200 response."""


def item_response(request: Request, item: dict[str, Any]) -> Response:
    """The item as JSON, or as a JSON-LD node (the export's, with its @context) when the client asks for it."""
    if wants_linked_data(request.headers.get("accept", "")):
        return JSONBytesResponse({"@context": JSONLD_CONTEXT, **jsonld_node(item)}, media_type=LD_JSON)
    return JSONBytesResponse(item)
