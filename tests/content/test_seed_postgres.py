"""The same seeding tests, on PostgreSQL: each test gets a database of its own, created and dropped here.

The test functions are those of test_seed; only the `engine` fixture differs.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import Engine

from app.db import create_db_engine
from app.settings import Settings
from tests.content.test_seed import *  # noqa: F403  (the same tests, collected here with this module's engine)
from tests.postgres import postgres_database


@pytest.fixture
def engine() -> Iterator[Engine]:
    with postgres_database() as url:
        engine = create_db_engine(Settings(database_url=url))
        yield engine
        engine.dispose()


def test_this_module_runs_on_postgresql(engine: Engine) -> None:
    assert engine.dialect.name == "postgresql"
