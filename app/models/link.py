"""Links: the relations between entities, one row per directed edge."""

from __future__ import annotations

from sqlmodel import Field, SQLModel


class Link(SQLModel, table=True):
    """`subject --predicate--> object`, e.g. a research direction `addresses` a challenge."""

    __tablename__ = "link"

    id: int | None = Field(default=None, primary_key=True)
    subject_type: str = Field(index=True, max_length=32)
    subject_slug: str = Field(index=True, max_length=120)
    predicate: str = Field(max_length=32)
    object_type: str = Field(index=True, max_length=32)
    object_slug: str = Field(index=True, max_length=120)
