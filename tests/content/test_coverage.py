"""Coverage: a sentence counts as cited when quotes cover at least half of its characters."""

from __future__ import annotations

from pathlib import Path

from app.content.coverage import compute_coverage
from app.content.pipeline import check
from app.content.text import Span, locate_sections
from tests.content.helpers import read_items, write_items

TEXT = "Title\nAaaa bbbb. Cccc dddd.Heading\nEeee ffff."
SECTIONS = locate_sections(TEXT, [("intro", None), ("h", "Heading")])


def span_of(fragment: str) -> Span:
    start = TEXT.index(fragment)
    return Span(start, start + len(fragment))


def test_a_sentence_half_covered_is_cited() -> None:
    coverage = compute_coverage(TEXT, SECTIONS, [span_of("Aaaa ")])

    first = coverage.sentences[0]
    assert len(first.span) == 10
    assert first.covered == 5
    assert first.cited


def test_a_sentence_less_than_half_covered_is_not_cited() -> None:
    coverage = compute_coverage(TEXT, SECTIONS, [span_of("Aaaa")])

    assert not coverage.sentences[0].cited
    assert coverage.percent == 0


def test_overlapping_quotes_are_not_counted_twice() -> None:
    coverage = compute_coverage(TEXT, SECTIONS, [span_of("Aaaa"), span_of("Aaa"), span_of("aaa")])

    assert coverage.sentences[0].covered == 4


def test_headings_and_the_title_are_not_sentences() -> None:
    coverage = compute_coverage(TEXT, SECTIONS, [])

    found = [TEXT[s.span.start : s.span.end] for s in coverage.sentences]
    assert found == ["Aaaa bbbb.", "Cccc dddd.", "Eeee ffff."]


def test_percent_is_the_share_of_cited_sentences_rounded_down() -> None:
    coverage = compute_coverage(TEXT, SECTIONS, [span_of("Aaaa bbbb."), span_of("Eeee ffff.")])

    assert [s.cited for s in coverage.sentences] == [True, False, True]
    assert coverage.percent == 66
    assert [s.section for s in coverage.uncited] == ["intro"]


def test_the_curated_content_cites_every_sentence_of_the_article(seed_dir: Path) -> None:
    report = check(seed_dir)

    assert len(report.coverage.sentences) == 25
    assert report.coverage.uncited == []
    assert report.coverage.percent == 100


def test_removing_an_entity_lowers_coverage_and_names_the_sentence(seed_dir: Path) -> None:
    findings = [
        item
        for item in read_items(seed_dir, "findings.yaml")
        if item["slug"] != "early-detection-and-management-critical"
    ]
    write_items(seed_dir, "findings.yaml", findings)

    report = check(seed_dir)

    assert report.coverage.percent == 96
    [uncited] = report.coverage.uncited
    assert report.dataset.text[uncited.span.start : uncited.span.end] == (
        "Therefore, early detection and management of micrometastases are critical in improving long-term "
        "outcomes for cancer patients."
    )
