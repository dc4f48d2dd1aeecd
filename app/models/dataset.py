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
