"""`make bench`: drive micromet and the FastAPI ceiling with wrk, alternating, on loopback, and compare.

Servers run pinned to core 1 (where `taskset` exists) and wrk to core 0. Every run is bounded (`--duration`
seconds, a fixed connection count). Results go to `bench/results.json` and a Markdown table on stdout.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "bench" / ".data"
RESULTS = ROOT / "bench" / "results.json"
TASKSET = shutil.which("taskset")

TARGETS = {
    "item GET": 1.0,
    "full page of the largest collection": 0.9,
    "filtered list": 0.9,
    "conditional GET answered 304": 1.0,
    "/v1/meta": 1.0,
    "search, 40 popular one-word queries": 0.8,
    "search, random three-word queries": 0.25,
}


@dataclass
class Run:
    requests_per_second: float
    p50_ms: float
    p99_ms: float
    errors: int


GUARDED = (
    "import uvicorn; from app.web.server import GuardedHttpToolsProtocol; "
    "uvicorn.run({target!r}, host='127.0.0.1', port={port}, workers={workers}, access_log=False, "
    "log_level='warning', server_header=False, http=GuardedHttpToolsProtocol, ws='none')"
)


class Server:
    """A uvicorn process pinned to one core, on a free loopback port."""

    def __init__(
        self,
        target: str,
        env: dict[str, str] | None = None,
        port: int = 0,
        *,
        workers: int = 1,
        cores: str = "1",
        guarded: bool = False,
    ) -> None:
        self.port = port or _free_port()
        command = [sys.executable, "-m", "uvicorn", target, "--host", "127.0.0.1", "--port", str(self.port)]
        command += ["--workers", str(workers), "--no-access-log", "--log-level", "warning", "--no-server-header"]
        if guarded:  # the protocol `micromet serve` runs: uvicorn's httptools with head and connection limits
            command = [sys.executable, "-c", GUARDED.format(target=target, port=self.port, workers=workers)]
        if TASKSET and cores:
            command = [TASKSET, "-c", cores, *command]
        self.process = subprocess.Popen(command, cwd=ROOT, env={**os.environ, **(env or {})})
        self.base = f"http://127.0.0.1:{self.port}"
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(f"{self.base}/payload/1" if "ceiling" in target else f"{self.base}/", timeout=1)
                break
            except urllib.error.HTTPError:
                break
            except OSError:
                if time.monotonic() > deadline or self.process.poll() is not None:
                    raise RuntimeError(f"{target} did not start") from None
                time.sleep(0.2)

    def rss_mb(self) -> float:
        """Resident memory of the server process, from /proc."""
        status = Path(f"/proc/{self.process.pid}/status").read_text()
        return int(re.search(r"VmRSS:\s+(\d+) kB", status).group(1)) / 1024  # type: ignore[union-attr]

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=10)


def wait_ready(base: str, process: subprocess.Popen[bytes]) -> None:
    """Until micromet at `base` answers /readyz with 200; exits when the process dies or a minute passes."""
    deadline = time.monotonic() + 60
    while True:
        try:
            with urllib.request.urlopen(f"{base}/readyz", timeout=1) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            sys.exit(f"the server at {base} did not become ready")
        time.sleep(0.2)


def _median(runs: list[Run]) -> Run:
    """The run with the median req/s (rounds alternate with the ceiling, so both see the same machine)."""
    return sorted(runs, key=lambda run: run.requests_per_second)[len(runs) // 2]


def _free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wrk(
    url: str,
    *,
    duration: int,
    connections: int,
    script: Path | None = None,
    header: str | None = None,
    cores: str = "0",
) -> Run:
    """One bounded wrk run (on core 0 unless told otherwise); returns req/s and the latency percentiles."""
    command = ["wrk", "-t1", f"-c{connections}", f"-d{duration}s", "--timeout", "2s", "--latency"]
    if script:
        command += ["-s", str(script)]
    if header:
        command += ["-H", header]
    command.append(url)
    if TASKSET and cores:
        command = [TASKSET, "-c", cores, *command]
    output = subprocess.run(command, capture_output=True, text=True, timeout=duration + 30, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))  # type: ignore[union-attr]
    errors = sum(int(n) for n in re.findall(r"(?:connect|read|write|timeout) (\d+)", output))
    errors += int(m.group(1)) if (m := re.search(r"Non-2xx or 3xx responses: (\d+)", output)) else 0
    return Run(rps, _percentile(output, "50%"), _percentile(output, "99%"), errors)


def _percentile(output: str, label: str) -> float:
    match = re.search(rf"{re.escape(label)}\s+([\d.]+)(us|ms|s)", output)
    if not match:
        return float("nan")
    value, unit = float(match.group(1)), match.group(2)
    return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value


def fetch(url: str, header: tuple[str, str] | None = None) -> tuple[int, bytes, dict[str, str]]:
    request = urllib.request.Request(url, headers=dict([header]) if header else {})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.read(), {k.lower(): v for k, v in response.headers.items()}
    except urllib.error.HTTPError as error:
        return error.code, error.read(), {k.lower(): v for k, v in error.headers.items()}


def lua_rotation(paths: list[str], folder: Path, name: str) -> Path:
    """A wrk script that requests `paths` in turn."""
    entries = ",\n".join(json.dumps(path) for path in paths)
    script = folder / f"{name}.lua"
    script.write_text(
        f"local paths = {{\n{entries}\n}}\nlocal i = 0\n"
        "request = function()\n  i = i % #paths + 1\n  return wrk.format('GET', paths[i])\nend\n"
    )
    return script


def lua_random_words(words: list[str], folder: Path, count: int) -> Path:
    """A wrk script that searches `count` random words from `words` (mostly combinations never seen before)."""
    entries = ", ".join(json.dumps(word) for word in words)
    script = folder / "random.lua"
    picks = " .. '+' .. ".join("words[math.random(#words)]" for _ in range(count))
    script.write_text(
        f"local words = {{{entries}}}\nmath.randomseed(42)\n"
        f"request = function()\n  return wrk.format('GET', '/v1/search?q=' .. {picks})\nend\n"
    )
    return script


def lexicon(database: Path) -> list[str]:
    import sqlite3

    with sqlite3.connect(database) as connection:
        rows = connection.execute("SELECT term FROM search_term ORDER BY documents DESC, term").fetchall()
    return [row[0] for row in rows if row[0].isalpha() and len(row[0]) > 3]


CLI = [sys.executable, "-c", "from app.cli import main; main()"]


def ensure_database(path: Path, synthetic: int | None) -> None:
    """Migrate the benchmark's SQLite file to head (as a deployment would), then seed it when its content is
    not the current one (a no-op otherwise)."""
    env = {**os.environ, "MICROMET_DATABASE_URL": f"sqlite:///{path}"}
    subprocess.run([*CLI, "db", "upgrade"], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)
    command = [*CLI, "seed", *(["--synthetic", str(synthetic)] if synthetic else [])]
    subprocess.run(command, cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)


def compare(args: argparse.Namespace, folder: Path) -> dict[str, object]:
    real_db = DATA / "real.sqlite3"
    ensure_database(real_db, None)
    micromet = Server("app.main:app", {"MICROMET_DATABASE_URL": f"sqlite:///{real_db}"})
    ceiling = Server("bench.ceiling:app")
    raw = Server("bench.raw:app")
    words = lexicon(real_db)
    popular = words[:40]
    try:
        item = "/v1/therapies/adjuvant-therapy"
        etag = fetch(micromet.base + item)[2]["etag"]
        rotation = [f"/v1/search?q={word}" for word in popular]
        cases: dict[str, dict[str, object]] = {
            "item GET": {"path": item},
            "full page of the largest collection": {"path": "/v1/findings?limit=100"},
            "filtered list": {"path": "/v1/detection-methods?specimen=blood"},
            "conditional GET answered 304": {"path": item, "header": f"If-None-Match: {etag}"},
            "/v1/meta": {"path": "/v1/meta"},
            "search, 40 popular one-word queries": {"script": lua_rotation(rotation, folder, "popular")},
            "search, random three-word queries": {"script": lua_random_words(words, folder, 3)},
        }
        for case in cases.values():
            if "path" in case:
                header = tuple(str(case["header"]).split(": ", 1)) if "header" in case else None
                case["size"] = len(fetch(micromet.base + str(case["path"]), header)[1])  # type: ignore[arg-type]
            else:
                sample = (
                    rotation if "popular" in str(case["script"]) else [f"/v1/search?q={w}+{w}+{w}" for w in words[:40]]
                )
                case["size"] = int(statistics.mean(len(fetch(micromet.base + path)[1]) for path in sample))
        for path in [str(case["path"]) for case in cases.values() if "path" in case] + rotation:
            fetch(micromet.base + path)  # steady state: each popular URL has been computed once
        table: dict[str, object] = {}
        for name, case in cases.items():
            ours: list[Run] = []
            theirs: list[Run] = []
            for _ in range(args.rounds):
                ours.append(
                    wrk(
                        micromet.base + str(case.get("path", "/")),
                        duration=args.duration,
                        connections=args.connections,
                        script=case.get("script"),  # type: ignore[arg-type]
                        header=case.get("header"),  # type: ignore[arg-type]
                    )
                )
                theirs.append(
                    wrk(f"{ceiling.base}/payload/{case['size']}", duration=args.duration, connections=args.connections)
                )
            best_ours = _median(ours)
            best_theirs = _median(theirs)
            table[name] = {
                "micromet": asdict(best_ours),
                "ceiling": asdict(best_theirs),
                "ratio": round(best_ours.requests_per_second / best_theirs.requests_per_second, 2),
                "target": TARGETS[name],
                "bytes": case["size"],
            }
            print(f"{name:40} ratio {table[name]['ratio']:5.2f}  (target {TARGETS[name]})", flush=True)  # type: ignore[index]
        raw_run = wrk(raw.base + "/", duration=args.duration, connections=args.connections)
        ceiling_small = wrk(f"{ceiling.base}/payload/15", duration=args.duration, connections=args.connections)
        rss = micromet.rss_mb()
    finally:
        for server in (micromet, ceiling, raw):
            server.stop()
    return {
        "cases": table,
        "raw_asgi_vs_ceiling": round(raw_run.requests_per_second / ceiling_small.requests_per_second, 2),
        "rss_mb_real": round(rss, 1),
    }


def scale(args: argparse.Namespace) -> dict[str, object]:
    """Latency of the same requests on the real dataset and at N synthetic entities, cached and uncached."""
    real_db = DATA / "real.sqlite3"
    big_db = DATA / f"synthetic-{args.synthetic}.sqlite3"
    ensure_database(big_db, args.synthetic)
    results: dict[str, object] = {}
    for cache in ("cached", "uncached"):
        env_cache = {} if cache == "cached" else {"MICROMET_RESPONSE_CACHE_ENTRIES": "0"}
        row: dict[str, dict[str, Any]] = {}
        for label, database, slugs in (
            ("real", real_db, ("findings", "poorer-prognosis", 10)),
            ("synthetic", big_db, ("findings", "synthetic-finding-000004", 16_600)),
        ):
            server = Server("app.main:app", {"MICROMET_DATABASE_URL": f"sqlite:///{database}", **env_cache})
            collection, slug, deep = slugs
            paths = {
                "item GET": f"/v1/{collection}/{slug}",
                "first page": f"/v1/{collection}",
                "deep page": f"/v1/{collection}?offset={deep}",
                "search, common term": "/v1/search?q=micrometastases",
            }
            try:
                for name, path in paths.items():
                    fetch(server.base + path)  # computed once before measuring, as a popular URL would be
                    run = wrk(server.base + path, duration=args.duration, connections=4)
                    row.setdefault(name, {})[label] = asdict(run)
                row.setdefault("rss_mb", {})[label] = round(server.rss_mb(), 1)
            finally:
                server.stop()
        for name, figures in row.items():
            if name != "rss_mb":
                real, big = figures["real"], figures["synthetic"]
                figures["p50_ratio"] = round(big["p50_ms"] / real["p50_ms"], 2)
        results[cache] = row
        print(json.dumps({cache: row}, indent=1), flush=True)
    return results


POSTGRES_URL = os.environ.get(
    "MICROMET_BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/micromet_bench"
)


def ensure_postgres(url: str) -> None:
    """Create the benchmark's PostgreSQL database when missing, then seed it (a no-op when unchanged)."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    target = make_url(url)
    admin = create_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        exists = connection.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": target.database})
        if exists.first() is None:
            connection.execute(text(f'CREATE DATABASE "{target.database}"'))
    admin.dispose()
    env = {**os.environ, "MICROMET_DATABASE_URL": url}
    subprocess.run([*CLI, "db", "upgrade"], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)
    subprocess.run([*CLI, "seed"], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)


