"""Links: the relations between entities, one row per directed edge."""

from __future__ import annotations

from sqlalchemy import Index
from sqlmodel import Field, SQLModel


class Link(SQLModel, table=True):
    """`subject --predicate--> object`, e.g. a research direction `addresses` a challenge."""

    __tablename__ = "link"
    __table_args__ = (
        Index("ix_link_subject", "subject_type", "subject_slug"),
        Index("ix_link_object", "object_type", "object_slug"),
    )

    id: int | None = Field(default=None, primary_key=True)
    subject_type: str = Field(max_length=32)
    subject_slug: str = Field(max_length=120)
    predicate: str = Field(max_length=32)
    object_type: str = Field(max_length=32)
    object_slug: str = Field(max_length=120)
    section: str | None = Field(default=None, description="Where the article states the relation (typed relations).")
    quote: str | None = Field(default=None, description="The article's words for it, `text[start:end]`.")
    start: int | None = Field(default=None, ge=0)
    end: int | None = Field(default=None, ge=0)
