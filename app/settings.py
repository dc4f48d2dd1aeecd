"""Configuration: one `Settings`, read from `MICROMET_*` environment variables."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

from limits import parse
from pydantic import AfterValidator, Field
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def _valid_rate_limit(value: str | None) -> str | None:
    """A rate in the `limits` notation (`600/minute`), or unset."""
    if value is not None:
        try:
            parse(value)
        except ValueError:
            raise ValueError(f"{value!r} is not a rate such as 600/minute or 10/second") from None
    return value


class AccessLogFormat(StrEnum):
    """How `MICROMET_ACCESS_LOG` writes each request's line."""

    OFF = "off"
    JSON = "json"
    TEXT = "text"


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
    database_pool_size: int = Field(
        default=5,
        ge=1,
        description="Connections kept open per process (PostgreSQL); new searches have a pool of this size too.",
    )
    database_max_overflow: int = Field(default=10, ge=0, description="Extra connections allowed under load.")
    database_pool_timeout: float = Field(default=5.0, gt=0, description="Seconds to wait for a free connection.")
    database_pool_recycle: int = Field(default=1800, ge=-1, description="Reopen connections older than this (s).")
    database_pool_pre_ping: bool | None = Field(
        default=None, description="Test connections before use; default: on for PostgreSQL, off for SQLite."
    )
    auto_seed: bool = Field(
        default=True, description="Seed the database at start when it holds no dataset yet (the embedded default)."
    )
    cache_max_age: int = Field(default=300, ge=0, description="`Cache-Control: public, max-age=N` on `/v1` responses.")
    freshness_interval: float = Field(
        default=5.0, gt=0, description="Seconds between checks of the dataset version; a reseed shows within it."
    )
    response_cache_entries: int = Field(default=4096, ge=0, description="Most responses kept in memory.")
    response_cache_bytes: int = Field(default=64 * 2**20, ge=0, description="Most bytes of responses kept in memory.")
    response_cache_ttl: float = Field(
        default=3600.0, gt=0, description="Seconds a cached response is kept at most, even when nothing changed."
    )
    response_cache_large_size: int = Field(
        default=64 * 2**10,
        ge=1,
        description="Responses at least this large (exports) are kept in a store of their own, apart from the rest.",
    )
    response_cache_large_bytes: int = Field(
        default=16 * 2**20, ge=0, description="Most bytes of large responses kept in memory."
    )
    gzip_min_size: int = Field(default=1024, ge=0, description="Bodies at least this large are also kept gzipped.")
    public_url: str = Field(
        default="http://127.0.0.1:8000",
        pattern=r"^https?://[^/?#\s]+$",
        description="The public origin for the absolute links of embed cards and oEmbed (never the Host header).",
    )
    request_timeout: float = Field(
        default=10.0, gt=0, description="Seconds a request may take before it is answered 503 (a problem)."
    )
    max_request_head_bytes: int = Field(
        default=64 * 2**10,
        ge=1024,
        description="`micromet serve`: longest request line and headers accepted; longer is a 431 and a close.",
    )
    request_head_timeout: float = Field(
        default=10.0, gt=0, description="`micromet serve`: seconds a connection may take to send a request head."
    )
    max_connections: int = Field(
        default=1024,
        ge=1,
        description="`micromet serve`: concurrent connections; past it requests are a 503 problem (not /healthz).",
    )
    worker_threads: int = Field(
        default=4,
        ge=1,
        le=256,
        description="Threads for blocking request work (database, spelling); fewer keep the event loop, and so "
        "health checks and cached answers, responsive under load. Requests beyond them wait, within the time limit.",
    )
    access_log: AccessLogFormat = Field(
        default=AccessLogFormat.JSON,
        description="One line per request on stdout: `json` (one object per line, for log shippers), `text`, or "
        "`off`. Written from a queue by a thread of its own, so a request never waits on it.",
    )
    rate_limit: Annotated[str | None, AfterValidator(_valid_rate_limit)] = Field(
        default=None,
        description="Requests per client address, e.g. `600/minute` (the `limits` library's notation); unset: no "
        "limit. Health probes and `/metrics` are exempt.",
        examples=["600/minute"],
    )
    redis_url: str | None = Field(
        default=None,
        description="Redis for the rate limits' budgets, shared by every replica (e.g. `redis://127.0.0.1:6379/0`); "
        "unset: each replica counts in memory.",
    )
    trusted_proxies: str = Field(
        default="",
        description="Comma-separated addresses or networks of proxies whose `X-Forwarded-For` names the client.",
    )
    shutdown_grace: float = Field(
        default=10.0,
        ge=0,
        le=3600,
        description="Seconds a SIGTERM waits for the requests in flight to finish (`/readyz` answers 503 at once) "
        "before the server stops.",
    )
    metrics: bool = Field(
        default=True, description="Serve Prometheus metrics at `GET /metrics` (and count what they report)."
    )
    metrics_port: int | None = Field(
        default=None,
        ge=1,
        le=65535,
        description="Serve the metrics on this port of their own instead of the API's (one worker only).",
    )
    metrics_host: str = Field(default="127.0.0.1", description="The interface of `MICROMET_METRICS_PORT`.")
    max_url_length: int = Field(
        default=8192, ge=256, description="Longest request target (path and query) accepted; longer is a 414."
    )
    cors_allow_origins: list[str] = Field(
        default=["*"],
        description="Origins allowed to read the API from a browser; `*` allows any (never with credentials).",
    )
