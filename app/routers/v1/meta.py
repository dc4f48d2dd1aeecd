"""`/v1/meta`: which dataset is being served, how big it is, and the sources' checksums."""

from typing import Annotated

from fastapi import APIRouter, Query
from starlette.responses import Response

from app.deps import CatalogDep
from app.models.dataset import MetaPublic
from app.models.query import NoQuery
from app.web.openapi import problem_responses
from app.web.responses import JSONBytesResponse

router = APIRouter(prefix="/meta", tags=["meta"])


@router.get(
    "",
    name="get",
    summary="Describe the dataset",
    response_model=MetaPublic,
    responses=problem_responses(422, 500, 503),
)
def get_meta(query: Annotated[NoQuery, Query()], catalog: CatalogDep) -> Response:
    """API version, dataset version, generation time, a count for each type and the source checksums."""
    return JSONBytesResponse(catalog.meta())
