"""Collections: the envelope, limits, the Link header at every boundary, sorting and unknown parameters."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from fastapi.testclient import TestClient

from tests.api.helpers import assert_problem, invalid_names

COLLECTIONS = [
    "/v1/detection-methods",
    "/v1/therapies",
    "/v1/challenges",
    "/v1/research-directions",
    "/v1/findings",
    "/v1/concepts",
    "/v1/sources",
    "/v1/sources/understanding-micrometastases-in-cancer/sections",
]
FINDINGS = "/v1/findings"  # the largest collection: 12 items


def links(header: str) -> dict[str, dict[str, list[str]]]:
    """`{rel: query parameters}` from an RFC 8288 Link header."""
    parsed = {}
    for target, rel in re.findall(r'<([^>]*)>; rel="([a-z]+)"', header):
        parsed[rel] = parse_qs(urlsplit(target).query)
    return parsed


@pytest.mark.parametrize("path", COLLECTIONS)
def test_every_collection_has_the_envelope(client: TestClient, path: str) -> None:
    response = client.get(path)

    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    body = response.json()
    assert list(body) == ["items", "total", "limit", "offset"]
    assert body["limit"] == 20
    assert body["offset"] == 0
    assert len(body["items"]) == body["total"] > 0


@pytest.mark.parametrize("path", COLLECTIONS)
def test_an_unknown_query_parameter_is_named_in_a_422(client: TestClient, path: str) -> None:
    body = assert_problem(client.get(path, params={"specimin": "blood"}), 422)

    assert invalid_names(body) == ["specimin"]
    assert body["invalid_params"][0]["in"] == "query"


def test_a_limit_above_the_maximum_is_a_422_not_clamped(client: TestClient) -> None:
    body = assert_problem(client.get(FINDINGS, params={"limit": 101}), 422)

    assert invalid_names(body) == ["limit"]
    assert "100" in body["invalid_params"][0]["reason"]


@pytest.mark.parametrize("params", [{"limit": 0}, {"limit": -1}, {"offset": -1}, {"limit": "ten"}, {"offset": 1.5}])
def test_a_bad_limit_or_offset_is_a_422(client: TestClient, params: dict[str, Any]) -> None:
    body = assert_problem(client.get(FINDINGS, params=params), 422)

    assert invalid_names(body) == list(params)


def test_limit_at_the_maximum_returns_everything(client: TestClient) -> None:
    response = client.get(FINDINGS, params={"limit": 100})

    body = response.json()
    assert body["limit"] == 100
    assert len(body["items"]) == body["total"] == 14
    assert set(links(response.headers["link"])) == {"first", "last"}


def test_the_first_page_links_to_next_and_last_but_not_prev(client: TestClient) -> None:
    response = client.get(FINDINGS, params={"limit": 5})

    rels = links(response.headers["link"])
    assert set(rels) == {"first", "next", "last"}
    assert rels["next"]["offset"] == ["5"]
    assert rels["last"]["offset"] == ["10"]


def test_a_middle_page_links_both_ways(client: TestClient) -> None:
    response = client.get(FINDINGS, params={"limit": 5, "offset": 5})

    rels = links(response.headers["link"])
    assert set(rels) == {"first", "prev", "next", "last"}
    assert rels["prev"]["offset"] == ["0"]
    assert rels["next"]["offset"] == ["10"]
    assert [item["slug"] for item in response.json()["items"]] == [
        item["slug"] for item in client.get(FINDINGS).json()["items"][5:10]
    ]


def test_the_last_page_has_no_next(client: TestClient) -> None:
    response = client.get(FINDINGS, params={"limit": 5, "offset": 10})

    assert len(response.json()["items"]) == 4
    assert set(links(response.headers["link"])) == {"first", "prev", "last"}


def test_past_the_end_is_an_empty_page_that_leads_back(client: TestClient) -> None:
    response = client.get(FINDINGS, params={"limit": 5, "offset": 40})

    body = response.json()
    assert response.status_code == 200
    assert body["items"] == []
    assert body["total"] == 14
    rels = links(response.headers["link"])
    assert "next" not in rels
    assert rels["prev"]["offset"] == ["10"]


def test_links_carry_every_other_query_parameter(client: TestClient) -> None:
    response = client.get(FINDINGS, params={"topic": "prognosis", "sort": "-name", "limit": 1, "fields": "name"})

    for rel, params in links(response.headers["link"]).items():
        assert params["topic"] == ["prognosis"], rel
        assert params["sort"] == ["-name"], rel
        assert params["fields"] == ["name"], rel
        assert params["limit"] == ["1"], rel


def test_following_next_links_visits_every_item_once(client: TestClient) -> None:
    seen: list[str] = []
    url: str | None = f"{FINDINGS}?limit=5"
    while url:
        response = client.get(url)
        seen += [item["slug"] for item in response.json()["items"]]
        url = next(
            (t for t, rel in re.findall(r'<([^>]*)>; rel="([a-z]+)"', response.headers["link"]) if rel == "next"), None
        )

    assert len(seen) == len(set(seen)) == 14


@pytest.mark.parametrize("path", COLLECTIONS[:6])
def test_sort_by_name_ascending_and_descending(client: TestClient, path: str) -> None:
    ascending = [item["name"] for item in client.get(path, params={"sort": "name"}).json()["items"]]
    descending = [item["name"] for item in client.get(path, params={"sort": "-name"}).json()["items"]]

    assert ascending == sorted(ascending)
    assert descending == sorted(ascending, reverse=True)


def test_the_default_order_is_the_article_order(client: TestClient) -> None:
    slugs = [item["slug"] for item in client.get("/v1/detection-methods").json()["items"]]

    assert slugs == ["immunohistochemistry", "polymerase-chain-reaction", "liquid-biopsy"]


def test_an_unknown_sort_is_a_422_listing_the_choices(client: TestClient) -> None:
    body = assert_problem(client.get(FINDINGS, params={"sort": "date"}), 422)

    assert invalid_names(body) == ["sort"]
    assert "'name'" in body["invalid_params"][0]["reason"]
    assert "'-name'" in body["invalid_params"][0]["reason"]


def test_fields_trims_collection_items(client: TestClient) -> None:
    items = client.get(FINDINGS, params={"fields": "name"}).json()["items"]

    assert all(set(item) == {"type", "slug", "name"} for item in items)


@pytest.mark.parametrize("offset", [0, 1, 5, 11, 12, 13])
def test_default_order_pages_match_slices_of_the_whole(client: TestClient, offset: int) -> None:
    whole = [item["slug"] for item in client.get(FINDINGS, params={"limit": 100}).json()["items"]]

    page = client.get(FINDINGS, params={"limit": 3, "offset": offset}).json()

    assert [item["slug"] for item in page["items"]] == whole[offset : offset + 3]
