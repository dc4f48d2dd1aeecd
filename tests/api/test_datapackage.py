"""The CSV export is a Frictionless data package: `frictionless` (which no one here wrote) validates it, keys and
all, and pandas loads every table with the types the package declares."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path
from typing import Any

import pandas as pd  # type: ignore[import-untyped]
import pytest
from fastapi.testclient import TestClient
from frictionless import Package, validate

from tests.api.helpers import assert_problem

COLLECTIONS = ["detection-methods", "therapies", "challenges", "research-directions", "findings", "concepts"]


def unpacked(client: TestClient, folder: Path) -> Path:
    """The CSV export's zip, extracted; the path of its datapackage.json."""
    archive = zipfile.ZipFile(io.BytesIO(client.get("/v1/export?format=csv").content))
    archive.extractall(folder)
    return folder / "datapackage.json"


def all_items(client: TestClient) -> list[dict[str, Any]]:
    return [item for name in COLLECTIONS for item in client.get(f"/v1/{name}?limit=100").json()["items"]]


def test_frictionless_validates_the_package_with_its_keys_and_hashes(client: TestClient, tmp_path: Path) -> None:
    report = validate(str(unpacked(client, tmp_path)))

    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])
    names = {task.name for task in report.tasks}
    assert {"source", "section", "entity", "synonym", "code", "quote", "quote_support", "relation"} <= names
    assert {"detection-method", "therapy", "challenge", "research-direction", "finding", "concept"} <= names


def test_a_broken_reference_is_caught_by_the_validator(client: TestClient, tmp_path: Path) -> None:
    """The foreign keys are real: a relation to an entity that does not exist fails validation."""
    path = unpacked(client, tmp_path)
    descriptor = json.loads(path.read_text())
    for resource in descriptor["resources"]:  # the hashes would catch the edit first; this checks the keys
        del resource["hash"], resource["bytes"]
    path.write_text(json.dumps(descriptor))
    relation = tmp_path / "relation.csv"
    relation.write_text(relation.read_text().replace(",concept,micrometastasis,", ",concept,no-such-concept,", 1))

    report = validate(str(path))

    assert not report.valid
    assert "foreign-key" in {row[0] for row in report.flatten(["type"])}


def test_pandas_loads_every_table_with_the_declared_types(client: TestClient, tmp_path: Path) -> None:
    package = Package(str(unpacked(client, tmp_path)))

    for resource in package.resources:
        fields = resource.schema.fields
        integers = [field.name for field in fields if field.type == "integer"]
        frame = pd.read_csv(
            tmp_path / str(resource.path),
            dtype={field.name: "Int64" if field.type == "integer" else "string" for field in fields},
            keep_default_na=False,
            na_values=[""],
        )
        assert list(frame.columns) == [field.name for field in fields], resource.name
        for field in fields:
            column = frame[field.name]
            if field.constraints.get("required"):
                assert not column.isna().any(), (resource.name, field.name)
            if "enum" in field.constraints:
                assert set(column.dropna()) <= set(field.constraints["enum"]), (resource.name, field.name)
        for name in integers:
            assert str(frame[name].dtype) == "Int64", (resource.name, name)


def test_null_is_an_empty_cell_and_no_text_is_empty(client: TestClient, tmp_path: Path) -> None:
    package = Package(str(unpacked(client, tmp_path)))
    sections = pd.read_csv(tmp_path / "section.csv", dtype="string", keep_default_na=False, na_values=[""])
    notes = pd.read_csv(tmp_path / "code.csv", dtype="string", keep_default_na=False, na_values=[""])

    assert sections.loc[sections["slug"] == "introduction", "heading"].isna().all()  # the untitled opening
    assert notes["note"].isna().any()  # codes whose match needs no note
    assert notes["note"].notna().any()
    assert package.resources[0].schema.missing_values == [""]
    for resource in package.resources:
        raw = pd.read_csv(tmp_path / str(resource.path), dtype="string", keep_default_na=False)
        for field in resource.schema.fields:
            cells = raw[field.name]
            assert not cells.str.fullmatch(r"\s+").any(), (resource.name, field.name)  # blank text is not a value
            if field.constraints.get("required"):
                assert not (cells == "").any(), (resource.name, field.name)  # only nullable columns have nulls


def test_the_normalized_tables_hold_what_the_api_serves(client: TestClient, tmp_path: Path) -> None:
    unpacked(client, tmp_path)
    items = all_items(client)
    read = {
        name: pd.read_csv(tmp_path / f"{name}.csv", dtype="string", keep_default_na=False, na_values=[""])
        for name in ("entity", "synonym", "code", "quote", "quote_support")
    }

    assert len(read["entity"]) == len(items)
    assert len(read["synonym"]) == sum(len(item["synonyms"]) for item in items)
    assert len(read["code"]) == sum(len(item["codes"]) for item in items)
    assert len(read["quote"]) == sum(len(item["provenance"]) for item in items)
    supports = read["quote_support"]
    adjuvant = supports[(supports["entity_type"] == "therapy") & (supports["entity_slug"] == "adjuvant-therapy")]
    assert list(adjuvant["field"]) == ["name", "summary", "category", "aim", "timing", "indication"]
    text = client.get("/v1/sources/understanding-micrometastases-in-cancer/text").text
    source = pd.read_csv(tmp_path / "source.csv", dtype="string", keep_default_na=False)
    assert source.loc[0, "text"] == text
    for row in read["quote"].itertuples():
        assert text[int(row.start) : int(row.end)] == row.quote


def test_zip_members_are_readable_files(client: TestClient) -> None:
    archive = zipfile.ZipFile(io.BytesIO(client.get("/v1/export?format=csv").content))

    assert {info.external_attr >> 16 for info in archive.infolist()} == {0o100644}


def test_the_manifest_lists_the_package_files(client: TestClient) -> None:
    manifest = client.get("/v1/export/manifest?format=csv").json()

    names = [entry["name"] for entry in manifest["files"]]
    assert "datapackage.json" in names
    assert {"source.csv", "entity.csv", "synonym.csv", "code.csv", "quote.csv", "quote_support.csv"} <= set(names)


@pytest.mark.parametrize("bad", ["datapackage", "frictionless"])
def test_the_package_is_part_of_the_csv_format_not_a_format_of_its_own(client: TestClient, bad: str) -> None:
    assert_problem(client.get(f"/v1/export?format={bad}"), 422)
