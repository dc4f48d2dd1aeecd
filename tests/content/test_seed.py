"""Seeding: one transaction, idempotent, auditable against the source text."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine, func
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, SQLModel, col, select

from app.content.pipeline import build_dataset, seed
from app.content.write import write_dataset
from app.models import DatasetInfo, Link, Provenance, Section, Source
from app.models.registry import ENTITY_KINDS
from tests.content.helpers import read_items, write_items


def snapshot(engine: Engine) -> dict[str, list[dict[str, object]]]:
    """Every row of every content table, in a comparable form (surrogate ids left out: they are not content)."""
    tables: list[type[SQLModel]] = [Source, Section, Provenance, Link, DatasetInfo]
    tables += [kind.table for kind in ENTITY_KINDS]
    with Session(engine) as session:
        return {
            table.__name__: sorted(
                (row.model_dump(mode="json", exclude={"id"}) for row in session.exec(select(table)).all()), key=repr
            )
            for table in tables
        }


def test_every_stored_quote_equals_the_source_at_its_offsets(engine: Engine, seed_dir: Path) -> None:
    seed(engine, seed_dir)

    with Session(engine) as session:
        text = session.exec(select(Source.text)).one()
        quotes = session.exec(select(Provenance)).all()
        sections = {row.slug: row for row in session.exec(select(Section)).all()}
    assert quotes
    for row in quotes:
        assert text[row.start : row.end] == row.quote
        section = sections[row.section]
        assert (section.heading_start or section.start) <= row.start < row.end <= section.end


def test_every_stored_section_is_the_source_at_its_offsets(engine: Engine, seed_dir: Path) -> None:
    seed(engine, seed_dir)

    with Session(engine) as session:
        text = session.exec(select(Source.text)).one()
        sections = session.exec(select(Section).order_by(col(Section.position))).all()
    assert [row.slug for row in sections][-1] == "conclusion"
    for row in sections:
        assert text[row.start : row.end] == row.text
        if row.heading is not None:
            assert text[row.heading_start : row.heading_end] == row.heading


def test_the_stored_source_is_the_file_byte_for_byte(engine: Engine, seed_dir: Path) -> None:
    seed(engine, seed_dir)

    with Session(engine) as session:
        source = session.exec(select(Source)).one()
    assert source.text.encode("utf-8") == (seed_dir / "source" / source.filename).read_bytes()
    assert (seed_dir / "source" / "SHA256SUMS").read_text().split()[0] == source.sha256


def test_the_counts_of_each_type_match_the_curated_files(engine: Engine, seed_dir: Path) -> None:
    seed(engine, seed_dir)

    with Session(engine) as session:
        for kind in ENTITY_KINDS:
            stored = session.exec(select(func.count()).select_from(kind.table)).one()
            assert stored == len(read_items(seed_dir, kind.curated_file)), kind.curated_file
        sections = session.exec(select(func.count()).select_from(Section)).one()
        assert sections == len(read_items(seed_dir, "source.yaml")["sections"])


def test_a_second_seed_is_idempotent(engine: Engine, seed_dir: Path) -> None:
    _, first = seed(engine, seed_dir)
    before = snapshot(engine)

    _, second = seed(engine, seed_dir)

    assert first.changed
    assert not second.changed
    assert second.version == first.version
    assert second.generated_at == first.generated_at
    assert snapshot(engine) == before


def test_a_forced_reseed_writes_the_same_rows(engine: Engine, seed_dir: Path) -> None:
    seed(engine, seed_dir)
    before = snapshot(engine)

    _, forced = seed(engine, seed_dir, force=True)

    after = snapshot(engine)
    assert forced.changed
    assert {k: v for k, v in after.items() if k != "DatasetInfo"} == {
        k: v for k, v in before.items() if k != "DatasetInfo"
    }
    assert after["DatasetInfo"][0]["version"] == before["DatasetInfo"][0]["version"]


def test_changed_content_gets_a_new_version(engine: Engine, seed_dir: Path) -> None:
    _, first = seed(engine, seed_dir)
    items = read_items(seed_dir, "findings.yaml")
    items[0]["name"] = "Dormant for years"
    write_items(seed_dir, "findings.yaml", items)

    _, second = seed(engine, seed_dir)

    assert second.changed
    assert second.version != first.version


def test_a_failure_in_the_middle_of_a_seed_keeps_the_previous_data(engine: Engine, seed_dir: Path) -> None:
    seed(engine, seed_dir)
    before = snapshot(engine)
    broken = build_dataset(seed_dir)
    broken.version = "0" * 16
    broken.sections.append(broken.sections[0])  # violates the unique (source, slug) constraint on flush

    with pytest.raises(IntegrityError):
        write_dataset(engine, broken)

    assert snapshot(engine) == before


def test_invalid_content_never_touches_the_database(engine: Engine, seed_dir: Path) -> None:
    seed(engine, seed_dir)
    before = snapshot(engine)
    items = read_items(seed_dir, "therapies.yaml")
    items[0]["provenance"][0]["quote"] = "an invented quote"
    write_items(seed_dir, "therapies.yaml", items)

    with pytest.raises(Exception, match="an invented quote"):
        seed(engine, seed_dir)

    assert snapshot(engine) == before


def test_relations_are_stored_as_links(engine: Engine, seed_dir: Path) -> None:
    seed(engine, seed_dir)

    with Session(engine) as session:
        addressed = session.exec(
            select(Link.object_slug).where(Link.subject_slug == "nanotechnology", Link.predicate == "addresses")
        ).all()
        microenvironment = session.exec(
            select(Link).where(Link.subject_type == "research-direction", Link.subject_slug == "tumor-microenvironment")
        ).all()
    assert addressed == ["small-size-and-difficult-detection"]
    assert microenvironment == []


def test_positions_are_dense_in_each_table(engine: Engine, seed_dir: Path) -> None:
    """The collections' keyset paging relies on positions 0..n-1 with no gaps."""
    seed(engine, seed_dir)

    with Session(engine) as session:
        for table in (kind.table for kind in ENTITY_KINDS):
            positions = sorted(session.exec(select(table.position)).all())
            assert positions == list(range(len(positions))), table.__name__
