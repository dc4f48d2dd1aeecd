"""The benchmark's phases: micromet against the FastAPI ceiling, at 100k entities, scaled out, and under the
guarded protocol. Each returns its table of results."""

from __future__ import annotations

import argparse
import json
import random
import statistics
from dataclasses import asdict
from pathlib import Path
from typing import Any

from bench.load import Run, fetch, lua_random_words, lua_rotation, median, wrk
from bench.processes import DATA, POSTGRES_URL, Server, ensure_database, ensure_postgres

TARGETS = {
    "item GET": 1.0,
    "full page of the largest collection": 0.9,
    "filtered list": 0.9,
    "conditional GET answered 304": 1.0,
    "/v1/meta": 1.0,
    "search, 40 popular one-word queries": 0.8,
    "search, random three-word queries": 0.25,
}


def lexicon(database: Path) -> list[str]:
    import sqlite3

    with sqlite3.connect(database) as connection:
        rows = connection.execute("SELECT term FROM search_term ORDER BY documents DESC, term").fetchall()
    return [row[0] for row in rows if row[0].isalpha() and len(row[0]) > 3]


def random_searches(words: list[str], count: int = 40) -> list[str]:
    """`count` searches of three random words, as the wrk script sends them (for the ceiling's payload size)."""
    rng = random.Random(7)
    return ["/v1/search?q=" + "+".join(rng.choice(words) for _ in range(3)) for _ in range(count)]


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
                sample = rotation if "popular" in str(case["script"]) else random_searches(words)
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
            best_ours = median(ours)
            best_theirs = median(theirs)
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
                        statistics.mean(len(fetch(micromet.base + path)[1]) for path in random_searches(words))
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
                    mine, ref = median(ours), median(theirs)
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
            mine, reference = median(runs["guarded"]), median(runs["plain"])
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


def bounds(args: argparse.Namespace, folder: Path) -> dict[str, object]:
    """What new searches could reach on PostgreSQL through micromet's own stack, whatever the search did:
    micromet as it is, then with every search answering one fixed outcome (`bench/bounds.py`: canned), then the
    same after one `SELECT 1` on the search pool (round-trip), each against the ceiling, as the scale-out phase
    measures one worker (server on core 1, wrk on core 0), alternating rounds."""
    real_db = DATA / "real.sqlite3"
    ensure_database(real_db, None)
    ensure_postgres(POSTGRES_URL)
    words = lexicon(real_db)
    script = lua_random_words(words, folder, 3)
    reference_server = Server("bench.bounds:app", {"MICROMET_DATABASE_URL": POSTGRES_URL})
    try:
        sizes = {path: len(fetch(reference_server.base + path)[1]) for path in random_searches(words)}
    finally:
        reference_server.stop()
    size = int(statistics.mean(sizes.values()))
    typical = min(sizes, key=lambda path: abs(sizes[path] - size))  # the canned answer: as large as the mean
    canned_query = typical.partition("q=")[2].replace("+", " ")
    variants = {"micromet": "", "canned answer": "canned", "canned answer after SELECT 1": "round-trip"}
    servers = {
        name: Server(
            "bench.bounds:app",
            {
                "MICROMET_DATABASE_URL": POSTGRES_URL,
                "MICROMET_BENCH_BOUND": bound,
                "MICROMET_BENCH_CANNED_QUERY": canned_query,
            },
        )
        for name, bound in variants.items()
    }
    ceiling = Server("bench.ceiling:app")
    try:
        for server in servers.values():
            fetch(server.base + random_searches(words, 1)[0])  # the lexicon read, the pool opened
        runs: dict[str, list[Run]] = {name: [] for name in [*servers, "ceiling"]}
        for _ in range(args.rounds):
            for name, server in servers.items():
                runs[name].append(
                    wrk(
                        server.base + "/",
                        duration=args.duration,
                        connections=args.connections,
                        script=script,
                        cores="0",
                    )
                )
            runs["ceiling"].append(
                wrk(f"{ceiling.base}/payload/{size}", duration=args.duration, connections=args.connections, cores="0")
            )
    finally:
        for server in [*servers.values(), ceiling]:
            server.stop()
    reference = median(runs["ceiling"])
    table: dict[str, object] = {"ceiling": asdict(reference), "bytes": size, "canned_query": canned_query}
    for name in servers:
        mine = median(runs[name])
        table[name] = {**asdict(mine), "ratio": round(mine.requests_per_second / reference.requests_per_second, 3)}
        print(f"bounds: PostgreSQL, 1 worker, {name:30} ratio {table[name]['ratio']:.3f}", flush=True)  # type: ignore[index]
    return table


PHASES = ("comparison", "scale", "search", "scaleout", "bounds", "limits", "logging")


def logging_cost(args: argparse.Namespace) -> dict[str, object]:
    """The access log's cost on cached throughput: the same app and database with `MICROMET_ACCESS_LOG` off, json
    and text (and the metrics' cost: with neither), alternating rounds on the cached item GET, each server's lines
    going to a file of its own."""
    real_db = DATA / "real.sqlite3"
    ensure_database(real_db, None)
    path = "/v1/therapies/adjuvant-therapy"
    servers = {}
    for mode in ("bare", "off", "json", "text"):  # bare: neither the log nor the metrics
        log = DATA / f"access-{mode}.log"
        env = {"MICROMET_DATABASE_URL": f"sqlite:///{real_db}", "MICROMET_ACCESS_LOG": mode.replace("bare", "off")}
        env |= {"MICROMET_METRICS": "false"} if mode == "bare" else {}
        servers[mode] = Server("app.main:app", env, stdout=log)
    runs: dict[str, list[Run]] = {mode: [] for mode in servers}
    try:
        for server in servers.values():
            fetch(server.base + path)
        for _ in range(args.rounds):
            for mode, server in servers.items():
                runs[mode].append(wrk(server.base + path, duration=args.duration, connections=args.connections))
    finally:
        for server in servers.values():
            server.stop()
    off, bare = median(runs["off"]), median(runs["bare"])
    table: dict[str, object] = {
        "bare": asdict(bare),
        "off": {**asdict(off), "metrics_ratio_to_bare": round(off.requests_per_second / bare.requests_per_second, 3)},
    }
    print(f"logging: metrics on, log off: {table['off']['metrics_ratio_to_bare']:.3f} of neither", flush=True)  # type: ignore[index]
    for mode in ("json", "text"):
        logged = median(runs[mode])
        table[mode] = {**asdict(logged), "ratio_to_off": round(logged.requests_per_second / off.requests_per_second, 3)}
        print(f"logging: {mode:5} {table[mode]['ratio_to_off']:.3f} of the throughput with the log off", flush=True)  # type: ignore[index]
    return table
