"""Concepts: the terms the article defines or relies on."""

from __future__ import annotations

from sqlmodel import Field

from app.models.common import ContentBase, EntityTable, SynonymsMixin
from app.models.curation import EntitySpec
from app.models.public import SPARSE_CONFIG, PublicItemFields


class ConceptBase(ContentBase, SynonymsMixin):
    """A term; `definition` is the article's own wording, verbatim, or null where it gives none."""

    definition: str | None = Field(default=None, description="The article's own definition, quoted verbatim.")


class Concept(ConceptBase, EntityTable, table=True):
    __tablename__ = "concept"


class ConceptPublic(ConceptBase, PublicItemFields):
    """A concept as the API serves it."""

    model_config = SPARSE_CONFIG


class ConceptSpec(ConceptBase, EntitySpec):
    """As a curator writes it under `seed/content/`: the data, with its quotes, codes and relations."""
