"""The reference ceiling: a FastAPI async route returning pre-serialized bytes of a given size.

It does the least a FastAPI app can do for a GET (routing, one path parameter, a `Response`), so micromet's
req/s divided by this one's says how close micromet comes to the framework's own limit on this machine.
"""

from __future__ import annotations

from fastapi import FastAPI
from starlette.responses import Response

app = FastAPI()
_PAYLOADS: dict[int, bytes] = {}


@app.get("/payload/{size}")
async def payload(size: int) -> Response:
    body = _PAYLOADS.get(size)
    if body is None:
        body = _PAYLOADS[size] = b"x" * min(size, 10_000_000)
    return Response(body, media_type="application/json")
