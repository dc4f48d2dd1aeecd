"""Provenance: where in the article each entity's facts come from."""

from __future__ import annotations

from sqlalchemy import JSON, Index
from sqlmodel import Field, SQLModel


class ProvenanceBase(SQLModel):
    """One exact quote, with `quote == source.text[start:end]` checked at seed time."""

    section: str = Field(description="Slug of the section the quote lies in.")
    quote: str
    start: int = Field(ge=0)
    end: int = Field(ge=0)
    supports: list[str] = Field(
        default_factory=list,
        sa_type=JSON,
        description="The entity's fields whose words this quote holds (`summary`, `aim`, ...): why a field says "
        "what it says. Every field with a value is supported by at least one quote.",
        schema_extra={"examples": [["summary", "aim"]]},
    )


class Provenance(ProvenanceBase, table=True):
    __tablename__ = "provenance"
    __table_args__ = (
        Index("ix_provenance_entity", "entity_type", "entity_slug", "position"),
        Index("ix_provenance_section", "source_slug", "section"),
    )

    id: int | None = Field(default=None, primary_key=True)
    source_slug: str = Field(foreign_key="source.slug", max_length=120)
    entity_type: str = Field(max_length=32)
    entity_slug: str = Field(max_length=120)
    position: int = Field(ge=0, description="Order of the quote within the entity's provenance.")
