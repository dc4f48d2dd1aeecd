"""Dependencies the routes share: a database session, the catalog built on it, and running a search."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import Depends, Request
from sqlmodel import Session
from starlette.concurrency import run_in_threadpool

from app.search.service import SearchOutcome, search
from app.services.catalog import Catalog

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
    """Search the dataset being served, on a connection of its own.

    On the embedded engine a query that matches runs inline (an FTS query takes a fraction of a millisecond,
    less than a thread hop); one that needs typo correction, whose cost grows with the lexicon, runs in the
    thread pool, so that it never holds up the event loop. A server database is always asked from the pool."""
    state = request.app.state

    def run(correct: bool = True) -> SearchOutcome | None:
        with state.engine.connect() as connection:
            stamp = state.dataset_version.latest
            if stamp is not None:
                version = stamp.version
            else:
                with Session(connection) as session:
                    version = Catalog(session).dataset().version
            return search(
                connection,
                state.search_backend,
                state.speller,
                version,
                text,
                types=types,
                limit=limit,
                offset=offset,
                marks=marks,
                code=code,
                correct=correct,
            )

    if state.engine.dialect.name == "sqlite" and (outcome := run(correct=False)) is not None:
        return outcome
    corrected = await run_in_threadpool(run)
    assert corrected is not None  # with correction allowed there is always an outcome
    return corrected
