"""Starting the server: `micromet serve` seeds an empty database, then serves, with one worker or several."""

from __future__ import annotations

from pathlib import Path

import httpx2 as httpx
import pytest

from tests.conftest import SEED_DIR
from tests.live import live_server

pytestmark = pytest.mark.slow


@pytest.mark.parametrize("workers", ["1", "2"])
def test_serve_seeds_an_empty_database_and_answers(tmp_path: Path, workers: str) -> None:
    database = tmp_path / "fresh" / "micromet.sqlite3"

    with live_server(database, SEED_DIR, cli_args=["--workers", workers]) as base_url:
        meta = httpx.get(f"{base_url}/v1/meta").json()
        therapies = httpx.get(f"{base_url}/v1/therapies")

    assert database.is_file()
    assert meta["counts"]["therapy"] == 5
    assert therapies.status_code == 200
    assert "server" not in therapies.headers


def test_uvicorn_serves_the_module_level_app(tmp_path: Path) -> None:
    with live_server(tmp_path / "micromet.sqlite3", SEED_DIR) as base_url:
        assert httpx.get(f"{base_url}/healthz").json() == {"status": "ok"}
