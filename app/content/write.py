"""Writing a validated dataset: all or nothing, in one transaction, and only when the content changed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TypeVar

from sqlalchemy import Engine
from sqlmodel import Session, SQLModel

from app.content.validate import ValidatedDataset
from app.models import DatasetInfo
from app.search.backend import search_backend
from app.search.documents import build_documents, build_lexicon

RowT = TypeVar("RowT", bound=SQLModel)


@dataclass(frozen=True)
class SeedResult:
    """What a seed did: the version now in the database, when it was generated, and whether it changed."""

    version: str
    generated_at: datetime
    changed: bool


def write_dataset(engine: Engine, dataset: ValidatedDataset, *, force: bool = False) -> SeedResult:
    """Replace the database's content with `dataset` in one transaction.

    The search documents and the engine's index are rebuilt in the same transaction, so search always
    matches the dataset. A second seed of the same content is a no-op that keeps the generation time, so
    caches keyed on the dataset version stay valid. Any failure rolls the whole transaction back and leaves
    the previous data.
    """
    SQLModel.metadata.create_all(engine)
    with Session(engine) as session, session.begin():
        current = session.get(DatasetInfo, 1)
        if current is not None and current.version == dataset.version and not current.synthetic and not force:
            return SeedResult(current.version, current.generated_at, changed=False)
        for table in reversed(SQLModel.metadata.sorted_tables):
            session.execute(table.delete())
        session.expunge_all()  # the rows loaded above are gone; forget them before adding their successors
        session.add(_fresh(dataset.source))
        session.flush()
        session.add_all(_fresh(row) for row in dataset.sections)
        for rows in dataset.entities.values():
            session.add_all(_fresh(row) for row in rows)
        session.flush()
        session.add_all(_fresh(row) for row in dataset.provenance)
        session.add_all(_fresh(row) for row in dataset.links)
        documents = build_documents(dataset)
        session.add_all(documents)
        session.add_all(build_lexicon(documents))
        session.flush()
        search_backend(engine.dialect.name).rebuild(session)
        generated_at = datetime.now(UTC).replace(microsecond=0)
        session.add(DatasetInfo(id=1, version=dataset.version, generated_at=generated_at, synthetic=False))
        session.flush()
    return SeedResult(dataset.version, generated_at, changed=True)


def _fresh(row: RowT) -> RowT:
    """A copy of the row for this session, so a dataset can be written more than once."""
    return type(row).model_validate(row.model_dump())
