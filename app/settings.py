"""Configuration: one `Settings`, read from `MICROMET_*` environment variables."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class Settings(BaseSettings):
    """Everything micromet can be told, each with a default that works on a fresh clone."""

    model_config = SettingsConfigDict(env_prefix="MICROMET_", extra="ignore")

    database_url: str = Field(
        default="sqlite:///./data/micromet.sqlite3",
        description="SQLAlchemy URL of the database: `sqlite:///path` or `postgresql+psycopg://...`.",
    )
    seed_dir: Path = Field(
        default=PROJECT_ROOT / "seed",
        description="Folder holding the verbatim source article and the curated content files.",
    )
    database_echo: bool = Field(default=False, description="Log every SQL statement.")
    auto_seed: bool = Field(
        default=True, description="Seed the database at start when it holds no dataset yet (the embedded default)."
    )
    cors_allow_origins: list[str] = Field(
        default=["*"],
        description="Origins allowed to read the API from a browser; `*` allows any (never with credentials).",
    )


def get_settings() -> Settings:
    """Read the settings from the environment now (never at import time)."""
    return Settings()
