"""Paging on the wire: the collection envelope and the RFC 8288 `Link` header (the limit rules are the
`PageParams` model's, in app/models/query.py)."""

from __future__ import annotations

from operator import itemgetter
from typing import Any
from urllib.parse import urlencode

from starlette.datastructures import URL, QueryParams
from starlette.requests import Request
from starlette.responses import Response

from app.models.query import PageParams
from app.web.responses import JSONBytesResponse


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
