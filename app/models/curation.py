"""What a curated entity adds to its data in `seed/content/`: its quotes, its codes and its relations.

Each entity's spec (`TherapySpec` and the like, next to its table) subclasses its `XBase` and these fields, so a
field is declared once for the files, the table and the API. Unknown keys are rejected, so that a misspelt field
in a YAML file cannot be dropped silently.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field
from sqlmodel import SQLModel

# SQLModel types its `model_config` as this TypedDict; it is the documented way to set pydantic options.
from sqlmodel._compat import SQLModelConfig

from app.models.code import MatchType
from app.models.common import ContentBase, EntityType, Slug, SynonymsMixin
from app.models.link import Predicate

FORBID_EXTRA = SQLModelConfig(extra="forbid")


class QuoteSpec(BaseModel):
    """A quote as a curator writes it; the pipeline finds its offsets in the named section."""

    model_config = ConfigDict(extra="forbid")

    section: Slug
    quote: str = Field(min_length=1)
    start: int | None = Field(
        default=None, ge=0, description="Only needed when the quote occurs more than once in its section."
    )
    supports: list[str] = Field(
        default_factory=list, description="The entity's fields whose words this quote holds (`summary`, `aim`)."
    )


class CodeSpec(BaseModel):
    """A vocabulary code as a curator writes it: the system's short name, the code and how it matches; the
    display name comes from `seed/vocabulary.yaml`."""

    model_config = ConfigDict(extra="forbid")

    system: str = Field(description="`mesh` or `ncit`.")
    code: str
    match: MatchType
    note: str | None = Field(
        default=None,
        min_length=1,
        description="Why the match is what it says (served with the code); required for `exact` when the "
        "vocabulary's name for the code is not the entity's name or a synonym.",
    )


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


class EntitySpec(ContentBase, SynonymsMixin, CuratedFields):
    """What every curated item has, whatever its type: each type's spec adds its own fields (`TherapySpec`)."""

    former_slugs: list[Slug] = Field(
        default_factory=list,
        description="Slugs the entity was published under before a rename: their URLs (item, card, oEmbed) answer "
        "a 301 to the current ones. The seed refuses one that is any entity's live slug of the same type.",
    )
