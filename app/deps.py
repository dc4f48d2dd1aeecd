"""Dependencies the routes share: a database session and the catalog built on it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import Depends, Request
from sqlmodel import Session

from app.services.catalog import Catalog

# The dependencies are `async def` because none of them blocks (a Session connects lazily): FastAPI would
# otherwise send each one through the thread pool, a measurable cost on every request.


async def get_session(request: Request) -> AsyncIterator[Session]:
    """A session on the serving (read-only) engine, closed when the response is done."""
    with Session(request.app.state.engine) as session:
        yield session


SessionDep = Annotated[Session, Depends(get_session)]


async def get_catalog(request: Request, session: SessionDep) -> Catalog:
    """The read API's service for this request, over the entity kinds the app serves."""
    return Catalog(session, request.app.state.entity_kinds)


CatalogDep = Annotated[Catalog, Depends(get_catalog)]
