"""The access log: one line per request with what an operator needs, written off the request's path, and safe
from what a request puts in its target."""

from __future__ import annotations

import io
import json
import time
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from app.main import create_app
from app.settings import AccessLogFormat, Settings
from app.web.access_log import MAX_LOGGED_LENGTH, safe, start_access_log


@pytest.fixture
def logged(api_settings: Settings) -> Iterator[tuple[TestClient, io.StringIO]]:
    """A client whose app logs JSON into a buffer, with its own response cache."""
    with TestClient(create_app(api_settings.model_copy(update={"access_log": AccessLogFormat.OFF}))) as client:
        buffer = io.StringIO()
        log = start_access_log(AccessLogFormat.JSON, stream=buffer)
        client.app.state.access_log = log  # type: ignore[attr-defined]
        try:
            yield client, buffer
        finally:
            client.app.state.access_log = None  # type: ignore[attr-defined]
            assert log is not None
            log.close()


def lines(buffer: io.StringIO, client: TestClient) -> list[dict[str, Any]]:
    """The lines written so far: flushed, then written by the writer thread (done once the text stops growing)."""
    client.app.state.access_log.flush()  # type: ignore[attr-defined]
    seen = ""
    for _ in range(100):
        time.sleep(0.02)
        text = buffer.getvalue()
        if text and text == seen:
            return [json.loads(line) for line in text.splitlines()]
        seen = text
    raise AssertionError("the access log was not written")


def test_each_line_holds_what_an_operator_needs(logged: tuple[TestClient, io.StringIO]) -> None:
    client, buffer = logged
    url = "/v1/therapies/chemotherapy?fields=name"
    first = client.get(url, headers={"X-Request-ID": "op-1"})
    client.get(url)
    client.get(url, headers={"If-None-Match": first.headers["etag"]})
    client.get("/v1/therapies/nope")

    rows = lines(buffer, client)

    assert [row["cache"] for row in rows] == ["miss", "hit", "304", "bypass"]
    assert [row["status"] for row in rows] == [200, 200, 304, 404]
    assert {row["route"] for row in rows[:3]} == {"/v1/therapies/{slug}"}
    assert rows[0]["request_id"] == "op-1" == first.headers["x-request-id"]
    assert rows[0]["bytes"] == len(first.content)
    assert rows[0]["method"] == "GET"
    assert (rows[0]["path"], rows[0]["query"]) == ("/v1/therapies/chemotherapy", "fields=name")
    assert rows[0]["client"] == "testclient"
    assert all(row["duration_ms"] >= 0 for row in rows)
    assert set(rows[0]) == {
        "time", "method", "path", "query", "route", "status", "bytes", "duration_ms", "cache", "request_id", "client"
    }  # fmt: skip


def test_a_long_query_is_cut_and_control_characters_are_escaped(logged: tuple[TestClient, io.StringIO]) -> None:
    client, buffer = logged
    client.get("/v1/search", params={"q": "x" * 3000})

    (row,) = lines(buffer, client)

    assert row["status"] == 422
    assert len(row["query"]) == MAX_LOGGED_LENGTH + 1
    assert row["query"].endswith("…")


@pytest.mark.parametrize("text", ["a\nb", "a\r\nGET / HTTP/1.1", "\x1b[31mred", "a\u2028b", "\x00", "\x85"])
def test_no_line_can_be_forged(text: str) -> None:
    escaped = safe(text)

    assert not any(character in escaped for character in "\n\r\x1b\u2028\x00\x85")
    assert "\\x" in escaped


def test_the_text_format_is_one_line_per_request(api_settings: Settings) -> None:
    with TestClient(create_app(api_settings.model_copy(update={"access_log": AccessLogFormat.OFF}))) as client:
        buffer = io.StringIO()
        log = start_access_log(AccessLogFormat.TEXT, stream=buffer)
        client.app.state.access_log = log  # type: ignore[attr-defined]
        client.get("/v1/meta", headers={"X-Request-ID": "t-1"})
        assert log is not None
        log.close()

    (line,) = buffer.getvalue().splitlines()
    assert line.startswith("testclient - [")
    assert '"GET /v1/meta" 200 ' in line
    assert line.endswith(" /v1/meta t-1")


def test_the_log_can_be_turned_off_and_is_json_by_default(api_settings: Settings) -> None:
    assert start_access_log(AccessLogFormat.OFF) is None
    with TestClient(create_app(api_settings.model_copy(update={"access_log": AccessLogFormat.OFF}))) as client:
        assert client.get("/v1/meta").status_code == 200
        assert client.app.state.access_log is None  # type: ignore[attr-defined]
    assert Settings().access_log is AccessLogFormat.JSON
