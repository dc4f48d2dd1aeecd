"""Search in a reader's own words: word forms, words the article never uses, partial matches, the vocabulary's
terms, and the judged relevance set's floors, on both engines."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from pydantic import ValidationError

from app.content.vocabulary import VerifiedCode
from app.search.evaluation import Answer, evaluate, load_judgments, scores
from app.search.forms import Forms, same_family, stem
from app.search.interface import close_enough, edit_distance
from tests.search.test_search_api import search

JUDGMENTS = Path(__file__).with_name("judgments.yaml")


def hits(body: dict[str, Any]) -> list[str]:
    return [f"{hit['type']}/{hit['slug']}" for hit in body["items"]]


# --- word forms ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("one", "other"),
    [("amplification", "amplifies"), ("metastatic", "metastasis"), ("metastases", "metastatic"),
     ("treatment", "treat"), ("detection", "detecting"), ("dormant", "dormancy")],
)  # fmt: skip
def test_derivational_forms_are_one_family(one: str, other: str) -> None:
    assert same_family(stem(one), stem(other))


@pytest.mark.parametrize(
    ("one", "other"),
    [("immune", "immunohistochemistry"), ("sign", "significant"), ("micrometastasis", "metastasis"),
     ("surgery", "surgical"), ("cell", "cellular")],
)  # fmt: skip
def test_words_that_only_begin_alike_stay_apart(one: str, other: str) -> None:
    assert not same_family(stem(one), stem(other))


def test_a_word_the_index_lacks_finds_the_forms_it_holds() -> None:
    forms = Forms.build("v", {"amplifies": 1, "amplify": 1, "immune": 3, "immunohistochemistry": 2}, 10)

    assert forms.of("amplification") == {"amplifies", "amplify"}
    assert forms.of("immunity") == {"immune"}
    assert forms.of("zebrafish") == frozenset()
    assert forms.weight(["immunohistochemistry"]) > forms.weight(["immune"])  # rarer tells more


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("amplification", "detection-method/polymerase-chain-reaction"),
        ("amplify DNA", "detection-method/polymerase-chain-reaction"),
        ("metastatic spread", "concept/metastasis"),
        ("hormonal therapy", "therapy/hormone-therapy"),
    ],
)
def test_a_readers_form_finds_the_articles(client: TestClient, q: str, expected: str) -> None:
    body = search(client, q)

    assert body["match"] == "all"
    assert expected in hits(body)[:3]


def test_the_form_as_typed_ranks_above_its_other_forms(client: TestClient) -> None:
    """`dormant` finds dormancy too, but the finding that says "dormant" ranks above the direction that says
    "dormancy" in its name."""
    ranked = hits(search(client, "dormant"))

    assert ranked.index("finding/may-remain-dormant-for-years") < ranked.index(
        "research-direction/formation-and-dormancy-mechanisms"
    )


# --- partial matches and no answer --------------------------------------------------------------------------


def test_words_the_article_never_uses_answer_the_hits_holding_the_most_words(client: TestClient) -> None:
    body = search(client, "blood sample")

    assert body["match"] == "partial"
    assert "detection-method/liquid-biopsy" in hits(body)[:3]
    assert body["total"] == sum(body["facets"].values()) > 0
    assert body["did_you_mean"] is None


def test_hits_holding_more_of_the_words_come_first(client: TestClient) -> None:
    """No document holds "zebrafish", so the match is partial; those holding both other words come before those
    holding one of them."""
    both = hits(search(client, "blood cancer", limit=100))
    partial = search(client, "blood cancer zebrafish", limit=100)
    ranked = hits(partial)

    assert partial["match"] == "partial"
    assert set(ranked[: len(both)]) == set(both)
    assert len(ranked) > len(both) > 0


def test_a_query_of_which_no_word_occurs_answers_nothing_never_everything(client: TestClient) -> None:
    body = search(client, "zebrafish xylophone")

    assert (body["match"], body["items"], body["total"]) == ("none", [], 0)
    assert set(body["facets"].values()) == {0}


def test_words_such_as_how_and_the_need_not_match(client: TestClient) -> None:
    body = search(client, "what is adjuvant therapy?")

    assert body["match"] == "all"
    assert hits(body)[0] == "therapy/adjuvant-therapy"


def test_a_query_of_stop_words_alone_still_matches_them(client: TestClient) -> None:
    body = search(client, "how are")

    assert body["match"] == "all"
    assert "section/detection" in hits(body)  # "How Are Micrometastases Detected?"


def test_a_typo_is_corrected_and_said(client: TestClient) -> None:
    body = search(client, "nanotechnolgy")

    assert (body["did_you_mean"], body["match"]) == ("nanotechnology", "all")
    assert hits(body)[0] == "research-direction/nanotechnology"


def test_a_real_word_two_edits_from_an_indexed_one_is_not_corrected(client: TestClient) -> None:
    """ "chance" is not a typo of "cancer": the reader's survival question is answered by survival."""
    body = search(client, "chance of survival")

    assert body["did_you_mean"] is None
    assert body["match"] == "partial"
    assert "concept/survival-rate" in hits(body)[:3]


