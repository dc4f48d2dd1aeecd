"""Query parameters as models, shared by the routes that parse them and the services that read them: paging,
order, sparse fieldsets and filters. Unknown parameters are rejected, so a typo is never silently ignored."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Annotated, Any, Generic, Literal, TypeVar

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

from app.models.code import CODE_PATTERN
from app.models.common import Slug

DEFAULT_LIMIT = 20

MAX_LIMIT = 100

ItemT = TypeVar("ItemT")

_ASCII_DIGITS = re.compile(r"[0-9]{1,19}")


def _ascii_digits(value: object) -> object:
    """A query string's integer is ASCII digits and nothing else: not `5.0`, `1_0`, `+1`, ` 5 ` or a full-width
    digit, all of which Python's `int()` would take."""
    if isinstance(value, str) and not _ASCII_DIGITS.fullmatch(value):
        raise ValueError("Give a whole number in ASCII digits only (no sign, point, underscore or spaces).")
    return value


ASCII_DIGITS = BeforeValidator(_ascii_digits)
"""Put after an int's constraints in `Annotated[int, Field(ge=..., le=...), ASCII_DIGITS]`."""

QueryInt = Annotated[int, ASCII_DIGITS]
"""An integer query parameter: ASCII digits only, then the field's own bounds."""


class PageParams(BaseModel):
    """`limit` and `offset`; a limit above the maximum is an error, never silently clamped."""

    limit: QueryInt = Field(
        default=DEFAULT_LIMIT, ge=1, le=MAX_LIMIT, description=f"Items per page, 1 to {MAX_LIMIT}.", examples=[20]
    )
    offset: QueryInt = Field(default=0, ge=0, le=2**31, description="How many items to skip.", examples=[0])


class Page(BaseModel, Generic[ItemT]):
    """A page of a collection."""

    items: list[ItemT]
    total: int = Field(description="How many items match, over all pages.")
    limit: int
    offset: int


SortOrder = Literal["name", "-name", "slug", "-slug"]

MAX_LIST_PARAM_LENGTH = 500


class NoQuery(BaseModel):
    """For routes that take no query parameters: an unknown one is still a 422."""

    model_config = ConfigDict(extra="forbid")


FIELDS_DESCRIPTION = "Comma-separated fields to return (`type` and `slug` always come). Unknown fields are a 422."


class ItemQuery(NoQuery):
    """Options of an entity item: a sparse fieldset and related resources to embed."""

    fields: str | None = Field(
        default=None, max_length=MAX_LIST_PARAM_LENGTH, description=FIELDS_DESCRIPTION, examples=["name,summary"]
    )
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
        default=None, max_length=MAX_LIST_PARAM_LENGTH, description=FIELDS_DESCRIPTION, examples=["links"]
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

    fields: str | None = Field(
        default=None, max_length=MAX_LIST_PARAM_LENGTH, description=FIELDS_DESCRIPTION, examples=["name,summary"]
    )
    section: Slug | None = Field(
        default=None, description="Only entities with a quote in this section of the source.", examples=["detection"]
    )
    code: str | None = Field(
        default=None,
        pattern=CODE_PATTERN,
        description="Only entities carrying this MeSH descriptor (D...) or NCI Thesaurus (C...) code.",
        examples=["D007150"],
    )


def split_list(value: str | None) -> list[str]:
    """`"a,b"` -> `["a", "b"]`: the comma-separated form of `fields` and `include`, taken literally.

    No spaces are trimmed and no empty item is dropped, so the values accepted are exactly those the
    OpenAPI pattern of `choice_list` describes.
    """
    return [] if value is None else value.split(",")


def choice_list(choices: Sequence[str], *, description: str, example: str) -> Any:
    """A comma-separated list parameter whose values come from `choices`, documented with its exact pattern."""
    alternatives = "|".join(re.escape(choice) for choice in choices)
    listed = ", ".join(f"`{choice}`" for choice in choices)
    return Field(
        default=None,
        max_length=MAX_LIST_PARAM_LENGTH,
        description=f"{description} Comma-separated, from: {listed}.",
        examples=[example],
        json_schema_extra={"pattern": f"^({alternatives})(,({alternatives}))*$"},
    )
