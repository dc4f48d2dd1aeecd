"""HTTP caching: validators, conditional GETs, gzip, and a cached path identical to the full one."""

from __future__ import annotations

import gzip
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime, parsedate_to_datetime
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from app.content.pipeline import seed
from app.db import create_db_engine
from app.main import create_app
from app.settings import Settings
from app.web.caching import CachedResponse, ResponseStore, accepts_gzip
from tests.content.helpers import read_items, write_items

ITEM = "/v1/therapies/adjuvant-therapy"
PAGE = "/v1/findings?limit=100"
URLS = [ITEM, PAGE, "/v1/meta", "/v1/search?q=biopsy", "/v1/sources/understanding-micrometastases-in-cancer/text"]
IDENTITY = {"Accept-Encoding": "identity"}


def test_a_response_carries_strong_validators_and_cache_control(client: TestClient) -> None:
    response = client.get(ITEM, headers=IDENTITY)

    etag = response.headers["etag"]
    assert etag.startswith('"')
    assert not etag.startswith("W/")
    assert response.headers["cache-control"] == "public, max-age=300"
    assert "Accept-Encoding" in response.headers["vary"]
    generated_at = datetime.fromisoformat(client.get("/v1/meta").json()["generated_at"])
    assert parsedate_to_datetime(response.headers["last-modified"]) == generated_at


@pytest.mark.parametrize("url", URLS)
def test_if_none_match_gives_a_304_without_a_body(client: TestClient, url: str) -> None:
    etag = client.get(url, headers=IDENTITY).headers["etag"]

    response = client.get(url, headers={**IDENTITY, "If-None-Match": etag})

    assert response.status_code == 304
    assert response.content == b""
    assert response.headers["etag"] == etag
    assert "content-type" not in response.headers


@pytest.mark.parametrize("header", ['"other", {etag}', "W/{etag}", "*"])
def test_if_none_match_lists_weak_tags_and_star(client: TestClient, header: str) -> None:
    etag = client.get(ITEM, headers=IDENTITY).headers["etag"]

    assert client.get(ITEM, headers={**IDENTITY, "If-None-Match": header.format(etag=etag)}).status_code == 304


@pytest.mark.parametrize("header", ['"stale"', "", "garbage,,,", '"' * 50])
def test_a_non_matching_or_malformed_if_none_match_gives_the_full_response(client: TestClient, header: str) -> None:
    response = client.get(ITEM, headers={**IDENTITY, "If-None-Match": header})

    assert response.status_code == 200
    assert response.json()["slug"] == "adjuvant-therapy"


def test_if_modified_since_is_honoured(client: TestClient) -> None:
    last_modified = parsedate_to_datetime(client.get(ITEM).headers["last-modified"])
    earlier = format_datetime(last_modified - timedelta(seconds=1), usegmt=True)
    later = format_datetime(last_modified + timedelta(days=1), usegmt=True)

    assert (
        client.get(ITEM, headers={"If-Modified-Since": format_datetime(last_modified, usegmt=True)}).status_code == 304
    )
    assert client.get(ITEM, headers={"If-Modified-Since": later}).status_code == 304
    assert client.get(ITEM, headers={"If-Modified-Since": earlier}).status_code == 200


@pytest.mark.parametrize("header", ["yesterday", "Mon, 99 Foo 2026 99:99:99 GMT", "\x7f", "2026-11-25"])
def test_a_malformed_if_modified_since_is_ignored(client: TestClient, header: str) -> None:
    assert client.get(ITEM, headers={"If-Modified-Since": header}).status_code == 200


def test_if_none_match_wins_over_if_modified_since(client: TestClient) -> None:
    later = format_datetime(datetime.now(UTC) + timedelta(days=1), usegmt=True)

    response = client.get(ITEM, headers={"If-None-Match": '"stale"', "If-Modified-Since": later})

    assert response.status_code == 200


