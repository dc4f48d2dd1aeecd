"""Fixtures for the HTTP API: one seeded app for the read-only tests, and fresh ones where a test needs its own."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from app.main import create_app
from app.settings import Settings
from tests.conftest import SEED_DIR


@pytest.fixture(scope="session")
def api_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """Settings for the shared app: its own SQLite file, seeded from the real content at start."""
    folder = tmp_path_factory.mktemp("api")
    shutil.copytree(SEED_DIR, folder / "seed")
    return Settings(database_url=f"sqlite:///{folder / 'micromet.sqlite3'}", seed_dir=folder / "seed")


@pytest.fixture(scope="session")
def api_app(api_settings: Settings) -> Iterator[FastAPI]:
    """One app for all read tests; sharing it is safe because its serving engine cannot write."""
    app = create_app(api_settings)
    with TestClient(app):
        yield app


@pytest.fixture
def client(api_app: FastAPI) -> Iterator[TestClient]:
    """A client of the shared, seeded app."""
    with TestClient(api_app) as client:
        yield client


def fresh_client(tmp_path: Path, **overrides: object) -> TestClient:
    """A client of a new app on a database of its own (use as a context manager to run the lifespan)."""
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'own.sqlite3'}", seed_dir=SEED_DIR, **overrides)  # type: ignore[arg-type]
    return TestClient(create_app(settings), raise_server_exceptions=False)
