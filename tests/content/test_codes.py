"""Vocabulary codes at seed time: only verified codes, in a valid format, each once, with the verified name."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from app.content.errors import ContentError
from app.content.pipeline import build_dataset
from tests.content.helpers import read_items, write_items

MESH = "http://id.nlm.nih.gov/mesh"
NCIT = "http://ncicb.nci.nih.gov/xml/owl/EVS/Thesaurus.owl"


def problems_of(seed_dir: Path) -> str:
    with pytest.raises(ContentError) as caught:
        build_dataset(seed_dir)
    return "\n".join(caught.value.problems)


def with_code(seed_dir: Path, code: dict[str, str]) -> None:
    """Give the first detection method one more code."""
    items = read_items(seed_dir, "detection-methods.yaml")
    items[0].setdefault("codes", []).append(code)
    write_items(seed_dir, "detection-methods.yaml", items)


def test_codes_get_the_canonical_system_uri_and_the_verified_name(seed_dir: Path) -> None:
    dataset = build_dataset(seed_dir)
    found = {(row.entity_slug, row.system, row.code): (row.display, row.match) for row in dataset.codes}

    assert found[("immunohistochemistry", MESH, "D007150")] == ("Immunohistochemistry", "exact")
    assert found[("immunohistochemistry", NCIT, "C23020")] == ("Immunohistochemistry Staining Method", "exact")


def test_every_code_is_one_of_the_verified_codes_with_its_name(seed_dir: Path) -> None:
    verified = yaml.safe_load((seed_dir / "vocabulary.yaml").read_text())
    uris = verified["systems"]
    names = {(uris[entry["system"]], entry["code"]): entry["display"] for entry in verified["codes"]}

    for row in build_dataset(seed_dir).codes:
        assert names[(row.system, row.code)] == row.display


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ({"system": "mesh", "code": "D12", "match": "exact"}, "'D12' is not a valid mesh code"),
        ({"system": "mesh", "code": "C17003", "match": "exact"}, "'C17003' is not a valid mesh code"),
        ({"system": "ncit", "code": "C17003x", "match": "exact"}, "'C17003x' is not a valid ncit code"),
        ({"system": "ncit", "code": "D007150", "match": "exact"}, "'D007150' is not a valid ncit code"),
        ({"system": "snomed", "code": "123", "match": "exact"}, "unknown code system 'snomed'"),
        ({"system": "mesh", "code": "D999999", "match": "exact"}, "'D999999' is not in vocabulary.yaml"),
        ({"system": "mesh", "code": "D007150", "match": "exact"}, "'D007150' is listed twice"),
        ({"system": "mesh", "code": "D061206", "match": "close"}, "codes.2.match"),
    ],
)
def test_a_bad_code_fails_the_seed_naming_it(seed_dir: Path, code: dict[str, str], expected: str) -> None:
    with_code(seed_dir, code)

    message = problems_of(seed_dir)

    assert expected in message
    assert "immunohistochemistry" in message


def test_a_malformed_code_in_the_vocabulary_itself_fails_the_seed(seed_dir: Path) -> None:
    path = seed_dir / "vocabulary.yaml"
    document = yaml.safe_load(path.read_text())
    document["codes"][0]["code"] = "D00"
    path.write_text(yaml.safe_dump(document))

    assert "malformed mesh code 'D00'" in problems_of(seed_dir)


def test_codes_are_part_of_the_dataset_version(seed_dir: Path) -> None:
    before = build_dataset(seed_dir).version
    items = read_items(seed_dir, "detection-methods.yaml")
    items[0]["codes"][0]["match"] = "related"
    write_items(seed_dir, "detection-methods.yaml", items)

    assert build_dataset(seed_dir).version != before
