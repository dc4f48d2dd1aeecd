"""Reading the article as it is: glued headings, broken list items, checksums."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.content.errors import ContentError
from app.content.text import Span, locate_sections, read_verified_source, sentences

GLUED = "Title\nFirst sentence. Second one.Next Heading?\nBody of\nthe next,\nsection. Last!"


def test_a_heading_glued_to_the_previous_sentence_is_found() -> None:
    sections = locate_sections(GLUED, [("intro", None), ("next", "Next Heading?")])

    intro, following = sections
    assert GLUED[intro.body.start : intro.body.end] == "First sentence. Second one."
    assert following.heading_span is not None
    assert GLUED[following.heading_span.start : following.heading_span.end] == "Next Heading?"
    assert GLUED[following.body.start : following.body.end] == "Body of\nthe next,\nsection. Last!"


def test_a_sentence_broken_across_lines_stays_one_sentence() -> None:
    _, following = locate_sections(GLUED, [("intro", None), ("next", "Next Heading?")])

    found = [GLUED[span.start : span.end] for span in sentences(GLUED, following.body)]

    assert found == ["Body of\nthe next,\nsection.", "Last!"]


def test_a_heading_that_does_not_end_its_line_is_rejected() -> None:
    with pytest.raises(ContentError, match="does not end its line"):
        locate_sections(GLUED, [("intro", None), ("next", "Next")])


def test_a_heading_that_occurs_twice_is_rejected() -> None:
    text = "Title\nRepeat\nbody.\nRepeat\nmore."
    with pytest.raises(ContentError, match="found 2 times"):
        locate_sections(text, [("intro", None), ("repeat", "Repeat")])


def test_headings_out_of_order_are_rejected() -> None:
    text = "Title\nA\none.\nB\ntwo."
    with pytest.raises(ContentError, match="not found after the previous section"):
        locate_sections(text, [("intro", None), ("b", "B"), ("a", "A")])


def test_a_span_contains_only_spans_inside_it() -> None:
    assert Span(2, 4) in Span(0, 10)
    assert Span(8, 12) not in Span(0, 10)


def test_the_article_reads_only_with_its_recorded_checksum(tmp_path: Path) -> None:
    text = tmp_path / "a.txt"
    text.write_bytes(b"hello")
    sums = tmp_path / "SUMS"
    sums.write_text("2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824  a.txt\n")

    assert read_verified_source(text, sums) == "hello"

    text.write_bytes(b"hello!")
    with pytest.raises(ContentError, match="has changed"):
        read_verified_source(text, sums)


def test_the_article_in_seed_is_the_shared_original_byte_for_byte() -> None:
    from app.settings import PROJECT_ROOT

    seed_source = PROJECT_ROOT / "seed" / "source"
    assert read_verified_source(seed_source / "000_89c74d992e700878.txt", seed_source / "SHA256SUMS")
