"""`make examples`: write app/web/openapi_examples.json, a real answer of every operation for its OpenAPI document.

Each GET operation is asked once per media type its 200 response offers, at the URL its parameters' examples make
(lists with `limit=2`, to stay short), from a server seeded with the real content. The public origin in the
answers becomes a placeholder that the document replaces with `MICROMET_PUBLIC_URL`. The export's files (the
whole dataset) are left out; its manifest is in. `tests/api/test_openapi_examples.py` fails when the file is stale.
"""

from __future__ import annotations

import json
import re
import sys
import tempfile
from pathlib import Path
from typing import Any, Protocol

import httpx

from app.web.openapi import DOCUMENTED_ORIGIN, EXAMPLES_FILE, PUBLIC_URL_PLACEHOLDER
from bench.processes import ROOT, Server, wait_ready

SKIPPED_PATHS = {"/v1/export"}
"""Operations whose answer is the whole dataset: too large to be an example (the manifest describes it)."""


class Getter(Protocol):
    """httpx's client, or a test client: what `collect` asks with."""

    def get(self, url: str, *, headers: dict[str, str]) -> Any: ...


def concrete_url(path: str, operation: dict[str, Any], media_type: str) -> str:
    """The operation's path with its parameters' examples filled in, its required query parameters, and a
    `format` parameter's value for the media type where the operation chooses it so (oEmbed's `format=xml`)."""
    query: dict[str, str] = {}
    for parameter in operation.get("parameters", []):
        schema = parameter.get("schema", {})
        examples = schema.get("examples") or parameter.get("examples") or [schema.get("default")]
        value = str(examples[0]).replace(PUBLIC_URL_PLACEHOLDER, DOCUMENTED_ORIGIN)
        if parameter["in"] == "path":
            path = path.replace("{" + parameter["name"] + "}", value)
        elif parameter["in"] == "query" and parameter.get("required"):
            query[parameter["name"]] = value
        elif parameter["in"] == "query" and parameter["name"] == "limit":
            query["limit"] = "2"
        elif parameter["in"] == "query" and parameter["name"] == "format":
            chosen = [value for value in schema.get("enum", []) if value in media_type.split("/")[-1]]
            query.update({"format": chosen[0]} if chosen else {})
    return str(httpx.URL(path, params=query))


def collect(client: Getter) -> dict[str, dict[str, Any]]:
    """path -> media type -> a real answer, with the documented origin replaced by the placeholder."""
    document = client.get("/openapi.json", headers={}).json()
    examples: dict[str, dict[str, Any]] = {}
    for path, operations in document["paths"].items():
        operation = operations.get("get")
        if operation is None or path in SKIPPED_PATHS:
            continue
        for media_type in operation["responses"].get("200", {}).get("content", {}):
            url = concrete_url(path, operation, media_type)
            response = client.get(url, headers={"Accept": media_type})
            if response.status_code != 200:
                raise RuntimeError(f"{url} ({media_type}) answered {response.status_code}: {response.text[:200]}")
            if not response.headers["content-type"].startswith(media_type):
                raise RuntimeError(f"{url} answered {response.headers['content-type']} when asked for {media_type}")
            value = response.json() if media_type.endswith("json") else response.text
            examples.setdefault(path, {})[media_type] = value
    encoded = json.dumps(examples, ensure_ascii=False).replace(DOCUMENTED_ORIGIN, PUBLIC_URL_PLACEHOLDER)
    decoded: dict[str, dict[str, Any]] = json.loads(encoded)
    return decoded


def masked(examples: dict[str, dict[str, Any]]) -> str:
    """The examples with what changes at every seed masked, for comparing two runs: generation times, and so the
    hashes of the export files that hold one."""
    copied = json.loads(json.dumps(examples))
    for media in copied.get("/v1/export/manifest", {}).values():
        for file in media.get("files", []):
            file["sha256"] = "<sha256>"
    text = json.dumps(copied, ensure_ascii=False, sort_keys=True)
    return re.sub(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:\d\d)", "<time>", text)


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        env = {
            "MICROMET_DATABASE_URL": f"sqlite:///{Path(folder) / 'examples.sqlite3'}",
            "MICROMET_PUBLIC_URL": DOCUMENTED_ORIGIN,
            "MICROMET_SEED_DIR": str(ROOT / "seed"),
        }
        server = Server("app.main:app", env, cores="")
        try:
            wait_ready(server.base, server.process)
            with httpx.Client(base_url=server.base, timeout=30) as client:
                examples = collect(client)
        finally:
            server.stop()
    EXAMPLES_FILE.write_text(json.dumps(examples, ensure_ascii=False, indent=1, sort_keys=True) + "\n")
    count = sum(len(media) for media in examples.values())
    print(
        f"wrote {count} examples for {len(examples)} operations to {EXAMPLES_FILE.relative_to(ROOT)}", file=sys.stderr
    )


if __name__ == "__main__":
    main()
