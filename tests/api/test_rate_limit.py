"""Rate limits: per client address, with the IETF draft's fields, a 429 problem past the budget, proxies believed
only when trusted, one budget across replicas through Redis, and the API still serving when Redis is gone."""

from __future__ import annotations

import os
import socket
import uuid
from pathlib import Path

import httpx2 as httpx
import pytest
from fastapi.testclient import TestClient

from app.main import create_app
from app.settings import Settings
from tests.api.helpers import assert_problem
from tests.conftest import SEED_DIR
from tests.live import live_server

REDIS_URL = "redis://127.0.0.1:6379/0"


def limited(settings: Settings, policy: str = "3/minute", **update: object) -> TestClient:
    return TestClient(
        create_app(settings.model_copy(update={"rate_limit": policy, **update})), client=("10.1.2.3", 5000)
    )


def test_a_client_past_its_budget_gets_a_429_problem_with_retry_after(api_settings: Settings) -> None:
    with limited(api_settings) as client:
        answers = [client.get("/v1/therapies/chemotherapy", headers={"X-Request-ID": f"r-{i}"}) for i in range(4)]

    assert [answer.status_code for answer in answers] == [200, 200, 200, 429]
    assert [answer.headers["ratelimit"].split(";")[1] for answer in answers] == ["r=2", "r=1", "r=0", "r=0"]
    assert {answer.headers["ratelimit-policy"] for answer in answers} == {'"default";q=3;w=60'}
    refused = answers[3]
    assert_problem(refused, 429)
    assert refused.json()["type"] == "urn:micromet:problem:rate-limited"
    assert refused.json()["request_id"] == "r-3"
    assert 1 <= int(refused.headers["retry-after"]) <= 60


def test_health_probes_and_metrics_are_exempt(api_settings: Settings) -> None:
    with limited(api_settings, "1/minute") as client:
        statuses = {client.get(path).status_code for path in ("/healthz", "/readyz", "/metrics") * 4}
        assert "ratelimit" not in client.get("/healthz").headers

    assert statuses == {200}


def test_a_spoofed_forwarded_for_from_an_untrusted_peer_is_ignored(api_settings: Settings) -> None:
    with limited(api_settings, "2/minute") as client:
        statuses = [client.get("/v1/meta", headers={"X-Forwarded-For": f"203.0.113.{i}"}).status_code for i in range(4)]

    assert statuses == [200, 200, 429, 429]


def test_behind_a_trusted_proxy_each_forwarded_client_has_its_own_budget(api_settings: Settings) -> None:
    with limited(api_settings, "1/minute", trusted_proxies="10.0.0.0/8") as client:
        first = client.get("/v1/meta", headers={"X-Forwarded-For": "198.51.100.9, 10.9.9.9"})
        again = client.get("/v1/meta", headers={"X-Forwarded-For": "198.51.100.9"})
        other = client.get("/v1/meta", headers={"X-Forwarded-For": "198.51.100.10"})
        # a client prepending a forged hop does not escape: the rightmost untrusted hop is the key
        forged = client.get("/v1/meta", headers={"X-Forwarded-For": "1.1.1.1, 198.51.100.10"})

    assert [first.status_code, again.status_code, other.status_code, forged.status_code] == [200, 429, 200, 429]


def test_a_bad_policy_is_refused_at_start() -> None:
    with pytest.raises(ValueError, match="is not a rate"):
        Settings(rate_limit="lots")


def redis_available() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=1):
            return True
    except OSError:
        if os.environ.get("MICROMET_REQUIRE_REDIS") == "1":
            pytest.fail("MICROMET_REQUIRE_REDIS=1 but Redis is not reachable at 127.0.0.1:6379")
        return False


@pytest.fixture
def redis() -> str:
    if not redis_available():
        pytest.skip("Redis is not running at 127.0.0.1:6379")
    return REDIS_URL


@pytest.mark.slow
def test_two_replicas_share_one_budget_through_redis(redis: str, tmp_path: Path) -> None:
    policy = f"{4 + uuid.uuid4().int % 1000}/hour"  # a budget no earlier run has used
    budget = int(policy.split("/")[0])
    env = {"MICROMET_RATE_LIMIT": policy, "MICROMET_REDIS_URL": redis}
    database = tmp_path / "micromet.sqlite3"
    with live_server(database, SEED_DIR, env=env) as one, live_server(database, SEED_DIR, env=env) as two:
        statuses = [httpx.get(f"{(one, two)[i % 2]}/v1/meta").status_code for i in range(budget + 2)]

    assert statuses == [200] * budget + [429, 429]


def test_without_redis_the_api_serves_without_limits(api_settings: Settings) -> None:
    with limited(api_settings, "1/minute", redis_url="redis://127.0.0.1:1/0") as client:
        statuses = [client.get("/v1/meta").status_code for _ in range(3)]
        metrics = client.get("/metrics").text

    assert statuses == [200, 200, 200]
    assert 'micromet_rate_limit_decisions_total{decision="unchecked"}' in metrics
