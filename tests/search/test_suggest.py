"""`/v1/suggest`: typeahead over names, abbreviations, synonyms and codes, ranked, bounded and cached."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.api.helpers import assert_problem

SUGGEST = "/v1/suggest"


def suggest(client: TestClient, prefix: str, **params: Any) -> list[dict[str, Any]]:
    response = client.get(SUGGEST, params={"prefix": prefix, **params})
    assert response.status_code == 200, response.text
    items: list[dict[str, Any]] = response.json()["items"]
    return items


def test_a_name_prefix_comes_first(client: TestClient) -> None:
    items = suggest(client, "immuno")

    assert (items[0]["slug"], items[0]["matched"]) == ("immunohistochemistry", "Immunohistochemistry")
    assert set(items[0]) == {"type", "slug", "name", "url", "matched"}
    assert items[0]["url"] == "/v1/detection-methods/immunohistochemistry"


def test_an_abbreviation_is_found_and_named(client: TestClient) -> None:
    items = suggest(client, "PC")

    assert (items[0]["slug"], items[0]["matched"]) == ("polymerase-chain-reaction", "PCR")
    assert suggest(client, "ctd")[0]["matched"] == "ctDNA"


def test_name_prefixes_rank_before_word_prefixes_before_synonyms_and_codes(client: TestClient) -> None:
    """ "meta": Metastasis starts with it (a name); "micrometastasis" does not; "Overt metastasis" has a word
    that does (a later word); a code never does."""
    slugs = [item["slug"] for item in suggest(client, "meta", limit=20)]

    assert slugs.index("metastasis") < slugs.index("overt-metastasis")
    assert "micrometastasis" not in slugs
    chain = suggest(client, "chain")
    assert (chain[0]["slug"], chain[0]["matched"]) == ("polymerase-chain-reaction", "Polymerase chain reaction")


def test_a_code_prefix_finds_the_entities_carrying_it(client: TestClient) -> None:
    items = suggest(client, "D01613")

    assert [(item["slug"], item["matched"]) for item in items] == [("polymerase-chain-reaction", "D016133")]


def test_each_item_comes_once_and_type_and_limit_select(client: TestClient) -> None:
    every = suggest(client, "t", limit=20)
    therapies = suggest(client, "t", type="therapy", limit=20)

    assert len({(item["type"], item["slug"]) for item in every}) == len(every)
    assert therapies
    assert {item["type"] for item in therapies} == {"therapy"}
    assert len(suggest(client, "t", limit=2)) == 2
    assert suggest(client, "zzzz") == []


@pytest.mark.parametrize(
    ("params", "name"),
    [
        ({"prefix": ""}, "prefix"),
        ({"prefix": " \t"}, "prefix"),
        ({"prefix": "x" * 101}, "prefix"),
        ({"prefix": "a", "limit": "21"}, "limit"),
        ({"prefix": "a", "limit": "0"}, "limit"),
        ({"prefix": "a", "type": "source"}, "type"),
        ({"prefix": "a", "prefx": "b"}, "prefx"),
        ({}, "prefix"),
    ],
)
def test_bad_parameters_are_a_422_naming_them(client: TestClient, params: dict[str, str], name: str) -> None:
    response = client.get(SUGGEST, params=params)

    assert_problem(response, 422)
    assert name in [param["name"].split(".")[0] for param in response.json()["invalid_params"]]


def test_answers_are_cached_and_revalidate(client: TestClient) -> None:
    first = client.get(SUGGEST, params={"prefix": "liq"})
    again = client.get(SUGGEST, params={"prefix": "liq"}, headers={"If-None-Match": first.headers["etag"]})

    assert first.status_code == 200
    assert "max-age" in first.headers["cache-control"]
    assert again.status_code == 304


def test_hostile_prefixes_are_plain_text(client: TestClient) -> None:
    """Operators, wildcards and quotes are not syntax: a prefix with no letter or digit completes nothing."""
    for prefix in ['"', "*", "%", "_", "\\", "😀", "\u202e", "' --"]:
        assert suggest(client, prefix) == []
    assert suggest(client, "pcr' OR 1=1 --") == []
    assert suggest(client, "%pcr")[0]["slug"] == "polymerase-chain-reaction"
