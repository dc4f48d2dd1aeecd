"""The guards every response passes: security headers and CSP, the time limit, and 500s that still carry them."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from tests.api.helpers import assert_problem
from tests.conftest import fresh_client

API_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"


@pytest.mark.parametrize(
    "path", ["/v1/therapies", "/v1/therapies/adjuvant-therapy", "/v1/search?q=biopsy", "/v1/nowhere", "/healthz"]
)
def test_api_responses_forbid_loading_and_framing_anything(client: TestClient, path: str) -> None:
    response = client.get(path)

    assert response.headers["content-security-policy"] == API_CSP
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "no-referrer"


@pytest.mark.parametrize("path", ["/docs", "/redoc", "/docs/swagger-init.js", "/static/docs/swagger-ui.css"])
def test_the_docs_allow_only_their_own_origin(client: TestClient, path: str) -> None:
    response = client.get(path)
    policy = dict(
        directive.strip().split(" ", 1) for directive in response.headers["content-security-policy"].split(";")
    )

    assert response.status_code == 200
    assert policy["default-src"] == "'self'"
    assert policy["script-src"] == "'self'"  # no inline script, no eval, no other host
    assert policy["frame-ancestors"] == "'none'"
    assert "http" not in response.headers["content-security-policy"]


def test_the_docs_pages_have_no_inline_script(client: TestClient) -> None:
    for path in ("/docs", "/redoc"):
        page = client.get(path).text
        assert "<script>" not in page
        assert page.count("<script") == page.count("<script src=")


def test_no_response_names_the_server_software(client: TestClient) -> None:
    for path in ("/v1/therapies", "/v1/nowhere", "/docs"):
        headers = client.get(path).headers
        assert "server" not in headers
        assert "x-powered-by" not in headers


def test_a_request_over_the_time_limit_is_a_503_problem(tmp_path: Path) -> None:
    with fresh_client(tmp_path, request_timeout=0.2) as client:

        async def slow() -> dict[str, str]:
            await asyncio.sleep(2)
            return {"late": "yes"}

        client.app.router.add_api_route("/v1/slow", slow)  # type: ignore[attr-defined]
        response = client.get("/v1/slow", headers={"origin": "https://example.org"})

    body = assert_problem(response, 503)
    assert body["type"] == "urn:micromet:problem:timeout"
    assert "0.2 s" in body["detail"]
    assert response.headers["retry-after"] == "5"
    assert response.headers["access-control-allow-origin"] == "*"


def test_a_500_carries_the_security_and_cors_headers(tmp_path: Path) -> None:
    with fresh_client(tmp_path) as client:

        def explode() -> None:
            raise RuntimeError("secret")

        client.app.router.add_api_route("/v1/explode", explode)  # type: ignore[attr-defined]
        response = client.get("/v1/explode", headers={"origin": "https://example.org"})

    assert_problem(response, 500)
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["content-security-policy"] == API_CSP
    assert response.headers["access-control-allow-origin"] == "*"
    assert "secret" not in response.text


@pytest.mark.parametrize(
    ("path", "name"),
    [
        ("/v1/findings?limit=101", "limit"),
        ("/v1/search?q=" + "a" * 501, "q"),
        ("/v1/therapies/adjuvant-therapy?include=" + ",".join(["concepts"] * 200), "include"),
        ("/v1/therapies/adjuvant-therapy?include=concepts.therapies", "include"),
    ],
)
def test_limits_on_size_and_depth_are_422s(client: TestClient, path: str, name: str) -> None:
    body = assert_problem(client.get(path), 422)

    assert [param["name"] for param in body["invalid_params"]] == [name]
