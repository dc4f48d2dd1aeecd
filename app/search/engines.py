"""The choice of search engine for a database dialect."""

from __future__ import annotations

from app.search.interface import SEARCHABLE_TYPES, SearchBackend
from app.search.postgres import PostgresSearch
from app.search.sqlite import SQLiteSearch
from app.search.unsupported import UnsupportedSearch


def search_backend(dialect: str, types: tuple[str, ...] = SEARCHABLE_TYPES) -> SearchBackend:
    """The engine for a database dialect, over the searchable `types`."""
    if dialect == "sqlite":
        return SQLiteSearch(types)
    if dialect == "postgresql":
        return PostgresSearch()
    return UnsupportedSearch(dialect)
