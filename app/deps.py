"""Dependencies the routes share: the settings, a database session and the catalog built on it."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from sqlmodel import Session

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
