"""Responses are built as dicts for speed; these tests hold them to their declared public models, on both backends:
every item and page of every type validates with unknown fields forbidden, and carries every declared field."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from pydantic import BaseModel, ConfigDict

from app.models import EntityType
from app.models.query import Page
from app.models.urls import COLLECTIONS
from app.services.catalog import PUBLIC_MODELS, RELATIONS

SOURCE = "understanding-micrometastases-in-cancer"
OPTIONAL = {"embedded"}
"""Fields a full item carries only when asked for (`include=`)."""


def strict(model: type[BaseModel]) -> type[BaseModel]:
    """The model with unknown fields forbidden."""
    config = ConfigDict(**{**model.model_config, "extra": "forbid"})
    return type(f"Strict{model.__name__}", (model,), {"model_config": config})


def collection_url(kind: EntityType) -> str:
    return f"/v1/sources/{SOURCE}/sections" if kind is EntityType.SECTION else f"/v1/{COLLECTIONS[kind]}"


@pytest.mark.parametrize("kind", list(PUBLIC_MODELS), ids=str)
def test_every_item_of_every_type_matches_its_public_model(client: TestClient, kind: EntityType) -> None:
    model = strict(PUBLIC_MODELS[kind])
    page = client.get(collection_url(kind), params={"limit": 100}).json()
    strict(Page[dict[str, Any]]).model_validate(page)  # the envelope; each item against its model below

    assert page["items"]
    for listed in page["items"]:
        item: dict[str, Any] = client.get(f"{collection_url(kind)}/{listed['slug']}").json()
        model.model_validate(item)
        assert set(model.model_fields) - OPTIONAL <= set(item)
        assert listed == item


@pytest.mark.parametrize("kind", list(RELATIONS), ids=str)
def test_embedded_entities_match_their_public_models(client: TestClient, kind: EntityType) -> None:
    url = collection_url(kind)
    for listed in client.get(url, params={"limit": 100}).json()["items"]:
        item = client.get(f"{url}/{listed['slug']}", params={"include": ",".join(RELATIONS[kind])}).json()
        strict(PUBLIC_MODELS[kind]).model_validate(item)
        for entities in item["embedded"].values():
            for entity in entities:
                strict(PUBLIC_MODELS[EntityType(entity["type"])]).model_validate(entity)
