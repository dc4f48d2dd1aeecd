"""`/v1/sources`: the article micromet serves, its metadata and its verbatim text."""

from typing import Annotated

from fastapi import APIRouter, Query, Request
from starlette.responses import PlainTextResponse, Response

from app.deps import CatalogDep
from app.models.query import CollectionQuery, NoQuery, Page
from app.models.source import SourcePublic
from app.routers.v1.params import SourceSlug, fields_param
from app.routers.v1.representations import LINKED_DATA, item_response
from app.web.openapi import COLLECTION_ERRORS, ITEM_ERRORS
from app.web.paging import paged_response

router = APIRouter(prefix="/sources", tags=["sources"])


class SourceCollectionQuery(CollectionQuery):
    fields: str | None = fields_param(SourcePublic, "title,sha256")


class SourceItemQuery(NoQuery):
    fields: str | None = fields_param(SourcePublic, "title,sha256")


@router.get("", name="list", summary="List sources", response_model=Page[SourcePublic], responses=COLLECTION_ERRORS)
def list_sources(request: Request, query: Annotated[SourceCollectionQuery, Query()], catalog: CatalogDep) -> Response:
    """The sources the content is curated from: one article, with its checksum."""
    items, total = catalog.list_sources(query)
    return paged_response(request, items, total, query)


@router.get(
    "/{slug}",
    name="get",
    summary="Get a source",
    response_model=SourcePublic,
    responses={**LINKED_DATA, **ITEM_ERRORS},
)
def get_source(
    request: Request, slug: SourceSlug, query: Annotated[SourceItemQuery, Query()], catalog: CatalogDep
) -> Response:
    """A source's title, checksum, length and sections; its text is at `links.text`."""
    return item_response(request, catalog.get_source(slug, fields=query.fields))


@router.get(
    "/{slug}/text",
    name="text",
    summary="Get a source's verbatim text",
    response_class=PlainTextResponse,
    responses={200: {"content": {"text/plain": {"schema": {"type": "string"}}}}, **ITEM_ERRORS},
)
def get_source_text(slug: SourceSlug, query: Annotated[NoQuery, Query()], catalog: CatalogDep) -> Response:
    """The article exactly as delivered; every quote's `start` and `end` index into this text."""
    return PlainTextResponse(catalog.source_text(slug), media_type="text/plain; charset=utf-8")
