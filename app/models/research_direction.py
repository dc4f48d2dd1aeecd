"""Research directions: where the article says future research on micrometastases is heading."""

from __future__ import annotations

from sqlmodel import Field

from app.models.common import ContentBase, EntityTable, EnumText, ResearchPurpose, SynonymsMixin
from app.models.curation import EntitySpec
from app.models.public import SPARSE_CONFIG, PublicItemFields


class ResearchDirectionBase(ContentBase, SynonymsMixin):
    """A research direction and what it is for; the challenges it addresses are links."""

    purpose: ResearchPurpose = Field(sa_type=EnumText(ResearchPurpose))
    promise: str | None = Field(default=None, description="What the article says it may lead to.")


class ResearchDirection(ResearchDirectionBase, EntityTable, table=True):
    __tablename__ = "research_direction"


class ResearchDirectionPublic(ResearchDirectionBase, PublicItemFields):
    """A research direction as the API serves it."""

    model_config = SPARSE_CONFIG


class ResearchDirectionSpec(ResearchDirectionBase, EntitySpec):
    """As a curator writes it under `seed/content/`: the data, with its quotes, codes and relations."""
