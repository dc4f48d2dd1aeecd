"""Sources and sections: metadata, the verbatim text and the sections with their offsets."""

from __future__ import annotations

import hashlib

from fastapi.testclient import TestClient

from app.settings import PROJECT_ROOT
from tests.api.helpers import assert_problem

SOURCE = "/v1/sources/understanding-micrometastases-in-cancer"
ARTICLE = PROJECT_ROOT / "seed" / "source" / "000_89c74d992e700878.txt"


def test_the_text_is_the_article_byte_for_byte(client: TestClient) -> None:
    response = client.get(f"{SOURCE}/text")

    assert response.status_code == 200
    assert response.headers["content-type"] == "text/plain; charset=utf-8"
    assert response.content == ARTICLE.read_bytes()


def test_the_source_carries_the_checksum_of_its_text(client: TestClient) -> None:
    source = client.get(SOURCE).json()

    assert source["title"] == "Understanding Micrometastases in Cancer"
    assert source["sha256"] == hashlib.sha256(ARTICLE.read_bytes()).hexdigest()
    assert source["length"] == len(ARTICLE.read_text(encoding="utf-8"))
    assert source["links"]["text"] == f"{SOURCE}/text"
    assert "text" not in source


def test_the_sources_collection_lists_the_article(client: TestClient) -> None:
    assert [item["slug"] for item in client.get("/v1/sources").json()["items"]] == [
        "understanding-micrometastases-in-cancer"
    ]


def test_every_section_is_the_text_at_its_offsets(client: TestClient) -> None:
    text = client.get(f"{SOURCE}/text").text
    sections = client.get(f"{SOURCE}/sections").json()["items"]

    assert [section["slug"] for section in sections] == [
        "introduction",
        "detection",
        "clinical-significance",
        "prognosis",
        "management",
        "challenges",
        "future-directions",
        "conclusion",
    ]
    for section in sections:
        assert text[section["start"] : section["end"]] == section["text"]
        if section["heading"] is not None:
            assert text[section["heading_start"] : section["heading_end"]] == section["heading"]


def test_a_section_lists_the_entities_that_quote_it(client: TestClient) -> None:
    section = client.get(f"{SOURCE}/sections/prognosis").json()

    cited = [ref["href"] for ref in section["relations"]["cited_by"]]
    assert "/v1/findings/poorer-prognosis" in cited
    assert all(client.get(href).status_code == 200 for href in cited)


def test_an_unknown_source_is_a_404_problem_on_every_source_route(client: TestClient) -> None:
    for path in [
        "/v1/sources/nope",
        "/v1/sources/nope/text",
        "/v1/sources/nope/sections",
        "/v1/sources/nope/sections/prognosis",
    ]:
        assert "nope" in assert_problem(client.get(path), 404)["detail"]


def test_an_unknown_section_is_a_404_problem(client: TestClient) -> None:
    assert "methods" in assert_problem(client.get(f"{SOURCE}/sections/methods"), 404)["detail"]


def test_source_routes_reject_unknown_parameters(client: TestClient) -> None:
    for path in [SOURCE, f"{SOURCE}/text", f"{SOURCE}/sections", f"{SOURCE}/sections/prognosis"]:
        assert_problem(client.get(path, params={"lang": "en"}), 422)
