"""Query parameters whose allowed values depend on the resource: `fields=` and `include=`."""

from collections.abc import Sequence
from typing import Annotated, Any

from fastapi import Path
from sqlmodel import SQLModel

from app.models.query import choice_list


def fields_param(model: type[SQLModel], example: str = "name,summary") -> Any:
    """`fields=`: a sparse fieldset from the fields of `model` (`type` and `slug` always come)."""
    return choice_list(
        tuple(model.model_fields), description="Fields to return; `type` and `slug` always come.", example=example
    )


def include_param(relations: Sequence[str]) -> Any:
    """`include=`: relations to embed in full, one level deep, from `relations`."""
    return choice_list(relations, description="Relations to embed in full, one level deep.", example=relations[-1])


SourceSlug = Annotated[str, Path(max_length=120, examples=["understanding-micrometastases-in-cancer"])]
"""The `{slug}` of a source in a path."""
