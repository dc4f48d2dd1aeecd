"""Snippets made from a hit's text (the PostgreSQL engine's): the window holding the most query words, every
occurrence marked, an ellipsis where the text goes on."""

from __future__ import annotations

from app.search.interface import MARK_CLOSE, MARK_OPEN
from app.search.snippets import ELLIPSIS, document_text, highlight

LONG = (
    "Micrometastases are small groups of cancer cells. "
    + "Filler words carry nothing here at all. " * 6
    + "Liquid biopsy analyzes circulating tumor DNA in the blood. "
    + "More filler words follow after this part. " * 6
    + "Immunohistochemistry stains tissue with antibodies."
)


def shown(snippet: str | None) -> str:
    assert snippet is not None
    return snippet.replace(MARK_OPEN, "[").replace(MARK_CLOSE, "]")


def test_a_short_text_is_shown_whole_with_each_occurrence_marked() -> None:
    text = document_text("Liquid biopsy", "A liquid biopsy analyzes blood.", "")

    assert shown(highlight(text, frozenset({"biopsy", "blood"}))) == (
        f"Liquid [biopsy] {ELLIPSIS} A liquid [biopsy] analyzes [blood]."
    )


def test_the_window_holds_the_most_different_query_words() -> None:
    snippet = shown(highlight(LONG, frozenset({"liquid", "blood", "cancer"}), size=12))

    assert "[Liquid]" in snippet
    assert "[blood]" in snippet
    assert "[cancer]" not in snippet  # alone at the start: one word, where the other window holds two
    assert snippet.startswith(ELLIPSIS)
    assert snippet.endswith(ELLIPSIS)


def test_matching_ignores_case_and_unicode_forms_and_marks_whole_words_only() -> None:
    wide = "\uff30\uff23\uff32"  # PCR in full-width letters, which NFKC makes plain
    snippet = shown(highlight(f"{wide} amplifies DNA; PCRs and pcr-based tests.", frozenset({"pcr"})))

    assert snippet == f"[{wide}] amplifies DNA; PCRs and [pcr]-based tests."


def test_no_query_word_in_the_text_is_none() -> None:
    assert highlight(LONG, frozenset({"nanotechnology"})) is None
    assert highlight("", frozenset({"blood"})) is None


def test_a_window_at_the_end_of_the_text_is_full_length() -> None:
    snippet = shown(highlight(LONG, frozenset({"antibodies"}), size=10))

    assert snippet.startswith(ELLIPSIS)
    assert not snippet.endswith(ELLIPSIS)
    assert snippet.endswith("[antibodies].")
    assert len(snippet.removeprefix(ELLIPSIS).split()) == 10
