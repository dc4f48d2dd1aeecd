"""`/v1/findings`: single claims the article makes, each with its own quote."""

from typing import Annotated

from fastapi import APIRouter, Path, Query, Request
from pydantic import Field
from starlette.responses import Response

from app.deps import CatalogDep
from app.models import EntityType, FindingTopic
from app.models.finding import FindingPublic
from app.models.query import EntityCollectionQuery, ItemQuery, Page
from app.routers.v1.params import fields_param, include_param
from app.routers.v1.representations import LINKED_DATA, item_response
from app.web.openapi import COLLECTION_ERRORS, ITEM_ERRORS
from app.web.paging import paged_response

router = APIRouter(prefix="/findings", tags=["findings"])


class FindingQuery(EntityCollectionQuery):
    fields: str | None = fields_param(FindingPublic)
    topic: FindingTopic | None = Field(default=None, description="The part of the argument it belongs to.")


class FindingItemQuery(ItemQuery):
    fields: str | None = fields_param(FindingPublic)
    include: str | None = include_param(EntityType.FINDING)


@router.get(
    "",
    name="list",
    summary="List findings",
    response_model=Page[FindingPublic],
    responses=COLLECTION_ERRORS,
)
def list_findings(request: Request, query: Annotated[FindingQuery, Query()], catalog: CatalogDep) -> Response:
    """The claims on clinical significance, prognosis, management and outlook, filterable by topic."""
    items, total = catalog.list_entities(EntityType.FINDING, query)
    return paged_response(request, items, total, query)


@router.get(
    "/{slug}",
    name="get",
    summary="Get a finding",
    response_model=FindingPublic,
    responses={**ITEM_ERRORS, **LINKED_DATA},
)
def get_finding(
    request: Request,
    slug: Annotated[str, Path(max_length=120, examples=["poorer-prognosis"])],
    query: Annotated[FindingItemQuery, Query()],
    catalog: CatalogDep,
) -> Response:
    """One finding: the claim, its topic and the exact quote it rests on."""
    item = catalog.get_entity(EntityType.FINDING, slug, fields=query.fields, include=query.include)
    return item_response(request, item)
