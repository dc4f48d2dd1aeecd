"""Query parameters as models: unknown parameters are rejected, so a typo is never silently ignored."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any, Literal, TypeVar, get_args, get_origin

from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from starlette.datastructures import QueryParams

from app.content.vocabulary import CODE_PATTERN
from app.models.common import Slug
from app.web.paging import PageParams

SortOrder = Literal["name", "-name", "slug", "-slug"]

MAX_LIST_PARAM_LENGTH = 500

REPEATABLE_PARAMS = frozenset({"type"})
"""The only parameters that may be given more than once (search's `type=a&type=b`); any other repeated
parameter is a 422 (app/web/guards.py)."""


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


ModelT = TypeVar("ModelT", bound=BaseModel)


def parse_query_params(model: type[ModelT], params: QueryParams) -> ModelT:
    """Validate a query string against `model` the way FastAPI's query models do, at a fraction of the cost.

    List fields take every value of a repeated parameter (a repeated single-valued one never gets here: it is
    a 422 in app/web/guards.py); errors are located in `query`, so they become the same 422 problem as anywhere
    else. Used where a route is the hot path.
    """
    values: dict[str, Any] = {}
    for name in params:
        field = model.model_fields.get(name)
        many = field is not None and _takes_list(field.annotation)
        values[name] = params.getlist(name) if many else params[name]
    try:
        return model.model_validate(values)
    except ValidationError as error:
        raise RequestValidationError(
            [{**detail, "loc": ("query", *detail["loc"])} for detail in error.errors(include_url=False)]
        ) from None


def _takes_list(annotation: Any) -> bool:
    """`list[X]` or `list[X] | None`."""
    return get_origin(annotation) is list or any(get_origin(arg) is list for arg in get_args(annotation))


def query_parameters(model: type[BaseModel]) -> list[dict[str, Any]]:
    """OpenAPI `parameters` for a query model validated by `parse_query_params` (schemas inlined)."""
    schema = model.model_json_schema()
    definitions = schema.get("$defs", {})
    required = set(schema.get("required", []))
    return [
        {
            "name": name,
            "in": "query",
            "required": name in required,
            "schema": _inline(field, definitions),
            "description": field.get("description", ""),
        }
        for name, field in schema["properties"].items()
    ]


def _inline(node: Any, definitions: dict[str, Any]) -> Any:
    if isinstance(node, dict):
        reference = node.get("$ref", "")
        if reference.startswith("#/$defs/"):
            return _inline(definitions[reference.removeprefix("#/$defs/")], definitions)
        return {key: _inline(value, definitions) for key, value in node.items()}
    if isinstance(node, list):
        return [_inline(item, definitions) for item in node]
    return node
