"""OpenAPI response examples: a real answer on every 200 (the export's whole-dataset files aside), each valid
against its own schema, built from the server's public URL, and never stale."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from jsonschema import Draft202012Validator  # type: ignore[import-untyped]

from app.web.openapi import EXAMPLES_FILE
from bench.openapi_examples import SKIPPED_PATHS, collect, masked
from tests.conftest import fresh_client


def operations(document: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    """(path, media type, its 200 content entry) for every GET operation's 200 response."""
    return [
        (path, media_type, entry)
        for path, methods in document["paths"].items()
        for media_type, entry in methods.get("get", {}).get("responses", {}).get("200", {}).get("content", {}).items()
    ]


def test_every_200_has_a_real_example(client: TestClient) -> None:
    document = client.get("/openapi.json").json()

    missing = [
        (path, media_type)
        for path, media_type, entry in operations(document)
        if path not in SKIPPED_PATHS and "dataset" not in entry.get("examples", {})
    ]

    assert missing == []
    assert len(operations(document)) - len(missing) >= 30


def test_every_json_example_validates_against_its_schema(client: TestClient) -> None:
    document = client.get("/openapi.json").json()
    checked = 0
    for path, media_type, entry in operations(document):
        if "schema" not in entry or "dataset" not in entry.get("examples", {}) or not media_type.endswith("json"):
            continue
        schema = {**entry["schema"], "components": document["components"]}
        errors = list(Draft202012Validator(schema).iter_errors(entry["examples"]["dataset"]["value"]))
        assert errors == [], (path, media_type, [error.message for error in errors[:3]])
        checked += 1
    assert checked >= 20


def test_each_example_is_in_its_own_media_type(client: TestClient) -> None:
    oembed = client.get("/openapi.json").json()["paths"]["/v1/oembed"]["get"]["responses"]["200"]["content"]

    assert oembed["text/xml"]["examples"]["dataset"]["value"].startswith("<?xml")
    assert oembed["application/json"]["examples"]["dataset"]["value"]["type"] == "rich"


def test_examples_are_built_from_the_public_url(tmp_path: Path) -> None:
    with fresh_client(tmp_path, public_url="https://api.example.org") as client:
        document = client.get("/openapi.json").json()

    text = json.dumps(document)
    assert "127.0.0.1:8000" not in text
    assert "__PUBLIC_URL__" not in text
    oembed = document["paths"]["/v1/oembed"]["get"]
    [url] = [parameter for parameter in oembed["parameters"] if parameter["name"] == "url"]
    assert url["schema"]["examples"] == ["https://api.example.org/v1/therapies/adjuvant-therapy"]
    example = oembed["responses"]["200"]["content"]["application/json"]["examples"]["dataset"]["value"]
    assert example["provider_url"] == "https://api.example.org"


@pytest.mark.parametrize("api_settings", ["sqlite"], indirect=True)
def test_the_committed_examples_are_what_the_server_answers_now(client: TestClient) -> None:
    """Stale examples fail here: run `make examples` after changing the content or a response's shape."""
    committed = json.loads(EXAMPLES_FILE.read_text(encoding="utf-8"))

    assert masked(collect(client)) == masked(committed)
