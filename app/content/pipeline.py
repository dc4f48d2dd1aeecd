"""The pipeline's two entry points, shared by the CLI and the app: check the content, or seed it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine
from sqlmodel import Session

from app.content.coverage import Coverage, FieldCoverage, compute_coverage
from app.content.errors import ContentError
from app.content.load import load_content
from app.content.synthetic import synthetic_dataset
from app.content.validate import ValidatedDataset, validate_content
from app.content.write import SeedResult, write_dataset
from app.db import is_seeded
from app.migrations import prepare_for_seed
from app.models import DatasetInfo
from app.models.registry import ENTITY_KINDS, Registry


@dataclass(frozen=True)
class CheckReport:
    """A validated dataset, how much of the article it cites and how many of its fields rest on a quote."""

    dataset: ValidatedDataset
    coverage: Coverage
    fields: FieldCoverage


def build_dataset(seed_dir: Path, kinds: Registry = ENTITY_KINDS) -> ValidatedDataset:
    """Load and validate everything under `seed_dir`; raises `ContentError` on any problem."""
    return validate_content(load_content(seed_dir, kinds))


def check(seed_dir: Path) -> CheckReport:
    """Validate without writing, and measure coverage."""
    dataset = build_dataset(seed_dir)
    coverage = compute_coverage(dataset.text, dataset.located_sections, dataset.quote_spans())
    return CheckReport(dataset, coverage, FieldCoverage(dataset.field_support))


def seed_if_empty(engine: Engine, seed_dir: Path, kinds: Registry = ENTITY_KINDS) -> SeedResult | None:
    """Seed a database that holds no dataset yet; leave a seeded one alone (reseeding is explicit)."""
    if is_seeded(engine):
        return None
    return seed(engine, seed_dir, kinds=kinds)[1]


def seed(
    engine: Engine, seed_dir: Path, *, force: bool = False, kinds: Registry = ENTITY_KINDS
) -> tuple[ValidatedDataset, SeedResult]:
    """Validate everything first, then write it in one transaction.

    An empty database gets its schema from the migrations first; one whose schema is behind head is refused
    (`SchemaError`), since upgrading is an explicit step.
    """
    dataset = build_dataset(seed_dir, kinds)
    prepare_for_seed(engine)
    return dataset, write_dataset(engine, dataset, force=force)


def seed_synthetic(
    engine: Engine, seed_dir: Path, count: int, *, progress: Callable[[int], None] | None = None
) -> tuple[ValidatedDataset, SeedResult]:
    """Write a synthetic benchmark dataset; refuse to replace real content, so the two never mix."""
    if is_seeded(engine):
        with Session(engine) as session:
            info = session.get(DatasetInfo, 1)
        if info is not None and not info.synthetic:
            raise ContentError(
                [
                    "this database holds the real content; write synthetic data to a database of its own "
                    "(set MICROMET_DATABASE_URL, e.g. sqlite:///./data/synthetic.sqlite3)"
                ]
            )
    dataset = synthetic_dataset(build_dataset(seed_dir), count, progress=progress)
    prepare_for_seed(engine)
    return dataset, write_dataset(engine, dataset, synthetic=True)
