"""Typo corrections: difflib over the in-memory lexicon, on both engines, so that SQLite and PostgreSQL correct the
same words the same way (PostgreSQL used pg_trgm before, which missed swaps and dropped letters: "liqiud",
"tumour", "biopys")."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import Engine, text

from app.content.pipeline import seed
from app.db import create_db_engine
from app.search.engines import search_backend
from app.search.service import search
from app.search.spelling import DifflibSpeller
from app.settings import PROJECT_ROOT, Settings
from tests.postgres import postgres_database


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def seeded(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    """A seeded database of this module's own, on each engine."""
    if request.param == "sqlite":
        engine = create_db_engine(Settings(database_url=f"sqlite:///{tmp_path_factory.mktemp('spelling')}/s.db"))
        seed(engine, PROJECT_ROOT / "seed")
        yield engine
        engine.dispose()
        return
    with postgres_database() as url:
        engine = create_db_engine(Settings(database_url=url))
        seed(engine, PROJECT_ROOT / "seed")
        yield engine
        engine.dispose()


def test_both_engines_use_the_in_memory_speller() -> None:
    assert isinstance(search_backend("sqlite").speller(), DifflibSpeller)
    assert isinstance(search_backend("postgresql").speller(), DifflibSpeller)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        (["immunohistochemestry"], {"immunohistochemestry": "immunohistochemistry"}),
        (["nanotechnolgy"], {"nanotechnolgy": "nanotechnology"}),
        (["liqiud"], {"liqiud": "liquid"}),  # two neighbours swapped
        (["tumour"], {"tumour": "tumor"}),  # British spelling: one letter more
        (["xylophone"], {}),
        (["chance"], {}),  # a real word two edits from "cancer": not a typo
        (["biopsy"], {}),  # an indexed word is never "corrected"
        (["pcx"], {}),  # too short to correct
        (["2024"], {}),
    ],
)
def test_corrections(seeded: Engine, typed: list[str], expected: dict[str, str]) -> None:
    with seeded.connect() as connection:
        found = search_backend(seeded.dialect.name).speller().corrections(connection, "any", typed)

    assert found == expected


@pytest.mark.parametrize("typed", ["liqiud biopsy", "tumour cells", "biopys", "prognsis", "adjuvent therapy"])
def test_a_corrected_search_says_so_and_answers_alike_on_each_engine(seeded: Engine, typed: str) -> None:
    backend = search_backend(seeded.dialect.name)
    with seeded.connect() as connection:
        outcome = search(
            connection, backend, backend.speller(), "v", typed, types=[], limit=10, offset=0, marks=("", "")
        )

    assert outcome is not None
    assert outcome.did_you_mean is not None
    assert outcome.did_you_mean != typed
    assert outcome.total > 0


@pytest.mark.parametrize("seeded", ["postgresql"], indirect=True)
def test_a_reseed_drops_the_trigram_index_of_earlier_versions(seeded: Engine) -> None:
    with seeded.begin() as connection:
        connection.execute(text("CREATE INDEX search_term_trgm ON search_term USING GIN (term gin_trgm_ops)"))

    seed(seeded, PROJECT_ROOT / "seed", force=True)

    with seeded.connect() as connection:
        found = connection.execute(text("SELECT count(*) FROM pg_indexes WHERE indexname = 'search_term_trgm'"))
        assert found.scalar_one() == 0
