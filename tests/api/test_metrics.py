"""`GET /metrics`: Prometheus' text format, counting what the API answered, in one process or several."""

from __future__ import annotations

from pathlib import Path

import httpx2 as httpx
import pytest
from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families

from app.main import create_app
from app.settings import Settings
from bench.processes import free_port
from tests.conftest import SEED_DIR
from tests.live import live_server

Samples = dict[tuple[str, tuple[tuple[str, str], ...]], float]


def scrape(text: str) -> Samples:
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def count(samples: Samples, name: str, **labels: str) -> float:
    return sum(value for (key, found), value in samples.items() if key == name and set(labels.items()) <= set(found))


def test_requests_cache_outcomes_durations_and_the_dataset_are_counted(client: TestClient) -> None:
    before = scrape(client.get("/metrics").text)
    client.get("/v1/therapies/hormone-therapy?fields=slug")  # computed
    client.get("/v1/therapies/hormone-therapy?fields=slug")  # from the cache
    client.get("/v1/therapies/no-such-therapy")
    client.get("/v1/search", params={"q": "liquid biopsy metrics"})
    response = client.get("/metrics")
    after = scrape(response.text)

    def delta(name: str, **labels: str) -> float:
        return count(after, name, **labels) - count(before, name, **labels)

    route = "/v1/therapies/{slug}"
    assert delta("micromet_requests_total", route=route, method="GET", status="200") == 2
    assert delta("micromet_requests_total", route=route, status="404") == 1
    assert delta("micromet_request_duration_seconds_count", route=route) == 3
    assert delta("micromet_response_cache_total", outcome="hit") >= 1
    assert delta("micromet_response_cache_total", outcome="miss") >= 2
    assert delta("micromet_search_duration_seconds_count", operation="search") == 1
    assert count(after, "micromet_response_cache_entries", store="small") >= 1
    assert count(after, "micromet_dataset_info") >= 1
    assert response.headers["content-type"].startswith("text/plain")
    assert response.headers["cache-control"] == "no-store"


def test_postgresql_reports_its_search_pool_and_sqlite_has_none(client: TestClient) -> None:
    client.get("/v1/search", params={"q": "blood cells dormant"})  # may read the lexicon (the thread path)
    client.get("/v1/search", params={"q": "dormant blood cells"})  # then runs on the event loop
    samples = scrape(client.get("/metrics").text)

    if client.app.state.search_pool is None:  # type: ignore[attr-defined]  # SQLite
        assert not any(name == "micromet_search_pool_connections" for name, _ in samples)
    else:
        assert count(samples, "micromet_search_pool_connections", state="open") >= 1
        assert count(samples, "micromet_search_pool_connections", state="in_use") == 0  # none in flight now


def test_metrics_are_not_an_api_operation(client: TestClient) -> None:
    assert "/metrics" not in client.get("/openapi.json").json()["paths"]


def test_metrics_can_be_turned_off_or_moved_to_a_port_of_their_own(api_settings: Settings) -> None:
    with TestClient(create_app(api_settings.model_copy(update={"metrics": False}))) as client:
        assert client.get("/metrics").status_code == 404
    port = free_port()
    with TestClient(create_app(api_settings.model_copy(update={"metrics_port": port}))) as client:
        assert client.get("/metrics").status_code == 404
        own = httpx.get(f"http://127.0.0.1:{port}/metrics")
    assert own.status_code == 200
    assert "micromet_requests_total" in own.text


@pytest.mark.slow
def test_two_workers_report_one_sum(tmp_path: Path) -> None:
    """`micromet serve --workers 2` shares the values through files: whichever worker answers the scrape,
    the count is every worker's."""
    with (
        live_server(tmp_path / "micromet.sqlite3", SEED_DIR, cli_args=["--workers", "2"]) as base_url,
        httpx.Client(base_url=base_url) as http,
    ):
        for _ in range(30):
            http.get("/v1/concepts/dormancy", headers={"Connection": "close"})
        scrapes = [scrape(http.get("/metrics", headers={"Connection": "close"}).text) for _ in range(4)]

    counts = {count(s, "micromet_requests_total", route="/v1/concepts/{slug}", status="200") for s in scrapes}
    assert counts == {30}
