"""Concepts: the terms the article defines or relies on."""

from __future__ import annotations

from sqlmodel import Field

from app.models.common import ContentBase, CuratedOrder, SynonymsMixin
from app.models.public import SPARSE_CONFIG, PublicItemFields


class ConceptBase(ContentBase, SynonymsMixin):
    """A term; `definition` is the article's own wording, verbatim, or null where it gives none."""

    definition: str | None = Field(default=None, description="The article's own definition, quoted verbatim.")


class Concept(ConceptBase, CuratedOrder, table=True):
    __tablename__ = "concept"


class ConceptPublic(ConceptBase, PublicItemFields):
    """A concept as the API serves it."""

    model_config = SPARSE_CONFIG
