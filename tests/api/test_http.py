"""HTTP details: HEAD on every GET route, CORS for any origin without credentials."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from tests.conftest import fresh_client

GET_PATHS = [
    "/healthz",
    "/readyz",
    "/v1/meta",
    "/v1/therapies",
    "/v1/therapies/chemotherapy",
    "/v1/sources/understanding-micrometastases-in-cancer/text",
    "/v1/sources/understanding-micrometastases-in-cancer/sections/conclusion",
    "/v1/nope",
]


@pytest.mark.parametrize("path", GET_PATHS)
def test_head_answers_like_get_without_a_body(client: TestClient, path: str) -> None:
    get = client.get(path)
    head = client.head(path)

    assert head.status_code == get.status_code
    assert head.content == b""
    assert head.headers["content-type"] == get.headers["content-type"]
    assert head.headers["content-length"] == get.headers["content-length"]
    assert head.headers.get("etag") == get.headers.get("etag")
    assert head.headers.get("link") == get.headers.get("link")


def test_every_get_operation_answers_head(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    examples = {
        "{slug}": "understanding-micrometastases-in-cancer",
        "{section}": "prognosis",
    }
    for path, operations in paths.items():
        assert set(operations) == {"get"}, path
        concrete = path
        for placeholder, value in examples.items():
            concrete = concrete.replace(placeholder, value)
        if "{" in concrete:
            continue
        assert client.head(concrete).status_code == client.get(concrete).status_code, path


def test_cors_allows_any_origin_without_credentials(client: TestClient) -> None:
    response = client.get("/v1/therapies", headers={"Origin": "https://teaching.example.org"})

    assert response.headers["access-control-allow-origin"] == "*"
    assert "access-control-allow-credentials" not in response.headers
    exposed = {name.strip().lower() for name in response.headers["access-control-expose-headers"].split(",")}
    assert {
        "link",
        "etag",
        "x-dataset-version",
        "repr-digest",
        "content-digest",
        "x-content-sha256",
        "x-request-id",
    } <= exposed


def test_cors_preflight_allows_get_head_and_options(client: TestClient) -> None:
    response = client.options(
        "/v1/therapies",
        headers={"Origin": "https://teaching.example.org", "Access-Control-Request-Method": "GET"},
    )

    assert response.status_code == 200
    assert response.headers["access-control-allow-origin"] == "*"
    assert set(response.headers["access-control-allow-methods"].split(", ")) == {"GET", "HEAD", "OPTIONS"}
    assert "access-control-allow-credentials" not in response.headers


def test_cors_preflight_for_a_write_is_refused(client: TestClient) -> None:
    response = client.options(
        "/v1/therapies",
        headers={"Origin": "https://teaching.example.org", "Access-Control-Request-Method": "DELETE"},
    )

    assert response.status_code == 400


def test_cors_origins_are_configurable(tmp_path: Path) -> None:
    with fresh_client(tmp_path, cors_allow_origins=["https://allowed.example.org"]) as client:
        allowed = client.get("/healthz", headers={"Origin": "https://allowed.example.org"})
        other = client.get("/healthz", headers={"Origin": "https://other.example.org"})

    assert allowed.headers["access-control-allow-origin"] == "https://allowed.example.org"
    assert "access-control-allow-origin" not in other.headers
    # the answer depends on Origin, so shared caches must keep one copy per origin
    assert "Origin" in allowed.headers["vary"]
    assert "Origin" in other.headers["vary"]


@pytest.mark.parametrize("headers", [{"Origin": "https://teaching.example.org"}, {"Origin": "null"}, {}])
def test_with_any_origin_allowed_the_answer_does_not_vary_on_origin(
    client: TestClient, headers: dict[str, str]
) -> None:
    """`*` is sent whatever the Origin (or none), so `Vary: Origin` would only split shared caches for nothing."""
    response = client.get("/v1/therapies/chemotherapy", headers=headers)

    assert response.headers["access-control-allow-origin"] == "*"
    assert "origin" not in response.headers["vary"].lower()
    assert response.headers["etag"] == client.get("/v1/therapies/chemotherapy").headers["etag"]
