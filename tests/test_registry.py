"""The registry of entity kinds is the one place a type is declared: a throwaway type registered in a test
registry (a model, an entry, a curated file and a table standing in for its migration) gets its list, item,
filters, export and search from the code as it is, and a filter the registry does not declare stops the app."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from enum import StrEnum
from pathlib import Path
from typing import Any

import pytest
import yaml
from fastapi.testclient import TestClient
from sqlalchemy import Table
from sqlmodel import Field, SQLModel

from app.db import create_db_engine
from app.main import create_app
from app.migrations import upgrade
from app.models.common import ContentBase, EntityTable, EnumText, SynonymsMixin
from app.models.curation import EntitySpec
from app.models.public import SPARSE_CONFIG, PublicItemFields
from app.models.query import EntityCollectionQuery
from app.models.registry import ENTITY_KINDS, EntityKind, Registry, equals
from app.routers.v1.entities import UndeclaredFilterError, collection_query
from app.settings import Settings


class Finish(StrEnum):
    MATTE = "matte"
    GLOSS = "gloss"


class WidgetBase(ContentBase, SynonymsMixin):
    finish: Finish = Field(sa_type=EnumText(Finish))


class Widget(WidgetBase, EntityTable, table=True):
    __tablename__ = "widget"


WIDGET_TABLE: Table = Widget.__table__  # type: ignore[attr-defined]
SQLModel.metadata.remove(WIDGET_TABLE)  # no other test's database (or migration check) knows of the widget


class WidgetPublic(WidgetBase, PublicItemFields):
    model_config = SPARSE_CONFIG

    type: str  # type: ignore[assignment]  # not one of micromet's EntityType values


class WidgetSpec(WidgetBase, EntitySpec):
    pass


WIDGET = EntityKind(
    name="widget",
    table=Widget,
    public=WidgetPublic,
    spec=WidgetSpec,
    curated_file="widgets.yaml",
    segment="widgets",
    description="Throwaway things, for a test.",
    singular="a widget",
    plural="widgets",
    list_description="Every widget.",
    item_description="One widget.",
    slug_example="immunostain-widget",
    schema_org_type="Thing",
    card_label="Widget",
    filters=(equals("finish", Finish, "Matte or gloss."),),
)

WIDGETS = [
    {
        "slug": "immunostain-widget",
        "name": "Immunostain gadgetry",
        "summary": "Staining tissue sections with antibodies.",
        "finish": "matte",
        "provenance": [
            {
                "section": "detection",
                "quote": "Immunohistochemistry involves staining tissue sections with antibodies to identify "
                "cancerous cells",
                "supports": ["summary", "finish"],
            }
        ],
    },
    {
        "slug": "future-widget",
        "name": "Outlook gadgetry",
        "summary": "Future research aims to improve detection techniques.",
        "finish": "gloss",
        "provenance": [
            {
                "section": "future-directions",
                "quote": "Future research aims to improve detection techniques",
                "supports": ["summary", "finish"],
            }
        ],
    },
]


@pytest.fixture(scope="module")
def widget_client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    """An app serving micromet's six kinds and the widget, seeded at start-up from a seed folder that holds
    one more curated file."""
    folder = tmp_path_factory.mktemp("registry")
    seed_dir = folder / "seed"
    seed_dir.mkdir()
    for path in (Path(__file__).parents[1] / "seed").rglob("*"):
        target = seed_dir / path.relative_to(Path(__file__).parents[1] / "seed")
        if path.is_dir():
            target.mkdir(parents=True, exist_ok=True)
        else:
            target.write_bytes(path.read_bytes())
    (seed_dir / "content" / "widgets.yaml").write_text(yaml.safe_dump(WIDGETS), encoding="utf-8")
    settings = Settings(database_url=f"sqlite:///{folder / 'widgets.sqlite3'}", seed_dir=seed_dir)
    engine = create_db_engine(settings)
    upgrade(engine)
    WIDGET_TABLE.create(engine)  # what the type's migration would do
    engine.dispose()
    with TestClient(create_app(settings, ENTITY_KINDS.with_kind(WIDGET))) as client:
        yield client


def test_the_new_type_is_listed_in_the_curated_order_with_its_quotes(widget_client: TestClient) -> None:
    page = widget_client.get("/v1/widgets").json()
    text = widget_client.get("/v1/sources/understanding-micrometastases-in-cancer/text").text

    assert page["total"] == 2
    assert [item["slug"] for item in page["items"]] == ["immunostain-widget", "future-widget"]
    for item in page["items"]:
        assert item["type"] == "widget"
        assert item["links"]["self"] == f"/v1/widgets/{item['slug']}"
        for quote in item["provenance"]:
            assert text[quote["start"] : quote["end"]] == quote["quote"]


def test_an_item_of_the_new_type_has_its_fields_relations_and_json_ld(widget_client: TestClient) -> None:
    item = widget_client.get("/v1/widgets/future-widget").json()
    node = widget_client.get("/v1/widgets/future-widget", headers={"Accept": "application/ld+json"}).json()

    assert item["finish"] == "gloss"
    assert item["relations"] == {
        "sections": [
            {
                "type": "section",
                "slug": "future-directions",
                "href": "/v1/sources/understanding-micrometastases-in-cancer/sections/future-directions",
            }
        ]
    }
    assert node["@type"] == "Thing"
    assert node["@id"] == widget_client.app.state.settings.public_url + "/v1/widgets/future-widget"  # type: ignore[attr-defined]
    assert widget_client.get("/v1/widgets/no-such-widget").status_code == 404


def test_the_new_types_declared_filters_work_and_check_their_values(widget_client: TestClient) -> None:
    def slugs(**params: str) -> list[str]:
        response = widget_client.get("/v1/widgets", params=params)
        assert response.status_code == 200, response.text
        return [item["slug"] for item in response.json()["items"]]

    assert slugs(finish="matte") == ["immunostain-widget"]
    assert slugs(finish="gloss") == ["future-widget"]
    assert slugs(section="detection") == ["immunostain-widget"]
    assert slugs(section="detection", finish="gloss") == []
    assert widget_client.get("/v1/widgets", params={"finish": "shiny"}).status_code == 422
    assert widget_client.get("/v1/widgets", params={"colour": "red"}).status_code == 422


def test_the_new_type_is_exported_in_every_format(widget_client: TestClient) -> None:
    document = widget_client.get("/v1/export", params={"format": "json"}).json()
    csv_zip = zipfile.ZipFile(io.BytesIO(widget_client.get("/v1/export", params={"format": "csv"}).content))
    graph = widget_client.get("/v1/export", params={"format": "jsonld"}).json()["@graph"]

    assert [item["slug"] for item in document["widget"]] == ["immunostain-widget", "future-widget"]
    header, *rows = csv_zip.read("widget.csv").decode().splitlines()
    assert header.split(",")[:4] == ["slug", "name", "summary", "finish"]
    assert len(rows) == 2
    base = widget_client.app.state.settings.public_url  # type: ignore[attr-defined]
    assert {node["@id"] for node in graph if node["@type"] == "Thing"} == {
        f"{base}/v1/widgets/immunostain-widget",
        f"{base}/v1/widgets/future-widget",
    }


def test_search_finds_the_new_type_and_counts_it_in_the_facets(widget_client: TestClient) -> None:
    everything = widget_client.get("/v1/search", params={"q": "gadgetry"}).json()
    only = widget_client.get("/v1/search", params={"q": "gadgetry", "type": "widget"}).json()

    assert {hit["slug"] for hit in everything["items"]} == {"immunostain-widget", "future-widget"}
    assert everything["facets"]["widget"] == 2
    assert only["total"] == 2


def test_the_new_type_appears_in_the_openapi_document_meta_and_cards(widget_client: TestClient) -> None:
    document: dict[str, Any] = widget_client.get("/openapi.json").json()
    card = widget_client.get("/v1/widgets/future-widget/card")

    assert {"name": "widgets", "description": "Throwaway things, for a test."} in document["tags"]
    assert document["paths"]["/v1/widgets"]["get"]["operationId"] == "widgets-list"
    assert widget_client.get("/v1/meta").json()["counts"]["widget"] == 2
    assert card.status_code == 200
    assert "Widget" in card.text


def test_the_other_types_are_served_as_before(widget_client: TestClient) -> None:
    assert widget_client.get("/v1/therapies").json()["total"] == len(
        yaml.safe_load((Path(__file__).parents[1] / "seed" / "content" / "therapies.yaml").read_text())
    )


def test_a_query_parameter_the_registry_does_not_declare_stops_the_app() -> None:
    class WithUndeclaredFilter(EntityCollectionQuery):
        colour: str | None = None

    with pytest.raises(UndeclaredFilterError, match="colour"):
        collection_query(WIDGET, WithUndeclaredFilter)


def test_two_kinds_may_not_share_a_name_or_a_url_segment() -> None:
    with pytest.raises(ValueError, match="share"):
        Registry((WIDGET, WIDGET))
