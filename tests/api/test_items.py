"""Items: all fields, provenance that matches the source, relations as links, `include=` and `fields=`."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from tests.api.helpers import assert_problem, invalid_names

SOURCE = "/v1/sources/understanding-micrometastases-in-cancer"
ITEMS = {
    "/v1/detection-methods/liquid-biopsy": "detection-method",
    "/v1/therapies/adjuvant-therapy": "therapy",
    "/v1/challenges/small-size-and-difficult-detection": "challenge",
    "/v1/research-directions/nanotechnology": "research-direction",
    "/v1/findings/poorer-prognosis": "finding",
    "/v1/concepts/micrometastasis": "concept",
}


@pytest.fixture(scope="module")
def source_text(api_app: object) -> str:
    from fastapi import FastAPI

    assert isinstance(api_app, FastAPI)
    return TestClient(api_app).get(f"{SOURCE}/text").text  # no `with`: the app's lifespan already runs


@pytest.mark.parametrize(("path", "entity_type"), ITEMS.items())
def test_an_item_has_its_fields_provenance_relations_and_links(
    client: TestClient, path: str, entity_type: str, source_text: str
) -> None:
    item = client.get(path).json()

    assert item["type"] == entity_type
    assert path.endswith("/" + item["slug"])
    assert item["name"]
    assert item["summary"]
    assert item["links"]["self"] == path
    assert item["links"]["source"] == SOURCE
    assert item["provenance"]
    for quote in item["provenance"]:
        assert source_text[quote["start"] : quote["end"]] == quote["quote"]
    assert "sections" in item["relations"]


@pytest.mark.parametrize("path", ITEMS)
def test_an_unknown_slug_is_a_404_problem(client: TestClient, path: str) -> None:
    collection = path.rsplit("/", 1)[0]

    body = assert_problem(client.get(f"{collection}/no-such-thing"), 404)

    assert "no-such-thing" in body["detail"]


@pytest.mark.parametrize("path", ITEMS)
def test_an_unknown_item_parameter_is_a_422(client: TestClient, path: str) -> None:
    assert invalid_names(assert_problem(client.get(path, params={"sort": "name"}), 422)) == ["sort"]


def test_a_detection_method_carries_what_the_article_says(client: TestClient) -> None:
    item = client.get("/v1/detection-methods/liquid-biopsy").json()

    assert item["specimen"] == "blood"
    assert item["invasiveness"] == "non-invasive"
    assert item["detects"] == "Micrometastases."
    # ctDNA is what a liquid biopsy analyzes, not another name for it
    assert item["synonyms"] == ["liquid biopsies"]


def test_a_field_the_article_does_not_support_is_null(client: TestClient) -> None:
    item = client.get("/v1/detection-methods/polymerase-chain-reaction").json()

    assert item["specimen"] == "not-stated"
    assert item["invasiveness"] is None


def test_relations_are_links_to_resources_that_exist(client: TestClient) -> None:
    for path in ITEMS:
        for relation, refs in client.get(path).json()["relations"].items():
            for ref in refs:
                assert client.get(ref["href"]).status_code == 200, (path, relation, ref)


def test_a_research_direction_links_the_challenge_it_addresses_and_back(client: TestClient) -> None:
    direction = client.get("/v1/research-directions/nanotechnology").json()
    challenge = client.get("/v1/challenges/small-size-and-difficult-detection").json()

    assert [ref["slug"] for ref in direction["relations"]["addresses"]] == ["small-size-and-difficult-detection"]
    assert "nanotechnology" in [ref["slug"] for ref in challenge["relations"]["addressed_by"]]


def test_a_direction_the_article_ties_to_no_challenge_has_an_empty_list(client: TestClient) -> None:
    direction = client.get("/v1/research-directions/tumor-microenvironment").json()

    assert direction["relations"]["addresses"] == []


def test_a_concept_links_the_entities_that_use_it_and_they_link_back(client: TestClient) -> None:
    concept = client.get("/v1/concepts/circulating-tumor-dna").json()
    method = client.get("/v1/detection-methods/liquid-biopsy").json()

    assert concept["definition"] is None
    assert [ref["href"] for ref in concept["relations"]["used_by"]] == ["/v1/detection-methods/liquid-biopsy"]
    assert [ref["slug"] for ref in method["relations"]["concepts"]] == ["circulating-tumor-dna"]


def test_include_embeds_related_entities_one_level_deep(client: TestClient) -> None:
    item = client.get("/v1/detection-methods/liquid-biopsy", params={"include": "concepts,sections"}).json()

    [concept] = item["embedded"]["concepts"]
    assert concept["slug"] == "circulating-tumor-dna"
    assert concept["provenance"]
    assert "embedded" not in concept
    assert [section["slug"] for section in item["embedded"]["sections"]] == ["detection"]
    assert item["embedded"]["sections"][0]["text"].startswith("Detecting micrometastases is challenging")


def test_without_include_nothing_is_embedded(client: TestClient) -> None:
    assert "embedded" not in client.get("/v1/detection-methods/liquid-biopsy").json()


def test_an_unknown_include_is_a_422_listing_the_relations(client: TestClient) -> None:
    body = assert_problem(client.get("/v1/therapies/chemotherapy", params={"include": "concepts,drugs"}), 422)

    assert invalid_names(body) == ["include"]
    assert "'drugs'" in body["invalid_params"][0]["reason"]
    assert "sections, concepts" in body["invalid_params"][0]["reason"]


def test_fields_returns_a_sparse_fieldset(client: TestClient) -> None:
    item = client.get("/v1/therapies/adjuvant-therapy", params={"fields": "aim,timing"}).json()

    assert item == {
        "type": "therapy",
        "slug": "adjuvant-therapy",
        "aim": "To lower the risk of the cancer returning.",
        "timing": "After the primary treatment.",
    }


def test_an_unknown_field_is_a_422(client: TestClient) -> None:
    body = assert_problem(client.get("/v1/therapies/adjuvant-therapy", params={"fields": "aim,dose"}), 422)

    assert invalid_names(body) == ["fields"]
    assert "'dose'" in body["invalid_params"][0]["reason"]


def test_each_quote_says_which_fields_it_supports(client: TestClient) -> None:
    item = client.get("/v1/therapies/adjuvant-therapy").json()

    [quote] = item["provenance"]
    assert quote["supports"] == ["name", "summary", "category", "aim", "timing", "indication"]
    assert "the primary treatment" in quote["quote"]


def test_every_field_with_a_value_is_supported_by_a_served_quote(client: TestClient) -> None:
    shared = {"type", "slug", "name", "synonyms", "provenance", "codes", "relations", "links"}
    checked = 0
    for collection in ["detection-methods", "therapies", "challenges", "research-directions", "findings", "concepts"]:
        for item in client.get(f"/v1/{collection}?limit=100").json()["items"]:
            supported = {field for quote in item["provenance"] for field in quote["supports"]}
            assert supported <= set(item), (item["slug"], supported - set(item))
            for field, value in item.items():
                if field not in shared and value not in (None, "not-stated"):
                    assert field in supported, (item["slug"], field)
                    checked += 1
    assert checked >= 80
