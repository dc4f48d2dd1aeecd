"""Typed relations: stated in the article, served in both directions with the quote that states them."""

from __future__ import annotations

from fastapi.testclient import TestClient

SOURCE = "/v1/sources/understanding-micrometastases-in-cancer"


def quote_holds(client: TestClient, provenance: dict[str, object]) -> None:
    text = client.get(f"{SOURCE}/text").text
    assert text[provenance["start"] : provenance["end"]] == provenance["quote"]  # type: ignore[misc]


def test_liquid_biopsy_detects_circulating_tumor_dna_with_the_articles_words(client: TestClient) -> None:
    [ref] = client.get("/v1/detection-methods/liquid-biopsy").json()["relations"]["detects"]

    assert (ref["type"], ref["slug"]) == ("concept", "circulating-tumor-dna")
    assert ref["provenance"]["section"] == "detection"
    assert "analyze circulating tumor DNA" in ref["provenance"]["quote"]
    quote_holds(client, ref["provenance"])


def test_circulating_tumor_dna_is_detected_by_liquid_biopsy(client: TestClient) -> None:
    [ref] = client.get("/v1/concepts/circulating-tumor-dna").json()["relations"]["detected_by"]

    assert (ref["type"], ref["slug"]) == ("detection-method", "liquid-biopsy")
    quote_holds(client, ref["provenance"])


def test_adjuvant_therapy_is_informed_by_the_detection_of_micrometastases(client: TestClient) -> None:
    [ref] = client.get("/v1/therapies/adjuvant-therapy").json()["relations"]["informed_by"]
    [back] = client.get("/v1/concepts/micrometastasis").json()["relations"]["informs"]

    assert (ref["type"], ref["slug"]) == ("concept", "micrometastasis")
    assert ref["provenance"]["quote"] == "may be recommended based on the detection of micrometastases"
    assert (back["type"], back["slug"]) == ("therapy", "adjuvant-therapy")
    quote_holds(client, ref["provenance"])


def test_methods_the_article_ties_to_nothing_detect_nothing(client: TestClient) -> None:
    assert client.get("/v1/detection-methods/immunohistochemistry").json()["relations"]["detects"] == []


def test_include_expands_a_typed_relation(client: TestClient) -> None:
    body = client.get("/v1/detection-methods/liquid-biopsy?include=detects").json()

    [concept] = body["embedded"]["detects"]
    assert concept["slug"] == "circulating-tumor-dna"
    assert concept["codes"]


def test_untyped_links_carry_no_quote_of_their_own(client: TestClient) -> None:
    refs = client.get("/v1/research-directions/nanotechnology").json()["relations"]["addresses"]

    assert all("provenance" not in ref for ref in refs)
