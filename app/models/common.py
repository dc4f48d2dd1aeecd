"""Vocabulary shared by every resource: entity types, enumerations and the common base."""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum
from typing import Annotated, TypeVar

from pydantic import StringConstraints
from sqlalchemy import JSON, DateTime, String, TypeDecorator
from sqlalchemy.engine import Dialect
from sqlmodel import Field, SQLModel


class EntityType(StrEnum):
    """The kinds of content micromet serves; the value is what relations and search hits carry."""

    SOURCE = "source"
    SECTION = "section"
    DETECTION_METHOD = "detection-method"
    THERAPY = "therapy"
    CHALLENGE = "challenge"
    RESEARCH_DIRECTION = "research-direction"
    FINDING = "finding"
    CONCEPT = "concept"


class Specimen(StrEnum):
    """What a detection method is performed on, as the article states it."""

    TISSUE = "tissue"
    BLOOD = "blood"
    NOT_STATED = "not-stated"


class Invasiveness(StrEnum):
    """How invasive a detection method is; only set where the article says so."""

    NON_INVASIVE = "non-invasive"
    INVASIVE = "invasive"


class TherapyCategory(StrEnum):
    """Where a therapy sits in the article's account of management."""

    SYSTEMIC = "systemic"
    ADJUVANT = "adjuvant"
    APPROACH = "approach"


class ResearchPurpose(StrEnum):
    """What a research direction is for, in the article's words: detection, understanding or therapy."""

    DETECTION = "detection"
    UNDERSTANDING = "understanding"
    THERAPY = "therapy"


class FindingTopic(StrEnum):
    """The part of the article's argument a finding belongs to."""

    DETECTION = "detection"
    CLINICAL_SIGNIFICANCE = "clinical-significance"
    PROGNOSIS = "prognosis"
    MANAGEMENT = "management"
    OUTLOOK = "outlook"


SLUG_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"

Slug = Annotated[str, StringConstraints(pattern=SLUG_PATTERN, min_length=1, max_length=120)]
"""Lower-case words joined by hyphens, in the article's own spelling; unique within a type."""


class ContentBase(SQLModel):
    """Fields every curated entity has: a stable slug, a name and a summary faithful to the article."""

    slug: Slug = Field(primary_key=True, max_length=120)
    name: str = Field(min_length=1, max_length=200)
    summary: str = Field(min_length=1, max_length=2000)


class CuratedOrder(SQLModel):
    """The position of a row in its curated file: the default order of a collection (the article's)."""

    position: int = Field(default=0, index=True)


class SynonymsMixin(SQLModel):
    """Abbreviations and synonyms that occur in the article, so searches in people's words find the entity."""

    synonyms: list[str] = Field(default_factory=list, sa_type=JSON)


class EntityTable(ContentBase, SynonymsMixin, CuratedOrder):
    """What every curated entity's table has, whatever its type: the registry and the catalog work on this."""


class UTCDateTime(TypeDecorator[datetime]):
    """A timestamp stored in UTC and always read back timezone-aware, whatever the engine keeps."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        return value.astimezone(UTC) if value is not None else None

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


EnumT = TypeVar("EnumT", bound=StrEnum)


class EnumText(TypeDecorator[EnumT]):
    """A `StrEnum` stored as plain text (no native enum type to migrate) and read back as the enum."""

    impl = String(32)
    cache_ok = True

    def __init__(self, enum: type[EnumT]) -> None:
        super().__init__()
        self.enum = enum

    def process_bind_param(self, value: EnumT | str | None, dialect: Dialect) -> str | None:
        return None if value is None else self.enum(value).value

    def process_result_value(self, value: str | None, dialect: Dialect) -> EnumT | None:
        return None if value is None else self.enum(value)
