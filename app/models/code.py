"""Vocabulary codes: how an entity maps onto MeSH and the NCI Thesaurus, for joins with other data."""

from __future__ import annotations

import re
from enum import StrEnum

from sqlalchemy import Index
from sqlmodel import Field, SQLModel

from app.models.common import EnumText

CODE_FORMATS = {
    "mesh": re.compile(r"^D\d{6}(?:\d{3})?$"),
    "ncit": re.compile(r"^C\d{1,7}$"),
}
"""MeSH descriptor UIs (D and 6 or 9 digits) and NCI Thesaurus codes (C and up to 7 digits)."""

CODE_PATTERN = "^(?:" + "|".join(pattern.pattern.strip("^$") for pattern in CODE_FORMATS.values()) + ")$"
"""Any code of either system: what the `code=` query parameter accepts."""


class MatchType(StrEnum):
    """How a code's concept relates to the entity, as in SKOS: the same, broader, narrower, or only associated."""

    # Judged by the vocabulary's own hierarchy (MeSH tree numbers, NCIt definitions), recorded beside each code in
    # seed/vocabulary.yaml (docs/curation.md).

    EXACT = "exact"
    BROAD = "broad"
    NARROW = "narrow"
    RELATED = "related"

    @property
    def skos_property(self) -> str:
        """The SKOS mapping property that says the same (`skos:narrowMatch` for `narrow`)."""
        return f"skos:{self.value}Match"


class CodeBase(SQLModel):
    """One code, in its system's canonical URI, with the vocabulary's own name for it."""

    system: str = Field(
        max_length=100,
        description="The vocabulary's canonical URI.",
        schema_extra={"examples": ["http://id.nlm.nih.gov/mesh"]},
    )
    code: str = Field(max_length=32, description="The code in that vocabulary.", schema_extra={"examples": ["D007150"]})
    display: str = Field(description="The vocabulary's preferred name for the code.")
    match: MatchType = Field(sa_type=EnumText(MatchType), description="How the code's concept relates to the entity.")
    note: str | None = Field(
        default=None,
        description="The curator's reason for the match type, from the vocabulary's hierarchy or definition; it "
        "says so where a match is provisional. Null where the match needs no explanation.",
        schema_extra={"examples": ["Real-Time PCR sits under PCR in MeSH (E05.393.620.500.706)."]},
    )


class EntityCode(CodeBase, table=True):
    __tablename__ = "entity_code"
    __table_args__ = (
        Index("ix_entity_code_entity", "entity_type", "entity_slug", "position"),
        Index("ix_entity_code_code", "code"),
    )

    id: int | None = Field(default=None, primary_key=True)
    entity_type: str = Field(max_length=32)
    entity_slug: str = Field(max_length=120)
    position: int = Field(ge=0, description="Order of the code within the entity's codes.")


class CodePublic(CodeBase):
    """A code as the API shows it."""
