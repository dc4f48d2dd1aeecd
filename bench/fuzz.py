"""`make fuzz`: the deep contract run. schemathesis with every check, positive and negative generation, all its
phases (examples, coverage, fuzzing, stateful) and at least 500 examples per operation, against a real server on
loopback (micromet serve on a fresh SQLite database, or MICROMET_DATABASE_URL when set); then a sweep of `Accept`
variants that the OpenAPI document does not describe (so schemathesis never sends them). Exits non-zero on any
failure; the JUnit report goes to bench/.data/fuzz/.
"""

from __future__ import annotations

import argparse
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

from bench.processes import DATA, ROOT, free_port, wait_ready
from tests.api.helpers import ACCEPT_VARIANTS


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--max-examples", type=int, default=500, help="examples per operation (at least 500)")
    parser.add_argument("--seed", type=int, default=20261125, help="schemathesis' random seed (reproducible runs)")
    parser.add_argument("--workers", default="2", help="concurrent schemathesis workers")
    args = parser.parse_args()
    port = free_port()
    with tempfile.TemporaryDirectory() as folder:
        env = {**os.environ, "MICROMET_SEED_DIR": str(ROOT / "seed")}
        env.setdefault("MICROMET_DATABASE_URL", f"sqlite:///{Path(folder) / 'fuzz.sqlite3'}")
        server = subprocess.Popen(
            [sys.executable, "-c", "from app.cli import main; main()", "serve", "--port", str(port)],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
        )
        base = f"http://127.0.0.1:{port}"
        try:
            wait_ready(base, server)
            report = DATA / "fuzz"
            report.mkdir(parents=True, exist_ok=True)
            command = [
                str(Path(sys.executable).parent / "st"),
                f"--config-file={ROOT / 'bench' / 'schemathesis.toml'}",
                "run",
                f"{base}/openapi.json",
                "--checks=all",
                "--mode=all",
                f"--max-examples={args.max_examples}",
                "--phases=examples,coverage,fuzzing,stateful",
                f"--seed={args.seed}",
                f"--workers={args.workers}",
                "--continue-on-failure",
                "--request-timeout=10",
                "--report=junit",
                f"--report-dir={report}",
            ]
            started = time.monotonic()
            result = subprocess.run(command, cwd=ROOT)
            print(f"fuzz: exit {result.returncode} after {time.monotonic() - started:.0f} s", flush=True)
            failures = accept_sweep(base, args.seed)
            print(f"fuzz: Accept sweep, {len(failures)} failure(s)", flush=True)
            for failure in failures[:20]:
                print(f"  {failure}", flush=True)
        finally:
            server.terminate()
            server.wait(timeout=10)
    sys.exit(result.returncode or (1 if failures else 0))


_RANGES = ["application/json", "application/ld+json", "application/*", "*/*", "text/html", "application/problem+json"]
_PARAMETERS = ["q=0", "q=0.5", "q=1", "q=1.0", "q=0.001", "q=2", "q=", "q=-1", "Q=0.9", 'profile="x"', "", "level=1"]


def random_accept(generator: random.Random) -> str:
    """An `Accept` header built from media ranges, parameters and separators, in random case and spacing: the
    header variations that the OpenAPI document does not describe, so schemathesis never sends."""
    ranges = []
    for _ in range(generator.randint(1, 4)):
        media_range = generator.choice(_RANGES)
        if generator.random() < 0.3:
            media_range = "".join(c.upper() if generator.random() < 0.5 else c for c in media_range)
        parameters = [generator.choice(_PARAMETERS) for _ in range(generator.randint(0, 2))]
        ranges.append(";".join([media_range, *parameters]) if parameters else media_range)
    return generator.choice([",", ", ", " ,", ",,"]).join(ranges)


def accept_sweep(base: str, seed: int) -> list[str]:
    """Every entity item, a collection and a search, asked with the hostile-request tests' `Accept` variants
    and 300 random ones, GET and HEAD: each answer is JSON or JSON-LD (never a 5xx), and a plain request for
    the same URL afterwards is still JSON (nothing poisoned the response cache)."""
    generator = random.Random(seed)
    accepts = [*ACCEPT_VARIANTS, *(random_accept(generator) for _ in range(300))]
    failures: list[str] = []
    with httpx.Client(base_url=base, timeout=10.0) as client:
        urls = ["/v1/findings?limit=2", "/v1/search?q=biopsy"]
        for collection in (
            "detection-methods",
            "therapies",
            "challenges",
            "research-directions",
            "findings",
            "concepts",
        ):
            slug = client.get(f"/v1/{collection}?limit=1").json()["items"][0]["slug"]
            urls += [f"/v1/{collection}/{slug}", f"/v1/{collection}/{slug}?fields=name,links"]
        for url in urls:
            for accept in accepts:
                for method in ("GET", "HEAD"):
                    response = client.request(method, url, headers={"Accept": accept})
                    kind = response.headers.get("content-type")
                    if response.status_code != 200 or kind not in ("application/json", "application/ld+json"):
                        failures.append(f"{method} {url} Accept {accept!r}: {response.status_code} {kind}")
                if client.get(url).headers.get("content-type") != "application/json":
                    failures.append(f"GET {url} after Accept {accept!r}: not JSON")
    return failures


if __name__ == "__main__":
    main()
