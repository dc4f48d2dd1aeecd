"""`/v1/detection-methods`: the techniques the article names for detecting micrometastases."""

from typing import Annotated

from fastapi import APIRouter, Path, Query, Request
from pydantic import Field
from starlette.responses import Response

from app.deps import CatalogDep
from app.models import EntityType, Invasiveness, Specimen
from app.models.detection_method import DetectionMethodPublic
from app.models.query import EntityCollectionQuery, ItemQuery, Page
from app.routers.v1.params import fields_param, include_param
from app.routers.v1.representations import LINKED_DATA, item_response
from app.web.openapi import COLLECTION_ERRORS, ITEM_ERRORS
from app.web.paging import paged_response

router = APIRouter(prefix="/detection-methods", tags=["detection-methods"])


class DetectionMethodQuery(EntityCollectionQuery):
    fields: str | None = fields_param(DetectionMethodPublic)
    specimen: Specimen | None = Field(default=None, description="What the method is performed on.")
    invasiveness: Invasiveness | None = Field(default=None, description="Only methods the article says are so.")


class DetectionMethodItemQuery(ItemQuery):
    fields: str | None = fields_param(DetectionMethodPublic)
    include: str | None = include_param(EntityType.DETECTION_METHOD)


@router.get(
    "",
    name="list",
    summary="List detection methods",
    response_model=Page[DetectionMethodPublic],
    responses=COLLECTION_ERRORS,
)
def list_detection_methods(
    request: Request, query: Annotated[DetectionMethodQuery, Query()], catalog: CatalogDep
) -> Response:
    """Immunohistochemistry, PCR and liquid biopsy, filterable by specimen and invasiveness."""
    items, total = catalog.list_entities(EntityType.DETECTION_METHOD, query)
    return paged_response(request, items, total, query)


@router.get(
    "/{slug}",
    name="get",
    summary="Get a detection method",
    response_model=DetectionMethodPublic,
    responses={**ITEM_ERRORS, **LINKED_DATA},
)
def get_detection_method(
    request: Request,
    slug: Annotated[str, Path(max_length=120, examples=["liquid-biopsy"])],
    query: Annotated[DetectionMethodItemQuery, Query()],
    catalog: CatalogDep,
) -> Response:
    """One detection method: principle, what it detects, specimen, invasiveness, quotes and relations."""
    item = catalog.get_entity(EntityType.DETECTION_METHOD, slug, fields=query.fields, include=query.include)
    return item_response(request, item)
