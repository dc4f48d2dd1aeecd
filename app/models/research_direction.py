"""Research directions: where the article says future research on micrometastases is heading."""

from __future__ import annotations

from sqlmodel import Field

from app.models.common import ContentBase, EnumText, ResearchPurpose, SynonymsMixin


class ResearchDirectionBase(ContentBase, SynonymsMixin):
    """A research direction and what it is for; the challenges it addresses are links."""

    purpose: ResearchPurpose = Field(sa_type=EnumText(ResearchPurpose))
    promise: str | None = Field(default=None, description="What the article says it may lead to.")


class ResearchDirection(ResearchDirectionBase, table=True):
    __tablename__ = "research_direction"
