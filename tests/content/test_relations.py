"""Relations at seed time: each one typed, between the types its predicate allows, and stated by a quote found
in its section. A relation the article does not support cannot be seeded."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from app.content.errors import ContentError
from app.content.pipeline import build_dataset
from app.models import Predicate
from tests.content.helpers import read_items, write_items


def problems_of(seed_dir: Path) -> str:
    with pytest.raises(ContentError) as caught:
        build_dataset(seed_dir)
    return "\n".join(caught.value.problems)


def edit_first_relation(seed_dir: Path, filename: str, subject: str, **changes: Any) -> None:
    items = read_items(seed_dir, filename)
    item = next(item for item in items if item["slug"] == subject)
    item["relations"][0].update(changes)
    write_items(seed_dir, filename, items)


def test_every_seeded_relation_carries_the_quote_that_states_it(seed_dir: Path) -> None:
    dataset = build_dataset(seed_dir)

    assert len(dataset.links) == 32
    for link in dataset.links:
        assert link.quote, link
        assert link.start is not None
        assert link.end is not None
        assert dataset.text[link.start : link.end] == link.quote
        section = next(section for section in dataset.sections if section.slug == link.section)
        assert section.start <= link.start
        assert link.end <= section.end


def test_every_predicate_is_used_by_the_curated_content(seed_dir: Path) -> None:
    predicates = {link.predicate for link in build_dataset(seed_dir).links}

    assert predicates == {"addresses", "analyzes", "detects", "informed-by", "used-by"} == set(Predicate)


def test_a_relation_whose_quote_is_not_in_its_section_fails(seed_dir: Path) -> None:
    edit_first_relation(seed_dir, "detection-methods.yaml", "liquid-biopsy", quote="Liquid biopsies cure cancer")

    message = problems_of(seed_dir)

    assert "detection-method 'liquid-biopsy'" in message
    assert "quote not found in section 'detection'" in message


def test_a_relation_quoted_from_another_section_fails(seed_dir: Path) -> None:
    edit_first_relation(seed_dir, "research-directions.yaml", "nanotechnology", section="challenges")

    assert "quote not found in section 'challenges'" in problems_of(seed_dir)


def test_a_relation_quote_at_the_wrong_offset_fails(seed_dir: Path) -> None:
    edit_first_relation(seed_dir, "concepts.yaml", "metastasis", start=41)

    assert "quote not found at offset 41 in section 'introduction'" in problems_of(seed_dir)


def test_a_relation_quote_at_its_offset_is_accepted(seed_dir: Path) -> None:
    text = build_dataset(seed_dir).text
    quote = next(item for item in read_items(seed_dir, "concepts.yaml") if item["slug"] == "metastasis")["relations"][
        0
    ]["quote"]
    edit_first_relation(seed_dir, "concepts.yaml", "metastasis", start=text.index(quote))

    [link] = [link for link in build_dataset(seed_dir).links if link.subject_slug == "metastasis"]
    assert link.start == text.index(quote)


def test_a_relation_to_an_unknown_entity_fails(seed_dir: Path) -> None:
    edit_first_relation(seed_dir, "research-directions.yaml", "nanotechnology", slug="no-such-challenge")

    assert "addresses points at unknown challenge 'no-such-challenge'" in problems_of(seed_dir)


def test_a_concept_used_by_an_unknown_entity_fails(seed_dir: Path) -> None:
    edit_first_relation(seed_dir, "concepts.yaml", "micrometastasis", type="therapy", slug="radiotherapy")

    assert "used-by points at unknown therapy 'radiotherapy'" in problems_of(seed_dir)


def test_a_relation_to_the_wrong_type_fails(seed_dir: Path) -> None:
    edit_first_relation(seed_dir, "detection-methods.yaml", "liquid-biopsy", type="finding")

    assert "detects points at a finding; it must point at a concept" in problems_of(seed_dir)


def test_a_relation_from_the_wrong_type_fails(seed_dir: Path) -> None:
    items = read_items(seed_dir, "challenges.yaml")
    items[0]["relations"] = [
        {
            "predicate": "addresses",
            "type": "challenge",
            "slug": items[1]["slug"],
            "section": "challenges",
            "quote": "Researching micrometastases poses several challenges.",
        }
    ]
    write_items(seed_dir, "challenges.yaml", items)

    assert "only a research-direction can state addresses" in problems_of(seed_dir)


def test_an_unknown_predicate_is_rejected(seed_dir: Path) -> None:
    edit_first_relation(seed_dir, "detection-methods.yaml", "liquid-biopsy", predicate="cures")

    message = problems_of(seed_dir)

    assert "detection-methods.yaml" in message
    assert "predicate" in message


def test_a_relation_without_a_quote_is_rejected(seed_dir: Path) -> None:
    items = read_items(seed_dir, "research-directions.yaml")
    del items[0]["relations"][0]["quote"]
    write_items(seed_dir, "research-directions.yaml", items)

    message = problems_of(seed_dir)

    assert "research-directions.yaml" in message
    assert "quote" in message


def test_the_old_untyped_lists_are_rejected_not_dropped(seed_dir: Path) -> None:
    items = read_items(seed_dir, "research-directions.yaml")
    items[0]["addresses"] = ["small-size-and-difficult-detection"]
    write_items(seed_dir, "research-directions.yaml", items)

    assert "addresses" in problems_of(seed_dir)


def test_the_same_relation_stated_twice_fails(seed_dir: Path) -> None:
    items = read_items(seed_dir, "concepts.yaml")
    metastasis = next(item for item in items if item["slug"] == "metastasis")
    metastasis["relations"].append(dict(metastasis["relations"][0]))
    write_items(seed_dir, "concepts.yaml", items)

    assert "concept 'metastasis': used-by concept 'micrometastasis' is stated twice" in problems_of(seed_dir)
