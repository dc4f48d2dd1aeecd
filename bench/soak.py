"""`make soak`: 60 s of mixed traffic at 64 connections on loopback, bounded in time and in requests.

The driver is asyncio keep-alive connections (pinned to core 0; the server, `micromet serve` on a fresh SQLite
database, to core 1); httpx reads the item list and warms the caches up.
Each request knows the status it should get: items, lists, searches (200), conditional GETs (304) and bad
requests (404, 405, 414, 422). It reports unexpected statuses and socket errors (goal: 0 and 0), p50/p99
latency, and the server's RSS after warm-up and at the end (goal: growth under 10%). Exits 1 when a goal is missed.
The warm-up requests every URL of the mix once, so the bounded response cache is full before RSS is first read.
Latencies are measured by the driver, so they include its own queueing when it is the slower side.
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

from bench.processes import DATA, ROOT, TASKSET, free_port, wait_ready

COLLECTIONS = ["detection-methods", "therapies", "challenges", "research-directions", "findings", "concepts"]
WORDS = ["biopsy", "liquid", "tumor", "therapy", "dormancy", "prognosis", "immunohistochemistry", "cells", "pcr"]
LIMITS = [5, 10, 20, 50, 100]
OFFSETS = [0, 5, 10]
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
        with httpx.Client(base_url=base, headers={"accept-encoding": "identity"}) as client:  # as the driver asks
            for collection in COLLECTIONS:
                for item in client.get(f"/v1/{collection}?limit=100").json()["items"]:
                    path = f"/v1/{collection}/{item['slug']}"
                    self.items.append(path)
                    self.etags[path] = client.get(path).headers["etag"]

    def universe(self) -> list[str]:
        """Every URL the mix can request with a 200: the warm-up visits each once, so that the bounded caches
        are full before RSS is first measured and any later growth is the process's own."""
        lists = [
            f"/v1/{c}?limit={limit}&offset={offset}" for c in COLLECTIONS for limit in LIMITS for offset in OFFSETS
        ]
        searches = [f"/v1/search?q={a}" for a in WORDS]
        searches += [f"/v1/search?q={a}+{b}" for a in WORDS for b in WORDS]
        searches += [f"/v1/search?q={a}+{b}+{c}" for a in WORDS for b in WORDS for c in WORDS]
        return [*self.items, *lists, *searches]

    def next(self) -> tuple[str, str, dict[str, str], int]:
        pick = self.random.random()
        choice = self.random.choice
        if pick < 0.30:
            return "GET", choice(self.items), {}, 200
        if pick < 0.50:
            return "GET", f"/v1/{choice(COLLECTIONS)}?limit={choice(LIMITS)}&offset={choice(OFFSETS)}", {}, 200
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


class Connection:
    """One keep-alive HTTP/1.1 connection on asyncio streams: the least work per request a Python driver can
    do (httpx's pool saturated its core at ~150-300 requests/s here, so it measured itself, not the server)."""

    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def request(self, method: str, path: str, headers: dict[str, str]) -> int:
        """Send one request, read the whole response; returns its status."""
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        assert self.reader is not None
        lines = [f"{method} {path} HTTP/1.1", f"Host: {self.host}:{self.port}", "Content-Length: 0"]
        lines += [f"{name}: {value}" for name, value in headers.items()]
        self.writer.write(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1"))
        head = await self.reader.readuntil(b"\r\n\r\n")
        status = int(head.split(b" ", 2)[1])
        length = 0
        for line in head.split(b"\r\n")[1:]:
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"content-length":
                length = int(value)
            if name.strip().lower() == b"connection" and value.strip().lower() == b"close":
                if self.writer is not None:
                    self.writer.close()
                self.writer = None
        if length and status != 304 and method != "HEAD":
            await self.reader.readexactly(length)
        return status


async def drive(
    base: str, traffic: Traffic, *, seconds: float, connections: int, max_requests: int
) -> dict[str, object]:
    latencies: list[float] = []
    unexpected: Counter[str] = Counter()
    statuses: Counter[int] = Counter()
    socket_errors: Counter[str] = Counter()
    deadline = time.monotonic() + seconds
    host, port = base.removeprefix("http://").split(":")

    async def worker() -> None:
        connection = Connection(host, int(port))
        while time.monotonic() < deadline and len(latencies) < max_requests:
            method, path, headers, expected = traffic.next()
            started = time.perf_counter()
            try:
                status = await connection.request(method, path, headers)
            except (OSError, asyncio.IncompleteReadError, ValueError) as error:
                socket_errors[type(error).__name__] += 1
                connection = Connection(host, int(port))
                continue
            latencies.append(time.perf_counter() - started)
            statuses[status] += 1
            if status != expected:
                unexpected[f"{method} {path[:60]} -> {status} (expected {expected})"] += 1
        if connection.writer is not None:
            connection.writer.close()

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


async def warm_up(base: str, paths: list[str], connections: int) -> None:
    """Request every path once, `connections` at a time."""
    limits = httpx.Limits(max_connections=connections)
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=30) as client:
        queue = list(paths)

        async def worker() -> None:
            while queue:
                await client.get(queue.pop())

        await asyncio.gather(*(worker() for _ in range(connections)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--max-requests", type=int, default=2_000_000, help="a hard bound besides the time")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    port = free_port()
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
            asyncio.run(warm_up(base, traffic.universe(), args.connections))
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
