"""`/v1/research-directions`: where the article says future research is heading."""

from typing import Annotated

from fastapi import APIRouter, Path, Query, Request
from pydantic import Field
from starlette.responses import Response

from app.deps import CatalogDep
from app.models import EntityType, ResearchPurpose
from app.models.common import Slug
from app.models.query import EntityCollectionQuery, ItemQuery, Page
from app.models.research_direction import ResearchDirectionPublic
from app.routers.v1.params import fields_param, include_param
from app.routers.v1.representations import LINKED_DATA, item_response
from app.web.openapi import COLLECTION_ERRORS, ITEM_ERRORS
from app.web.paging import paged_response

router = APIRouter(prefix="/research-directions", tags=["research-directions"])


class ResearchDirectionQuery(EntityCollectionQuery):
    fields: str | None = fields_param(ResearchDirectionPublic)
    purpose: ResearchPurpose | None = Field(default=None, description="Detection, understanding or therapy.")
    challenge: Slug | None = Field(
        default=None,
        description="Only directions that address this challenge (a challenge slug).",
        examples=["small-size-and-difficult-detection"],
    )


class ResearchDirectionItemQuery(ItemQuery):
    fields: str | None = fields_param(ResearchDirectionPublic)
    include: str | None = include_param(EntityType.RESEARCH_DIRECTION)


@router.get(
    "",
    name="list",
    summary="List research directions",
    response_model=Page[ResearchDirectionPublic],
    responses=COLLECTION_ERRORS,
)
def list_research_directions(
    request: Request, query: Annotated[ResearchDirectionQuery, Query()], catalog: CatalogDep
) -> Response:
    """Future research directions, filterable by purpose and by the challenge they address."""
    items, total = catalog.list_entities(EntityType.RESEARCH_DIRECTION, query)
    return paged_response(request, items, total, query)


@router.get(
    "/{slug}",
    name="get",
    summary="Get a research direction",
    response_model=ResearchDirectionPublic,
    responses={**ITEM_ERRORS, **LINKED_DATA},
)
def get_research_direction(
    request: Request,
    slug: Annotated[str, Path(max_length=120, examples=["nanotechnology"])],
    query: Annotated[ResearchDirectionItemQuery, Query()],
    catalog: CatalogDep,
) -> Response:
    """One research direction: its purpose, its promise, its quotes and the challenges it addresses."""
    item = catalog.get_entity(EntityType.RESEARCH_DIRECTION, slug, fields=query.fields, include=query.include)
    return item_response(request, item)
