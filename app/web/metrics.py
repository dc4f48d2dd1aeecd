"""Prometheus metrics (prometheus-client): requests, durations, the response cache, the database pool, search
time and the dataset version, served at `GET /metrics`.

With several worker processes (`micromet serve --workers N`), `PROMETHEUS_MULTIPROC_DIR` names a folder where each
process writes its values (prometheus-client's multiprocess mode; `micromet serve` sets it), and a scrape of any
worker adds them up. Without it, the values are the process's own.
"""

from __future__ import annotations

import os
from typing import Any

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
    multiprocess,
)

MULTIPROCESS = bool(os.environ.get("PROMETHEUS_MULTIPROC_DIR"))
"""Whether values are shared through files (set before this module is imported: prometheus-client decides then)."""

REQUESTS = Counter("micromet_requests_total", "Requests answered.", ["route", "method", "status"])
DURATION = Histogram(
    "micromet_request_duration_seconds",
    "Time from the request's arrival to its last byte.",
    ["route"],
    buckets=(0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 10.0),
)
CACHE = Counter("micromet_response_cache_total", "Answers of the /v1 response cache by outcome.", ["outcome"])
CACHE_EVICTIONS = Counter(
    "micromet_response_cache_evictions_total", "Entries evicted to keep within bounds.", ["store"]
)
CACHE_ENTRIES = Gauge("micromet_response_cache_entries", "Entries held.", ["store"], multiprocess_mode="livesum")
CACHE_BYTES = Gauge("micromet_response_cache_bytes", "Bytes held.", ["store"], multiprocess_mode="livesum")
POOL_IN_USE = Gauge(
    "micromet_database_connections_in_use", "Database connections checked out.", multiprocess_mode="livesum"
)
SEARCH_POOL = Gauge(
    "micromet_search_pool_connections",
    "PostgreSQL's pool for new searches (asyncpg): connections open, and in use.",
    ["state"],
    multiprocess_mode="livesum",
)
SEARCH = Histogram(
    "micromet_search_duration_seconds",
    "Time a search (or a suggestion) takes in the engine, without the HTTP layers.",
    ["operation"],
    buckets=(0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.5),
)
RATE_LIMIT = Counter(
    "micromet_rate_limit_decisions_total",
    "Rate-limit decisions: allowed, limited (a 429), or unchecked (the store was unreachable).",
    ["decision"],
)
DATASET = Gauge(
    "micromet_dataset_info", "The dataset being served (1 for its version).", ["version"], multiprocess_mode="max"
)
"""An info metric as a gauge: prometheus-client's `Info` has no multiprocess mode."""


def observe_request(route: str, method: str, status: int, seconds: float) -> None:
    REQUESTS.labels(route, method, str(status)).inc()
    DURATION.labels(route).observe(seconds)


def metrics_registry() -> CollectorRegistry:
    """Every process's values in multiprocess mode; this process's own otherwise."""
    if not MULTIPROCESS:
        return REGISTRY
    registry = CollectorRegistry()
    multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
    return registry


def exposition(state: Any) -> tuple[bytes, str]:
    """The metrics as Prometheus' text format: refresh what is read at scrape time (this process's pools and
    dataset), then collect every process's values in multiprocess mode, or this registry's."""
    engine = getattr(state, "engine", None)
    if engine is not None and hasattr(engine.pool, "checkedout"):
        POOL_IN_USE.set(engine.pool.checkedout())
    search_pool = getattr(state, "search_pool", None)
    if search_pool is not None:
        opened, in_use = search_pool.sizes()
        SEARCH_POOL.labels("open").set(opened)
        SEARCH_POOL.labels("in_use").set(in_use)
    stamp = getattr(getattr(state, "dataset_version", None), "latest", None)
    if stamp is not None:
        DATASET.labels(stamp.version).set(1)
    return generate_latest(metrics_registry()), CONTENT_TYPE_LATEST
