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
