"""Embedding: an HTML card for every entity, and oEmbed 1.0 for any item URL."""

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Query, Request
from pydantic import Field
from starlette.responses import HTMLResponse, Response

from app.deps import CatalogDep
from app.errors import NotFoundError, NotImplementedFormatError, shown
from app.models.oembed import OEmbedPublic
from app.models.query import ASCII_DIGITS, NoQuery
from app.models.registry import Registry
from app.services.cards import OEMBED_FORMATS, card_for, card_size, item_for_url, oembed_document, oembed_xml
from app.web.openapi import ITEM_ERRORS, PUBLIC_URL_PLACEHOLDER, problem_responses
from app.web.responses import JSONBytesResponse

OEMBED_XML = "text/xml"
"""The media type oEmbed 1.0 gives its XML responses."""


class OEmbedQuery(NoQuery):
    url: str = Field(
        min_length=1,
        max_length=2000,
        description="An absolute item URL of this API on its public origin (`MICROMET_PUBLIC_URL`); a relative or "
        "scheme-relative URL, or another host, is a 404. It is never fetched.",
        examples=[f"{PUBLIC_URL_PLACEHOLDER}/v1/therapies/adjuvant-therapy"],
    )
    format: str = Field(
        default="json",
        max_length=32,
        description="`json` or `xml`; any other format is a 501, as oEmbed 1.0 specifies (not a 422: the value is "
        "well formed, the provider just does not implement it).",
        json_schema_extra={"enum": ["json", "xml"]},
    )
    maxwidth: Annotated[int, Field(ge=1, le=10_000), ASCII_DIGITS] | None = Field(
        default=None, description="Largest width the consumer can show."
    )
    maxheight: Annotated[int, Field(ge=1, le=10_000), ASCII_DIGITS] | None = Field(
        default=None, description="Largest height it can show."
    )


def embed_router(kinds: Registry) -> APIRouter:
    """The card and oEmbed routes for the entity kinds of `kinds` (a card's path names one of their
    collections)."""
    router = APIRouter(tags=["embed"])
    EntityCollection: Any = Literal[tuple(kind.segment for kind in kinds)]  # noqa: N806 - built from the registry

    @router.get(
        "/{collection}/{slug}/card",
        name="card",
        summary="An entity's embed card",
        response_class=HTMLResponse,
        responses={
            200: {"content": {"text/html": {}}, "description": "A self-contained HTML fragment."},
            **ITEM_ERRORS,
        },
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
        kind = kinds.by_segment(collection)
        assert kind is not None  # the path parameter admits only the registry's segments
        html, _ = card_for(catalog, kind, slug, request.app.state.settings.public_url)
        return HTMLResponse(html)

    @router.get(
        "/oembed",
        name="oembed",
        summary="oEmbed for an item URL",
        response_model=OEmbedPublic,
        responses={
            200: {
                "content": {"application/json": {}, OEMBED_XML: {}},
                "description": "An oEmbed 1.0 `rich` response, as JSON or, for `format=xml`, as XML.",
            },
            **problem_responses(404, 422, 500, 501, 503),
        },
    )
    def oembed(request: Request, query: Annotated[OEmbedQuery, Query()], catalog: CatalogDep) -> Response:
        """An oEmbed 1.0 `rich` response whose `html` is the item's card."""
        settings = request.app.state.settings
        public_url = settings.public_url
        if query.format not in OEMBED_FORMATS:
            raise NotImplementedFormatError(
                f"oEmbed format {shown(query.format)!r} is not implemented; use {' or '.join(OEMBED_FORMATS)}."
            )
        target = item_for_url(query.url, public_url, kinds)
        if target is None:
            raise NotFoundError(
                f"{shown(query.url)!r} is not an item URL of this API ({public_url}/v1/{{type}}/{{slug}})."
            )
        size = card_size(query.maxwidth, query.maxheight)
        html, item = card_for(catalog, *target, public_url, size=size)
        document = oembed_document(item, html, public_url=public_url, cache_age=settings.cache_max_age, size=size)
        if query.format == "xml":
            return Response(oembed_xml(document), media_type=OEMBED_XML)
        return JSONBytesResponse(document)

    return router