def scaleout(args: argparse.Namespace, folder: Path) -> dict[str, object]:
    """SQLite and PostgreSQL, one worker and two, each against a ceiling with as many workers on the same
    cores, alternating rounds. One worker: server on core 1, wrk on core 0. Two workers: servers and wrk share
    both cores (the machine has two), the same for micromet and the ceiling."""
    real_db = DATA / "real.sqlite3"
    ensure_database(real_db, None)
    ensure_postgres(POSTGRES_URL)
    words = lexicon(real_db)
    cases: dict[str, dict[str, object]] = {
        "item GET": {"path": "/v1/therapies/adjuvant-therapy"},
        "search, random three-word queries": {"script": lua_random_words(words, folder, 3)},
    }
    databases = {"SQLite": f"sqlite:///{real_db}", "PostgreSQL": POSTGRES_URL}
    table: dict[str, object] = {}
    for backend, url in databases.items():
        for workers in (1, 2):
            cores = "1" if workers == 1 else ""
            wrk_cores = "0" if workers == 1 else ""
            micromet = Server("app.main:app", {"MICROMET_DATABASE_URL": url}, workers=workers, cores=cores)
            ceiling = Server("bench.ceiling:app", workers=workers, cores=cores)
            try:
                sizes = {
                    "item GET": len(fetch(micromet.base + str(cases["item GET"]["path"]))[1]),
                    "search, random three-word queries": int(
                        statistics.mean(len(fetch(f"{micromet.base}/v1/search?q={w}+{w}+{w}")[1]) for w in words[:40])
                    ),
                }
                for _ in range(workers * 4):
                    fetch(micromet.base + str(cases["item GET"]["path"]))  # warm each worker's cache
                row: dict[str, object] = {}
                for name, case in cases.items():
                    ours, theirs = [], []
                    for _ in range(args.rounds):
                        ours.append(
                            wrk(
                                micromet.base + str(case.get("path", "/")),
                                duration=args.duration,
                                connections=args.connections,
                                script=case.get("script"),  # type: ignore[arg-type]
                                cores=wrk_cores,
                            )
                        )
                        theirs.append(
                            wrk(
                                f"{ceiling.base}/payload/{sizes[name]}",
                                duration=args.duration,
                                connections=args.connections,
                                cores=wrk_cores,
                            )
                        )
                    mine, ref = _median(ours), _median(theirs)
                    row[name] = {
                        "micromet": asdict(mine),
                        "ceiling": asdict(ref),
                        "ratio": round(mine.requests_per_second / ref.requests_per_second, 2),
                    }
                    print(f"{backend:10} {workers} worker(s)  {name:36} ratio {row[name]['ratio']:5.2f}", flush=True)  # type: ignore[index]
            finally:
                micromet.stop()
                ceiling.stop()
            table[f"{backend}, {workers} worker{'s' if workers > 1 else ''}"] = row
    return table


