"""`/v1/search`: one ranked, highlighted, typo-tolerant search over every entity and section."""

from enum import StrEnum
from typing import Any

from fastapi import APIRouter, Request
from pydantic import Field, create_model, field_validator
from starlette.responses import Response

from app.models.code import CODE_PATTERN
from app.models.query import NoQuery, PageParams
from app.models.search import SearchPage
from app.search.query import MAX_QUERY_LENGTH, MAX_TERMS, NOT_BLANK_PATTERN, count_words, is_blank
from app.services.search import run_search
from app.web.openapi import COLLECTION_ERRORS
from app.web.paging import link_header
from app.web.query import parse_query_params, query_parameters
from app.web.responses import JSONBytesResponse

TYPE_DESCRIPTION = (
    "Only these types; repeat to allow several (`type=finding&type=concept`). A type given twice counts once."
)


class SearchQuery(PageParams, NoQuery):
    """The search's parameters; `type` takes the app's searchable types (see `search_query`)."""

    q: str = Field(
        min_length=1,
        max_length=MAX_QUERY_LENGTH,
        description='Words and "quoted phrases". Every word must match, in any of its forms (amplify, amplifies, '
        "amplification); words such as `how` or `the` need not when there are others. When no document holds every "
        "word, the hits holding the most of them answer (`match: partial`). Operators are plain text. "
        f"Blank (only whitespace) or more than {MAX_TERMS} words is a 422.",
        examples=["liquid biopsy"],
        json_schema_extra={"pattern": NOT_BLANK_PATTERN},
    )
    type: list[str] | None = Field(default=None, description=TYPE_DESCRIPTION)
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


def searchable_type(types: tuple[str, ...]) -> type[StrEnum]:
    """`SearchableType`: the enumeration of `types`, as the OpenAPI document names it."""
    members = {name.upper().replace("-", "_"): name for name in types}
    enumeration = StrEnum("SearchableType", members)  # type: ignore[misc]
    enumeration.__doc__ = "What search can find: the curated entities and the article's sections."
    return enumeration


def search_query(types: tuple[str, ...]) -> type[SearchQuery]:
    """`SearchQuery` whose `type` accepts exactly the searchable `types`."""
    type_choice: Any = searchable_type(types)
    return create_model(
        "SearchQuery",
        __base__=SearchQuery,
        type=(list[type_choice] | None, Field(default=None, description=TYPE_DESCRIPTION)),
    )


def search_router(types: tuple[str, ...]) -> APIRouter:
    """`GET /search` over the searchable `types`."""
    router = APIRouter(prefix="/search", tags=["search"])
    query_model = search_query(types)

    @router.get(
        "",
        name="search",
        summary="Search everything",
        response_model=SearchPage,
        responses=COLLECTION_ERRORS,
        openapi_extra={"parameters": query_parameters(query_model)},
    )
    async def search_everything(request: Request) -> Response:
        """Ranked hits over entities and sections (name above summary above quotes), with snippets and facets."""
        # Async, with no dependencies and its query parsed directly, on purpose: an embedded FTS query takes a
        # fraction of a millisecond, less than a thread-pool hop or FastAPI's per-parameter machinery, and new
        # queries are the one path the response cache cannot absorb. A server database answers over the network,
        # so there the same call goes to the thread pool and the event loop keeps serving.
        query = parse_query_params(query_model, request.query_params)
        outcome = await run_search(
            request.app.state,
            query.q,
            types=list(dict.fromkeys(map(str, query.type or []))),
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
            "match": outcome.match,
        }
        link = link_header(
            request.url, request.query_params, total=outcome.total, limit=query.limit, offset=query.offset
        )
        return JSONBytesResponse(body, headers={"Link": link})

    return router
