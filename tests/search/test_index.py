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
from app.search.sqlite import MATCH_COLUMNS, clause_expression
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


@pytest.mark.parametrize("ranges_recorded", [True, False], ids=["ranges", "index-without-ranges"])
@pytest.mark.parametrize("few", [500, 0], ids=["few-hits", "many-hits"])
@pytest.mark.parametrize("q", ["micrometastases", "therapy", "detection", "liquid biopsy", '"tumor DNA"', "cancer"])
def test_facets_counted_by_rowid_ranges_equal_the_documents_grouped_by_type(
    engine: Engine, seed_dir: Path, monkeypatch: pytest.MonkeyPatch, q: str, few: int, ranges_recorded: bool
) -> None:
    """Facets are counted on the index, split at each type's range of rowids: a few hits from their rowids, many
    (here every query has many when the limit is 0) by a count per range; an index built before the ranges were
    recorded groups or counts by type instead. Grouping the matched documents' rows by type gives the same."""
    from app.search import sqlite

    seed(engine, seed_dir)
    backend = search_backend("sqlite")
    plan = _plan(q)
    monkeypatch.setattr(sqlite, "GROUPED_FACETS_LIMIT", few)
    if not ranges_recorded:
        with engine.begin() as connection:
            connection.exec_driver_sql("DROP TABLE search_fts_ranges")
    with engine.connect() as connection:
        facets = backend.search(connection, plan, [], 5, 0).facets
        joined = " AND ".join(clause_expression(clause) for clause in plan.required)
        grouped: dict[str, int] = dict(
            connection.exec_driver_sql(
                "SELECT d.type, count(*) FROM search_fts JOIN search_document AS d ON d.id = search_fts.rowid "
                "WHERE search_fts MATCH ? GROUP BY d.type",
                (f"{MATCH_COLUMNS} : ({joined})",),
            ).all()
        )

    assert sum(facets.values()) > 0
    assert facets == grouped


@pytest.mark.parametrize("candidates", [2, 1000])
@pytest.mark.parametrize("q", ["micrometastases", "cancer cells", "therapy"])
def test_past_the_ranking_limit_name_matches_come_first_and_pages_cover_every_match_once(
    engine: Engine, seed_dir: Path, monkeypatch: pytest.MonkeyPatch, q: str, candidates: int
) -> None:
    """With every match ranked, and with only the name and synonym matches ranked (the rest in index order):
    the same matches, each once over the pages, the name matches first; for one word (a name match outweighs
    any other) with every name match a candidate, the same first hit."""
    from app.search import sqlite

    seed(engine, seed_dir)
    backend = search_backend("sqlite")
    plan = _plan(q)
    with engine.connect() as connection:
        ranked = [(hit.type, hit.slug) for hit in backend.search(connection, plan, [], 100, 0).hits]
        monkeypatch.setattr(sqlite, "RANK_ALL_LIMIT", 0)
        monkeypatch.setattr(sqlite, "CANDIDATES", candidates)
        paged = [
            (hit.type, hit.slug)
            for offset in range(0, len(ranked) + 6, 3)
            for hit in backend.search(connection, plan, [], 3, offset).hits
        ]
        named = {
            (row[0], row[1])
            for row in connection.exec_driver_sql(
                "SELECT d.type, d.slug FROM search_fts JOIN search_document AS d ON d.id = search_fts.rowid "
                "WHERE search_fts MATCH ?",
                (f"{{name synonyms}} : ({' OR '.join(clause_expression(c) for c in plan.required)})",),
            )
        }

    assert sorted(paged) == sorted(ranked)
    first_other = next((index for index, hit in enumerate(paged) if hit not in named), len(paged))
    assert 0 < first_other < len(paged)
    assert all(hit not in named for hit in paged[first_other:])
    if len(plan.required) == 1 and candidates > len(named):
        assert paged[0] == ranked[0]


@pytest.mark.parametrize("q", ["micrometastases", "liquid biopsy", "tumor cells blood", '"tumor DNA"'])
def test_a_query_without_other_forms_ranks_with_each_phrase_once_and_the_same_scores(
    engine: Engine, seed_dir: Path, q: str
) -> None:
    """When no word has another form, the form as typed is not given twice (each phrase costs bm25 a pass over
    its posting list) but the rank is doubled: the scores are those of the phrases given twice."""
    from app.search.sqlite import _RANK

    seed(engine, seed_dir)
    plan = _plan(q)
    assert all(len(clause.alternatives) == 1 for clause in plan.required)
    with engine.connect() as connection:
        hits = search_backend("sqlite").search(connection, plan, [], 100, 0).hits
        twice = " AND ".join(clause_expression(clause, twice=True) for clause in plan.required)
        scores: dict[int, float] = dict(
            connection.exec_driver_sql(
                f"SELECT rowid, {_RANK} FROM search_fts WHERE search_fts MATCH ?", (f"{MATCH_COLUMNS} : ({twice})",)
            ).all()
        )
        ids = {
            (kind, slug): id_
            for id_, kind, slug in connection.exec_driver_sql("SELECT id, type, slug FROM search_document")
        }

    assert hits
    for hit in hits:  # the bonus (a name or heading match) is a whole number added to the rank
        bonus = hit.score - scores[ids[hit.type, hit.slug]]
        assert bonus == round(bonus)


@pytest.mark.parametrize(("q", "typed"), [("dormant", "dormant"), ("dormancy", "dormancy")])
def test_past_the_ranking_limit_the_form_as_typed_still_ranks_above_its_other_forms(
    engine: Engine, seed_dir: Path, monkeypatch: pytest.MonkeyPatch, q: str, typed: str
) -> None:
    """The name-match candidates of a query with too many matches to rank are ranked as every page is: names
    holding the reader's own form above names holding only another form of it (an outside review found
    "dormancy" ranking a name that says dormant second when the candidates gave each form once)."""
    from app.search import sqlite
    from app.search.spelling import DifflibSpeller

    seed(engine, seed_dir)
    monkeypatch.setattr(sqlite, "RANK_ALL_LIMIT", 0)
    monkeypatch.setattr(sqlite, "CANDIDATES", 1000)
    with engine.connect() as connection:
        plan = plan_query(parse_query(q), DifflibSpeller().forms(connection, "v"))
        hits = search_backend("sqlite").search(connection, plan, [], 10, 0).hits

    forms = [" ".join(words) for words in plan.required[0].alternatives]
    assert len(forms) > 1  # the word has other forms
    names = [hit.name.lower() for hit in hits]
    own = [index for index, name in enumerate(names) if typed in name]
    other = [index for index, name in enumerate(names) if typed not in name and any(f in name for f in forms)]
    assert own
    assert other
    assert max(own) < min(other)
