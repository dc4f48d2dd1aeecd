"""Provenance: where in the article each entity's facts come from."""

from __future__ import annotations

from sqlmodel import Field, SQLModel


class ProvenanceBase(SQLModel):
    """One exact quote, with `quote == source.text[start:end]` checked at seed time."""

    section: str = Field(description="Slug of the section the quote lies in.")
    quote: str
    start: int = Field(ge=0)
    end: int = Field(ge=0)


class Provenance(ProvenanceBase, table=True):
    __tablename__ = "provenance"

    id: int | None = Field(default=None, primary_key=True)
    source_slug: str = Field(foreign_key="source.slug", max_length=120)
    entity_type: str = Field(index=True, max_length=32)
    entity_slug: str = Field(index=True, max_length=120)
    position: int = Field(ge=0, description="Order of the quote within the entity's provenance.")
