"""`make soak`: 60 s of mixed traffic at 64 connections on loopback, bounded in time and in requests.

The driver is async httpx (pinned to core 0; the server, `micromet serve` on a fresh SQLite database, to core 1).
Each request knows the status it should get: items, lists, searches (200), conditional GETs (304) and bad
requests (404, 405, 414, 422). It reports unexpected statuses and socket errors (goal: 0 and 0), p50/p99
latency, and the server's RSS after warm-up and at the end (goal: growth under 10%). Exits 1 when a goal is missed.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import httpx

from bench.run import DATA, ROOT, TASKSET, _free_port, wait_ready

COLLECTIONS = ["detection-methods", "therapies", "challenges", "research-directions", "findings", "concepts"]
WORDS = ["biopsy", "liquid", "tumor", "therapy", "dormancy", "prognosis", "immunohistochemistry", "cells", "pcr"]
RESULTS = DATA / "soak.json"


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS")


class Traffic:
    """The request mix: each call returns (method, path, headers, expected status)."""

    def __init__(self, base: str, seed: int) -> None:
        self.random = random.Random(seed)
        self.items: list[str] = []
        self.etags: dict[str, str] = {}
        with httpx.Client(base_url=base) as client:
            for collection in COLLECTIONS:
                for item in client.get(f"/v1/{collection}?limit=100").json()["items"]:
                    path = f"/v1/{collection}/{item['slug']}"
                    self.items.append(path)
                    self.etags[path] = client.get(path).headers["etag"]

    def next(self) -> tuple[str, str, dict[str, str], int]:
        pick = self.random.random()
        choice = self.random.choice
        if pick < 0.30:
            return "GET", choice(self.items), {}, 200
        if pick < 0.50:
            limit, offset = self.random.randint(1, 100), self.random.randint(0, 12)
            return "GET", f"/v1/{choice(COLLECTIONS)}?limit={limit}&offset={offset}", {}, 200
        if pick < 0.70:
            words = "+".join(choice(WORDS) for _ in range(self.random.randint(1, 3)))
            return "GET", f"/v1/search?q={words}", {}, 200
        if pick < 0.85:
            path = choice(self.items)
            return "GET", path, {"if-none-match": self.etags[path]}, 304
        bad = [
            ("GET", "/v1/therapies/no-such-therapy", 404),
            ("GET", "/v1/findings?colour=red", 422),
            ("GET", "/v1/findings?limit=101", 422),
            ("GET", "/v1/search?q=" + "a" * 600, 422),
            ("GET", "/v1/search?q=" + "a" * 9000, 422),
            ("GET", "/v1/therapies/" + "a" * 9000, 414),
            ("POST", "/v1/therapies", 405),
            ("GET", "/v1/nowhere/%2e%2e/etc/passwd", 404),
        ]
        method, path, status = choice(bad)
        return method, path, {}, status


async def drive(
    base: str, traffic: Traffic, *, seconds: float, connections: int, max_requests: int
) -> dict[str, object]:
    latencies: list[float] = []
    unexpected: Counter[str] = Counter()
    statuses: Counter[int] = Counter()
    socket_errors: Counter[str] = Counter()
    deadline = time.monotonic() + seconds
    limits = httpx.Limits(max_connections=connections, max_keepalive_connections=connections)
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=10) as client:

        async def worker() -> None:
            while time.monotonic() < deadline and len(latencies) < max_requests:
                method, path, headers, expected = traffic.next()
                started = time.perf_counter()
                try:
                    response = await client.request(method, path, headers=headers)
                except httpx.TransportError as error:
                    socket_errors[type(error).__name__] += 1
                    continue
                latencies.append(time.perf_counter() - started)
                statuses[response.status_code] += 1
                if response.status_code != expected:
                    unexpected[f"{method} {path[:60]} -> {response.status_code} (expected {expected})"] += 1

        await asyncio.gather(*(worker() for _ in range(connections)))
    ordered = sorted(latencies)
    return {
        "requests": len(latencies),
        "statuses": dict(sorted(statuses.items())),
        "unexpected": sum(unexpected.values()),
        "unexpected_examples": dict(unexpected.most_common(5)),
        "socket_errors": dict(socket_errors),
        "p50_ms": round(statistics.median(ordered) * 1000, 2),
        "p99_ms": round(ordered[int(len(ordered) * 0.99) - 1] * 1000, 2),
        "requests_per_second": round(len(latencies) / seconds),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--max-requests", type=int, default=2_000_000, help="a hard bound besides the time")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryDirectory() as folder:
        env = {
            **os.environ,
            "MICROMET_SEED_DIR": str(ROOT / "seed"),
            "MICROMET_DATABASE_URL": f"sqlite:///{Path(folder) / 'soak.sqlite3'}",
        }
        command = [sys.executable, "-c", "from app.cli import main; main()", "serve", "--port", str(port)]
        if TASKSET:
            command = [TASKSET, "-c", "1", *command]
        server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            wait_ready(base, server)
            if hasattr(os, "sched_setaffinity") and TASKSET:
                os.sched_setaffinity(0, {0})
            traffic = Traffic(base, args.seed)
            asyncio.run(drive(base, traffic, seconds=5, connections=args.connections, max_requests=args.max_requests))
            rss_start = rss_mb(server.pid)  # after warm-up: caches filled, pools open
            result = asyncio.run(
                drive(base, traffic, seconds=args.seconds, connections=args.connections, max_requests=args.max_requests)
            )
            rss_end = rss_mb(server.pid)
        finally:
            server.terminate()
            server.wait(timeout=10)
    growth = (rss_end - rss_start) / rss_start * 100
    result |= {
        "seconds": args.seconds,
        "connections": args.connections,
        "rss_start_mb": round(rss_start, 1),
        "rss_end_mb": round(rss_end, 1),
        "rss_growth_percent": round(growth, 1),
    }
    DATA.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))
    failed = result["unexpected"] or result["socket_errors"] or growth >= 10
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
