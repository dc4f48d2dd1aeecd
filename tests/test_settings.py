"""Configuration comes only from `MICROMET_*` settings, and importing the app does nothing."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from app.settings import PROJECT_ROOT, Settings


def test_the_default_database_is_a_sqlite_file_under_data(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("MICROMET_DATABASE_URL", raising=False)

    assert Settings().database_url == "sqlite:///./data/micromet.sqlite3"


def test_the_database_url_comes_from_the_prefixed_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MICROMET_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
    monkeypatch.setenv("DATABASE_URL", "sqlite:///ignored.db")

    assert Settings().database_url == "postgresql+psycopg://postgres@127.0.0.1:5432/test"


def test_importing_the_package_writes_nothing(tmp_path: Path) -> None:
    modules = "app, app.cli, app.db, app.main, app.models, app.content.pipeline, app.settings"
    env = {**os.environ, "PYTHONPATH": str(PROJECT_ROOT)}

    subprocess.run([sys.executable, "-c", f"import {modules}"], cwd=tmp_path, env=env, check=True)

    assert list(tmp_path.iterdir()) == []


def test_pool_settings_reach_a_postgresql_engine() -> None:
    from sqlalchemy.pool import QueuePool

    from app.db import create_db_engine

    settings = Settings(
        database_url="postgresql+psycopg://postgres@127.0.0.1:5432/test",
        database_pool_size=3,
        database_max_overflow=1,
        database_pool_timeout=2.5,
    )
    engine = create_db_engine(settings, read_only=True)  # no connection is opened until first use

    assert isinstance(engine.pool, QueuePool)
    assert engine.pool.size() == 3
    assert engine.pool._max_overflow == 1
    assert engine.pool._timeout == 2.5
    assert engine.pool._pre_ping is True
    engine.dispose()


def test_sqlite_engines_skip_pre_ping_unless_asked(tmp_path: Path) -> None:
    from app.db import create_db_engine

    default = create_db_engine(Settings(database_url=f"sqlite:///{tmp_path / 'a.sqlite3'}"))
    asked = create_db_engine(Settings(database_url=f"sqlite:///{tmp_path / 'b.sqlite3'}", database_pool_pre_ping=True))

    assert default.pool._pre_ping is False
    assert asked.pool._pre_ping is True
    default.dispose()
    asked.dispose()
