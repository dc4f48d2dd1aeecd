"""`/v1/search`: one ranked, highlighted, typo-tolerant search over every entity and section."""

from typing import Annotated

from fastapi import APIRouter, Query, Request
from pydantic import Field, field_validator
from starlette.responses import Response

from app.deps import search_context
from app.models.search import SearchPage
from app.search.backend import SearchableType
from app.search.query import MAX_QUERY_LENGTH
from app.web.openapi import COLLECTION_ERRORS
from app.web.paging import PageParams, link_header
from app.web.query import NoQuery
from app.web.responses import JSONBytesResponse

router = APIRouter(prefix="/search", tags=["search"])


class SearchQuery(PageParams, NoQuery):
    q: str = Field(
        min_length=1,
        max_length=MAX_QUERY_LENGTH,
        description='Words (all must match, stemmed) and "quoted phrases". Operators are plain text.',
        examples=["liquid biopsy"],
    )
    type: list[SearchableType] | None = Field(
        default=None, description="Only these types; repeat to allow several (`type=finding&type=concept`)."
    )
    mark_start: str = Field(default="<mark>", max_length=32, description="Inserted before each matched term.")
    mark_end: str = Field(default="</mark>", max_length=32, description="Inserted after each matched term.")

    @field_validator("q")
    @classmethod
    def not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("The query is blank; give at least one word.")
        return value


@router.get("", name="search", summary="Search everything", response_model=SearchPage, responses=COLLECTION_ERRORS)
async def search_everything(request: Request, query: Annotated[SearchQuery, Query()]) -> Response:
    """Ranked hits over entities and sections (name above summary above quotes), with snippets and facets."""
    # Async, with no dependencies, on purpose: an embedded FTS query takes a fraction of a millisecond, less
    # than a thread-pool hop or a generator dependency; new queries are the one path the cache cannot absorb.
    with search_context(request) as search:
        outcome = search.run(
            query.q,
            types=[kind.value for kind in query.type or []],
            limit=query.limit,
            offset=query.offset,
            marks=(query.mark_start, query.mark_end),
        )
    body = {
        "items": outcome.hits,
        "total": outcome.total,
        "limit": query.limit,
        "offset": query.offset,
        "facets": outcome.facets,
        "did_you_mean": outcome.did_you_mean,
    }
    link = link_header(request.url, request.query_params, total=outcome.total, limit=query.limit, offset=query.offset)
    return JSONBytesResponse(body, headers={"Link": link})
