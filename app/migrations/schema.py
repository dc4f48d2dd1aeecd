"""What the migrations manage: the models' tables, minus the search engines' derived index structures."""

from __future__ import annotations

from typing import Any, Literal

from sqlalchemy.types import TypeDecorator
from sqlmodel import SQLModel

import app.models  # noqa: F401  (registers every table on the metadata)

target_metadata = SQLModel.metadata

DERIVED_PREFIXES = ("search_fts", "search_index", "search_term_trgm")
"""Built by the search backend at each seed (FTS5 tables, the tsvector table; the trigram index of earlier versions),
not by migrations: they are derived from `search_document`/`search_term` and rebuilt with them."""


def include_object(obj: Any, name: str | None, type_: str, reflected: bool, compare_to: Any) -> bool:
    """Leave the search engines' derived structures out of comparisons and autogenerate."""
    return not (name or "").startswith(DERIVED_PREFIXES)


def render_item(type_: str, obj: Any, autogen_context: Any) -> str | Literal[False]:
    """Write column types as the plain SQLAlchemy types they store (a migration must not import the app's
    type decorators, which may change after it is written)."""
    if type_ == "type" and isinstance(obj, TypeDecorator):
        return f"sa.{obj.impl_instance!r}"
    return False