@pytest.mark.parametrize(
    ("word", "candidate", "close"),
    [("biospy", "biopsy", True), ("adjuvent", "adjuvant", True), ("chance", "cancer", False),
     ("immunohistochemestry", "immunohistochemistry", True), ("tumour", "tumor", True), ("tumours", "humor", False)],
)  # fmt: skip
def test_a_correction_is_one_edit_away_or_two_for_long_words(word: str, candidate: str, close: bool) -> None:
    assert close_enough(word, candidate) is close
    assert edit_distance("abc", "abc", limit=1) == 0
    assert edit_distance("abcd", "badc", limit=2) == 2  # two swaps


# --- the vocabulary's terms ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("IHC", "detection-method/immunohistochemistry"),
        ("precision medicine", "therapy/personalized-treatment-plans"),
        ("tumor immune escape", "concept/immune-evasion"),
        ("cell-free tumor DNA", "concept/circulating-tumor-dna"),
    ],
)
def test_a_verified_vocabulary_term_finds_its_entity(client: TestClient, q: str, expected: str) -> None:
    """(Tumor Escape is the concept's exact code and the challenge's related one: both may come first.)"""
    assert expected in hits(search(client, q))[:2]


def test_vocabulary_terms_are_never_shown_as_the_articles_words(client: TestClient) -> None:
    """A hit found by an entry term shows the start of its summary, unmarked; the item never carries the term."""
    body = search(client, "individualized medicine")
    item = client.get("/v1/therapies/personalized-treatment-plans").text

    assert hits(body)[0] == "therapy/personalized-treatment-plans"
    assert "individualized" not in body["items"][0]["snippet"].lower()
    assert "<mark>" not in body["items"][0]["snippet"]
    assert "Individualized" not in item


def test_entry_terms_need_their_evidence() -> None:
    with pytest.raises(ValidationError, match="entry_terms need entry_terms_evidence"):
        VerifiedCode(system="mesh", code="D011379", display="Prognosis", evidence="x", entry_terms=["Prognoses"])


# --- the judged relevance set -------------------------------------------------------------------------------


def test_the_judged_set_covers_what_readers_type_and_names_only_real_items(client: TestClient) -> None:
    judgments = load_judgments(JUDGMENTS)
    dataset = client.get("/v1/export?format=ndjson").text.splitlines()
    known = {f"{item['type']}/{item['slug']}" for item in map(json.loads, dataset)}

    assert len(judgments) >= 80
    assert {"exact", "abbreviation", "form", "typo", "lay", "question", "partial", "none"} <= {
        judgment.kind for judgment in judgments
    }
    assert sum(judgment.holdout for judgment in judgments) >= len(judgments) // 6
    assert {item for judgment in judgments for item in judgment.relevant} <= known


def test_search_meets_its_floors_on_the_judged_set(client: TestClient) -> None:
    """recall@3 >= 0.95 and MRR >= 0.85 over every judged query (SQLite and PostgreSQL)."""

    def ask(query: str) -> Answer:
        body = search(client, query, limit=10)
        return Answer(hits(body), body["total"])

    judged = evaluate(load_judgments(JUDGMENTS), ask)
    overall = scores(judged)

    assert overall.recall >= 0.95, [row.judgment.query for row in judged if row.missed]
    assert overall.mrr >= 0.85
