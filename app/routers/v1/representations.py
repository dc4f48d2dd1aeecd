"""How an item (an entity, a source, a section) is answered: JSON by default, JSON-LD (schema.org) for
`Accept: application/ld+json`."""

from typing import Any

from fastapi import Request
from starlette.responses import Response

from app.services.export import JSONLD_CONTEXT, jsonld_node
from app.web.negotiation import LD_JSON, negotiate
from app.web.responses import JSONBytesResponse

LINKED_DATA: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "The item; a schema.org JSON-LD node when `Accept` prefers `application/ld+json` "
        "(RFC 9110 negotiation, q-values honoured). `fields=` keeps the node's properties that come from those "
        "fields; `include=` adds the embedded entities' nodes under `@included`.",
        "content": {LD_JSON: {"schema": {"type": "object", "description": "A schema.org node with @context."}}},
    }
}
"""The JSON-LD representation, added to the item operations' documented 200 response."""


VARY_ACCEPT = {"Vary": "Accept"}
"""Tells the response cache (and any other cache) that the representation depends on `Accept`."""


def item_response(request: Request, item: dict[str, Any]) -> Response:
    """The item as JSON, or as a JSON-LD node (the export's, with its @context) when `Accept` prefers it."""
    if negotiate(request.headers.get("accept", "")) == LD_JSON:
        kinds = request.app.state.entity_kinds
        base = request.app.state.settings.public_url
        node = jsonld_node(item, base, kinds, path=request.url.path)
        embedded = item.get("embedded", {}).values()
        included = [jsonld_node(entity, base, kinds) for entities in embedded for entity in entities]
        if included:
            node["@included"] = included
        return JSONBytesResponse({"@context": JSONLD_CONTEXT, **node}, media_type=LD_JSON, headers=VARY_ACCEPT)
    return JSONBytesResponse(item, headers=VARY_ACCEPT)
