"""`/v1/therapies`: the treatments and approaches the article gives for managing micrometastases."""

from typing import Annotated

from fastapi import APIRouter, Path, Query, Request
from pydantic import Field
from starlette.responses import Response

from app.deps import CatalogDep
from app.models import EntityType, TherapyCategory
from app.models.query import EntityCollectionQuery, ItemQuery, Page
from app.models.therapy import TherapyPublic
from app.routers.v1.params import fields_param, include_param
from app.routers.v1.representations import LINKED_DATA, item_response
from app.web.openapi import COLLECTION_ERRORS, ITEM_ERRORS
from app.web.paging import paged_response

router = APIRouter(prefix="/therapies", tags=["therapies"])


class TherapyQuery(EntityCollectionQuery):
    fields: str | None = fields_param(TherapyPublic)
    category: TherapyCategory | None = Field(default=None, description="Systemic, adjuvant or an approach.")


class TherapyItemQuery(ItemQuery):
    fields: str | None = fields_param(TherapyPublic)
    include: str | None = include_param(EntityType.THERAPY)


@router.get(
    "",
    name="list",
    summary="List therapies",
    response_model=Page[TherapyPublic],
    responses=COLLECTION_ERRORS,
)
def list_therapies(request: Request, query: Annotated[TherapyQuery, Query()], catalog: CatalogDep) -> Response:
    """Systemic, adjuvant and personalized approaches, filterable by category."""
    items, total = catalog.list_entities(EntityType.THERAPY, query)
    return paged_response(request, items, total, query)


@router.get(
    "/{slug}",
    name="get",
    summary="Get a therapy",
    response_model=TherapyPublic,
    responses={**ITEM_ERRORS, **LINKED_DATA},
)
def get_therapy(
    request: Request,
    slug: Annotated[str, Path(max_length=120, examples=["adjuvant-therapy"])],
    query: Annotated[TherapyItemQuery, Query()],
    catalog: CatalogDep,
) -> Response:
    """One therapy: category, aim, timing and indication where the article gives them, with quotes."""
    item = catalog.get_entity(EntityType.THERAPY, slug, fields=query.fields, include=query.include)
    return item_response(request, item)
