"""The shape of the source's file in `seed/content/`; each entity kind's file is validated by the spec its
registry entry names (`app/models/curation.py` holds what they share). Unknown keys are rejected, so that a
misspelt field in a YAML file cannot be dropped silently.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from app.models.common import Slug


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


SOURCE_FILE = "source.yaml"
