"""The same search tests, on PostgreSQL (weighted tsvector + GIN), against a database of their own.

The test functions are those of test_search_api; only the `client` fixture differs.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from app.main import create_app
from app.settings import Settings
from tests.conftest import SEED_DIR
from tests.postgres import postgres_database
from tests.search.test_search_api import *  # noqa: F403  (the same tests, collected here with this module's client)


@pytest.fixture(scope="module")
def postgres_app() -> Iterator[FastAPI]:
    with postgres_database() as url:
        app = create_app(Settings(database_url=url, seed_dir=SEED_DIR))
        with TestClient(app):  # the lifespan seeds the empty database, building the tsvector index
            yield app


@pytest.fixture
def client(postgres_app: FastAPI) -> Iterator[TestClient]:
    with TestClient(postgres_app) as client:
        yield client


def test_this_module_runs_on_postgresql(client: TestClient, postgres_app: FastAPI) -> None:
    assert postgres_app.state.engine.dialect.name == "postgresql"
    assert client.get("/v1/search", params={"q": "biopsies"}).json()["items"][0]["slug"] == "liquid-biopsy"
