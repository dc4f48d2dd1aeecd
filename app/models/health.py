"""What `/healthz` and `/readyz` answer."""

from __future__ import annotations

from sqlmodel import Field, SQLModel


class Health(SQLModel):
    """The process is up."""

    status: str = Field(description="`ok`.")


class Readiness(SQLModel):
    """The database is reachable, seeded and at the schema revision this release serves."""

    status: str = Field(description="`ready`.")
    dataset_version: str = Field(description="The dataset being served (as in `/v1/meta`).")
    schema_revision: str = Field(description="The database schema's migration revision.")
