"""Sections: the article's headed parts, located in the verbatim text by character offsets."""

from __future__ import annotations

from typing import Any

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from app.models.common import EntityType, Slug
from app.models.public import SPARSE_CONFIG, ResourceRef


class SectionBase(SQLModel):
    """A section's heading and body, as `[start, end)` code-point offsets into the source text."""

    slug: Slug = Field(max_length=120)
    source_slug: str = Field(foreign_key="source.slug", max_length=120)
    position: int = Field(ge=0, description="Order of the section in the article, from 0.")
    heading: str | None = Field(default=None, description="The heading verbatim; null for the untitled opening.")
    heading_start: int | None = None
    heading_end: int | None = None
    start: int = Field(ge=0, description="Offset of the first character of the body.")
    end: int = Field(ge=0, description="Offset one past the last character of the body.")


class Section(SectionBase, table=True):
    __tablename__ = "section"
    __table_args__ = (UniqueConstraint("source_slug", "slug"),)

    id: int | None = Field(default=None, primary_key=True)
    text: str


class SectionPublic(SectionBase):
    """A section as the API serves it: its verbatim text, offsets and the entities that quote it."""

    model_config = SPARSE_CONFIG

    type: EntityType
    text: str
    relations: dict[str, list[ResourceRef]] = Field(description="`source`, and `cited_by`: entities quoting it.")
    links: dict[str, str]
    embedded: dict[str, list[dict[str, Any]]] | None = None
