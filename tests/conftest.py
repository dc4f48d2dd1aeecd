"""Fixtures shared by the whole suite: isolated seed folders and databases, and a seeded app for read tests."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from app.db import create_db_engine
from app.main import create_app
from app.settings import PROJECT_ROOT, Settings
from tests.postgres import postgres_database

SEED_DIR = PROJECT_ROOT / "seed"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every test that runs on PostgreSQL says so in its id (a `postgresql` parameter, or a module or name with
    `postgres` in it) or in a fixture's name: mark it, so that `make test-fast` can leave the server out."""
    for item in items:
        fixtures = getattr(item, "fixturenames", ())
        if "postgres" in item.nodeid or any("postgres" in name for name in fixtures):
            item.add_marker(pytest.mark.postgres)


@pytest.fixture
def seed_dir(tmp_path: Path) -> Path:
    """A private copy of `seed/`, which a test may edit to break the content on purpose."""
    copy = tmp_path / "seed"
    shutil.copytree(SEED_DIR, copy)
    return copy


@pytest.fixture
def settings(tmp_path: Path, seed_dir: Path) -> Settings:
    """Settings pointing at a SQLite file of this test's own and at its copy of the seed folder."""
    return Settings(database_url=f"sqlite:///{tmp_path / 'db' / 'micromet.sqlite3'}", seed_dir=seed_dir)


@pytest.fixture
def engine(settings: Settings) -> Iterator[Engine]:
    """An engine on this test's own, initially empty, database."""
    engine = create_db_engine(settings)
    yield engine
    engine.dispose()


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def api_settings(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Settings]:
    """Settings for the shared app, once per backend: SQLite in a file of its own, and PostgreSQL in a database
    created for this run and dropped after it. Either is seeded from the real content when the app starts."""
    folder = tmp_path_factory.mktemp("api")
    shutil.copytree(SEED_DIR, folder / "seed")
    if request.param == "sqlite":
        yield Settings(database_url=f"sqlite:///{folder / 'micromet.sqlite3'}", seed_dir=folder / "seed")
        return
    with postgres_database() as url:
        yield Settings(database_url=url, seed_dir=folder / "seed")


@pytest.fixture(scope="session")
def api_lifespan(api_settings: Settings) -> Iterator[TestClient]:
    """One app for all read tests, its lifespan running; sharing it is safe because its serving engine cannot
    write."""
    with TestClient(create_app(api_settings)) as lifespan:
        yield lifespan


@pytest.fixture(scope="session")
def api_app(api_lifespan: TestClient) -> FastAPI:
    app: FastAPI = api_lifespan.app  # type: ignore[assignment]
    return app


@pytest.fixture
def client(api_lifespan: TestClient) -> Iterator[TestClient]:
    """A client of the shared, seeded app (its lifespan already runs: the client does not start another). Its
    requests run on the app's own event loop, as under a server: the PostgreSQL search pool's connections belong
    to that loop."""
    client = TestClient(api_lifespan.app)
    client.portal = api_lifespan.portal
    yield client
    client.close()


def fresh_client(tmp_path: Path, **overrides: object) -> TestClient:
    """A client of a new app on a database of its own (use as a context manager to run the lifespan)."""
    options: dict[str, object] = {"database_url": f"sqlite:///{tmp_path / 'own.sqlite3'}", "seed_dir": SEED_DIR}
    settings = Settings(**(options | overrides))  # type: ignore[arg-type]
    return TestClient(create_app(settings), raise_server_exceptions=False)


def expire_dataset_version(client: TestClient) -> None:
    """Make the client's app read the dataset version again on its next request, instead of a test waiting for
    the freshness interval to pass."""
    app: FastAPI = client.app  # type: ignore[assignment]
    app.state.dataset_version.expire()
