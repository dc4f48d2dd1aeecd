"""`/v1/sources/{slug}/sections`: the article's headed parts, with their text and offsets."""

from typing import Annotated

from fastapi import APIRouter, Path, Query, Request
from starlette.responses import Response

from app.deps import CatalogDep
from app.models.query import CollectionQuery, NoQuery, Page
from app.models.section import SectionPublic
from app.routers.v1.params import SourceSlug, fields_param
from app.routers.v1.representations import LINKED_DATA, item_response
from app.web.openapi import ITEM_ERRORS
from app.web.paging import paged_response

router = APIRouter(prefix="/sources/{slug}/sections", tags=["sections"])


class SectionCollectionQuery(CollectionQuery):
    fields: str | None = fields_param(SectionPublic, "heading,start,end")


class SectionItemQuery(NoQuery):
    fields: str | None = fields_param(SectionPublic, "heading,start,end")


@router.get(
    "", name="list", summary="List a source's sections", response_model=Page[SectionPublic], responses=ITEM_ERRORS
)
def list_sections(
    request: Request, slug: SourceSlug, query: Annotated[SectionCollectionQuery, Query()], catalog: CatalogDep
) -> Response:
    """The sections in the article's order: heading, body text and `[start, end)` offsets into the source."""
    items, total = catalog.list_sections(slug, query)
    return paged_response(request, items, total, query)


@router.get(
    "/{section}",
    name="get",
    summary="Get a section",
    response_model=SectionPublic,
    responses={**LINKED_DATA, **ITEM_ERRORS},
)
def get_section(
    request: Request,
    slug: SourceSlug,
    section: Annotated[str, Path(max_length=120, examples=["prognosis"])],
    query: Annotated[SectionItemQuery, Query()],
    catalog: CatalogDep,
) -> Response:
    """One section with its verbatim text and the entities that quote it (`relations.cited_by`)."""
    return item_response(request, catalog.get_section(slug, section, fields=query.fields))
