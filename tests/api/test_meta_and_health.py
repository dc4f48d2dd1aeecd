"""`/v1/meta`, `/healthz` and `/readyz`."""

from __future__ import annotations

import gc
import hashlib
from pathlib import Path

from fastapi.testclient import TestClient

from app.settings import PROJECT_ROOT
from tests.api.helpers import assert_problem
from tests.conftest import fresh_client

COUNTED = {
    "detection-method": "/v1/detection-methods",
    "therapy": "/v1/therapies",
    "challenge": "/v1/challenges",
    "research-direction": "/v1/research-directions",
    "finding": "/v1/findings",
    "concept": "/v1/concepts",
    "source": "/v1/sources",
    "section": "/v1/sources/understanding-micrometastases-in-cancer/sections",
}


def test_meta_counts_match_the_collections(client: TestClient) -> None:
    meta = client.get("/v1/meta").json()

    assert meta["counts"] == {name: client.get(path).json()["total"] for name, path in COUNTED.items()}


def test_meta_gives_versions_time_and_checksums(client: TestClient) -> None:
    meta = client.get("/v1/meta").json()

    assert meta["api_version"]
    assert len(meta["dataset_version"]) == 16
    assert meta["generated_at"].endswith("+00:00")
    assert meta["synthetic"] is False
    article = PROJECT_ROOT / "seed" / "source" / "000_89c74d992e700878.txt"
    assert meta["sources"][0]["sha256"] == hashlib.sha256(article.read_bytes()).hexdigest()


def test_liveness_and_readiness_when_seeded(client: TestClient) -> None:
    assert client.get("/healthz").json() == {"status": "ok"}
    ready = client.get("/readyz")
    assert ready.status_code == 200
    assert ready.json()["dataset_version"] == client.get("/v1/meta").json()["dataset_version"]


def test_the_app_seeds_an_empty_database_at_start(tmp_path: Path) -> None:
    with fresh_client(tmp_path) as client:
        assert client.get("/readyz").status_code == 200
        assert client.get("/v1/therapies").json()["total"] == 5


def test_an_unseeded_database_is_not_ready_but_alive(tmp_path: Path) -> None:
    with fresh_client(tmp_path, auto_seed=False) as client:
        assert client.get("/healthz").status_code == 200
        assert_problem(client.get("/readyz"), 503)
        assert_problem(client.get("/v1/meta"), 503)
        assert_problem(client.get("/v1/therapies"), 503)
        assert_problem(client.get("/v1/search?q=biopsy"), 503)


def test_a_database_with_a_schema_but_no_dataset_is_not_ready(tmp_path: Path) -> None:
    from app import migrations
    from app.db import create_db_engine
    from app.settings import Settings

    engine = create_db_engine(Settings(database_url=f"sqlite:///{tmp_path / 'own.sqlite3'}"))
    migrations.upgrade(engine)
    engine.dispose()
    with fresh_client(tmp_path, auto_seed=False) as client:
        body = assert_problem(client.get("/readyz"), 503)

    assert "not been seeded" in body["detail"]


def test_start_up_puts_the_long_lived_objects_out_of_the_collectors_reach_until_shutdown(tmp_path: Path) -> None:
    """Full collections scanning the app's own objects stalled the event loop under load (see
    tests/test_limits.py); the lifespan freezes what start-up built and unfreezes it at shutdown."""
    gc.unfreeze()  # whatever another test's app froze
    with fresh_client(tmp_path) as client:
        assert client.get("/healthz").status_code == 200
        frozen = gc.get_freeze_count()

    assert frozen > 0
    assert gc.get_freeze_count() == 0
