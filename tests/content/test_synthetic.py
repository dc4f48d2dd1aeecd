"""Synthetic benchmark datasets: valid, marked synthetic, and never mixed with the real content."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session, select

from app.content.errors import ContentError
from app.content.pipeline import seed, seed_synthetic
from app.main import create_app
from app.models import DatasetInfo, Provenance, Source
from app.settings import Settings


def test_a_synthetic_dataset_spreads_n_entities_with_valid_provenance(engine: Engine, seed_dir: Path) -> None:
    dataset, result = seed_synthetic(engine, seed_dir, 60)

    assert sum(len(rows) for rows in dataset.entities.values()) == 60
    assert result.version.startswith("synthetic-")
    with Session(engine) as session:
        text = session.exec(select(Source.text)).one()
        quotes = session.exec(select(Provenance)).all()
        assert session.get(DatasetInfo, 1).synthetic  # type: ignore[union-attr]
    assert len(quotes) == 60
    assert all(text[row.start : row.end] == row.quote for row in quotes)


def test_meta_marks_a_synthetic_dataset(settings: Settings, engine: Engine, seed_dir: Path) -> None:
    seed_synthetic(engine, seed_dir, 30)

    with TestClient(create_app(settings)) as client:
        meta = client.get("/v1/meta").json()
        page = client.get("/v1/findings").json()

    assert meta["synthetic"] is True
    assert meta["counts"]["finding"] == 5
    assert all(item["slug"].startswith("synthetic-finding-") for item in page["items"])


def test_synthetic_data_is_never_written_over_real_content(engine: Engine, seed_dir: Path) -> None:
    seed(engine, seed_dir)

    with pytest.raises(ContentError, match="holds the real content"):
        seed_synthetic(engine, seed_dir, 10)

    with Session(engine) as session:
        assert not session.get(DatasetInfo, 1).synthetic  # type: ignore[union-attr]


def test_a_real_seed_replaces_synthetic_data_whole(engine: Engine, seed_dir: Path) -> None:
    seed_synthetic(engine, seed_dir, 120)

    _, result = seed(engine, seed_dir)

    assert result.changed
    with Session(engine) as session:
        assert not session.get(DatasetInfo, 1).synthetic  # type: ignore[union-attr]
        slugs = session.exec(select(Provenance.entity_slug)).all()
    assert not any(slug.startswith("synthetic-") for slug in slugs)