def limits(args: argparse.Namespace, folder: Path) -> dict[str, object]:
    """The cost of `micromet serve`'s protocol (request-head size and time limits, connection cap) against
    uvicorn's plain httptools protocol: the same app and database, alternating rounds, on the cached item GET and
    on random three-word searches (new queries)."""
    real_db = DATA / "real.sqlite3"
    ensure_database(real_db, None)
    env = {"MICROMET_DATABASE_URL": f"sqlite:///{real_db}"}
    plain = Server("app.main:app", env)
    guarded = Server("app.main:app", env, guarded=True)
    words = lexicon(real_db)
    cases: dict[str, dict[str, object]] = {
        "item GET": {"path": "/v1/therapies/adjuvant-therapy"},
        "search, random three-word queries": {"script": lua_random_words(words, folder, 3)},
    }
    table: dict[str, object] = {}
    try:
        for server in (plain, guarded):
            fetch(server.base + "/v1/therapies/adjuvant-therapy")
        for name, case in cases.items():
            runs: dict[str, list[Run]] = {"plain": [], "guarded": []}
            for _ in range(args.rounds):
                for label, server in (("plain", plain), ("guarded", guarded)):
                    runs[label].append(
                        wrk(
                            server.base + str(case.get("path", "/")),
                            duration=args.duration,
                            connections=args.connections,
                            script=case.get("script"),  # type: ignore[arg-type]
                        )
                    )
            mine, reference = _median(runs["guarded"]), _median(runs["plain"])
            table[name] = {
                "guarded": asdict(mine),
                "plain": asdict(reference),
                "ratio": round(mine.requests_per_second / reference.requests_per_second, 3),
            }
            print(f"limits: {name:36} guarded/plain {table[name]['ratio']:.3f}", flush=True)  # type: ignore[index]
    finally:
        plain.stop()
        guarded.stop()
    return table


