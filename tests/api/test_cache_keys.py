"""The response cache's key is the representation, not the request's spelling: no header or encoding trick lets
one client change what another gets, and no flood of spellings or one-off URLs pushes out what is in use."""

from __future__ import annotations

import random
from operator import itemgetter
from pathlib import Path
from urllib.parse import parse_qsl, urlencode

import pytest
from fastapi.testclient import TestClient
from hypothesis import given
from hypothesis import strategies as st

from app.web.caching import CachedResponse, ResponseCache, ResponseStore, canonical_query
from tests.conftest import fresh_client

CONCEPT = "/v1/concepts/overt-metastasis"
ITEM = "/v1/therapies/chemotherapy"
LD = "application/ld+json"
JSON = "application/json"


def test_ld_json_asked_in_capitals_cannot_poison_the_json_answer(client: TestClient) -> None:
    url = f"{CONCEPT}?fields=links,codes,name"
    poisoner = client.get(url, headers={"Accept": "Application/LD+JSON"})
    victim = client.get(url)

    assert poisoner.status_code == 200
    assert poisoner.headers["content-type"] == LD
    assert victim.headers["content-type"] == JSON
    assert "@context" not in victim.json()


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        ("", JSON),
        ("*/*", JSON),
        ("application/*", JSON),
        ("application/json", JSON),
        ("APPLICATION/JSON", JSON),
        ("application/ld+json", LD),
        ("Application/LD+JSON", LD),
        ("application/ld+json;q=0.5, application/json", JSON),
        ("application/json;q=0.5, application/ld+json", LD),
        ("application/ld+json, application/json", LD),
        ("application/json, application/ld+json", JSON),
        ("application/ld+json;q=0", JSON),
        ("application/ld+json;Q=0.9, */*;q=0.1", LD),
        ("*/*;q=0.1, application/ld+json", LD),
        ('application/ld+json;profile="http://www.w3.org/ns/json-ld#compacted"', LD),
        ("application/ld+json;q=1.5", JSON),  # a malformed quality refuses the range
        ("application/ld+json;q=abc, application/json;q=0.1", JSON),
        ("text/html", JSON),  # nothing offered is acceptable: the default, not a 406
        ("application/json;q=0, application/ld+json;q=0.1", LD),
        ("application/json;q=0, */*", LD),
    ],
)
def test_each_accept_gets_its_negotiated_type_in_any_order_of_requests(
    client: TestClient, accept: str, expected: str
) -> None:
    # Ask in both orders, so that whichever representation the cache stored first, each client gets its own.
    for first, second in ((accept, "application/json"), ("application/ld+json", accept)):
        client.get(ITEM, headers={"Accept": first})
        response = client.get(ITEM, headers={"Accept": second} if second else {})
        assert response.status_code == 200
    answer = client.get(ITEM, headers={"Accept": accept})
    assert answer.headers["content-type"] == expected
    assert ("@context" in answer.json()) is (expected == LD)


def test_a_resource_that_does_not_vary_on_accept_is_one_entry(tmp_path: Path) -> None:
    with fresh_client(tmp_path) as client:
        for accept in ("application/ld+json", "application/json", "APPLICATION/LD+JSON;q=0.3", "*/*"):
            assert client.get("/v1/therapies?limit=3", headers={"Accept": accept}).status_code == 200
        store = client.app.state.response_cache.small  # type: ignore[attr-defined]

        assert len(store) == 1


@pytest.mark.parametrize(
    ("spellings"),
    [
        ["format=json", "f%6Frmat=j%73on", "%66%6F%72%6D%61%74=%6A%73%6F%6E", "format=json&", "&format=json"],
        ["q=liquid+biopsy", "q=liquid%20biopsy", "q=%6Ciquid+biopsy", "q=liquid%20biops%79"],
        ["limit=3&sort=name", "sort=name&limit=3", "sort=%6Eame&%6Cimit=3"],
    ],
)
def test_spellings_of_one_query_share_one_canonical_form(spellings: list[str]) -> None:
    assert len({canonical_query(spelling.encode()) for spelling in spellings}) == 1


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("q=a+b", "q=a%2Bb"),  # a space and a plus sign
        ("type=finding&type=concept", "type=concept&type=finding"),  # a list keeps its order
        ("q=caf\xc3\xa9", "q=caf%C3%A9"),  # raw UTF-8 and percent-encoded UTF-8 decode differently in Starlette
        ("fields=name", "fields=name,summary"),
    ],
)
def test_queries_that_mean_different_things_keep_apart(first: str, second: str) -> None:
    assert canonical_query(first.encode("latin-1")) != canonical_query(second.encode("latin-1"))


def test_spellings_of_one_url_get_the_same_bytes_and_links(client: TestClient) -> None:
    answers = [
        client.get(f"/v1/findings?{query}")
        for query in ("limit=2&sort=name&offset=1", "offset=1&sort=%6Eame&limit=2", "sort=name&limit=2&offset=1")
    ]

    assert len({answer.content for answer in answers}) == 1
    assert len({answer.headers["link"] for answer in answers}) == 1
    assert len({answer.headers["etag"] for answer in answers}) == 1