def test_gzip_round_trips_and_has_its_own_strong_etag(client: TestClient) -> None:
    identity = client.get(PAGE, headers=IDENTITY)
    zipped = client.get(PAGE, headers={"Accept-Encoding": "gzip"})

    assert zipped.headers["content-encoding"] == "gzip"
    assert "content-encoding" not in identity.headers
    assert zipped.content == identity.content  # the client decoded it
    assert int(zipped.headers["content-length"]) < int(identity.headers["content-length"])
    assert zipped.headers["etag"] != identity.headers["etag"]
    assert not zipped.headers["etag"].startswith("W/")
    assert (
        client.get(PAGE, headers={"Accept-Encoding": "gzip", "If-None-Match": identity.headers["etag"]}).status_code
        == 200
    )
    assert (
        client.get(PAGE, headers={"Accept-Encoding": "gzip", "If-None-Match": zipped.headers["etag"]}).status_code
        == 304
    )


def test_gzip_is_made_when_first_asked_for_and_answers_alike_in_either_order(client: TestClient) -> None:
    """The gzip bytes are made by the first request that accepts them, whether it computed the response or found
    it cached without them: the same bytes and ETag either way."""
    url = "/v1/search?q=cancer+cells"
    identity_first = client.get(url, headers=IDENTITY)
    zipped_after = client.get(url, headers={"Accept-Encoding": "gzip"})
    with client.stream("GET", url + "&limit=19", headers={"Accept-Encoding": "gzip"}) as response:
        zipped_first, zipped_first_etag = b"".join(response.iter_raw()), response.headers["etag"]
    identity_after = client.get(url + "&limit=19", headers=IDENTITY)

    assert zipped_after.headers["etag"] == identity_first.headers["etag"][:-1] + '-gzip"'
    assert zipped_first_etag == identity_after.headers["etag"][:-1] + '-gzip"'
    assert gzip.decompress(zipped_first) == identity_after.content
    assert zipped_after.content == identity_first.content


def test_a_replaced_entry_keeps_its_place_and_its_bytes_are_counted() -> None:
    store = ResponseStore(max_entries=10, max_bytes=10_000)
    store.get("v1", ("/a", "", ""))
    store.put("v1", ("/a", "", ""), entry(2000))
    store.get("v1", ("/a", "", ""))  # asked twice: protected
    held = store.bytes

    store.replace("v1", ("/a", "", ""), entry(2000).with_gzip())
    store.put("v1", ("/b", "", ""), entry(7990))  # only room for it if "/a" is evicted from probation first

    assert store.bytes > held
    assert store.get("v1", ("/a", "", "")) is not None
    assert store.get("v1", ("/a", "", "")).gzip_body is not None  # type: ignore[union-attr]


def test_the_gzip_bytes_are_a_valid_stream(client: TestClient) -> None:
    with client.stream("GET", PAGE, headers={"Accept-Encoding": "gzip"}) as response:
        raw = b"".join(response.iter_raw())

    assert gzip.decompress(raw) == client.get(PAGE, headers=IDENTITY).content


def test_a_small_body_is_not_compressed(client: TestClient) -> None:
    response = client.get("/v1/therapies/adjuvant-therapy?fields=aim", headers={"Accept-Encoding": "gzip"})

    assert int(response.headers["content-length"]) < 1024
    assert "content-encoding" not in response.headers


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (b"gzip", True),
        (b"br, gzip;q=0.5", True),
        (b"*", True),
        (b"gzip;q=0", False),
        (b"identity", False),
        (b"", False),
        (b"*;q=1, gzip;q=0", False),  # gzip refused by name, whatever `*` says
        (b"gzip;q=0, *", False),
        (b"br, *;q=0.5", True),
        (b"*;q=0", False),
        (b"x-gzip", True),
    ],
)
def test_accept_encoding_negotiation(value: bytes, expected: bool) -> None:
    assert accepts_gzip(value) is expected


REQUESTS = [
    ("GET", ITEM, {}),
    ("GET", PAGE, {"Accept-Encoding": "gzip"}),
    ("GET", "/v1/therapies?limit=2", {"Origin": "https://teaching.example.org"}),
    ("HEAD", "/v1/meta", {}),
    ("GET", "/v1/search?q=ctDNA", {"Accept-Encoding": "gzip", "Origin": "https://a.example"}),
    ("GET", "/v1/therapies/nope", {}),
    ("GET", "/v1/therapies?limit=500", {"Origin": "https://a.example"}),
    ("POST", ITEM, {}),
]


