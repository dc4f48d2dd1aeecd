"""Filters: each type filters on the attributes it has; an unknown value is a 422 that lists the allowed ones."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.api.helpers import assert_problem, invalid_names


def slugs(client: TestClient, path: str, **params: Any) -> list[str]:
    response = client.get(path, params=params)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["total"] == len(body["items"])
    return [item["slug"] for item in body["items"]]


def test_detection_methods_by_specimen(client: TestClient) -> None:
    assert slugs(client, "/v1/detection-methods", specimen="blood") == ["liquid-biopsy"]
    assert slugs(client, "/v1/detection-methods", specimen="tissue") == ["immunohistochemistry"]
    assert slugs(client, "/v1/detection-methods", specimen="not-stated") == ["polymerase-chain-reaction"]


def test_detection_methods_by_invasiveness(client: TestClient) -> None:
    assert slugs(client, "/v1/detection-methods", invasiveness="non-invasive") == ["liquid-biopsy"]
    assert slugs(client, "/v1/detection-methods", invasiveness="invasive") == []


def test_therapies_by_category(client: TestClient) -> None:
    assert slugs(client, "/v1/therapies", category="systemic") == [
        "chemotherapy",
        "hormone-therapy",
        "targeted-therapy",
    ]
    assert slugs(client, "/v1/therapies", category="adjuvant") == ["adjuvant-therapy"]
    assert slugs(client, "/v1/therapies", category="approach") == ["personalized-treatment-plans"]


def test_research_directions_by_purpose(client: TestClient) -> None:
    assert slugs(client, "/v1/research-directions", purpose="detection") == [
        "nanotechnology",
        "molecular-imaging",
        "improve-detection-techniques",
    ]
    assert slugs(client, "/v1/research-directions", purpose="therapy") == ["tumor-microenvironment"]


def test_research_directions_by_the_challenge_they_address(client: TestClient) -> None:
    found = slugs(client, "/v1/research-directions", challenge="small-size-and-difficult-detection")

    assert found == ["nanotechnology", "molecular-imaging", "improve-detection-techniques"]


def test_findings_by_topic(client: TestClient) -> None:
    found = slugs(client, "/v1/findings", topic="prognosis")

    assert "poorer-prognosis" in found
    assert all(client.get(f"/v1/findings/{slug}").json()["topic"] == "prognosis" for slug in found)


def test_concepts_with_and_without_a_definition(client: TestClient) -> None:
    defined = slugs(client, "/v1/concepts", has_definition="true")
    undefined = slugs(client, "/v1/concepts", has_definition="false")

    assert defined == ["micrometastasis", "metastasis"]
    assert "dormancy" in undefined
    assert not set(defined) & set(undefined)


def test_entities_by_the_section_they_are_quoted_from(client: TestClient) -> None:
    assert slugs(client, "/v1/findings", section="conclusion") == [
        "crucial-role-in-progression-and-management",
        "detection-essential-for-prediction-and-tailoring",
        "continued-research-will-improve-outcomes",
    ]


def test_filters_combine(client: TestClient) -> None:
    assert slugs(client, "/v1/findings", topic="outlook", section="conclusion") == [
        "continued-research-will-improve-outcomes"
    ]


@pytest.mark.parametrize(
    ("path", "name", "value", "allowed"),
    [
        ("/v1/detection-methods", "specimen", "urine", ["'tissue'", "'blood'", "'not-stated'"]),
        ("/v1/detection-methods", "invasiveness", "minimal", ["'non-invasive'", "'invasive'"]),
        ("/v1/therapies", "category", "surgery", ["'systemic'", "'adjuvant'", "'approach'"]),
        ("/v1/research-directions", "purpose", "funding", ["'detection'", "'understanding'", "'therapy'"]),
        ("/v1/research-directions", "challenge", "cost", ["small-size-and-difficult-detection"]),
        ("/v1/findings", "topic", "diet", ["'prognosis'", "'outlook'"]),
        ("/v1/findings", "section", "methods", ["introduction", "conclusion"]),
        ("/v1/concepts", "has_definition", "maybe", ["valid boolean"]),
    ],
)
def test_an_unknown_filter_value_lists_the_allowed_values(
    client: TestClient, path: str, name: str, value: str, allowed: list[str]
) -> None:
    body = assert_problem(client.get(path, params={name: value}), 422)

    assert invalid_names(body) == [name]
    for choice in allowed:
        assert choice in body["invalid_params"][0]["reason"]


def test_a_filter_of_another_type_is_an_unknown_parameter(client: TestClient) -> None:
    body = assert_problem(client.get("/v1/therapies", params={"specimen": "blood"}), 422)

    assert invalid_names(body) == ["specimen"]
