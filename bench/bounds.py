"""micromet with its search replaced, for `make bench`'s bounds phase: the best a new search could reach through
this app's own stack on this machine, whatever the search did.

`MICROMET_BENCH_BOUND=canned`: every search answers one fixed outcome, the real answer to
`MICROMET_BENCH_CANNED_QUERY` found once (the phase picks a query whose answer is as large as the random queries'
mean), so that a request pays the layers around the search (request ID, access log, request metrics, CORS and
security headers, the time limit, routing, parameter parsing, the JSON, the response cache storing the answer)
and nothing of the search itself (nor the few microseconds of its own time metric). `round-trip`: the same after
one `SELECT 1` on the search pool, the least that a search asking PostgreSQL once can cost. Anything else:
micromet as it is.
"""

from __future__ import annotations

import os
from typing import Any

from starlette.datastructures import State

import app.routers.v1.search as search_route
from app.main import app
from app.search.service import SearchOutcome
from app.services.search import run_search

__all__ = ["app"]

BOUND = os.environ.get("MICROMET_BENCH_BOUND", "")
CANNED_QUERY = os.environ.get("MICROMET_BENCH_CANNED_QUERY", "liquid biopsy blood")
_canned: list[SearchOutcome] = []


async def bounded_search(state: State, text: str, **parameters: Any) -> SearchOutcome:
    """The canned outcome, after a `SELECT 1` round trip for `round-trip`."""
    if not _canned:
        _canned.append(await run_search(state, CANNED_QUERY, **parameters))
    if BOUND == "round-trip":
        assert state.search_pool is not None, "the round-trip bound is measured on PostgreSQL"
        await state.search_pool.fetch("SELECT 1", [])
    return _canned[0]


if BOUND in ("canned", "round-trip"):
    search_route.run_search = bounded_search  # type: ignore[attr-defined]  # the route calls it by this name
