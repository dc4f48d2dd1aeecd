"""`make compare BASE=<rev>`: is the API's behaviour byte-identical to another revision's?

Starts the revision given (checked out in a temporary git worktree) and the working tree side by side, on copies
of one SQLite database seeded by the working tree (the base's copy marked with the base's head revision, so the
schemas must be the same on SQLite),
asks both the same few hundred requests (every route, every filter value the OpenAPI document enumerates, sparse
fieldsets and includes, JSON-LD, errors, search modes, exports, cards, oEmbed, the docs and the OpenAPI document
itself) and compares status, body and the headers that carry meaning. It prints each difference, grouped, and
exits 1 when there is any; a refactoring should have none. Loopback only; both servers are stopped at the end.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from bench.processes import ROOT, free_port, wait_ready

COMPARED_HEADERS = (
    "content-type",
    "etag",
    "link",
    "cache-control",
    "vary",
    "location",
    "allow",
    "retry-after",
    "content-security-policy",
    "x-content-type-options",
    "referrer-policy",
    "x-dataset-version",
    "x-content-sha256",
    "repr-digest",
    "content-disposition",
    "access-control-allow-origin",
)
"""Headers whose value is part of the behaviour (not `date`, not `last-modified`, which follow the seed time)."""

ENTITY_COLLECTIONS = ("detection-methods", "therapies", "challenges", "research-directions", "findings", "concepts")
LINKED_DATA = {"Accept": "application/ld+json"}


@dataclass(frozen=True)
class Probe:
    """One request of the corpus."""

    method: str
    path: str
    headers: tuple[tuple[str, str], ...] = ()

    def label(self) -> str:
        extra = " ".join(f"[{name}: {value}]" for name, value in self.headers)
        return f"{self.method} {self.path} {extra}".strip()


def corpus(client: httpx.Client) -> list[Probe]:
    """The requests, built from one server's OpenAPI document and content (so every enumerated value is asked)."""
    document = client.get("/openapi.json").json()
    probes = [Probe("GET", path) for path in ("/openapi.json", "/docs", "/redoc", "/docs/swagger-init.js")]
    probes += [Probe("GET", path) for path in ("/healthz", "/readyz", "/v1/meta", "/v1/sources", "/v1/nowhere")]
    for path, operations in document["paths"].items():
        parameters = operations.get("get", {}).get("parameters", [])
        if "{" in path:
            continue
        for parameter in parameters:
            for value in _enumerated(parameter, document)[:12]:
                probes.append(Probe("GET", f"{path}?{parameter['name']}={value}"))
    for collection in ENTITY_COLLECTIONS:
        base = f"/v1/{collection}"
        probes += [
            Probe("GET", base),
            Probe("GET", f"{base}?limit=2&offset=1"),
            Probe("GET", f"{base}?sort=-name&fields=name,summary"),
            Probe("GET", f"{base}?limit=0"),
            Probe("GET", f"{base}?nope=1"),
            Probe("GET", f"{base}?code=D007150"),
            Probe("GET", f"{base}?code=X1"),
            Probe("GET", f"{base}/no-such-slug"),
            Probe("DELETE", base),
            Probe("HEAD", base),
        ]
        for item in client.get(f"{base}?limit=100").json()["items"]:
            url = f"{base}/{item['slug']}"
            relations = ",".join(client.get(url).json()["relations"])
            probes += [
                Probe("GET", url),
                Probe("GET", f"{url}?fields=name,provenance"),
                Probe("GET", f"{url}?include={relations}"),
                Probe("GET", url, tuple(LINKED_DATA.items())),
                Probe("GET", f"{url}?fields=name,codes&include={relations}", tuple(LINKED_DATA.items())),
                Probe("GET", f"{url}/card"),
                Probe("GET", f"/v1/oembed?url=http://127.0.0.1:8000{url}"),
                Probe("GET", f"/v1/oembed?url=http://127.0.0.1:8000{url}&format=xml&maxwidth=300"),
            ]
    source = client.get("/v1/sources").json()["items"][0]["slug"]
    probes += [
        Probe("GET", f"/v1/sources/{source}"),
        Probe("GET", f"/v1/sources/{source}/text"),
        Probe("GET", f"/v1/sources/{source}/sections"),
    ]
    for section in client.get(f"/v1/sources/{source}/sections").json()["items"]:
        probes.append(Probe("GET", f"/v1/sources/{source}/sections/{section['slug']}"))
    for query in ("liquid biopsy", "immunohistochemestry", '"tumor cells"', "xyzzy", "dormant", "AND OR *", "a" * 40):
        probes += [
            Probe("GET", f"/v1/search?q={query}"),
            Probe("GET", f"/v1/search?q={query}&type=finding&type=concept&limit=3"),
            Probe("GET", f"/v1/search?q={query}&mark_start=[&mark_end=]&offset=1"),
        ]
    probes += [Probe("GET", "/v1/search?q=%20"), Probe("GET", "/v1/search"), Probe("GET", "/v1/search?q=a&q=b")]
    for export_format in ("json", "ndjson", "csv", "jsonld", "xml"):
        probes += [
            Probe("GET", f"/v1/export?format={export_format}"),
            Probe("GET", f"/v1/export/manifest?format={export_format}"),
        ]
    return probes


