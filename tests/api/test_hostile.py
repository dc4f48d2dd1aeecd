"""Hostile and malformed requests: each gets a clear answer (a problem+json error, or the normal response when
the oddity is harmless), never a 5xx, never a traceback, never a file from outside the API."""

from __future__ import annotations

from typing import Any

import anyio
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from tests.api.helpers import ACCEPT_VARIANTS, PROBLEM, assert_problem, invalid_names

ITEM = "/v1/therapies/adjuvant-therapy"
READ_ROUTES = [
    "/v1/detection-methods",
    "/v1/therapies",
    ITEM,
    "/v1/challenges",
    "/v1/research-directions",
    "/v1/findings",
    "/v1/concepts",
    "/v1/sources",
    "/v1/sources/understanding-micrometastases-in-cancer",
    "/v1/sources/understanding-micrometastases-in-cancer/sections",
    "/v1/sources/understanding-micrometastases-in-cancer/text",
    "/v1/search?q=biopsy",
    "/v1/meta",
    "/healthz",
    "/readyz",
]


def raw_get(
    app: Any, raw_path: bytes, query: bytes = b"", headers: list[tuple[bytes, bytes]] | None = None
) -> tuple[int, dict[str, str], bytes]:
    """Send exactly these bytes to the app (no client normalises or re-encodes them); the app's lifespan must
    already be running. Returns the status, the headers and the body."""
    scope: dict[str, Any] = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": raw_path.decode("latin-1"),
        "raw_path": raw_path,
        "query_string": query,
        "root_path": "",
        "headers": headers if headers is not None else [(b"host", b"testserver")],
        "client": ("127.0.0.1", 50000),
        "server": ("testserver", 80),
        "state": {},
    }
    sent: list[dict[str, Any]] = []
    requested = False

    async def receive() -> dict[str, Any]:
        nonlocal requested
        if requested:  # the client stays connected: a file response listens for a disconnect while it sends
            await anyio.sleep_forever()
        requested = True
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    anyio.run(app, scope, receive, send)
    start = next(message for message in sent if message["type"] == "http.response.start")
    body = b"".join(message.get("body", b"") for message in sent if message["type"] == "http.response.body")
    return start["status"], {k.decode(): v.decode() for k, v in start["headers"]}, body


@pytest.mark.parametrize(
    "path",
    [
        "/v1/therapies/..%2F..%2F..%2Fetc%2Fpasswd",
        "/v1/therapies/%2e%2e",
        "/v1/therapies/%2e%2e%2f%2e%2e%2fapp%2fsettings.py",
        "/v1/therapies/adjuvant-therapy%00",
        "/v1/sources/%2e%2e/text",
        "/v1/sources/understanding-micrometastases-in-cancer/sections/%2e%2e%2f%2e%2e",
        "/static/docs/..%2F..%2F..%2F..%2Fetc%2Fpasswd",
        "/static/docs/%2e%2e/%2e%2e/%2e%2e/pyproject.toml",
        "/static/docs/%2e%2e%2f__init__.py",
        "/static/docs/swagger-ui.css%00.png",
        "/static/docs/%00",
    ],
)
def test_path_traversal_is_a_404_problem_and_reads_no_file(client: TestClient, path: str) -> None:
    response = client.get(path)

    assert response.status_code in (404, 422), response.text
    assert_problem(response, response.status_code)
    assert "root:" not in response.text
    assert "[project]" not in response.text
    assert "import" not in response.text


@pytest.mark.parametrize(
    "raw_path",
    [b"/v1/therapies/../../etc/passwd", b"/static/docs/../../../../etc/passwd", b"/static/docs/../__init__.py"],
)
def test_unencoded_dot_segments_sent_as_is_read_no_file(api_app: FastAPI, raw_path: bytes) -> None:
    status, headers, body = raw_get(api_app, raw_path)

    assert status == 404
    assert headers["content-type"] == PROBLEM
    assert b"root:" not in body


def test_a_16_kb_path_is_a_414_problem(client: TestClient) -> None:
    body = assert_problem(client.get("/v1/therapies/" + "a" * 16_384), 414)

    assert "8192" in body["detail"]


