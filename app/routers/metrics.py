"""`GET /metrics`: Prometheus' text format, outside `/v1` (never cached) and outside the public OpenAPI
operations (it describes the server, not the content; docs/operations.md documents it)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.responses import Response

from app.web.metrics import exposition

router = APIRouter()


@router.get("/metrics", include_in_schema=False)
def metrics(request: Request) -> Response:
    """Every metric, as Prometheus scrapes it (in the thread pool: a multiprocess scrape reads files)."""
    body, media_type = exposition(request.app.state)
    return Response(body, media_type=media_type, headers={"Cache-Control": "no-store"})
