"""How an entity item is answered: JSON by default, JSON-LD (schema.org) for `Accept: application/ld+json`."""

from typing import Any

from fastapi import Request
from starlette.responses import Response

from app.services.export import JSONLD_CONTEXT, jsonld_node
from app.web.responses import JSONBytesResponse, wants_linked_data

LD_JSON = "application/ld+json"


def item_response(request: Request, item: dict[str, Any]) -> Response:
    """The item as JSON, or as a JSON-LD node (the export's, with its @context) when the client asks for it."""
    if wants_linked_data(request.headers.get("accept", "")):
        return JSONBytesResponse({"@context": JSONLD_CONTEXT, **jsonld_node(item)}, media_type=LD_JSON)
    return JSONBytesResponse(item)