@pytest.fixture
def uncached(api_settings: Settings) -> Iterator[TestClient]:
    """A second app on the same database whose store keeps nothing: every request takes the full path."""
    settings = api_settings.model_copy(update={"response_cache_entries": 0})
    with TestClient(create_app(settings)) as client:
        yield client


def test_the_cached_path_answers_exactly_like_the_full_path(client: TestClient, uncached: TestClient) -> None:
    for method, url, given in REQUESTS:
        headers = {**given, "X-Request-ID": "compare-1"}  # the same ID on both paths, so every byte may match
        client.request(method, url, headers=headers)  # warm the shared app's cache
        cached = client.request(method, url, headers=headers)
        full = uncached.request(method, url, headers=headers)

        assert cached.status_code == full.status_code, url
        assert cached.content == full.content, url
        assert {k: v for k, v in cached.headers.items() if k != "date"} == {
            k: v for k, v in full.headers.items() if k != "date"
        }, url


def test_a_cached_body_equals_a_freshly_computed_one(client: TestClient, uncached: TestClient) -> None:
    for url in URLS:
        client.get(url)
        assert client.get(url).content == uncached.get(url).content, url


def test_a_reseed_is_served_within_the_freshness_interval(tmp_path: Path) -> None:
    seed_dir = tmp_path / "seed"
    import shutil

    from tests.conftest import SEED_DIR

    shutil.copytree(SEED_DIR, seed_dir)
    database = f"sqlite:///{tmp_path / 'fresh.sqlite3'}"
    settings = Settings(database_url=database, seed_dir=seed_dir, freshness_interval=0.2)
    with TestClient(create_app(settings)) as client:
        before = client.get(ITEM)
        findings = read_items(seed_dir, "therapies.yaml")
        for item in findings:
            if item["slug"] == "adjuvant-therapy":
                item["name"] = "Adjuvant treatment"
        write_items(seed_dir, "therapies.yaml", findings)
        writer = create_db_engine(settings)
        seed(writer, seed_dir)
        writer.dispose()
        deadline = time.monotonic() + 0.2 + 5  # the interval, plus slack for a loaded machine
        while (after := client.get(ITEM)).json()["name"] == "Adjuvant therapy" and time.monotonic() < deadline:
            time.sleep(0.02)
        revalidated = client.get(ITEM, headers={"If-None-Match": before.headers["etag"]})

    assert before.json()["name"] == "Adjuvant therapy"
    assert after.json()["name"] == "Adjuvant treatment"
    assert after.headers["etag"] != before.headers["etag"]
    assert revalidated.status_code == 200


def entry(size: int) -> CachedResponse:
    return CachedResponse(headers=[], body=b"x" * size, etag=b'"e"', gzip_body=None, gzip_etag=None)


def test_the_store_is_bounded_by_entries_least_recently_used_first() -> None:
    store = ResponseStore(max_entries=2, max_bytes=10_000)
    store.get("v1", ("/a", "", ""))
    store.put("v1", ("/a", "", ""), entry(10))
    store.put("v1", ("/b", "", ""), entry(10))
    store.get("v1", ("/a", "", ""))
    store.put("v1", ("/c", "", ""), entry(10))

    assert len(store) == 2
    assert store.get("v1", ("/b", "", "")) is None
    assert store.get("v1", ("/a", "", "")) is not None


def test_the_store_is_bounded_by_bytes() -> None:
    store = ResponseStore(max_entries=100, max_bytes=100)
    store.get("v1", ("/", "", ""))
    for index in range(5):
        store.put("v1", (f"/{index}", "", ""), entry(40))

    assert len(store) == 2
    store.put("v1", ("/huge", "", ""), entry(1000))
    assert store.get("v1", ("/huge", "", "")) is None


def test_a_new_version_empties_the_store() -> None:
    store = ResponseStore(max_entries=10, max_bytes=10_000)
    store.get("v1", ("/a", "", ""))
    store.put("v1", ("/a", "", ""), entry(10))

    assert store.get("v2", ("/a", "", "")) is None
    assert len(store) == 0
    store.put("v1", ("/a", "", ""), entry(10))  # a response computed for the old version is not kept
    assert len(store) == 0
