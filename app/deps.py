"""Dependencies the routes share: the settings, a database session and the catalog built on it."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from sqlmodel import Session

from app.search.backend import SearchBackend
from app.search.service import LexiconCache, SearchOutcome, search
from app.services.catalog import Catalog
from app.settings import Settings


def get_settings(request: Request) -> Settings:
    """The settings the app was created with."""
    settings: Settings = request.app.state.settings
    return settings


def get_session(request: Request) -> Iterator[Session]:
    """A session on the serving (read-only) engine, closed when the response is done."""
    with Session(request.app.state.engine) as session:
        yield session


SettingsDep = Annotated[Settings, Depends(get_settings)]
SessionDep = Annotated[Session, Depends(get_session)]


def get_catalog(session: SessionDep) -> Catalog:
    """The read API's service for this request."""
    return Catalog(session)


CatalogDep = Annotated[Catalog, Depends(get_catalog)]


class SearchContext:
    """Search for one request: the app's engine and lexicon cache, on this request's session."""

    def __init__(self, session: Session, backend: SearchBackend, lexicons: LexiconCache) -> None:
        self.session = session
        self.backend = backend
        self.lexicons = lexicons

    def run(self, text: str, *, types: list[str], limit: int, offset: int, marks: tuple[str, str]) -> SearchOutcome:
        """Search the dataset being served."""
        version = Catalog(self.session).dataset().version
        lexicon = self.lexicons.get(self.session, version)
        return search(self.session, self.backend, lexicon, text, types=types, limit=limit, offset=offset, marks=marks)


def get_search(request: Request, session: SessionDep) -> SearchContext:
    """The search context for this request."""
    return SearchContext(session, request.app.state.search_backend, request.app.state.lexicons)


SearchDep = Annotated[SearchContext, Depends(get_search)]
