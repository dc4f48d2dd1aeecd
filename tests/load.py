"""Heavy concurrent traffic against a live server, from a process of its own (so that its clients do not
compete with the test's measurements for one interpreter): `python -m tests.load BASE_URL SECONDS CLIENTS`.

Each client sends requests that the response cache cannot answer (new typo-laden searches that need spelling
correction, items with every relation embedded and a new sparse fieldset) until the time is up, then one JSON
line reports every answer's status, problem type and duration.
"""

from __future__ import annotations

import asyncio
import json
import random
import string
import sys
import time

import httpx2 as httpx

ITEM = "/v1/concepts/micrometastasis?include=used_by&fields={fields}"
FIELDS = ("name", "summary", "relations", "provenance", "codes", "links", "definition")


def heavy_url(generator: random.Random) -> str:
    """A URL the cache has not seen: a search of 32 invented words (each sent to the speller), or an item
    with its relations embedded and a sparse fieldset chosen at random."""
    if generator.random() < 0.7:
        words = "+".join("".join(generator.choices(string.ascii_lowercase, k=9)) for _ in range(32))
        return f"/v1/search?q={words}&limit={generator.randint(1, 100)}"
    chosen = generator.sample(FIELDS, generator.randint(1, len(FIELDS)))
    return ITEM.format(fields=",".join(chosen))


async def client(base_url: str, until: float, seed: int, answers: list[dict[str, object]]) -> None:
    generator = random.Random(seed)
    async with httpx.AsyncClient(base_url=base_url, timeout=30.0) as http:
        while time.monotonic() < until:
            started = time.monotonic()
            response = await http.get(heavy_url(generator))
            problem = response.json().get("type") if response.headers.get("content-type", "").endswith("json") else None
            answers.append(
                {
                    "status": response.status_code,
                    "type": problem if response.status_code >= 400 else None,
                    "seconds": time.monotonic() - started,
                }
            )


async def main(base_url: str, seconds: float, clients: int) -> None:
    answers: list[dict[str, object]] = []
    until = time.monotonic() + seconds
    await asyncio.gather(*(client(base_url, until, seed, answers) for seed in range(clients)))
    print(json.dumps(answers))


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], float(sys.argv[2]), int(sys.argv[3])))
