"""Search at scale, one request at a time: p50/p99 of never-seen searches at N synthetic entities (SQLite), and
the same requests' ratio to the FastAPI ceiling serving a payload of the same size (`make bench` reports it)."""

from __future__ import annotations

import random
import time
from dataclasses import asdict, dataclass

import httpx

from bench.processes import DATA, Server, ensure_database

WORDS = [
    "cancer",
    "cells",
    "detection",
    "treatment",
    "micrometastases",
    "tumor",
    "therapy",
    "immune",
    "research",
    "metastasis",
    "dormant",
    "blood",
    "patients",
    "prognosis",
    "clinical",
    "imaging",
    "molecular",
    "system",
    "management",
    "survival",
]
"""Common words of the article: each matches thousands of synthetic documents."""


@dataclass(frozen=True)
class Latency:
    requests: int
    p50_ms: float
    p99_ms: float


def sequential(client: httpx.Client, paths: list[str]) -> Latency:
    """Each path once, one after the other; every answer must be a 200."""
    times = []
    for path in paths:
        started = time.perf_counter()
        response = client.get(path)
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, response.text
    times.sort()
    return Latency(len(times), round(times[len(times) // 2], 2), round(times[int(len(times) * 0.99) - 1], 2))


def cases(count: int = 300, seed: int = 1) -> dict[str, list[str]]:
    """Never-seen searches: a common word at every offset up to `count`, two-word pairs of common words, and
    typeahead prefixes."""
    generator = random.Random(seed)
    pairs: set[tuple[str, str]] = set()
    while len(pairs) < count:
        pairs.add(tuple(generator.sample(WORDS, 2)))  # type: ignore[arg-type]
    return {
        "search, common term, offset varied": [f"/v1/search?q=micrometastases&offset={i}" for i in range(count)],
        "search, two common words": [f"/v1/search?q={a}+{b}&offset={i % 20}" for i, (a, b) in enumerate(pairs)],
        "suggest, three letters": [f"/v1/suggest?prefix={w[:3]}&limit={1 + i % 20}" for i, w in enumerate(WORDS * 15)],
    }


def run(synthetic: int = 100_000) -> dict[str, object]:
    database = DATA / f"synthetic-{synthetic}.sqlite3"
    ensure_database(database, synthetic)
    url = f"sqlite:///{database}"
    figures: dict[str, object] = {}
    server = Server("app.main:app", {"MICROMET_DATABASE_URL": url, "MICROMET_RESPONSE_CACHE_ENTRIES": "0"})
    ceiling = Server("bench.ceiling:app")
    try:
        with httpx.Client(base_url=server.base, timeout=30) as client, httpx.Client(base_url=ceiling.base) as plain:
            client.get("/v1/suggest?prefix=a")  # the typeahead's index loads once per dataset version
            for name, paths in cases().items():
                size = len(client.get(paths[0]).content)
                ours = sequential(client, paths[1:])
                theirs = sequential(plain, [f"/payload/{size}"] * len(paths[1:]))
                figures[name] = {
                    "micromet": asdict(ours),
                    "ceiling": asdict(theirs),
                    "p99_ratio_to_ceiling": round(ours.p99_ms / theirs.p99_ms, 1),
                }
    finally:
        server.stop()
        ceiling.stop()
    return figures


if __name__ == "__main__":
    import json

    print(json.dumps(run(), indent=1))
