"""Paging in one place: the collection envelope, the limit rules and the RFC 8288 `Link` header."""

from __future__ import annotations

import re
from operator import itemgetter
from typing import Annotated, Any, Generic, TypeVar
from urllib.parse import urlencode

from pydantic import BaseModel, BeforeValidator, Field
from starlette.datastructures import URL, QueryParams
from starlette.requests import Request
from starlette.responses import Response

from app.web.responses import JSONBytesResponse

DEFAULT_LIMIT = 20
MAX_LIMIT = 100

ItemT = TypeVar("ItemT")

_ASCII_DIGITS = re.compile(r"[0-9]{1,19}")


def _ascii_digits(value: object) -> object:
    """A query string's integer is ASCII digits and nothing else: not `5.0`, `1_0`, `+1`, ` 5 ` or a full-width
    digit, all of which Python's `int()` would take."""
    if isinstance(value, str) and not _ASCII_DIGITS.fullmatch(value):
        raise ValueError("Give a whole number in ASCII digits only (no sign, point, underscore or spaces).")
    return value


ASCII_DIGITS = BeforeValidator(_ascii_digits)
"""Put after an int's constraints in `Annotated[int, Field(ge=..., le=...), ASCII_DIGITS]`."""

QueryInt = Annotated[int, ASCII_DIGITS]
"""An integer query parameter: ASCII digits only, then the field's own bounds."""


class PageParams(BaseModel):
    """`limit` and `offset`; a limit above the maximum is an error, never silently clamped."""

    limit: QueryInt = Field(
        default=DEFAULT_LIMIT, ge=1, le=MAX_LIMIT, description=f"Items per page, 1 to {MAX_LIMIT}.", examples=[20]
    )
    offset: QueryInt = Field(default=0, ge=0, le=2**31, description="How many items to skip.", examples=[0])


class Page(BaseModel, Generic[ItemT]):
    """A page of a collection."""

    items: list[ItemT]
    total: int = Field(description="How many items match, over all pages.")
    limit: int
    offset: int


def link_header(url: URL, query: QueryParams, *, total: int, limit: int, offset: int) -> str:
    """`first`, `prev`, `next` and `last` links that keep every other query parameter of the request.

    Pages step by `limit` from the requested `offset`, so `last` is the last such step that still holds an item
    and is never before `next`. There is no `next` on the last page; past the end, `prev` and `last` lead back
    to the last page counted from zero.
    """
    if offset < total:
        last = offset + ((total - 1 - offset) // limit) * limit
    else:
        last = ((total - 1) // limit) * limit if total else 0
    targets: list[tuple[str, int]] = [("first", 0)]
    if offset > 0:
        targets.append(("prev", min(max(offset - limit, 0), last)))
    if offset + limit < total:
        targets.append(("next", offset + limit))
    targets.append(("last", last))
    # In the parameters' canonical order (by name; a repeated one keeps its values' order), as the response
    # cache keys them, so that every spelling of one request gets the same links.
    pairs = [(key, value) for key, value in query.multi_items() if key not in ("offset", "limit")]
    pairs.sort(key=itemgetter(0))
    others = urlencode(pairs)
    base = f"{url.path}?{others}&limit={limit}&offset=" if others else f"{url.path}?limit={limit}&offset="
    links = [f'<{base}{target}>; rel="{rel}"' for rel, target in targets]
    return ", ".join(links)


def paged_response(request: Request, items: list[Any], total: int, page: PageParams) -> Response:
    """The collection envelope as JSON, with its `Link` header."""
    body = {"items": items, "total": total, "limit": page.limit, "offset": page.offset}
    link = link_header(request.url, request.query_params, total=total, limit=page.limit, offset=page.offset)
    return JSONBytesResponse(body, headers={"Link": link})
