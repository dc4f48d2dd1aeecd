"""Dependencies the routes share: a database session, the catalog built on it, and search's context."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from typing import Annotated

from fastapi import Depends, Request
from sqlmodel import Session
from starlette.concurrency import run_in_threadpool

from app.search.backend import SearchBackend
from app.search.service import SearchOutcome, Speller, search
from app.services.catalog import Catalog
from app.web.caching import DatasetClock

# The dependencies are `async def` because none of them blocks (a Session connects lazily): FastAPI would
# otherwise send each one through the thread pool, a measurable cost on every request.


async def get_session(request: Request) -> AsyncIterator[Session]:
    """A session on the serving (read-only) engine, closed when the response is done."""
    with Session(request.app.state.engine) as session:
        yield session


SessionDep = Annotated[Session, Depends(get_session)]


async def get_catalog(session: SessionDep) -> Catalog:
    """The read API's service for this request."""
    return Catalog(session)


CatalogDep = Annotated[Catalog, Depends(get_catalog)]


class SearchContext:
    """Search for one request: the app's engine and speller, on this request's session."""

    def __init__(self, session: Session, backend: SearchBackend, speller: Speller, clock: DatasetClock) -> None:
        self.session = session
        self.backend = backend
        self.speller = speller
        self.clock = clock

    def run(
        self,
        text: str,
        *,
        types: list[str],
        limit: int,
        offset: int,
        marks: tuple[str, str],
        code: str | None = None,
    ) -> SearchOutcome:
        """Search the dataset being served."""
        stamp = self.clock.latest
        version = stamp.version if stamp is not None else Catalog(self.session).dataset().version
        return search(
            self.session,
            self.backend,
            self.speller,
            version,
            text,
            types=types,
            limit=limit,
            offset=offset,
            marks=marks,
            code=code,
        )


@contextmanager
def search_context(request: Request) -> Iterator[SearchContext]:
    """Search for this request, on a session of its own that is closed afterwards."""
    state = request.app.state
    with Session(state.engine) as session:
        yield SearchContext(session, state.search_backend, state.speller, state.dataset_clock)


async def run_search(
    request: Request,
    text: str,
    *,
    types: list[str],
    limit: int,
    offset: int,
    marks: tuple[str, str],
    code: str | None = None,
) -> SearchOutcome:
    """Search on a session of its own: inline for the embedded engine, in the thread pool for a server."""

    def run() -> SearchOutcome:
        with search_context(request) as search:
            return search.run(text, types=types, limit=limit, offset=offset, marks=marks, code=code)

    if request.app.state.engine.dialect.name == "sqlite":
        return run()
    return await run_in_threadpool(run)
