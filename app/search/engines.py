"""The choice of search engine for a database dialect."""

from __future__ import annotations

from app.search.interface import SearchBackend
from app.search.postgres import PostgresSearch
from app.search.sqlite import SQLiteSearch
from app.search.unsupported import UnsupportedSearch


def search_backend(dialect: str) -> SearchBackend:
    """The engine for a database dialect."""
    if dialect == "sqlite":
        return SQLiteSearch()
    if dialect == "postgresql":
        return PostgresSearch()
    return UnsupportedSearch(dialect)
