"""Request IDs: every response carries one, the client's own when it is safe to keep, and every problem quotes it."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from tests.api.helpers import assert_problem

GENERATED = re.compile(r"[0-9a-f]{32}")


def test_a_valid_incoming_id_is_kept_on_computed_cached_and_not_modified_answers(client: TestClient) -> None:
    headers = {"X-Request-ID": "client-7.A_b"}
    computed = client.get("/v1/therapies/chemotherapy", headers=headers)
    cached = client.get("/v1/therapies/chemotherapy", headers=headers)
    revalidated = client.get(
        "/v1/therapies/chemotherapy", headers={**headers, "If-None-Match": computed.headers["etag"]}
    )

    assert [r.status_code for r in (computed, cached, revalidated)] == [200, 200, 304]
    assert {r.headers["x-request-id"] for r in (computed, cached, revalidated)} == {"client-7.A_b"}


def test_without_an_id_each_request_gets_a_new_one(client: TestClient) -> None:
    first, second = (client.get("/v1/meta").headers["x-request-id"] for _ in range(2))

    assert GENERATED.fullmatch(first)
    assert GENERATED.fullmatch(second)
    assert first != second


@pytest.mark.parametrize(
    "given",
    ["x" * 65, "has space", "semi;colon", "new\\nline", "é", "", "a/b", "<script>"],
)
def test_an_unsafe_incoming_id_is_replaced(client: TestClient, given: str) -> None:
    response = client.get("/healthz", headers={b"X-Request-ID": given.encode("utf-8")})

    assert GENERATED.fullmatch(response.headers["x-request-id"])


def test_every_problem_quotes_the_request_id(client: TestClient) -> None:
    headers = {"X-Request-ID": "trace-42"}
    not_found = client.get("/v1/therapies/nope", headers=headers)
    invalid = client.get("/v1/therapies?limit=500", headers=headers)
    refused = client.post("/v1/therapies", headers=headers)
    guarded = client.get("/v1/therapies/%00", headers=headers)

    for response, status in ((not_found, 404), (invalid, 422), (refused, 405), (guarded, 404)):
        assert_problem(response, status)
        assert response.headers["x-request-id"] == "trace-42"
        assert response.json()["request_id"] == "trace-42"


def test_head_and_preflight_answers_carry_it_too(client: TestClient) -> None:
    head = client.head("/v1/meta", headers={"X-Request-ID": "h-1"})
    preflight = client.options(
        "/v1/meta",
        headers={"X-Request-ID": "p-1", "Origin": "https://a.example", "Access-Control-Request-Method": "GET"},
    )

    assert head.headers["x-request-id"] == "h-1"
    assert preflight.headers["x-request-id"] == "p-1"
