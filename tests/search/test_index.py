"""The index is built with the data, in the same transaction, so search always matches the dataset."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, func, select

from app.content.pipeline import build_dataset, seed
from app.content.write import write_dataset
from app.models import SearchDocument, Section
from app.models.registry import ENTITY_KINDS
from app.search.engines import search_backend
from app.search.forms import Forms
from app.search.query import SearchPlan, parse_query
from app.search.service import plan_query
from tests.content.helpers import read_items, write_items


def _plan(text: str) -> SearchPlan:
    """The query's plan with no word forms: each word as typed."""
    return plan_query(parse_query(text), Forms.build("", {}))


def hits(engine: Engine, q: str) -> list[str]:
    with engine.connect() as connection:
        results = search_backend("sqlite").search(connection, _plan(q), [], 100, 0)
    return [hit.slug for hit in results.hits]


def test_every_entity_and_section_is_indexed_once(engine: Engine, seed_dir: Path) -> None:
    seed(engine, seed_dir)

    with Session(engine) as session:
        documents = session.exec(select(func.count()).select_from(SearchDocument)).one()
        indexed = session.execute(text("SELECT count(*) FROM search_fts")).scalar_one()
        entities = sum(
            session.exec(select(func.count()).select_from(t)).one() for t in (kind.table for kind in ENTITY_KINDS)
        )
        sections = session.exec(select(func.count()).select_from(Section)).one()
    assert documents == indexed == entities + sections


def test_a_reseed_replaces_the_index_with_the_new_content(engine: Engine, seed_dir: Path) -> None:
    seed(engine, seed_dir)
    assert "nanotechnology" in hits(engine, "nanotechnology")
    directions = read_items(seed_dir, "research-directions.yaml")
    directions[0]["name"] = "Nanoscale engineering"
    directions[0]["slug"] = "nanoscale-engineering"
    directions[0]["relations"] = []  # its quote names nanotechnology, which the new name no longer is
    write_items(seed_dir, "research-directions.yaml", directions)

    seed(engine, seed_dir)

    assert "nanoscale-engineering" in hits(engine, "nanoscale")
    assert "nanotechnology" not in hits(engine, "nanotechnology")


def test_a_failed_seed_leaves_the_previous_index(engine: Engine, seed_dir: Path) -> None:
    seed(engine, seed_dir)
    before = hits(engine, "liquid biopsy")
    broken = build_dataset(seed_dir)
    broken.version = "f" * 16
    broken.sections.append(broken.sections[0])

    with pytest.raises(IntegrityError):
        write_dataset(engine, broken)

    assert hits(engine, "liquid biopsy") == before


@pytest.mark.parametrize("q", ["micrometastases", "therapy", "detection", "liquid biopsy", '"tumor DNA"', "cancer"])
def test_grouped_facets_equal_the_per_type_counts_of_the_index(
    engine: Engine, seed_dir: Path, monkeypatch: pytest.MonkeyPatch, q: str
) -> None:
    """Few hits are grouped in one pass, many are counted per type from the index: both give the same facets."""
    from app.search import sqlite

    seed(engine, seed_dir)
    backend = search_backend("sqlite")
    with engine.connect() as connection:
        grouped = backend.search(connection, _plan(q), [], 5, 0).facets
        monkeypatch.setattr(sqlite, "GROUPED_FACETS_LIMIT", 0)
        counted = backend.search(connection, _plan(q), [], 5, 0).facets

    assert sum(grouped.values()) > 0
    assert grouped == counted
