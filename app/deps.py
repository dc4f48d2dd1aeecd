"""Dependencies the routes share: a database session, the catalog built on it, and search's context."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from typing import Annotated

from fastapi import Depends, Request
from sqlmodel import Session

from app.search.backend import SearchBackend
from app.search.service import LexiconCache, SearchOutcome, search
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
    """Search for one request: the app's engine and lexicon cache, on this request's session."""

    def __init__(self, session: Session, backend: SearchBackend, lexicons: LexiconCache, clock: DatasetClock) -> None:
        self.session = session
        self.backend = backend
        self.lexicons = lexicons
        self.clock = clock

    def run(self, text: str, *, types: list[str], limit: int, offset: int, marks: tuple[str, str]) -> SearchOutcome:
        """Search the dataset being served."""
        stamp = self.clock.latest
        version = stamp.version if stamp is not None else Catalog(self.session).dataset().version
        lexicon = self.lexicons.get(self.session, version)
        return search(self.session, self.backend, lexicon, text, types=types, limit=limit, offset=offset, marks=marks)


@contextmanager
def search_context(request: Request) -> Iterator[SearchContext]:
    """Search for this request, on a session of its own that is closed afterwards."""
    state = request.app.state
    with Session(state.engine) as session:
        yield SearchContext(session, state.search_backend, state.lexicons, state.dataset_clock)
