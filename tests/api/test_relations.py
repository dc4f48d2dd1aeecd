"""Typed relations: stated in the article, served in both directions with the quote that states them."""

from __future__ import annotations

from collections import Counter
from typing import Any

from fastapi.testclient import TestClient

SOURCE = "/v1/sources/understanding-micrometastases-in-cancer"


def quote_holds(client: TestClient, provenance: dict[str, Any]) -> None:
    text = client.get(f"{SOURCE}/text").text
    assert text[provenance["start"] : provenance["end"]] == provenance["quote"]


DETECTION_METHODS = ["immunohistochemistry", "polymerase-chain-reaction", "liquid-biopsy"]


def test_every_detection_method_detects_micrometastases_with_the_articles_words(client: TestClient) -> None:
    for slug in DETECTION_METHODS:
        [ref] = client.get(f"/v1/detection-methods/{slug}").json()["relations"]["detects"]

        assert (ref["type"], ref["slug"]) == ("concept", "micrometastasis"), slug
        assert ref["provenance"]["section"] == "detection"
        assert ref["provenance"]["quote"].startswith("Detecting micrometastases")
        assert ref["provenance"]["quote"].endswith("are often employed.")
        quote_holds(client, ref["provenance"])


def test_micrometastasis_is_detected_by_the_three_methods(client: TestClient) -> None:
    refs = client.get("/v1/concepts/micrometastasis").json()["relations"]["detected_by"]

    assert [(ref["type"], ref["slug"]) for ref in refs] == [("detection-method", slug) for slug in DETECTION_METHODS]


def test_liquid_biopsy_analyzes_circulating_tumor_dna_with_the_articles_words(client: TestClient) -> None:
    [ref] = client.get("/v1/detection-methods/liquid-biopsy").json()["relations"]["analyzes"]
    [back] = client.get("/v1/concepts/circulating-tumor-dna").json()["relations"]["analyzed_by"]

    assert (ref["type"], ref["slug"]) == ("concept", "circulating-tumor-dna")
    assert ref["provenance"]["quote"] == "Liquid biopsies analyze circulating tumor DNA (ctDNA) in the blood"
    assert (back["type"], back["slug"]) == ("detection-method", "liquid-biopsy")
    assert client.get("/v1/concepts/circulating-tumor-dna").json()["relations"]["detected_by"] == []
    quote_holds(client, ref["provenance"])


def test_methods_the_article_says_analyze_nothing_analyze_nothing(client: TestClient) -> None:
    assert client.get("/v1/detection-methods/immunohistochemistry").json()["relations"]["analyzes"] == []


def test_adjuvant_therapy_and_personalized_plans_are_informed_by_micrometastases(client: TestClient) -> None:
    [ref] = client.get("/v1/therapies/adjuvant-therapy").json()["relations"]["informed_by"]
    [plans] = client.get("/v1/therapies/personalized-treatment-plans").json()["relations"]["informed_by"]
    back = client.get("/v1/concepts/micrometastasis").json()["relations"]["informs"]

    assert (ref["type"], ref["slug"]) == ("concept", "micrometastasis")
    assert ref["provenance"]["quote"].startswith("adjuvant therapy, which is additional treatment")
    assert ref["provenance"]["quote"].endswith("may be recommended based on the detection of micrometastases")
    assert "the presence of micrometastases may vary significantly between patients" in plans["provenance"]["quote"]
    assert [(ref["type"], ref["slug"]) for ref in back] == [
        ("therapy", "adjuvant-therapy"),
        ("therapy", "personalized-treatment-plans"),
    ]
    quote_holds(client, ref["provenance"])
    quote_holds(client, plans["provenance"])


def test_include_expands_a_typed_relation(client: TestClient) -> None:
    body = client.get("/v1/detection-methods/liquid-biopsy?include=analyzes").json()

    [concept] = body["embedded"]["analyzes"]
    assert concept["slug"] == "circulating-tumor-dna"
    assert concept["codes"]


def test_nanotechnology_addresses_the_difficulty_of_detection_with_the_articles_words(client: TestClient) -> None:
    [ref] = client.get("/v1/research-directions/nanotechnology").json()["relations"]["addresses"]

    assert (ref["type"], ref["slug"]) == ("challenge", "small-size-and-difficult-detection")
    assert ref["provenance"]["section"] == "future-directions"
    assert "detecting these elusive cancer cells" in ref["provenance"]["quote"]
    quote_holds(client, ref["provenance"])


def test_a_challenge_is_addressed_by_directions_with_the_same_quote(client: TestClient) -> None:
    refs = client.get("/v1/challenges/immune-evasion-and-dormancy-mechanisms").json()["relations"]["addressed_by"]
    [forward] = client.get("/v1/research-directions/formation-and-dormancy-mechanisms").json()["relations"]["addresses"]

    assert [(ref["type"], ref["slug"]) for ref in refs] == [("research-direction", "formation-and-dormancy-mechanisms")]
    assert refs[0]["provenance"] == forward["provenance"]


def test_a_concept_is_used_by_the_therapies_the_article_names_with_it(client: TestClient) -> None:
    refs = client.get("/v1/concepts/systemic-therapy").json()["relations"]["used_by"]
    chemotherapy = next(ref for ref in refs if ref["slug"] == "chemotherapy")

    assert "chemotherapy" in chemotherapy["provenance"]["quote"]
    assert "systemic therapies" in chemotherapy["provenance"]["quote"]
    quote_holds(client, chemotherapy["provenance"])


def test_an_entity_lists_its_concepts_with_the_words_that_tie_them(client: TestClient) -> None:
    refs = client.get("/v1/therapies/adjuvant-therapy").json()["relations"]["concepts"]
    [recurrence] = [ref for ref in refs if ref["slug"] == "cancer-recurrence"]

    assert "to lower the risk of the cancer returning" in recurrence["provenance"]["quote"]
    quote_holds(client, recurrence["provenance"])


def test_every_relation_of_every_entity_carries_its_quote_both_ways(client: TestClient) -> None:
    text = client.get(f"{SOURCE}/text").text
    collections = ["detection-methods", "therapies", "challenges", "research-directions", "findings", "concepts"]
    ends_seen: Counter[tuple[object, ...]] = Counter()
    for collection in collections:
        for item in client.get(f"/v1/{collection}?limit=100").json()["items"]:
            for name, refs in item["relations"].items():
                if name == "sections":
                    continue
                for ref in refs:
                    quote = ref["provenance"]
                    assert text[quote["start"] : quote["end"]] == quote["quote"], (item["slug"], name, ref)
                    ends = sorted([(item["type"], item["slug"]), (ref["type"], ref["slug"])])
                    ends_seen[(*ends, quote["start"], quote["end"])] += 1

    # the 32 relations, each seen from both of its ends with the same quote
    assert sum(ends_seen.values()) == 64
    assert all(count % 2 == 0 for count in ends_seen.values())


def test_include_expands_a_relation_seen_from_its_object(client: TestClient) -> None:
    body = client.get("/v1/challenges/small-size-and-difficult-detection?include=addressed_by").json()

    embedded = body["embedded"]["addressed_by"]
    assert sorted(direction["slug"] for direction in embedded) == [
        "improve-detection-techniques",
        "molecular-imaging",
        "nanotechnology",
    ]
    assert all(direction["type"] == "research-direction" for direction in embedded)
