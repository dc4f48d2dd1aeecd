"""Fixtures shared by the whole suite: an isolated copy of the seed folder and a fresh database per test."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine

from app.db import create_db_engine
from app.settings import PROJECT_ROOT, Settings

SEED_DIR = PROJECT_ROOT / "seed"


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
