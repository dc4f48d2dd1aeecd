"""Embedding: an HTML card for every entity, and oEmbed 1.0 for any item URL."""

from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query, Request
from pydantic import Field
from starlette.responses import HTMLResponse, Response

from app.deps import CatalogDep
from app.services.cards import CARD_HEIGHT, CARD_WIDTH, card_for, item_for_url
from app.services.urls import COLLECTIONS
from app.web.openapi import ITEM_ERRORS, problem_responses
from app.web.problems import NotFoundError
from app.web.query import NoQuery
from app.web.responses import JSONBytesResponse

router = APIRouter(tags=["embed"])

EntityCollection = Literal[
    "detection-methods", "therapies", "challenges", "research-directions", "findings", "concepts"
]
_TYPES = {path: kind for kind, path in COLLECTIONS.items()}


class OEmbedQuery(NoQuery):
    url: str = Field(
        min_length=1,
        max_length=2000,
        description="An item URL of this API (absolute, on its public origin, or a path); it is never fetched.",
        examples=["http://127.0.0.1:8000/v1/therapies/adjuvant-therapy"],
    )
    format: Literal["json"] = Field(
        default="json", description="Only `json`; anything else (oEmbed's `xml` included) is a 422 naming it."
    )
    maxwidth: int | None = Field(default=None, ge=1, le=10_000, description="Largest width the consumer can show.")
    maxheight: int | None = Field(default=None, ge=1, le=10_000, description="Largest height it can show.")


@router.get(
    "/{collection}/{slug}/card",
    name="card",
    summary="An entity's embed card",
    response_class=HTMLResponse,
    responses={200: {"content": {"text/html": {}}, "description": "A self-contained HTML fragment."}, **ITEM_ERRORS},
)
def card(
    request: Request,
    collection: Annotated[EntityCollection, Path(examples=["therapies"])],
    slug: Annotated[str, Path(max_length=120, examples=["adjuvant-therapy"])],
    query: Annotated[NoQuery, Query()],
    catalog: CatalogDep,
) -> Response:
    """A small HTML fragment (title, summary, the first quote, the source's attribution and a link to the
    canonical JSON) with no external assets and every text escaped, to drop into any page."""
    html, _ = card_for(catalog, _TYPES[collection], slug, request.app.state.settings.public_url)
    return HTMLResponse(html)


@router.get(
    "/oembed",
    name="oembed",
    summary="oEmbed for an item URL",
    responses=problem_responses(404, 422, 500, 503),
)
def oembed(request: Request, query: Annotated[OEmbedQuery, Query()], catalog: CatalogDep) -> Response:
    """An oEmbed 1.0 `rich` response whose `html` is the item's card."""
    public_url = request.app.state.settings.public_url
    target = item_for_url(query.url, public_url)
    if target is None:
        raise NotFoundError(f"{query.url!r} is not an item URL of this API ({public_url}/v1/{{type}}/{{slug}}).")
    html, item = card_for(catalog, *target, public_url)
    return JSONBytesResponse(
        {
            "version": "1.0",
            "type": "rich",
            "title": item["name"],
            "provider_name": "micromet",
            "provider_url": public_url,
            "cache_age": request.app.state.settings.cache_max_age,
            "html": html,
            "width": min(CARD_WIDTH, query.maxwidth or CARD_WIDTH),
            "height": min(CARD_HEIGHT, query.maxheight or CARD_HEIGHT),
        }
    )
