"""`/v1/search`: one ranked, highlighted, typo-tolerant search over every entity and section."""

from fastapi import APIRouter, Request
from pydantic import Field, field_validator
from starlette.responses import Response

from app.models.code import CODE_PATTERN
from app.models.query import NoQuery, PageParams
from app.models.search import SearchPage
from app.search.interface import SearchableType
from app.search.query import MAX_QUERY_LENGTH, MAX_TERMS, NOT_BLANK_PATTERN, count_words, is_blank
from app.services.search import run_search
from app.web.openapi import COLLECTION_ERRORS
from app.web.paging import link_header
from app.web.query import parse_query_params, query_parameters
from app.web.responses import JSONBytesResponse

router = APIRouter(prefix="/search", tags=["search"])


class SearchQuery(PageParams, NoQuery):
    q: str = Field(
        min_length=1,
        max_length=MAX_QUERY_LENGTH,
        description='Words (all must match, stemmed) and "quoted phrases". Operators are plain text. '
        f"Blank (only whitespace) or more than {MAX_TERMS} words is a 422.",
        examples=["liquid biopsy"],
        json_schema_extra={"pattern": NOT_BLANK_PATTERN},
    )
    type: list[SearchableType] | None = Field(
        default=None,
        description="Only these types; repeat to allow several (`type=finding&type=concept`). A type given twice "
        "counts once.",
    )
    code: str | None = Field(
        default=None,
        pattern=CODE_PATTERN,
        description="Only entities carrying this MeSH (D...) or NCI Thesaurus (C...) code; facets count within it.",
        examples=["D007150"],
    )
    mark_start: str = Field(default="<mark>", max_length=32, description="Inserted before each matched term.")
    mark_end: str = Field(default="</mark>", max_length=32, description="Inserted after each matched term.")

    @field_validator("q")
    @classmethod
    def not_blank(cls, value: str) -> str:
        if is_blank(value):
            raise ValueError("The query is blank; give at least one word.")
        words = count_words(value)
        if words > MAX_TERMS:
            raise ValueError(f"The query has {words} words; at most {MAX_TERMS} are searched, so shorten it.")
        return value


@router.get(
    "",
    name="search",
    summary="Search everything",
    response_model=SearchPage,
    responses=COLLECTION_ERRORS,
    openapi_extra={"parameters": query_parameters(SearchQuery)},
)
async def search_everything(request: Request) -> Response:
    """Ranked hits over entities and sections (name above summary above quotes), with snippets and facets."""
    # Async, with no dependencies and its query parsed directly, on purpose: an embedded FTS query takes a
    # fraction of a millisecond, less than a thread-pool hop or FastAPI's per-parameter machinery, and new
    # queries are the one path the response cache cannot absorb. A server database answers over the network,
    # so there the same call goes to the thread pool and the event loop keeps serving.
    query = parse_query_params(SearchQuery, request.query_params)
    outcome = await run_search(
        request.app.state,
        query.q,
        types=list(dict.fromkeys(kind.value for kind in query.type or [])),
        limit=query.limit,
        offset=query.offset,
        marks=(query.mark_start, query.mark_end),
        code=query.code,
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
