"""`/v1/concepts`: the terms the article defines or relies on."""

from typing import Annotated

from fastapi import APIRouter, Path, Query, Request
from pydantic import Field
from starlette.responses import Response

from app.deps import CatalogDep
from app.models import EntityType
from app.models.concept import ConceptPublic
from app.models.query import EntityCollectionQuery, ItemQuery, Page
from app.routers.v1.params import fields_param, include_param
from app.routers.v1.representations import LINKED_DATA, item_response
from app.web.openapi import COLLECTION_ERRORS, ITEM_ERRORS
from app.web.paging import paged_response

router = APIRouter(prefix="/concepts", tags=["concepts"])


class ConceptQuery(EntityCollectionQuery):
    fields: str | None = fields_param(ConceptPublic)
    has_definition: bool | None = Field(
        default=None, description="Only concepts the article defines (true) or does not define (false)."
    )


class ConceptItemQuery(ItemQuery):
    fields: str | None = fields_param(ConceptPublic)
    include: str | None = include_param(EntityType.CONCEPT)


@router.get(
    "",
    name="list",
    summary="List concepts",
    response_model=Page[ConceptPublic],
    responses=COLLECTION_ERRORS,
)
def list_concepts(request: Request, query: Annotated[ConceptQuery, Query()], catalog: CatalogDep) -> Response:
    """Terms such as micrometastasis, metastasis and circulating tumor DNA."""
    items, total = catalog.list_entities(EntityType.CONCEPT, query)
    return paged_response(request, items, total, query)


@router.get(
    "/{slug}",
    name="get",
    summary="Get a concept",
    response_model=ConceptPublic,
    responses={**ITEM_ERRORS, **LINKED_DATA},
)
def get_concept(
    request: Request,
    slug: Annotated[str, Path(max_length=120, examples=["micrometastasis"])],
    query: Annotated[ConceptItemQuery, Query()],
    catalog: CatalogDep,
) -> Response:
    """One concept: the article's own definition where it gives one, and the entities that use it."""
    item = catalog.get_entity(EntityType.CONCEPT, slug, fields=query.fields, include=query.include)
    return item_response(request, item)
