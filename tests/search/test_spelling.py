"""Typo suggestions: difflib over the in-memory lexicon on SQLite, pg_trgm in the database on PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import Engine, text

from app.content.pipeline import seed
from app.db import create_db_engine
from app.search.engines import search_backend
from app.search.postgres import TrigramSpeller
from app.search.spelling import DifflibSpeller
from app.settings import PROJECT_ROOT, Settings
from tests.postgres import postgres_database


@pytest.fixture(scope="module")
def postgres() -> Iterator[Engine]:
    """A seeded PostgreSQL database for this module."""
    with postgres_database() as url:
        engine = create_db_engine(Settings(database_url=url))
        seed(engine, PROJECT_ROOT / "seed")
        yield engine
        engine.dispose()


def test_each_engine_gets_its_speller() -> None:
    assert isinstance(search_backend("sqlite").speller(), DifflibSpeller)
    assert isinstance(search_backend("postgresql").speller(), TrigramSpeller)


def test_the_seed_builds_a_trigram_index_on_the_lexicon(postgres: Engine) -> None:
    with postgres.connect() as connection:
        definition = connection.execute(
            text("SELECT indexdef FROM pg_indexes WHERE indexname = 'search_term_trgm'")
        ).scalar_one()

    assert "gin" in definition
    assert "gin_trgm_ops" in definition


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        (["immunohistochemestry"], {"immunohistochemestry": "immunohistochemistry"}),
        (["nanotechnolgy"], {"nanotechnolgy": "nanotechnology"}),
        (["xylophone"], {}),
        (["biopsy"], {}),  # an indexed word is never "corrected"
        (["pcx"], {}),  # too short to correct
        (["2024"], {}),
    ],
)
def test_trigram_corrections(postgres: Engine, typed: list[str], expected: dict[str, str]) -> None:
    with postgres.connect() as connection:
        found = TrigramSpeller().corrections(connection, "any", typed)

    assert found == expected
