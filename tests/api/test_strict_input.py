"""Strict input, answered as documented: what Python's parsers would quietly accept, guess at or repeat is a
clear problem instead, and redirects never trust the request's Host."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from hypothesis import given
from hypothesis import strategies as st
from starlette.datastructures import URL, QueryParams

from app.search.query import MAX_TERMS
from app.web.paging import link_header
from tests.api.helpers import PROBLEM, assert_problem, invalid_names
from tests.api.test_hostile import raw_get
from tests.conftest import fresh_client

SECURITY_HEADERS = ("x-content-type-options", "referrer-policy", "content-security-policy")


@pytest.mark.parametrize("value", ["5.0", "1_0", "%2B1", "%205%20", "%205", "5%20", "%EF%BC%95", "0x5", "5e0", "-0"])
@pytest.mark.parametrize(
    ("route", "name"),
    [
        ("/v1/findings", "limit"),
        ("/v1/findings", "offset"),
        ("/v1/search?q=tumor", "limit"),
        ("/v1/search?q=tumor", "offset"),
        ("/v1/oembed?url=http://127.0.0.1:8000/v1/therapies/chemotherapy", "maxwidth"),
        ("/v1/oembed?url=http://127.0.0.1:8000/v1/therapies/chemotherapy", "maxheight"),
    ],
)
def test_integers_are_ascii_digits_only(client: TestClient, route: str, name: str, value: str) -> None:
    separator = "&" if "?" in route else "?"
    body = assert_problem(client.get(f"{route}{separator}{name}={value}"), 422)

    assert invalid_names(body) == [name]
    assert "ASCII digits" in body["invalid_params"][0]["reason"]


def test_leading_zeros_are_still_digits(client: TestClient) -> None:
    assert client.get("/v1/findings?limit=05").json()["limit"] == 5


def test_a_repeated_type_counts_once_and_leaves_snippets_intact(client: TestClient) -> None:
    once = client.get("/v1/search?q=section&type=section").json()
    twice = client.get("/v1/search?q=section&type=section&type=section").json()

    assert twice["items"] == once["items"]
    assert twice["total"] == once["total"]


@pytest.mark.parametrize("filters", ["type=section", "type=section&type=finding", "code=D007150"])
def test_filters_never_show_as_a_match_in_snippets(client: TestClient, filters: str) -> None:
    items = client.get(f"/v1/search?q=detection&{filters}").json()["items"]

    for item in items:
        assert "<mark>section</mark>" not in item["snippet"]
        assert "<mark>finding</mark>" not in item["snippet"]
        assert "d007150" not in item["snippet"].lower()


def test_a_query_over_the_word_cap_is_a_422_naming_the_cap(client: TestClient) -> None:
    at_cap = " ".join(["tumor"] * MAX_TERMS)
    over = f'{at_cap} "cells"'

    assert client.get("/v1/search", params={"q": at_cap}).status_code == 200
    body = assert_problem(client.get("/v1/search", params={"q": over}), 422)
    assert invalid_names(body) == ["q"]
    assert f"at most {MAX_TERMS}" in body["invalid_params"][0]["reason"]


@pytest.mark.parametrize(
    ("path", "query"),
    [
        (b"/v1/search", b"q=%e9"),
        (b"/v1/search", b"q=caf%e9"),
        (b"/v1/findings", b"%e9=1"),
        (b"/v1/therapies/%e9", b""),
        (b"/v1/therapies/chemotherap%c3", b""),
    ],
)
def test_percent_encoded_bytes_that_are_not_utf8_are_a_400_problem(api_app: FastAPI, path: bytes, query: bytes) -> None:
    status, headers, body = raw_get(api_app, path, query)

    assert status == 400
    assert headers["content-type"] == PROBLEM
    assert b"not UTF-8" in body
    assert "etag" not in headers  # never answered, never cached


@pytest.mark.parametrize(
    ("origin", "method", "refused"),
    [
        ("https://other.example.org", "GET", "origin"),
        ("https://allowed.example.org", "DELETE", "method"),
    ],
)
def test_a_refused_cors_preflight_is_a_problem_with_the_security_headers(
    tmp_path: Path, origin: str, method: str, refused: str
) -> None:
    with fresh_client(tmp_path, cors_allow_origins=["https://allowed.example.org"]) as client:
        response = client.options("/v1/therapies", headers={"Origin": origin, "Access-Control-Request-Method": method})

    body = assert_problem(response, 400)
    assert refused in body["detail"]
    assert body["type"] == "urn:micromet:problem:cors-refused"
    for header in SECURITY_HEADERS:
        assert header in response.headers


@pytest.mark.parametrize("query", ["a" * 7000 + "=1", "a" * 9000, "limit=1&" + "b" * 9000 + "="])
def test_a_422_quotes_an_overlong_name_once_and_cut(client: TestClient, query: str) -> None:
    response = client.get(f"/v1/findings?{query}")

    body = assert_problem(response, 422)
    assert len(response.content) < 1024
    assert response.text.count("a" * 32) + response.text.count("b" * 32) == 1
    assert body["invalid_params"][0]["name"].endswith("…")


def test_paging_links_step_from_the_offset_asked_for(client: TestClient) -> None:
    total = client.get("/v1/findings?limit=1").json()["total"]
    response = client.get(f"/v1/findings?limit=3&offset={total - 4}")
    links = {
        part.split('rel="')[1].rstrip('"'): int(part.split("offset=")[1].split(">")[0])
        for part in response.headers["link"].split(", ")
    }

    assert links["next"] == total - 1
    assert links["last"] == total - 1


@given(total=st.integers(0, 500), limit=st.integers(1, 100), offset=st.integers(0, 600))
def test_last_is_never_before_next_and_always_holds_an_item(total: int, limit: int, offset: int) -> None:
    header = link_header(URL("/v1/findings"), QueryParams(""), total=total, limit=limit, offset=offset)
    links = {
        part.split('rel="')[1].rstrip('"'): int(part.split("offset=")[1].split(">")[0]) for part in header.split(", ")
    }

    if "next" in links:
        assert links["next"] <= links["last"]
    if total:
        assert links["last"] < total
        assert links.get("prev", 0) <= links["last"]


@pytest.mark.parametrize("host", ["evil.example", "evil.example:8080", "127.0.0.1:8000"])
@pytest.mark.parametrize(
    ("path", "location"),
    [
        ("/v1/therapies/", "/v1/therapies"),
        ("/v1/therapies/?limit=2&sort=name", "/v1/therapies?limit=2&sort=name"),
        ("/v1/therapies/chemotherapy/", "/v1/therapies/chemotherapy"),
        ("/v1/therapies///", "/v1/therapies"),
    ],
)
def test_slash_redirects_are_relative_whatever_the_host(
    client: TestClient, host: str, path: str, location: str
) -> None:
    response = client.get(path, headers={"Host": host}, follow_redirects=False)

    assert response.status_code == 301
    assert response.headers["location"] == location


@pytest.mark.parametrize("path", ["//evil.example/", "/v1/no-such-thing/", "///evil.example//"])
def test_a_path_that_is_no_route_with_or_without_slashes_is_a_404_not_a_redirect(client: TestClient, path: str) -> None:
    response = client.get(path, follow_redirects=False)

    assert_problem(response, 404)
    assert "location" not in response.headers


def test_a_422_for_many_unknown_parameters_lists_twenty_and_stays_smaller_than_the_request(client: TestClient) -> None:
    query = "&".join(f"{'n' * 58}{index:03d}=1" for index in range(125))
    response = client.get(f"/v1/findings?{query}")

    body = assert_problem(response, 422)
    assert len(body["invalid_params"]) == 20
    assert body["detail"].startswith("125 invalid request parameters")
    assert len(response.content) < len(query)


def test_a_404_never_echoes_a_long_path_twice(client: TestClient) -> None:
    path = "/v1/" + "%01" * 2700
    response = client.get(path)

    body = assert_problem(response, 404)
    assert len(response.content) < len(path) + 512
    assert body["instance"] == path  # the path as sent: percent-encoded, nothing escaped again
    assert len(body["detail"]) < 120


@pytest.mark.parametrize(
    "value",
    [
        "Mon, 01 Jan 999999999999999999999 00:00:00 GMT",
        "Mon, 99999999999999999999 Jan 2020 00:00:00 GMT",
        "Mon, 01 Jan 2020 99999999999999999999:00:00 GMT",
        "Mon, 01 Jan 2020 00:00:00 +99999999999999999999",
    ],
)
@pytest.mark.parametrize("path", ["/v1/therapies/chemotherapy", "/static/docs/swagger-ui.css"])
def test_an_if_modified_since_that_overflows_is_ignored(client: TestClient, path: str, value: str) -> None:
    client.get(path)  # cached: the conditional is evaluated by the cache layer

    response = client.get(path, headers={"If-Modified-Since": value})

    assert response.status_code == 200


@pytest.mark.parametrize(
    "url",
    [
        "http://[::1",
        "http://127.0.0.1:8000]/v1/therapies/chemotherapy",
        "http://\uff0f127.0.0.1:8000/v1/therapies/chemotherapy",
        "http://" + "\x01" * 1900,
    ],
)
def test_oembed_for_a_url_the_parser_refuses_is_a_short_404(client: TestClient, url: str) -> None:
    response = client.get("/v1/oembed", params={"url": url})

    assert_problem(response, 404)
    assert len(response.content) < 1024


def test_every_query_string_of_a_docs_asset_is_the_one_cached_file(tmp_path: Path) -> None:
    with fresh_client(tmp_path) as client:
        bodies = {client.get(f"/static/docs/swagger-ui.css?n={index}").content for index in range(30)}
        cache = client.app.state.response_cache  # type: ignore[attr-defined]

        assert len(bodies) == 1
        assert len(cache.small) + len(cache.large) == 1


def test_dot_segment_spellings_of_a_docs_asset_are_the_one_cached_file(tmp_path: Path) -> None:
    with fresh_client(tmp_path) as client:
        client.get("/v1/meta")  # the dataset version is read, on the client's event loop, before raw requests
        app = client.app
        answers = [raw_get(app, f"/static/docs/a{index}/../swagger-ui.css".encode()) for index in range(20)]
        answers.append(raw_get(app, b"/static/docs/./swagger-ui.css"))
        cache = app.state.response_cache  # type: ignore[attr-defined]

        assert {status for status, _, _ in answers} == {200}
        assert len({body for _, _, body in answers}) == 1
        assert len(cache.small) + len(cache.large) == 2  # /v1/meta, and the one file


@pytest.mark.parametrize("value", ["junk", "bytes=0-0,2-1", "bytes=999999999-", "bytes=0-10"])
def test_a_range_on_a_docs_asset_gets_the_whole_file(client: TestClient, value: str) -> None:
    whole = client.get("/static/docs/favicon.png")
    response = client.get("/static/docs/favicon.png", headers={"Range": value})

    assert response.status_code == 200
    assert response.content == whole.content


def test_oembed_for_an_overlong_slug_is_a_short_404(client: TestClient) -> None:
    response = client.get("/v1/oembed", params={"url": "http://127.0.0.1:8000/v1/therapies/" + "a" * 1950})

    assert_problem(response, 404)
    assert len(response.content) < 512


@pytest.mark.parametrize(
    ("path", "location"),
    [
        ("/v1/therapies/Adjuvant-Therapy", "/v1/therapies/adjuvant-therapy"),
        ("/v1/therapies/ADJUVANT-THERAPY?fields=name", "/v1/therapies/adjuvant-therapy?fields=name"),
        ("/v1/Therapies/adjuvant-therapy/", "/v1/therapies/adjuvant-therapy"),
        ("/v1/therapies/Adjuvant-Therapy/card", "/v1/therapies/adjuvant-therapy/card"),
        (
            "/v1/sources/Understanding-Micrometastases-In-Cancer/sections/Prognosis",
            "/v1/sources/understanding-micrometastases-in-cancer/sections/prognosis",
        ),
    ],
)
def test_another_case_or_a_trailing_slash_is_a_cacheable_301_to_the_canonical_url(
    client: TestClient, path: str, location: str
) -> None:
    response = client.get(path, follow_redirects=False)
    followed = client.get(path)

    assert response.status_code == 301
    assert response.headers["location"] == location
    assert response.headers["cache-control"].startswith("public, max-age=")
    assert followed.status_code == 200
    assert followed.url.path == location.split("?")[0]


def test_a_case_variant_of_nothing_is_still_a_404(client: TestClient) -> None:
    response = client.get("/v1/therapies/No-Such-Therapy", follow_redirects=False)
    followed = client.get("/v1/therapies/No-Such-Therapy")

    assert response.status_code == 301
    assert_problem(followed, 404)
