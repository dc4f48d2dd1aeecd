"""Stateless replicas on one PostgreSQL: they agree, they follow a reseed, they survive killed connections.

Each test runs real servers (subprocesses) against a PostgreSQL database created for it.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx2 as httpx
import pytest
from sqlalchemy import Engine, create_engine, text

from app.content.pipeline import seed
from app.db import create_db_engine
from app.settings import Settings
from tests.content.helpers import read_items, write_items
from tests.live import live_server
from tests.postgres import postgres_database

pytestmark = [pytest.mark.slow, pytest.mark.postgres]

FRESHNESS = 1
SERVER_ENV = {"MICROMET_AUTO_SEED": "false", "MICROMET_FRESHNESS_INTERVAL": str(FRESHNESS)}
PATHS = ["/v1/therapies", "/v1/findings?limit=5", "/v1/meta", "/v1/search?q=liquid+biopsy", "/readyz"]


@pytest.fixture
def database_url() -> Iterator[str]:
    with postgres_database() as url:
        yield url


@pytest.fixture
def writer(database_url: str) -> Iterator[Engine]:
    engine = create_db_engine(Settings(database_url=database_url))
    yield engine
    engine.dispose()


def snapshot(base_url: str) -> dict[str, tuple[bytes, str | None]]:
    """Each path's body and ETag."""
    found = {}
    for path in PATHS:
        response = httpx.get(base_url + path)
        assert response.status_code == 200, (path, response.text)
        found[path] = (response.content, response.headers.get("etag"))
    return found


def served_version(base_url: str) -> str:
    version: str = httpx.get(f"{base_url}/v1/meta").json()["dataset_version"]
    return version


def test_two_replicas_serve_identical_bodies_and_etags(database_url: str, writer: Engine, seed_dir: Path) -> None:
    seed(writer, seed_dir)

    with (
        live_server(database_url, seed_dir, env=SERVER_ENV) as first,
        live_server(database_url, seed_dir, env=SERVER_ENV) as second,
    ):
        assert first != second
        assert snapshot(first) == snapshot(second)


def test_both_replicas_serve_a_reseed_within_the_freshness_interval(
    database_url: str, writer: Engine, seed_dir: Path
) -> None:
    _, old = seed(writer, seed_dir)
    with (
        live_server(database_url, seed_dir, env=SERVER_ENV) as first,
        live_server(database_url, seed_dir, env=SERVER_ENV) as second,
    ):
        assert served_version(first) == served_version(second) == old.version
        before = {base: snapshot(base) for base in (first, second)}
        findings = read_items(seed_dir, "findings.yaml")
        findings[0]["name"] = "Dormant for years"
        write_items(seed_dir, "findings.yaml", findings)

        _, new = seed(writer, seed_dir)
        reseeded_at = time.monotonic()
        deadline = reseeded_at + FRESHNESS + 2  # the interval, plus slack for a loaded machine
        while {served_version(first), served_version(second)} != {new.version}:
            assert time.monotonic() < deadline, "a replica still serves the old dataset"
            time.sleep(0.05)
        after = {base: snapshot(base) for base in (first, second)}

    assert new.version != old.version
    assert after[first] == after[second]
    assert after[first]["/v1/findings?limit=5"] != before[first]["/v1/findings?limit=5"]
    assert b"Dormant for years" in after[first]["/v1/findings?limit=5"][0]


def test_killed_connections_fail_in_flight_requests_as_503_then_recover(
    database_url: str, writer: Engine, seed_dir: Path
) -> None:
    """A request blocked in PostgreSQL when its connection is terminated gets a 503 problem; the next ones
    get fresh connections from the pool, with no restart."""
    seed(writer, seed_dir)
    admin = create_engine(database_url, isolation_level="AUTOCOMMIT")
    with live_server(database_url, seed_dir, env=SERVER_ENV) as base_url:
        assert httpx.get(f"{base_url}/v1/challenges").status_code == 200  # the pool holds a connection now
        in_flight: list[httpx.Response] = []
        with writer.connect() as locker:
            locker.execute(text("LOCK TABLE therapy IN ACCESS EXCLUSIVE MODE"))  # held until rollback
            request = threading.Thread(
                target=lambda: in_flight.append(httpx.get(f"{base_url}/v1/therapies?sort=name", timeout=30))
            )
            request.start()
            with admin.connect() as connection:
                wait_until_blocked(connection, database_url)
                killed = connection.execute(
                    text(
                        "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                        "WHERE datname = current_database() AND pid <> pg_backend_pid() "
                        "AND pid <> :locker AND backend_type = 'client backend'"
                    ),
                    {"locker": locker.connection.dbapi_connection.info.backend_pid},  # type: ignore[union-attr]
                ).scalar_one()
            request.join(timeout=30)
            locker.rollback()

        failed = in_flight[0]
        recovered = [
            httpx.get(f"{base_url}{path}") for path in ("/v1/therapies?sort=name", "/readyz", "/v1/challenges")
        ]
    admin.dispose()

    assert killed >= 1
    assert failed.status_code == 503
    assert failed.headers["content-type"] == "application/problem+json"
    assert "Traceback" not in failed.text
    assert [response.status_code for response in recovered] == [200, 200, 200]


def wait_until_blocked(connection: object, database_url: str) -> None:
    """Until a server session of this database waits on a lock (the request is in flight in PostgreSQL)."""
    deadline = time.monotonic() + 20
    while True:
        waiting = connection.execute(  # type: ignore[attr-defined]
            text(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
            )
        ).scalar_one()
        if waiting:
            return
        assert time.monotonic() < deadline, "the request never reached the lock"
        time.sleep(0.05)
