"""Query parameters as models: unknown parameters are rejected, so a typo is never silently ignored."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from app.models.common import Slug
from app.web.paging import PageParams

SortOrder = Literal["name", "-name", "slug", "-slug"]

MAX_LIST_PARAM_LENGTH = 500


class NoQuery(BaseModel):
    """For routes that take no query parameters: an unknown one is still a 422."""

    model_config = ConfigDict(extra="forbid")


class FieldsQuery(NoQuery):
    """Options of an item route: a sparse fieldset."""

    fields: str | None = Field(
        default=None,
        max_length=MAX_LIST_PARAM_LENGTH,
        description="Comma-separated fields to return (`type` and `slug` always come). Unknown fields are a 422.",
        examples=["name,summary"],
    )


class ItemQuery(FieldsQuery):
    """Options of an entity item: a sparse fieldset and related resources to embed."""

    include: str | None = Field(
        default=None,
        max_length=MAX_LIST_PARAM_LENGTH,
        description="Comma-separated relations to embed in full, one level deep (see `relations`).",
        examples=["concepts"],
    )


class CollectionQuery(PageParams):
    """Options every collection takes: paging, order and a sparse fieldset."""

    model_config = ConfigDict(extra="forbid")

    sort: SortOrder | None = Field(
        default=None, description="Order by name or slug; `-` for descending. Default: the article's order."
    )
    fields: str | None = Field(
        default=None,
        max_length=MAX_LIST_PARAM_LENGTH,
        description="Comma-separated fields to return for each item (`type` and `slug` always come).",
        examples=["name,summary"],
    )

    def filters(self) -> dict[str, Any]:
        """The filters that were given: every field beyond paging, order and fields that is not null."""
        common = set(CollectionQuery.model_fields)
        return {
            name: value
            for name in type(self).model_fields
            if name not in common and (value := getattr(self, name)) is not None
        }


class EntityCollectionQuery(CollectionQuery):
    """Options of every entity collection: the common ones, and the section an entity is cited from."""

    section: Slug | None = Field(
        default=None, description="Only entities with a quote in this section of the source.", examples=["detection"]
    )


def split_list(value: str | None) -> list[str]:
    """`"a, b,,c"` -> `["a", "b", "c"]`: the comma-separated form of `fields` and `include`."""
    if value is None:
        return []
    return [part.strip() for part in value.split(",") if part.strip()]
