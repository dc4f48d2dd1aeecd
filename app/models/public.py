"""Pieces every public representation shares: references to other resources, links and provenance."""

from __future__ import annotations

from typing import Any

from sqlmodel import Field, SQLModel
from sqlmodel._compat import SQLModelConfig

from app.models.code import CodePublic
from app.models.common import EntityType
from app.models.provenance import ProvenanceBase

SPARSE_REQUIRED = "x-required-without-fields"
"""The schema extension that lists the fields every answer without `fields=` carries (the typed client's full
models require them; its partial models, for sparse answers, follow `required`)."""


def _only_keys_required(schema: dict[str, Any]) -> None:
    """A sparse fieldset (`fields=`) may leave out any field but `type` and `slug`; the schema says so, and keeps
    the full answer's required fields under `x-required-without-fields`."""
    schema[SPARSE_REQUIRED] = schema.get("required", [])
    schema["required"] = [name for name in ("type", "slug") if name in schema.get("properties", {})]


SPARSE_CONFIG = SQLModelConfig(json_schema_extra=_only_keys_required)


class RelationQuote(SQLModel):
    """The article's words for a relation, with their offsets in the source text."""

    section: str
    quote: str
    start: int
    end: int


class ResourceRef(SQLModel):
    """A pointer to another resource: its type, its slug and its URL."""

    type: EntityType
    slug: str
    href: str = Field(description="The resource's URL, relative to the API's root.")
    provenance: RelationQuote | None = Field(
        default=None,
        description="Where the article states the relation (every relation but `sections`, which the "
        "entity's own provenance already quotes).",
    )


class ProvenancePublic(ProvenanceBase):
    """Where a fact comes from: `quote == text[start:end]` of the source's verbatim text."""

    source: str = Field(description="Slug of the source the quote is from.")


class PublicItemFields(SQLModel):
    """Fields every entity's public representation adds to its data: provenance, relations, links."""

    type: EntityType
    provenance: list[ProvenancePublic] = Field(description="The exact quotes this entity's facts rest on.")
    codes: list[CodePublic] = Field(
        description="MeSH and NCI Thesaurus codes for the entity, each with how it matches (`exact`, `broad`, "
        "`narrow`, `related`: SKOS's mapping relations); empty where no verified code fits."
    )
    relations: dict[str, list[ResourceRef]] = Field(
        description="Related resources by relation name (e.g. `sections`, `concepts`, `addresses`)."
    )
    links: dict[str, str] = Field(description="URLs of this item (`self`), its `collection` and its `source`.")
    embedded: dict[str, list[dict[str, Any]]] | None = Field(
        default=None, description="Related resources in full, one level deep, when asked for with `include=`."
    )