def test_a_16_kb_query_is_a_422_naming_the_longest_parameter(client: TestClient) -> None:
    body = assert_problem(client.get("/v1/search", params={"q": "tumor " * 2731, "limit": "5"}), 422)

    assert invalid_names(body) == ["q"]
    assert "8192" in body["invalid_params"][0]["reason"]


@pytest.mark.parametrize(
    ("query", "accepted"),
    [
        (b"q=%ff%fe%fd&sort=%ff", {400}),  # percent-encoded bytes that are not UTF-8: never silently replaced
        (b"q=%ff%fe%fd", {400}),
        (b"q=%e9", {400}),  # Latin-1 "é", percent-encoded
        (b"q=\xff\xfe", {400}),  # raw bytes that are not UTF-8: what was meant cannot be known
        (b"q=caf\xc3\xa9", {200}),  # raw UTF-8, not percent-encoded: understood
        (b"q=tumor&sort=\xff", {400}),
        (b"q=%c0%af", {400}),  # an overlong encoding of "/" is not UTF-8
        (b"q=caf%C3%A9", {200}),  # percent-encoded UTF-8: understood
        (b"\xff=1", {400}),  # nor in a name
    ],
)
def test_invalid_utf8_in_the_query_string_is_answered_cleanly(
    api_app: FastAPI, query: bytes, accepted: set[int]
) -> None:
    status, headers, body = raw_get(api_app, b"/v1/search", query)

    assert status in accepted, body
    expected_type = "application/json" if status == 200 else PROBLEM
    assert headers["content-type"] == expected_type
    assert b"Traceback" not in body


def test_invalid_utf8_in_the_path_is_a_400_problem(api_app: FastAPI) -> None:
    status, headers, _ = raw_get(api_app, b"/v1/therapies/\xff\xfe")

    assert status == 400
    assert headers["content-type"] == PROBLEM


@pytest.mark.parametrize(
    "query",
    ["limit=1&limit=2", "offset=0&offset=20", "sort=name&sort=-name", "fields=name&fields=slug", "l%69mit=1&limit=2"],
)
def test_a_repeated_parameter_is_a_422_naming_it(client: TestClient, query: str) -> None:
    body = assert_problem(client.get(f"/v1/therapies?{query}"), 422)

    assert invalid_names(body) == [query.split("=")[0].replace("%69", "i")]
    assert "2 times" in body["invalid_params"][0]["reason"]


def test_search_may_repeat_type(client: TestClient) -> None:
    response = client.get("/v1/search?q=biopsy&type=concept&type=detection-method")

    assert response.status_code == 200
    assert {hit["type"] for hit in response.json()["items"]} <= {"concept", "detection-method"}


def test_search_may_not_repeat_q(client: TestClient) -> None:
    assert invalid_names(assert_problem(client.get("/v1/search?q=a&q=b"), 422)) == ["q"]


@pytest.mark.parametrize("name", ["limit", "offset"])
@pytest.mark.parametrize("value", [str(2**63), str(2**64), "-1", "-9223372036854775809", "1.5", "1e3", "NaN", ""])
@pytest.mark.parametrize("route", ["/v1/findings", "/v1/search?q=tumor"])
def test_out_of_range_or_non_integer_paging_is_a_422(client: TestClient, route: str, name: str, value: str) -> None:
    separator = "&" if "?" in route else "?"
    body = assert_problem(client.get(f"{route}{separator}{name}={value}"), 422)

    assert invalid_names(body) == [name]


@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "DELETE"])
@pytest.mark.parametrize("path", READ_ROUTES)
def test_every_write_method_on_every_read_route_is_a_405_with_allow(client: TestClient, method: str, path: str) -> None:
    response = client.request(method, path, content=b'{"name": "x"}', headers={"content-type": "application/json"})

    assert_problem(response, 405)
    assert response.headers["allow"] == "GET, HEAD"


@pytest.mark.parametrize("path", [ITEM, "/v1/findings?limit=3", "/v1/search?q=biopsy"])
def test_a_body_on_a_get_is_ignored(client: TestClient, path: str) -> None:
    plain = client.get(path)
    with_body = client.request("GET", path, content=b'{"limit": 1, "q": "x"}' * 100)

    assert with_body.status_code == 200
    assert with_body.content == plain.content


