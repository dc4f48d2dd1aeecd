"""JSON-LD honours `fields=` and `include=` on every entity type (GET and HEAD): never a 500."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import event

from app.models.registry import ENTITY_KINDS, EntityKind
from app.models.urls import item_url
from tests.conftest import fresh_client

LD = {"Accept": "application/ld+json"}
ENTITY_TYPES = list(ENTITY_KINDS)
ALWAYS = {"@context", "@id", "@type", "identifier"}


def first_slug(client: TestClient, kind: EntityKind) -> str:
    slug: str = client.get(f"/v1/{kind.segment}?limit=1").json()["items"][0]["slug"]
    return slug


@pytest.mark.parametrize("kind", ENTITY_TYPES, ids=lambda kind: kind.name)
@pytest.mark.parametrize("fields", ["links", "codes", "name", "summary", "provenance", "relations", "links,codes,name"])
def test_json_ld_with_fields_keeps_the_properties_of_those_fields(
    client: TestClient, kind: EntityKind, fields: str
) -> None:
    url = f"{item_url(kind.segment, first_slug(client, kind))}?fields={fields}"
    full = client.get(url.split("?")[0], headers=LD).json()

    response = client.get(url, headers=LD)
    head = client.head(url, headers=LD)

    assert response.status_code == head.status_code == 200
    assert response.headers["content-type"] == "application/ld+json"
    node = response.json()
    assert node["@id"] == full["@id"]
    expected = set(ALWAYS)
    chosen = set(fields.split(","))
    if "name" in chosen:
        expected.add("name")
    if "summary" in chosen and "description" in full:
        expected.add("description")
    if "links" in chosen:
        expected.add("url")
    if "codes" in chosen:
        expected |= {key for key in full if key in {"sameAs", "relatedLink"} or key.startswith("skos:")}
    if "provenance" in chosen:
        expected.add("citation")
    if "relations" in chosen:
        expected |= {key for key in full if key.startswith("micromet:")}
    assert set(node) == expected
    assert all(node[key] == full[key] for key in expected)


@pytest.mark.parametrize("kind", ENTITY_TYPES, ids=lambda kind: kind.name)
def test_json_ld_with_include_adds_the_embedded_nodes(client: TestClient, kind: EntityKind) -> None:
    url = item_url(kind.segment, first_slug(client, kind))
    include = ",".join(kind.relations)
    embedded = client.get(f"{url}?include={include}").json()["embedded"]

    response = client.get(f"{url}?include={include}", headers=LD)

    assert response.status_code == 200
    node = response.json()
    base = client.app.state.settings.public_url  # type: ignore[attr-defined]
    expected = [base + entity["links"]["self"] for entities in embedded.values() for entity in entities]
    assert [included["@id"] for included in node.get("@included", [])] == expected
    assert node["@id"] == client.get(url, headers=LD).json()["@id"]


def test_a_repeated_include_is_the_same_as_one(client: TestClient) -> None:
    url = "/v1/concepts/micrometastasis"
    once = client.get(f"{url}?include=used_by")
    many = client.get(f"{url}?include={','.join(['used_by'] * 62)}")

    assert many.status_code == 200
    assert many.json() == once.json()
    assert list(many.json()["embedded"]) == ["used_by"]


def test_a_repeated_include_does_the_work_once(tmp_path: Path) -> None:
    """Counted in database statements, which grow with each relation embedded (on a fresh app, so that the
    response cache answers neither request)."""
    statements: list[str] = []

    def count(*args: object) -> None:
        statements.append(str(args[2]))

    with fresh_client(tmp_path) as client:
        engine = client.app.state.engine  # type: ignore[attr-defined]
        event.listen(engine, "before_cursor_execute", count)
        client.get("/v1/concepts/micrometastasis?include=used_by&fields=name")
        once = len(statements)
        statements.clear()
        client.get(f"/v1/concepts/micrometastasis?include={','.join(['used_by'] * 62)}&fields=name")
        many = len(statements)

    assert many == once > 0
