"""Validation: every way curated content can go wrong fails loudly, naming what is wrong."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.content.errors import ContentError
from app.content.pipeline import build_dataset
from tests.content.helpers import read_items, write_items


def problems_of(seed_dir: Path) -> str:
    with pytest.raises(ContentError) as caught:
        build_dataset(seed_dir)
    return "\n".join(caught.value.problems)


def test_the_curated_content_is_valid(seed_dir: Path) -> None:
    dataset = build_dataset(seed_dir)
    assert dataset.provenance
    assert len(dataset.version) == 16


def test_a_changed_quote_names_the_entity_and_the_quote(seed_dir: Path) -> None:
    items = read_items(seed_dir, "findings.yaml")
    items[0]["provenance"][0]["quote"] = "Micrometastases are always dormant."
    write_items(seed_dir, "findings.yaml", items)

    message = problems_of(seed_dir)

    assert f"finding {items[0]['slug']!r}" in message
    assert "quote not found" in message
    assert "Micrometastases are always dormant." in message


def test_a_quote_from_another_section_is_not_found(seed_dir: Path) -> None:
    items = read_items(seed_dir, "detection-methods.yaml")
    items[0]["provenance"][0]["section"] = "conclusion"
    write_items(seed_dir, "detection-methods.yaml", items)

    assert "quote not found in section 'conclusion'" in problems_of(seed_dir)


def test_a_quote_at_the_wrong_offset_fails(seed_dir: Path) -> None:
    items = read_items(seed_dir, "findings.yaml")
    items[0]["provenance"][0]["start"] = 0
    write_items(seed_dir, "findings.yaml", items)

    assert "quote not found at offset 0" in problems_of(seed_dir)


def test_an_ambiguous_quote_asks_for_a_start_offset(seed_dir: Path) -> None:
    items = read_items(seed_dir, "concepts.yaml")
    items[0]["provenance"].append({"section": "introduction", "quote": "cancer"})
    write_items(seed_dir, "concepts.yaml", items)

    assert "give `start` to choose one" in problems_of(seed_dir)


def test_a_duplicate_slug_fails(seed_dir: Path) -> None:
    items = read_items(seed_dir, "therapies.yaml")
    items.append(dict(items[0]))
    write_items(seed_dir, "therapies.yaml", items)

    assert f"therapy: duplicate slug {items[0]['slug']!r}" in problems_of(seed_dir)


def test_a_changed_source_text_fails(seed_dir: Path) -> None:
    source = seed_dir / "source" / "000_89c74d992e700878.txt"
    source.write_bytes(source.read_bytes().replace(b"poorer prognosis", b"better prognosis"))

    message = problems_of(seed_dir)

    assert "000_89c74d992e700878.txt has changed" in message
    assert "SHA256SUMS records" in message


def test_a_missing_source_text_fails(seed_dir: Path) -> None:
    (seed_dir / "source" / "000_89c74d992e700878.txt").unlink()

    assert "source text not found" in problems_of(seed_dir)


def test_an_unknown_field_is_rejected_not_dropped(seed_dir: Path) -> None:
    items = read_items(seed_dir, "detection-methods.yaml")
    items[0]["sensitivity"] = "high"
    write_items(seed_dir, "detection-methods.yaml", items)

    assert "sensitivity: Extra inputs are not permitted" in problems_of(seed_dir)


def test_an_invalid_enumeration_value_is_rejected(seed_dir: Path) -> None:
    items = read_items(seed_dir, "detection-methods.yaml")
    items[0]["specimen"] = "urine"
    write_items(seed_dir, "detection-methods.yaml", items)

    assert "detection-methods.yaml item 0 (immunohistochemistry): specimen" in problems_of(seed_dir)


def test_an_entity_without_provenance_is_rejected(seed_dir: Path) -> None:
    items = read_items(seed_dir, "challenges.yaml")
    items[0]["provenance"] = []
    write_items(seed_dir, "challenges.yaml", items)

    assert "challenges.yaml item 0" in problems_of(seed_dir)


def test_a_badly_formed_slug_is_rejected(seed_dir: Path) -> None:
    items = read_items(seed_dir, "findings.yaml")
    items[0]["slug"] = "Poorer Prognosis"
    write_items(seed_dir, "findings.yaml", items)

    assert "slug: String should match pattern" in problems_of(seed_dir)


def test_a_definition_must_be_quoted_verbatim(seed_dir: Path) -> None:
    items = read_items(seed_dir, "concepts.yaml")
    items[0]["definition"] = "small tumors"
    write_items(seed_dir, "concepts.yaml", items)

    assert "definition is not quoted verbatim" in problems_of(seed_dir)


def test_a_synonym_the_article_never_uses_is_rejected(seed_dir: Path) -> None:
    items = read_items(seed_dir, "detection-methods.yaml")
    items[0]["synonyms"] = ["IHC"]
    write_items(seed_dir, "detection-methods.yaml", items)

    assert "synonym 'IHC' does not occur in the source" in problems_of(seed_dir)


def test_a_heading_that_is_not_in_the_article_fails(seed_dir: Path) -> None:
    source = read_items(seed_dir, "source.yaml")
    source["sections"][1]["heading"] = "How Are Micrometastases Found?"
    write_items(seed_dir, "source.yaml", source)

    assert "heading 'How Are Micrometastases Found?' not found" in problems_of(seed_dir)


def test_a_title_that_is_not_the_first_line_fails(seed_dir: Path) -> None:
    source = read_items(seed_dir, "source.yaml")
    source["title"] = "Micrometastases"
    write_items(seed_dir, "source.yaml", source)

    assert "is not the article's first line" in problems_of(seed_dir)


def test_invalid_yaml_names_the_file(seed_dir: Path) -> None:
    (seed_dir / "content" / "therapies.yaml").write_text("- slug: [unclosed\n", encoding="utf-8")

    assert "therapies.yaml: not valid YAML" in problems_of(seed_dir)


def test_every_problem_is_reported_at_once(seed_dir: Path) -> None:
    therapies = read_items(seed_dir, "therapies.yaml")
    therapies[0]["provenance"][0]["quote"] = "chemotherapy cures micrometastases"
    write_items(seed_dir, "therapies.yaml", therapies)
    directions = read_items(seed_dir, "research-directions.yaml")
    directions[0]["relations"][0]["slug"] = "unknown-challenge"
    write_items(seed_dir, "research-directions.yaml", directions)

    message = problems_of(seed_dir)

    assert "chemotherapy cures micrometastases" in message
    assert "unknown-challenge" in message


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
@pytest.mark.parametrize(
    ("filename", "field"),
    [("therapies.yaml", "summary"), ("findings.yaml", "name"), ("concepts.yaml", "synonyms")],
)
def test_text_that_would_start_a_csv_formula_is_refused(seed_dir: Path, start: str, filename: str, field: str) -> None:
    items = read_items(seed_dir, filename)
    value = f'{start}HYPERLINK("http://evil.example")'
    items[0][field] = [value] if field == "synonyms" else value
    write_items(seed_dir, filename, items)

    message = problems_of(seed_dir)

    assert f"starts with {start!r}" in message
    assert "formula" in message
    assert items[0]["slug"] in message


def test_formula_characters_inside_a_text_are_fine(seed_dir: Path) -> None:
    items = read_items(seed_dir, "therapies.yaml")
    items[0]["name"] = f"{items[0]['name']} (a = b, c - d, e@f)"
    write_items(seed_dir, "therapies.yaml", items)

    assert build_dataset(seed_dir).entities


def test_an_empty_text_is_refused_so_that_an_empty_csv_cell_means_null(seed_dir: Path) -> None:
    items = read_items(seed_dir, "challenges.yaml")
    items[0]["limits"] = " "
    write_items(seed_dir, "challenges.yaml", items)

    assert f"challenge {items[0]['slug']!r}: limits is empty; write null" in problems_of(seed_dir)
