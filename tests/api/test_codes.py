"""Vocabulary codes in the API: on every entity, with match types, and as a filter on collections and search."""

from __future__ import annotations

import pytest
import yaml
from fastapi.testclient import TestClient

from app.settings import PROJECT_ROOT
from tests.api.helpers import assert_problem, invalid_names

MESH = "http://id.nlm.nih.gov/mesh"
NCIT = "http://ncicb.nci.nih.gov/xml/owl/EVS/Thesaurus.owl"
COLLECTIONS = ["detection-methods", "therapies", "challenges", "research-directions", "findings", "concepts"]

# From the team's verified vocabulary table: related to these concepts but not equivalent, so never `exact`.
NEVER_EXACT = {"C15675", "C4798", "C128274", "D000073888", "D060888", "D020133"}


def all_items(client: TestClient) -> list[dict[str, object]]:
    return [item for name in COLLECTIONS for item in client.get(f"/v1/{name}?limit=100").json()["items"]]


def test_an_item_carries_its_codes_with_system_display_and_match(client: TestClient) -> None:
    codes = client.get("/v1/detection-methods/immunohistochemistry").json()["codes"]

    assert {
        "system": MESH,
        "code": "D007150",
        "display": "Immunohistochemistry",
        "match": "exact",
        "note": None,
    } in codes
    [ncit] = [code for code in codes if code["code"] == "C23020"]
    assert (ncit["system"], ncit["display"], ncit["match"]) == (NCIT, "Immunohistochemistry Staining Method", "exact")
    assert "Immunohistochemistry Staining Method" in ncit["note"]  # why a differently named code is exact


def test_an_entity_without_a_verified_code_has_an_empty_list(client: TestClient) -> None:
    assert client.get("/v1/concepts/dormancy").json()["codes"] == []


def test_every_served_code_is_a_verified_one(client: TestClient) -> None:
    verified = yaml.safe_load((PROJECT_ROOT / "seed" / "vocabulary.yaml").read_text())
    names = {(verified["systems"][e["system"]], e["code"]): e["display"] for e in verified["codes"]}

    served = [code for item in all_items(client) for code in item["codes"]]  # type: ignore[attr-defined]

    assert served
    for code in served:
        assert names[(code["system"], code["code"])] == code["display"]
        assert code["match"] in {"exact", "broad", "narrow", "related"}


# The medical editor's review, judged by MeSH tree numbers and NCIt definitions (seed/vocabulary.yaml records them).
REVIEWED_MATCHES = [
    ("detection-methods/polymerase-chain-reaction", "D060888", "narrow"),  # Real-Time PCR, a child of PCR
    ("detection-methods/polymerase-chain-reaction", "D020133", "narrow"),  # Reverse Transcriptase PCR, likewise
    ("therapies/adjuvant-therapy", "D017024", "narrow"),  # adjuvant *chemotherapy*
    ("therapies/adjuvant-therapy", "C15360", "narrow"),
    ("concepts/circulating-tumor-dna", "C128274", "broad"),  # cell-free DNA holds ctDNA
    ("concepts/circulating-tumor-dna", "D000073888", "broad"),
    ("concepts/immune-evasion", "D019139", "exact"),  # Tumor Escape: tumors evading the immune system
    ("concepts/immune-evasion", "D057131", "related"),  # its sibling, which also covers pathogens
    ("concepts/cancer-recurrence", "D009364", "narrow"),  # local recurrence only
    ("concepts/survival-rate", "D015996", "exact"),
    ("concepts/systemic-therapy", "D004358", "broad"),  # drug therapy holds all three systemic therapies
]


def test_a_provisional_match_says_so_where_clients_read_it(client: TestClient) -> None:
    codes = {code["code"]: code for code in client.get("/v1/therapies/adjuvant-therapy").json()["codes"]}

    assert codes["C15675"]["match"] == "related"
    assert codes["C15675"]["note"].startswith("Provisional:")
    assert "E02.319.170" in codes["D017024"]["note"]


@pytest.mark.parametrize(("path", "code", "match"), REVIEWED_MATCHES)
def test_match_types_follow_the_vocabularys_hierarchy(client: TestClient, path: str, code: str, match: str) -> None:
    codes = {entry["code"]: entry["match"] for entry in client.get(f"/v1/{path}").json()["codes"]}

    assert codes[code] == match


def test_related_but_not_equivalent_codes_are_never_exact(client: TestClient) -> None:
    labelled = [
        (code["code"], code["match"])
        for item in all_items(client)
        for code in item["codes"]  # type: ignore[attr-defined]
    ]

    assert any(code in NEVER_EXACT for code, _ in labelled)
    assert all(match != "exact" for code, match in labelled if code in NEVER_EXACT)


def test_a_drug_class_code_on_a_treatment_is_labelled_related(client: TestClient) -> None:
    codes = {code["code"]: code["match"] for code in client.get("/v1/therapies/hormone-therapy").json()["codes"]}

    assert codes == {"C15445": "exact", "D018931": "related"}


@pytest.mark.parametrize(
    ("collection", "code", "expected"),
    [
        ("detection-methods", "D007150", ["immunohistochemistry"]),
        ("detection-methods", "C17003", ["polymerase-chain-reaction"]),
        ("concepts", "D000074141", ["circulating-tumor-dna"]),
        ("detection-methods", "D060888", ["polymerase-chain-reaction"]),  # a narrow match finds its entity too
        ("therapies", "D017024", ["adjuvant-therapy"]),
        ("concepts", "C128274", ["circulating-tumor-dna"]),  # and a broad one
        ("concepts", "D059016", ["tumor-microenvironment"]),
        ("therapies", "D007150", []),
        ("concepts", "D999999", []),
    ],
)
def test_code_filters_a_collection(client: TestClient, collection: str, code: str, expected: list[str]) -> None:
    body = client.get(f"/v1/{collection}?code={code}").json()

    assert [item["slug"] for item in body["items"]] == expected
    assert body["total"] == len(expected)


@pytest.mark.parametrize("code", ["X123", "D12", "d007150", "D007150;", "C", "' OR 1=1 --"])
def test_a_malformed_code_is_a_422(client: TestClient, code: str) -> None:
    assert invalid_names(assert_problem(client.get("/v1/concepts", params={"code": code}), 422)) == ["code"]


def test_code_filters_search_and_its_facets(client: TestClient) -> None:
    body = client.get("/v1/search?q=detection&code=D007150").json()

    assert [(hit["type"], hit["slug"]) for hit in body["items"]] == [("detection-method", "immunohistochemistry")]
    assert body["total"] == 1
    assert body["facets"]["detection-method"] == 1
    assert body["facets"]["section"] == 0


def test_search_without_a_match_for_the_code_is_empty(client: TestClient) -> None:
    body = client.get("/v1/search?q=detection&code=D011379").json()

    assert body["items"] == []
    assert body["total"] == 0


def test_a_malformed_code_on_search_is_a_422(client: TestClient) -> None:
    assert invalid_names(assert_problem(client.get("/v1/search?q=tumor&code=D0071%22"), 422)) == ["code"]
