"""Parsing what people type: words and phrases only, never engine syntax."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from app.search.query import MAX_TERMS, parse_query


def test_plain_words_are_separate_phrases() -> None:
    assert parse_query("Liquid Biopsy").phrases == (("liquid",), ("biopsy",))


def test_quoted_words_form_one_phrase() -> None:
    assert parse_query('"poorer prognosis" patients').phrases == (("poorer", "prognosis"), ("patients",))


def test_an_unbalanced_quote_is_a_separator() -> None:
    assert parse_query('"poorer prognosis').phrases == (("poorer",), ("prognosis",))


def test_operators_and_punctuation_are_not_syntax() -> None:
    parsed = parse_query('pcr* AND (ctdna OR NOT x:y) ^ NEAR/2 "')

    assert parsed.words == ["pcr", "and", "ctdna", "or", "not", "x", "y", "near", "2"]


def test_emoji_and_control_characters_are_separators() -> None:
    assert parse_query("tumor\x00\x1b[31m😀microenvironment").words == ["tumor", "31m", "microenvironment"]


def test_non_latin_words_are_kept() -> None:
    assert parse_query("микрометастазы 微小转移").words == ["микрометастазы", "微小转移"]


def test_the_number_of_terms_is_bounded() -> None:
    assert len(parse_query(" ".join(["word"] * 100)).words) == MAX_TERMS


@given(st.text())
def test_words_never_contain_quotes_or_spaces(text: str) -> None:
    for word in parse_query(text).words:
        assert word
        assert '"' not in word
        assert not any(character.isspace() for character in word)
