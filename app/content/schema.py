"""The shape of the curated files in `seed/content/`: the table models' data bases, plus provenance and relations.

Each spec subclasses the resource's `XBase`, so a field is declared once for the files, the table and the
API. Unknown keys are rejected, so that a misspelt field in a YAML file cannot be dropped silently.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field
from sqlmodel import SQLModel

# SQLModel types its `model_config` as this TypedDict; it is the documented way to set pydantic options.
from sqlmodel._compat import SQLModelConfig

from app.models import (
    ChallengeBase,
    ConceptBase,
    DetectionMethodBase,
    EntityType,
    FindingBase,
    MatchType,
    Predicate,
    ResearchDirectionBase,
    TherapyBase,
)
from app.models.common import Slug

FORBID_EXTRA = SQLModelConfig(extra="forbid")


class QuoteSpec(BaseModel):
    """A quote as a curator writes it; the pipeline finds its offsets in the named section."""

    model_config = ConfigDict(extra="forbid")

    section: Slug
    quote: str = Field(min_length=1)
    start: int | None = Field(
        default=None, ge=0, description="Only needed when the quote occurs more than once in its section."
    )


class CodeSpec(BaseModel):
    """A vocabulary code as a curator writes it: the system's short name, the code and how it matches; the
    display name comes from `seed/vocabulary.yaml`."""

    model_config = ConfigDict(extra="forbid")

    system: str = Field(description="`mesh` or `ncit`.")
    code: str
    match: MatchType


class RelationSpec(BaseModel):
    """A typed relation the article states, with the quote that states it (offsets computed by the pipeline)."""

    model_config = ConfigDict(extra="forbid")

    predicate: Predicate
    type: EntityType
    slug: Slug
    section: Slug
    quote: str = Field(min_length=1)
    start: int | None = Field(
        default=None, ge=0, description="Only needed when the quote occurs more than once in its section."
    )


class CuratedFields(SQLModel):
    """What every curated entity adds to its resource's data: its quotes, its codes and its relations."""

    model_config = FORBID_EXTRA
    provenance: list[QuoteSpec] = Field(min_length=1)
    codes: list[CodeSpec] = Field(default_factory=list)
    relations: list[RelationSpec] = Field(default_factory=list)


class DetectionMethodSpec(DetectionMethodBase, CuratedFields):
    pass


class TherapySpec(TherapyBase, CuratedFields):
    pass


class ChallengeSpec(ChallengeBase, CuratedFields):
    pass


class ResearchDirectionSpec(ResearchDirectionBase, CuratedFields):
    pass


class FindingSpec(FindingBase, CuratedFields):
    pass


class ConceptSpec(ConceptBase, CuratedFields):
    pass


EntitySpec = DetectionMethodSpec | TherapySpec | ChallengeSpec | ResearchDirectionSpec | FindingSpec | ConceptSpec


class SectionSpec(BaseModel):
    """A section of the article: its slug and its heading exactly as printed (null for the opening)."""

    model_config = ConfigDict(extra="forbid")

    slug: Slug
    heading: str | None


class SourceSpec(BaseModel):
    """The article: which file holds it, its title and its sections in order."""

    model_config = ConfigDict(extra="forbid")

    slug: Slug
    title: str = Field(min_length=1)
    summary: str = Field(min_length=1)
    file: str = Field(min_length=1, description="Path of the verbatim text, relative to the seed folder.")
    checksums: str = Field(min_length=1, description="Path of its sha256sum file, relative to the seed folder.")
    sections: list[SectionSpec] = Field(min_length=1)


ENTITY_FILES: dict[EntityType, tuple[str, type[EntitySpec]]] = {
    EntityType.DETECTION_METHOD: ("detection-methods.yaml", DetectionMethodSpec),
    EntityType.THERAPY: ("therapies.yaml", TherapySpec),
    EntityType.CHALLENGE: ("challenges.yaml", ChallengeSpec),
    EntityType.RESEARCH_DIRECTION: ("research-directions.yaml", ResearchDirectionSpec),
    EntityType.FINDING: ("findings.yaml", FindingSpec),
    EntityType.CONCEPT: ("concepts.yaml", ConceptSpec),
}
"""Which file under `seed/content/` holds each entity type, and the spec each item must match."""

SOURCE_FILE = "source.yaml"
