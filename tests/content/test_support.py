"""Field support: each field with a value rests on a quote marked as supporting it, and that quote holds its
words; an `exact` code whose name is not the entity's needs a note. The seed refuses content that breaks either."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.content.errors import ContentError
from app.content.pipeline import build_dataset, check
from app.content.support import unsupported_words
from tests.content.helpers import read_items, write_items


def problems_of(seed_dir: Path) -> str:
    with pytest.raises(ContentError) as caught:
        build_dataset(seed_dir)
    return "\n".join(caught.value.problems)


def edit(seed_dir: Path, filename: str, slug: str, **changes: object) -> None:
    items = read_items(seed_dir, filename)
    next(item for item in items if item["slug"] == slug).update(changes)
    write_items(seed_dir, filename, items)


def test_every_field_with_a_value_rests_on_a_quote(seed_dir: Path) -> None:
    report = check(seed_dir)

    assert report.fields.percent == 100
    assert report.fields.unsupported == []
    supported = {(field.entity_type, field.slug, field.field) for field in report.fields.fields}
    # the summary of every entity, and the fields the type adds when they hold a value
    assert ("therapy", "adjuvant-therapy", "indication") in supported
    assert ("detection-method", "liquid-biopsy", "invasiveness") in supported
    assert ("therapy", "personalized-treatment-plans", "aim") not in supported  # null: nothing to support
    assert ("detection-method", "polymerase-chain-reaction", "specimen") not in supported  # not-stated
    assert sum(1 for entity_type, _, field in supported if field == "summary") == sum(
        len(items) for items in report.dataset.entities.values()
    )


def test_a_field_no_quote_supports_is_refused(seed_dir: Path) -> None:
    items = read_items(seed_dir, "therapies.yaml")
    adjuvant = next(item for item in items if item["slug"] == "adjuvant-therapy")
    adjuvant["provenance"][0]["supports"].remove("timing")
    write_items(seed_dir, "therapies.yaml", items)

    assert "therapy 'adjuvant-therapy': no quote supports its timing" in problems_of(seed_dir)


def test_a_quote_without_supports_leaves_the_summary_unsupported(seed_dir: Path) -> None:
    items = read_items(seed_dir, "findings.yaml")
    for quote in items[0]["provenance"]:
        del quote["supports"]
    write_items(seed_dir, "findings.yaml", items)

    message = problems_of(seed_dir)

    assert f"finding {items[0]['slug']!r}: no quote supports its summary" in message
    assert f"finding {items[0]['slug']!r}: no quote supports its topic" in message


def test_a_word_the_supporting_quotes_do_not_hold_is_refused(seed_dir: Path) -> None:
    edit(
        seed_dir,
        "findings.yaml",
        "may-remain-dormant-for-years",
        summary="Micrometastases always remain dormant for years before developing into detectable metastatic tumors.",
    )

    message = problems_of(seed_dir)

    assert "finding 'may-remain-dormant-for-years': its summary says 'always'" in message


def test_a_hedge_cannot_be_dropped_for_a_stronger_word(seed_dir: Path) -> None:
    edit(
        seed_dir,
        "findings.yaml",
        "higher-risk-of-recurrence",
        summary="The presence of micrometastases proves a higher risk of cancer recurrence.",
    )

    assert "its summary says 'proves'" in problems_of(seed_dir)


def test_a_quote_that_supports_another_field_does_not_count(seed_dir: Path) -> None:
    items = read_items(seed_dir, "detection-methods.yaml")
    liquid = next(item for item in items if item["slug"] == "liquid-biopsy")
    # `principle` moves to the quote that speaks of detecting micrometastases, which never says "analyze"
    liquid["provenance"][1]["supports"].remove("principle")
    liquid["provenance"][0]["supports"].append("principle")
    write_items(seed_dir, "detection-methods.yaml", items)

    message = problems_of(seed_dir)

    assert "detection-method 'liquid-biopsy': its principle says 'analyzing', 'circulating', 'tumor', 'dna'" in message


def test_supports_must_name_a_field_of_the_type(seed_dir: Path) -> None:
    items = read_items(seed_dir, "challenges.yaml")
    items[0]["provenance"][0]["supports"] = ["summary", "aim"]
    write_items(seed_dir, "challenges.yaml", items)

    message = problems_of(seed_dir)

    assert f"challenge {items[0]['slug']!r}: quote 0 supports 'aim', which is not a field of a challenge" in message
    assert "(fields: name, summary, limits)" in message


def test_supports_must_be_a_list_of_field_names(seed_dir: Path) -> None:
    items = read_items(seed_dir, "challenges.yaml")
    items[0]["provenance"][0]["supports"] = "summary"
    write_items(seed_dir, "challenges.yaml", items)

    assert "provenance.0.supports: Input should be a valid list" in problems_of(seed_dir)


@pytest.mark.parametrize(
    ("value", "quote", "missing"),
    [
        ("Detecting micrometastases.", "detect micrometastasis", []),  # word forms share their first letters
        ("Risks of therapies.", "the risk of therapy", []),  # short words take inflections
        ("It can recur.", "cancer recurrence", ["can"]),  # but "can" is not "cancer"
        ("Treat micrometastases.", "treat these microscopic threats", ["micrometastases"]),  # nor "micro" a stem
        ("The use of it.", "used", []),
        ("A new and better test.", "a test", ["new", "better"]),
        ("tumor-derived DNA", "tumor DNA derived", []),  # punctuation separates words
    ],
)
def test_word_forms_count_as_held_and_other_words_do_not(value: str, quote: str, missing: list[str]) -> None:
    assert unsupported_words(value, [quote]) == missing


def test_an_exact_code_named_otherwise_needs_a_note(seed_dir: Path) -> None:
    items = read_items(seed_dir, "concepts.yaml")
    micrometastasis = next(item for item in items if item["slug"] == "micrometastasis")
    del micrometastasis["codes"][0]["note"]
    write_items(seed_dir, "concepts.yaml", items)

    message = problems_of(seed_dir)

    assert "concept 'micrometastasis': mesh D061206 is 'Neoplasm Micrometastasis', not the entity's name" in message
    assert "needs a `note`" in message


def test_an_exact_code_with_the_entitys_name_or_synonym_needs_no_note(seed_dir: Path) -> None:
    # "Polymerase Chain Reaction" is the name without its bracketed abbreviation; case and hyphens fold away
    items = read_items(seed_dir, "detection-methods.yaml")
    pcr = next(item for item in items if item["slug"] == "polymerase-chain-reaction")

    assert [code.get("note") for code in pcr["codes"][:2]] == [None, None]
    assert build_dataset(seed_dir).codes


@pytest.mark.parametrize("match", ["broad", "narrow", "related"])
def test_other_match_types_need_no_note(seed_dir: Path, match: str) -> None:
    items = read_items(seed_dir, "concepts.yaml")
    micrometastasis = next(item for item in items if item["slug"] == "micrometastasis")
    micrometastasis["codes"][0] = {"system": "mesh", "code": "D009362", "match": match}
    write_items(seed_dir, "concepts.yaml", items)

    codes = [code for code in build_dataset(seed_dir).codes if code.entity_slug == "micrometastasis"]

    assert [(code.code, code.match.value) for code in codes] == [("D009362", match)]


def test_analyzes_is_stated_by_detection_methods_only(seed_dir: Path) -> None:
    items = read_items(seed_dir, "therapies.yaml")
    items[0]["relations"] = [
        {
            "predicate": "analyzes",
            "type": "concept",
            "slug": "circulating-tumor-dna",
            "section": "detection",
            "quote": "Liquid biopsies analyze circulating tumor DNA (ctDNA) in the blood",
        }
    ]
    write_items(seed_dir, "therapies.yaml", items)

    assert f"therapy {items[0]['slug']!r}: only a detection-method can state analyzes" in problems_of(seed_dir)


def test_a_relation_quote_that_never_names_one_end_is_refused(seed_dir: Path) -> None:
    # "hold promise for detecting these elusive cancer cells" ties nanotechnology to nothing by itself
    items = read_items(seed_dir, "research-directions.yaml")
    nanotechnology = next(item for item in items if item["slug"] == "nanotechnology")
    nanotechnology["relations"][0]["quote"] = "molecular imaging hold promise"
    write_items(seed_dir, "research-directions.yaml", items)

    message = problems_of(seed_dir)

    assert (
        "research-direction 'nanotechnology': the quote of addresses challenge 'small-size-and-difficult-detection' "
        "never names research-direction 'nanotechnology'"
    ) in message
    assert (
        "never names challenge 'small-size-and-difficult-detection' (Small size and difficulty in detection)" in message
    )


def test_a_synonym_that_names_another_entity_is_refused(seed_dir: Path) -> None:
    # the review's finding: ctDNA is what a liquid biopsy analyzes, not another name for it
    items = read_items(seed_dir, "detection-methods.yaml")
    liquid = next(item for item in items if item["slug"] == "liquid-biopsy")
    liquid["synonyms"] = ["liquid biopsies", "ctDNA", "Circulating tumor DNA"]
    write_items(seed_dir, "detection-methods.yaml", items)

    message = problems_of(seed_dir)

    assert (
        "detection-method 'liquid-biopsy': synonym 'ctDNA' also names concept 'circulating-tumor-dna'; a synonym is "
        "another name for the same thing"
    ) in message
    assert "synonym 'Circulating tumor DNA' also names concept 'circulating-tumor-dna'" in message
    assert "concept 'circulating-tumor-dna': synonym 'ctDNA' also names detection-method 'liquid-biopsy'" in message
