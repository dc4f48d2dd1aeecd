"""Responses are built as dicts for speed; these tests hold them to their declared public models, on both backends:
every item and page of every type validates with unknown fields forbidden, and carries every declared field."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from pydantic import BaseModel, ConfigDict

from app.models import EntityType
from app.models.query import Page
from app.models.registry import ENTITY_KINDS
from app.models.section import SectionPublic
from app.models.source import SourcePublic

SOURCE = "understanding-micrometastases-in-cancer"
OPTIONAL = {"embedded"}
"""Fields a full item carries only when asked for (`include=`)."""


def strict(model: type[BaseModel]) -> type[BaseModel]:
    """The model with unknown fields forbidden."""
    config = ConfigDict(**{**model.model_config, "extra": "forbid"})
    return type(f"Strict{model.__name__}", (model,), {"model_config": config})


PUBLIC_MODELS: dict[str, type[BaseModel]] = {kind.name: kind.public for kind in ENTITY_KINDS}
PUBLIC_MODELS |= {EntityType.SOURCE.value: SourcePublic, EntityType.SECTION.value: SectionPublic}
"""Every type the API serves, and the model its items are declared by."""


def collection_url(kind: str) -> str:
    if kind == EntityType.SECTION:
        return f"/v1/sources/{SOURCE}/sections"
    return "/v1/sources" if kind == EntityType.SOURCE else f"/v1/{ENTITY_KINDS[kind].segment}"


@pytest.mark.parametrize("kind", list(PUBLIC_MODELS))
def test_every_item_of_every_type_matches_its_public_model(client: TestClient, kind: str) -> None:
    model = strict(PUBLIC_MODELS[kind])
    page = client.get(collection_url(kind), params={"limit": 100}).json()
    strict(Page[dict[str, Any]]).model_validate(page)  # the envelope; each item against its model below

    assert page["items"]
    for listed in page["items"]:
        item: dict[str, Any] = client.get(f"{collection_url(kind)}/{listed['slug']}").json()
        model.model_validate(item)
        assert set(model.model_fields) - OPTIONAL <= set(item)
        assert listed == item


@pytest.mark.parametrize("kind", [kind.name for kind in ENTITY_KINDS])
def test_embedded_entities_match_their_public_models(client: TestClient, kind: str) -> None:
    url = collection_url(kind)
    for listed in client.get(url, params={"limit": 100}).json()["items"]:
        item = client.get(f"{url}/{listed['slug']}", params={"include": ",".join(ENTITY_KINDS[kind].relations)}).json()
        strict(PUBLIC_MODELS[kind]).model_validate(item)
        for entities in item["embedded"].values():
            for entity in entities:
                strict(PUBLIC_MODELS[entity["type"]]).model_validate(entity)
