"""Paging in one place: the collection envelope, the limit rules and the RFC 8288 `Link` header."""

from __future__ import annotations

from typing import Any, Generic, TypeVar
from urllib.parse import urlencode

from pydantic import BaseModel, Field
from starlette.datastructures import URL, QueryParams
from starlette.requests import Request
from starlette.responses import Response

from app.web.responses import JSONBytesResponse

DEFAULT_LIMIT = 20
MAX_LIMIT = 100

ItemT = TypeVar("ItemT")


class PageParams(BaseModel):
    """`limit` and `offset`; a limit above the maximum is an error, never silently clamped."""

    limit: int = Field(
        default=DEFAULT_LIMIT, ge=1, le=MAX_LIMIT, description=f"Items per page, 1 to {MAX_LIMIT}.", examples=[20]
    )
    offset: int = Field(default=0, ge=0, le=2**31, description="How many items to skip.", examples=[0])


class Page(BaseModel, Generic[ItemT]):
    """A page of a collection."""

    items: list[ItemT]
    total: int = Field(description="How many items match, over all pages.")
    limit: int
    offset: int


def link_header(url: URL, query: QueryParams, *, total: int, limit: int, offset: int) -> str:
    """`first`, `prev`, `next` and `last` links that keep every other query parameter of the request.

    There is no `next` on the last page; past the end, `prev` leads back to the last page.
    """
    last = ((total - 1) // limit) * limit if total else 0
    targets: list[tuple[str, int]] = [("first", 0)]
    if offset > 0:
        targets.append(("prev", min(max(offset - limit, 0), last)))
    if offset + limit < total:
        targets.append(("next", offset + limit))
    targets.append(("last", last))
    others = urlencode([(key, value) for key, value in query.multi_items() if key not in ("offset", "limit")])
    base = f"{url.path}?{others}&limit={limit}&offset=" if others else f"{url.path}?limit={limit}&offset="
    links = [f'<{base}{target}>; rel="{rel}"' for rel, target in targets]
    return ", ".join(links)


def paged_response(request: Request, items: list[Any], total: int, page: PageParams) -> Response:
    """The collection envelope as JSON, with its `Link` header."""
    body = {"items": items, "total": total, "limit": page.limit, "offset": page.offset}
    link = link_header(request.url, request.query_params, total=total, limit=page.limit, offset=page.offset)
    return JSONBytesResponse(body, headers={"Link": link})