PHASES = ("comparison", "scale", "scaleout", "limits")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--duration", type=int, default=5, help="seconds per wrk run")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--rounds", type=int, default=3, help="alternating rounds per case (median kept)")
    parser.add_argument("--synthetic", type=int, default=100_000, help="entities for the scale run (0 skips it)")
    parser.add_argument(
        "--phases", default=",".join(PHASES), help=f"comma-separated subset of {', '.join(PHASES)}; others are kept"
    )
    args = parser.parse_args()
    phases = [phase for phase in args.phases.split(",") if phase]
    if unknown := set(phases) - set(PHASES):
        sys.exit(f"unknown phases: {', '.join(sorted(unknown))}")
    if shutil.which("wrk") is None:
        sys.exit("wrk is missing: install it with `apt-get install wrk` (Debian package `wrk`), then rerun.")
    DATA.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as folder:
        results: dict[str, object] = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
        results |= {
            "date": datetime.now(UTC).isoformat(timespec="seconds"),
            "machine": {
                "cores": os.cpu_count(),
                "cpu": _cpu_model(),
                "python": platform.python_version(),
                "pinned": bool(TASKSET),
            },
            "settings": vars(args),
        }
        results["phase_dates"] = {**results.get("phase_dates", {}), **dict.fromkeys(phases, results["date"])}  # type: ignore[dict-item]
        if "comparison" in phases:
            results["comparison"] = compare(args, Path(folder))
        if "scale" in phases and args.synthetic:
            results["scale"] = scale(args)
        if "scaleout" in phases:
            results["scaleout"] = scaleout(args, Path(folder))
        if "limits" in phases:
            results["limits"] = limits(args, Path(folder))
    RESULTS.write_text(json.dumps(results, indent=2) + "\n")
    print(f"wrote {RESULTS.relative_to(ROOT)}")


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor()


if __name__ == "__main__":
    main()
