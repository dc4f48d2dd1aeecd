"""Links: the relations between entities, one row per directed edge, and the kinds of relation there are."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import Index
from sqlmodel import Field, SQLModel

from app.models.common import EntityType


class Predicate(StrEnum):
    """The kinds of relation the content may state, as stored in `link.predicate`."""

    USED_BY = "used-by"
    ADDRESSES = "addresses"
    DETECTS = "detects"
    ANALYZES = "analyzes"
    INFORMED_BY = "informed-by"


@dataclass(frozen=True)
class RelationKind:
    """One kind of relation: which types it joins, and its name as seen from each end."""

    subjects: frozenset[EntityType]
    objects: frozenset[EntityType]
    name: str
    """The relation's name on its subject (`addresses`)."""
    inverse: str
    """Its name on its object (`addressed_by`)."""


CURATED_TYPES = frozenset(EntityType) - {EntityType.SOURCE, EntityType.SECTION}

RELATION_KINDS: dict[Predicate, RelationKind] = {
    Predicate.USED_BY: RelationKind(frozenset({EntityType.CONCEPT}), CURATED_TYPES, "used_by", "concepts"),
    Predicate.ADDRESSES: RelationKind(
        frozenset({EntityType.RESEARCH_DIRECTION}), frozenset({EntityType.CHALLENGE}), "addresses", "addressed_by"
    ),
    Predicate.DETECTS: RelationKind(
        frozenset({EntityType.DETECTION_METHOD}), frozenset({EntityType.CONCEPT}), "detects", "detected_by"
    ),
    Predicate.ANALYZES: RelationKind(
        frozenset({EntityType.DETECTION_METHOD}), frozenset({EntityType.CONCEPT}), "analyzes", "analyzed_by"
    ),
    Predicate.INFORMED_BY: RelationKind(
        frozenset({EntityType.THERAPY}), frozenset({EntityType.CONCEPT}), "informed_by", "informs"
    ),
}
"""The one table of relation kinds: the seed checks relations against it, the API names them from it."""


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
    section: str | None = Field(default=None, description="Where the article states the relation.")
    quote: str | None = Field(default=None, description="The article's words for it, `text[start:end]`.")
    start: int | None = Field(default=None, ge=0)
    end: int | None = Field(default=None, ge=0)


class SlugAlias(SQLModel, table=True):
    """A slug an entity was published under before it was renamed: its URLs answer a 301 to the current ones."""

    __tablename__ = "slug_alias"

    entity_type: str = Field(primary_key=True, max_length=32)
    former_slug: str = Field(primary_key=True, max_length=120)
    slug: str = Field(max_length=120, description="The entity's current slug.")
