"""`/v1/challenges`: what the article says makes micrometastases hard to research."""

from typing import Annotated

from fastapi import APIRouter, Path, Query, Request
from starlette.responses import Response

from app.deps import CatalogDep
from app.models import EntityType
from app.models.challenge import ChallengePublic
from app.models.query import EntityCollectionQuery, ItemQuery, Page
from app.routers.v1.params import fields_param, include_param
from app.routers.v1.representations import LINKED_DATA, item_response
from app.web.openapi import COLLECTION_ERRORS, ITEM_ERRORS
from app.web.paging import paged_response

router = APIRouter(prefix="/challenges", tags=["challenges"])


class ChallengeQuery(EntityCollectionQuery):
    fields: str | None = fields_param(ChallengePublic)


class ChallengeItemQuery(ItemQuery):
    fields: str | None = fields_param(ChallengePublic)
    include: str | None = include_param(EntityType.CHALLENGE)


@router.get(
    "",
    name="list",
    summary="List challenges",
    response_model=Page[ChallengePublic],
    responses=COLLECTION_ERRORS,
)
def list_challenges(request: Request, query: Annotated[ChallengeQuery, Query()], catalog: CatalogDep) -> Response:
    """The research challenges the article names, each with what it limits."""
    items, total = catalog.list_entities(EntityType.CHALLENGE, query)
    return paged_response(request, items, total, query)


@router.get(
    "/{slug}",
    name="get",
    summary="Get a challenge",
    response_model=ChallengePublic,
    responses={**ITEM_ERRORS, **LINKED_DATA},
)
def get_challenge(
    request: Request,
    slug: Annotated[str, Path(max_length=120, examples=["small-size-and-difficult-detection"])],
    query: Annotated[ChallengeItemQuery, Query()],
    catalog: CatalogDep,
) -> Response:
    """One challenge, what it limits, its quotes and the research directions that address it."""
    item = catalog.get_entity(EntityType.CHALLENGE, slug, fields=query.fields, include=query.include)
    return item_response(request, item)
