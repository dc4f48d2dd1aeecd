"""The dataset record: which version of the content the database holds, and when it was generated."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel

from app.models.common import UTCDateTime


class DatasetInfo(SQLModel, table=True):
    """A single row, rewritten by every seed that changes the content."""

    __tablename__ = "dataset"

    id: int = Field(default=1, primary_key=True)
    version: str = Field(max_length=64, description="Derived from the content: same content, same version.")
    generated_at: datetime = Field(sa_type=UTCDateTime)
    synthetic: bool = Field(default=False, description="True only for benchmark datasets.")


class SourceChecksum(SQLModel):
    """A source's checksum, so a client can verify the text it fetched."""

    slug: str
    sha256: str
    length: int
    href: str


class MetaPublic(SQLModel):
    """What a client needs to know about the dataset being served."""

    api_version: str = Field(description="Version of the micromet API software.")
    dataset_version: str = Field(description="Hash of the content; changes whenever the content changes.")
    generated_at: datetime = Field(description="When this dataset was seeded.")
    synthetic: bool = Field(description="True only for synthetic benchmark datasets, never for real content.")
    counts: dict[str, int] = Field(description="How many resources of each type the dataset holds.")
    sources: list[SourceChecksum]