def _encoded_variants(text: str, count: int) -> list[str]:
    """`count` distinct spellings of `text`, each character left as is or percent-encoded in either case."""
    generator = random.Random(13)
    variants: set[str] = set()
    while len(variants) < count:
        variants.add(
            "".join(
                character
                if character in "=&" or generator.random() < 0.4
                else (f"%{ord(character):02X}" if generator.random() < 0.5 else f"%{ord(character):02x}")
                for character in text
            )
        )
    return sorted(variants)


def test_two_thousand_spellings_of_an_export_leave_a_cached_item_cached(tmp_path: Path) -> None:
    with fresh_client(tmp_path, response_cache_entries=20, response_cache_bytes=200_000) as client:
        item = client.get(ITEM)
        client.get(ITEM)  # asked twice: in use
        cache: ResponseCache = client.app.state.response_cache  # type: ignore[attr-defined]
        bodies = {client.get(f"/v1/export?{query}").content for query in _encoded_variants("format=json", 2000)}
        revalidated = client.get(ITEM, headers={"If-None-Match": item.headers["etag"]})

        assert len(bodies) == 1
        assert len(cache.large) == 1  # every spelling is the one export entry
        assert cache.small.get(cache.small.version or "", (ITEM, "", "")) is not None
        assert revalidated.status_code == 304


def test_a_flood_of_urls_asked_for_once_does_not_evict_one_in_use(tmp_path: Path) -> None:
    with fresh_client(tmp_path, response_cache_entries=20) as client:
        client.get(ITEM)
        client.get(ITEM)
        for index in range(300):
            assert client.get(f"/v1/search?q=biopsy&limit={1 + index % 100}&offset={index}").status_code == 200
        cache: ResponseCache = client.app.state.response_cache  # type: ignore[attr-defined]

        assert len(cache.small) == 20
        assert cache.small.get(cache.small.version or "", (ITEM, "", "")) is not None


def entry(size: int) -> CachedResponse:
    return CachedResponse(headers=[], body=b"x" * size, etag=b'"e"', gzip_body=None, gzip_etag=None)


def test_large_responses_have_a_store_of_their_own() -> None:
    cache = ResponseCache(ResponseStore(10, 10_000), ResponseStore(2, 100_000), large_size=5_000)
    for store in (cache.small, cache.large):
        store.get("v1", ("/", "", ""))
    cache.put("v1", ("/small", "", ""), entry(100))
    for index in range(5):
        cache.put("v1", (f"/export{index}", "", ""), entry(20_000))

    assert len(cache.small) == 1
    assert len(cache.large) == 2
    assert cache.get("v1", ("/small", "", "")) is not None


def test_an_entry_expires_after_its_time_to_live() -> None:
    now = [1000.0]
    store = ResponseStore(10, 10_000, ttl=60, clock=lambda: now[0])
    store.get("v1", ("/a", "", ""))
    store.put("v1", ("/a", "", ""), entry(10))
    now[0] += 60
    assert store.get("v1", ("/a", "", "")) is not None

    now[0] += 0.001

    assert store.get("v1", ("/a", "", "")) is None
    assert len(store) == 0
    assert store.bytes == 0


def test_a_hit_protects_an_entry_from_eviction_by_new_ones() -> None:
    store = ResponseStore(max_entries=5, max_bytes=10_000)
    store.get("v1", ("/hot", "", ""))
    store.put("v1", ("/hot", "", ""), entry(10))
    store.get("v1", ("/hot", "", ""))
    for index in range(50):
        store.put("v1", (f"/once{index}", "", ""), entry(10))

    assert len(store) == 5
    assert store.get("v1", ("/hot", "", "")) is not None
    assert store.bytes == 50


@pytest.mark.parametrize("asset", ["swagger-ui-bundle.js", "swagger-ui.css", "redoc.standalone.js"])
def test_the_docs_assets_are_gzipped_with_validators(client: TestClient, asset: str) -> None:
    url = f"/static/docs/{asset}"
    plain = client.get(url, headers={"Accept-Encoding": "identity"})
    zipped = client.get(url, headers={"Accept-Encoding": "gzip"})
    revalidated = client.get(url, headers={"Accept-Encoding": "gzip", "If-None-Match": zipped.headers["etag"]})

    assert zipped.headers["content-encoding"] == "gzip"
    assert int(zipped.headers["content-length"]) < len(plain.content) / 2
    assert zipped.content == plain.content  # the client decoded it
    assert zipped.headers["etag"] != plain.headers["etag"]
    assert "last-modified" in zipped.headers
    assert revalidated.status_code == 304
    assert "content-encoding" not in plain.headers
    assert "accept-ranges" not in zipped.headers


@given(st.text(alphabet="ab=&-._~%+;20Z9é", max_size=16))
def test_the_canonical_query_is_the_query_as_parsed_then_ordered_by_name(text: str) -> None:
    query = text.encode("utf-8")
    pairs = parse_qsl(query.decode("latin-1"), keep_blank_values=True)
    pairs.sort(key=itemgetter(0))

    assert canonical_query(query) == urlencode(pairs)
