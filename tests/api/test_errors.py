"""One error format: every failure is RFC 9457 problem+json, and a 500 shows no internals."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from tests.api.helpers import assert_problem
from tests.conftest import fresh_client


def test_an_unknown_route_is_a_404_problem(client: TestClient) -> None:
    body = assert_problem(client.get("/v1/treatments"), 404)

    assert body["instance"] == "/v1/treatments"


@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "DELETE"])
def test_a_write_method_is_a_405_with_allow(client: TestClient, method: str) -> None:
    response = client.request(method, "/v1/therapies/chemotherapy", json={"name": "x"})

    assert_problem(response, 405)
    assert response.headers["allow"] == "GET, HEAD"


def test_a_422_lists_each_invalid_parameter(client: TestClient) -> None:
    body = assert_problem(client.get("/v1/findings", params={"limit": 500, "topic": "diet", "colour": "red"}), 422)

    assert sorted(param["name"] for param in body["invalid_params"]) == ["colour", "limit", "topic"]


def test_an_unknown_parameter_lists_the_allowed_ones(client: TestClient) -> None:
    body = assert_problem(client.get("/v1/detection-methods", params={"specimin": "blood"}), 422)

    [param] = body["invalid_params"]
    assert param["name"] == "specimin"
    allowed = param["reason"].removeprefix("Unknown parameter; allowed: ").removesuffix(".").split(", ")
    assert {"specimen", "invasiveness", "section", "code", "limit", "offset", "sort", "fields"} <= set(allowed)
    # every name it lists is one the operation's OpenAPI parameters declare
    operation = client.get("/openapi.json").json()["paths"]["/v1/detection-methods"]["get"]
    assert set(allowed) == {parameter["name"] for parameter in operation["parameters"]}


def test_a_parameter_on_a_route_that_takes_none_says_so(client: TestClient) -> None:
    body = assert_problem(client.get("/v1/sources/understanding-micrometastases-in-cancer/text?x=1"), 422)

    assert body["invalid_params"][0]["reason"] == "Unknown parameter; none allowed."


@pytest.mark.parametrize(
    ("path", "status", "title"),
    [
        ("/v1/findings?limit=500", 422, "Unprocessable Content"),  # RFC 7231 said "Unprocessable Entity"
        ("/v1/therapies/" + "x" * 9000, 414, "URI Too Long"),  # RFC 7231: "Request-URI Too Long"
        ("/v1/treatments", 404, "Not Found"),
    ],
)
def test_titles_are_rfc_9110_reason_phrases(client: TestClient, path: str, status: int, title: str) -> None:
    assert assert_problem(client.get(path), status)["title"] == title


def test_an_unexpected_error_is_a_500_problem_without_internals(tmp_path: Path) -> None:
    with fresh_client(tmp_path) as client:

        def explode() -> None:
            raise RuntimeError("secret internal detail at /srv/app.py line 42")

        client.app.router.add_api_route("/v1/explode", explode)  # type: ignore[attr-defined]
        response = client.get("/v1/explode")

    body = assert_problem(response, 500)
    assert "secret" not in response.text
    assert "RuntimeError" not in response.text
    assert body["detail"] == "An unexpected error occurred."


def test_a_lost_database_is_a_503_problem(tmp_path: Path) -> None:
    with fresh_client(tmp_path) as client:
        client.app.state.engine.dispose()  # type: ignore[attr-defined]
        (tmp_path / "own.sqlite3").unlink()
        (tmp_path / "own.sqlite3").mkdir()  # a folder where the file was: SQLite cannot open it
        response = client.get("/v1/therapies")
        alive = client.get("/healthz")

    assert_problem(response, 503)
    assert response.headers["retry-after"] == "5"
    assert alive.status_code == 200
