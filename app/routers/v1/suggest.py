"""`/v1/suggest`: typeahead over names, abbreviations, synonyms and codes, for search boxes."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from pydantic import Field, create_model, field_validator
from starlette.responses import Response

from app.models.query import NoQuery, QueryInt
from app.models.search import SuggestPage
from app.routers.v1.search import TYPE_DESCRIPTION, searchable_type
from app.search.query import NOT_BLANK_PATTERN, is_blank
from app.search.suggest import DEFAULT_SUGGESTIONS, MAX_PREFIX_LENGTH, MAX_SUGGESTIONS
from app.services.search import run_suggest
from app.web.openapi import COLLECTION_ERRORS
from app.web.query import parse_query_params, query_parameters
from app.web.responses import JSONBytesResponse


class SuggestQuery(NoQuery):
    """The typeahead's parameters; `type` takes the app's searchable types (see `suggest_router`)."""

    prefix: str = Field(
        min_length=1,
        max_length=MAX_PREFIX_LENGTH,
        description="What the reader has typed so far. Matched at the start of names and of their words, of "
        f"abbreviations, synonyms and codes, ignoring case. Blank or longer than {MAX_PREFIX_LENGTH} characters "
        "is a 422.",
        examples=["immuno"],
        json_schema_extra={"pattern": NOT_BLANK_PATTERN},
    )
    type: list[str] | None = Field(default=None, description=TYPE_DESCRIPTION)
    limit: QueryInt = Field(
        default=DEFAULT_SUGGESTIONS,
        ge=1,
        le=MAX_SUGGESTIONS,
        description=f"At most this many suggestions, 1 to {MAX_SUGGESTIONS}.",
        examples=[5],
    )

    @field_validator("prefix")
    @classmethod
    def not_blank(cls, value: str) -> str:
        if is_blank(value):
            raise ValueError("The prefix is blank; give at least one character.")
        return value


def suggest_router(types: tuple[str, ...]) -> APIRouter:
    """`GET /suggest` over the searchable `types`."""
    router = APIRouter(prefix="/suggest", tags=["search"])
    type_choice: Any = searchable_type(types)
    query_model = create_model(
        "SuggestQuery",
        __base__=SuggestQuery,
        type=(list[type_choice] | None, Field(default=None, description=TYPE_DESCRIPTION)),
    )

    @router.get(
        "",
        name="suggest",
        summary="Complete a typed prefix",
        response_model=SuggestPage,
        responses=COLLECTION_ERRORS,
        openapi_extra={"parameters": query_parameters(query_model)},
    )
    async def suggest(request: Request) -> Response:
        """Names, abbreviations, synonyms and codes that start with the prefix: exact name prefixes first, then
        word prefixes, then abbreviations and synonyms, then codes; each item once, with what it matched."""
        query = parse_query_params(query_model, request.query_params)
        items = await run_suggest(
            request.app.state,
            query.prefix,
            types=list(dict.fromkeys(map(str, query.type or []))),
            limit=query.limit,
        )
        return JSONBytesResponse({"items": items})

    return router
