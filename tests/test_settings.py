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
