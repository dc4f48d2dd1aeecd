"""Concepts: the terms the article defines or relies on."""

from __future__ import annotations

from sqlmodel import Field

from app.models.common import ContentBase, SynonymsMixin


class ConceptBase(ContentBase, SynonymsMixin):
    """A term; `definition` is the article's own wording, verbatim, or null where it gives none."""

    definition: str | None = Field(default=None, description="The article's own definition, quoted verbatim.")


class Concept(ConceptBase, table=True):
    __tablename__ = "concept"
