"""The OpenAPI document: complete, readable, with real examples; the docs pages work offline."""

from __future__ import annotations

import re
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.api.helpers import PROBLEM


@pytest.fixture
def document(client: TestClient) -> dict[str, Any]:
    response = client.get("/openapi.json")
    assert response.status_code == 200
    body: dict[str, Any] = response.json()
    return body


def operations(document: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    return [(path, op) for path, ops in document["paths"].items() for op in ops.values()]


def test_the_info_block_has_a_title_version_and_licence(document: dict[str, Any]) -> None:
    info = document["info"]

    assert info["title"] == "micromet"
    assert info["version"]
    assert info["license"]["identifier"] == "MIT"
    assert "licence" in info["description"].lower()


def test_every_operation_has_a_summary_description_and_tag(document: dict[str, Any]) -> None:
    described_tags = {tag["name"] for tag in document["tags"] if tag.get("description")}
    for path, op in operations(document):
        assert op.get("summary"), path
        assert op.get("description"), path
        assert op.get("tags"), path
        assert set(op["tags"]) <= described_tags, path


def test_operation_ids_are_readable(document: dict[str, Any]) -> None:
    ids = [op["operationId"] for _, op in operations(document)]

    assert "detection-methods-list" in ids
    assert "detection-methods-get" in ids
    assert "sources-text" in ids
    assert all(re.fullmatch(r"[a-z]+(-[a-z]+)*", operation_id) for operation_id in ids)
    assert len(ids) == len(set(ids))


def test_error_responses_are_documented_as_problems(document: dict[str, Any]) -> None:
    for path, op in operations(document):
        if path.startswith("/v1/"):
            assert {"422", "500", "503"} <= set(op["responses"]), path
        for status, response in op["responses"].items():
            if status.startswith(("4", "5")):
                assert response["content"] == {PROBLEM: {"schema": {"$ref": "#/components/schemas/Problem"}}}
    assert "invalid_params" in document["components"]["schemas"]["Problem"]["properties"]


def test_item_operations_document_a_404(document: dict[str, Any]) -> None:
    for path, op in operations(document):
        if path.endswith(("{slug}", "{section}", "/text")):
            assert "404" in op["responses"], path


def test_path_examples_are_real_resources(client: TestClient, document: dict[str, Any]) -> None:
    checked = 0
    for path, op in operations(document):
        concrete = path
        for parameter in op.get("parameters", []):
            if parameter["in"] == "path":
                [example] = parameter["schema"]["examples"]
                concrete = concrete.replace("{" + parameter["name"] + "}", example)
        if concrete != path:
            assert client.get(concrete).status_code == 200, concrete
            checked += 1
    assert checked >= 10


def test_query_examples_are_accepted(client: TestClient, document: dict[str, Any]) -> None:
    for path, op in operations(document):
        if "{" in path:
            continue
        required = {p["name"]: p["schema"]["examples"][0] for p in op.get("parameters", []) if p["required"]}
        for parameter in op.get("parameters", []):
            for example in parameter["schema"].get("examples", []):
                response = client.get(path, params=required | {parameter["name"]: example})
                assert response.status_code == 200, (path, parameter["name"], example)


@pytest.mark.parametrize("page", ["/docs", "/redoc"])
def test_docs_pages_reference_only_local_assets(client: TestClient, page: str) -> None:
    html = client.get(page).text

    references = re.findall(r'(?:src|href)="([^"]+)"', html) + re.findall(r"url: ?'([^']+)'", html)
    assert references
    for reference in references:
        assert reference.startswith("/"), reference
        assert not reference.startswith("//"), reference
        assert client.get(reference).status_code == 200, reference
    assert "http://" not in html
    assert "https://" not in html