def _enumerated(parameter: dict[str, Any], document: dict[str, Any]) -> list[str]:
    """The values a query parameter's schema enumerates (booleans count as `true`/`false`)."""
    schema = parameter.get("schema", {})
    options = [schema, *schema.get("anyOf", [])]
    values: list[str] = []
    for option in options:
        if "$ref" in option:
            option = document["components"]["schemas"][option["$ref"].rsplit("/", 1)[1]]
        if option.get("type") == "boolean":
            values += ["true", "false"]
        values += [str(value) for value in option.get("enum", [])]
    return values


def answer(client: httpx.Client, probe: Probe) -> tuple[int, bytes, dict[str, str | None]]:
    # A request ID of the probe's own, kept by both servers, so that problems (which quote it) compare equal.
    request_id = "compare-" + hashlib.sha256(repr(probe).encode()).hexdigest()[:16]
    response = client.request(probe.method, probe.path, headers={"X-Request-ID": request_id, **dict(probe.headers)})
    return response.status_code, response.content, {name: response.headers.get(name) for name in COMPARED_HEADERS}


def serve(tree: Path, database: Path) -> tuple[subprocess.Popen[bytes], str]:
    """`uvicorn app.main:app` from `tree` on a SQLite database (seeded at start when empty)."""
    port = free_port()
    env = {
        **os.environ,
        "PYTHONPATH": str(tree),
        "MICROMET_DATABASE_URL": f"sqlite:///{database}",
        "MICROMET_SEED_DIR": str(tree / "seed"),
    }
    command = [sys.executable, "-m", "uvicorn", "app.main:app", "--port", str(port), "--log-level", "warning"]
    process = subprocess.Popen(command, cwd=tree, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    wait_ready(base, process)
    return process, base


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--base", default="HEAD", help="the revision to compare the working tree with")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        worktree = Path(folder) / "base"
        subprocess.run(["git", "worktree", "add", "--detach", "-q", str(worktree), args.base], cwd=ROOT, check=True)
        servers: list[subprocess.Popen[bytes]] = []
        try:
            # One seed, copied for both sides, so that the generation time in exports and manifests is the same.
            after, after_url = serve(ROOT, Path(folder) / "after.sqlite3")
            servers.append(after)
            shutil.copyfile(Path(folder) / "after.sqlite3", Path(folder) / "before.sqlite3")
            stamp_base_head(worktree, Path(folder) / "before.sqlite3")
            before, before_url = serve(worktree, Path(folder) / "before.sqlite3")
            servers.append(before)
            differences = compare(before_url, after_url)
        finally:
            for server in servers:
                server.terminate()
                server.wait(timeout=10)
            subprocess.run(["git", "worktree", "remove", "--force", str(worktree)], cwd=ROOT, check=False)
    sys.exit(1 if differences else 0)


def stamp_base_head(worktree: Path, database: Path) -> None:
    """Mark the base's copy with the base's own head revision, so that a base behind the working tree's schema
    still becomes ready. Only sound when the migrations in between change nothing on SQLite (0009, PostgreSQL's
    `tsquery_any`, is one); otherwise the base fails and the differences say so."""
    revisions = sorted(path.name.split("_", 1)[0] for path in (worktree / "app/migrations/versions").glob("0*.py"))
    with sqlite3.connect(database) as connection:
        connection.execute("UPDATE alembic_version SET version_num = ?", (revisions[-1],))


def compare(before_url: str, after_url: str) -> int:
    """Ask both servers every probe; print the differences; return how many there were."""
    with httpx.Client(base_url=before_url, timeout=30) as before, httpx.Client(base_url=after_url, timeout=30) as after:
        probes = corpus(after)
        versions = [client.get("/v1/meta").json()["dataset_version"] for client in (before, after)]
        kinds: Counter[str] = Counter()
        for probe in probes:
            old, new = answer(before, probe), answer(after, probe)
            if old == new:
                continue
            headers = sorted(name for name in COMPARED_HEADERS if old[2][name] != new[2][name])
            kind = f"status {old[0]}->{new[0]}" if old[0] != new[0] else ("body" if old[1] != new[1] else "headers")
            kinds[kind] += 1
            digest = hashlib.sha256(new[1]).hexdigest()[:12]
            print(f"DIFF {probe.label()}: {kind}; headers {headers}; new body sha256 {digest}", flush=True)
    print(f"dataset version: {versions[0]} -> {versions[1]}")
    print(f"{len(probes)} requests, {sum(kinds.values())} different: {dict(kinds) or 'none'}")
    return sum(kinds.values())


if __name__ == "__main__":
    main()
