"""What `/v1/export/manifest` answers: the files of an export, each with its size and digest."""

from __future__ import annotations

from sqlmodel import Field, SQLModel


class ExportFilePublic(SQLModel):
    """One file of an export."""

    name: str
    media_type: str
    bytes: int = Field(description="The file's size.")
    sha256: str = Field(description="The hex SHA-256 of the file's bytes.")


class ExportManifest(SQLModel):
    """An export's dataset version, format and files (the CSV zip holds this as `manifest.json`)."""

    dataset_version: str
    generated_at: str = Field(description="When the dataset was seeded (ISO 8601).")
    format: str = Field(description="`json`, `ndjson`, `csv` or `jsonld`.")
    files: list[ExportFilePublic]