@pytest.mark.parametrize(
    "value",
    ['"unterminated', "W/", "*,,,", ",", 'W/"a", garbage, "b', "x" * 8000, "\t", '"' + "\u00e9" + '"'],
)
def test_a_malformed_if_none_match_is_ignored(client: TestClient, value: str) -> None:
    response = client.get(ITEM, headers=[(b"if-none-match", value.encode("utf-8"))])

    assert response.status_code == 200
    assert response.json()["slug"] == "adjuvant-therapy"


@pytest.mark.parametrize(
    "value", ["yesterday", "Mon, 99 Foo 2024 25:61:61 GMT", "", "0", "Thu, 01 Jan 1970 00:00:00", "9" * 200]
)
def test_a_malformed_if_modified_since_is_ignored(client: TestClient, value: str) -> None:
    response = client.get(ITEM, headers={"if-modified-since": value})

    assert response.status_code == 200
    assert response.json()["slug"] == "adjuvant-therapy"


@pytest.mark.parametrize("accept", ["text/html", "application/xml", "image/png", "*/*;q=0", "garbage;;;q=x", ""])
@pytest.mark.parametrize("path", READ_ROUTES)
def test_an_accept_that_cannot_be_met_still_gets_the_routes_own_type(
    client: TestClient, path: str, accept: str
) -> None:
    """Every route answers in its one media type, whatever Accept says (JSON for the API; text for the
    article's text), the same way everywhere: no route answers 406 and another ignores it."""
    response = client.get(path, headers={"accept": accept})

    assert response.status_code == 200
    expected = "text/plain; charset=utf-8" if path.endswith("/text") else "application/json"
    assert response.headers["content-type"] == expected


@pytest.mark.parametrize("path", ["/v1/findings?limit=2", ITEM, "/readyz"])
def test_a_request_without_a_host_header_is_answered(api_app: FastAPI, path: str) -> None:
    raw_path, _, query = path.encode().partition(b"?")
    status, headers, _ = raw_get(api_app, raw_path, query, headers=[])

    assert status == 200
    assert headers["content-type"] == "application/json"


@pytest.mark.parametrize("host", ["evil.example", "a" * 1000, "127.0.0.1:99999", "[::1", "exa mple", "%00"])
def test_an_odd_host_header_never_reaches_links(client: TestClient, host: str) -> None:
    response = client.get("/v1/findings?limit=2", headers={"host": host})

    assert response.status_code == 200
    assert host not in response.headers["link"]
    assert host not in response.text


ENTITY_ITEMS = [
    "/v1/detection-methods/liquid-biopsy",
    "/v1/therapies/chemotherapy",
    "/v1/challenges/small-size-and-difficult-detection",
    "/v1/findings/may-remain-dormant-for-years",
    "/v1/concepts/overt-metastasis",
]


@pytest.mark.parametrize("accept", ACCEPT_VARIANTS)
@pytest.mark.parametrize("method", ["GET", "HEAD"])
@pytest.mark.parametrize(
    "path",
    [
        *ENTITY_ITEMS,
        "/v1/concepts/overt-metastasis?fields=links,codes,name",
        "/v1/therapies/chemotherapy?include=concepts&fields=name",
        "/v1/findings?limit=2",
        "/v1/search?q=biopsy",
    ],
)
def test_any_accept_gets_json_or_json_ld_and_never_a_5xx(
    client: TestClient, accept: str, method: str, path: str
) -> None:
    response = client.request(method, path, headers={"Accept": accept})

    assert response.status_code == 200
    assert response.headers["content-type"] in ("application/json", "application/ld+json")
    plain = client.get(path)
    assert plain.headers["content-type"] == "application/json"  # whatever was asked before


def test_an_accept_of_raw_latin1_bytes_is_answered(api_app: FastAPI) -> None:
    status, headers, _ = raw_get(
        api_app, b"/v1/concepts/overt-metastasis", headers=[(b"host", b"testserver"), (b"accept", b"application/\xe9")]
    )

    assert status == 200
    assert headers["content-type"] == "application/json"
