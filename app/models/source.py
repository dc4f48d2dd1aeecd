"""Sources: the article micromet serves, stored verbatim with its checksum."""

from __future__ import annotations

from sqlmodel import Field, SQLModel

from app.models.common import EntityType, Slug
from app.models.public import SPARSE_CONFIG, ResourceRef


class SourceBase(SQLModel):
    """Bibliographic facts about a source; the article gives a title and nothing else (no author, no date)."""

    slug: Slug = Field(primary_key=True, max_length=120)
    title: str
    summary: str
    filename: str = Field(description="The file name the article was delivered under.")
    sha256: str = Field(min_length=64, max_length=64, description="sha256 of the UTF-8 bytes of the text.")
    length: int = Field(description="Length of the text in characters (Unicode code points).")


class Source(SourceBase, table=True):
    __tablename__ = "source"

    text: str


class SourcePublic(SourceBase):
    """A source as the API serves it; the verbatim text has its own URL (`links.text`)."""

    model_config = SPARSE_CONFIG

    type: EntityType
    relations: dict[str, list[ResourceRef]] = Field(description="`sections`: the source's sections in order.")
    links: dict[str, str] = Field(description="`self`, `collection`, `sections` and `text`.")
