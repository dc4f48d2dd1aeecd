"""`/healthz` and `/readyz`, outside the version prefix: for load balancers and orchestrators."""

from fastapi import APIRouter, Request
from starlette.responses import Response

from app.deps import CatalogDep
from app.errors import ServiceUnavailableError
from app.models.health import Health, Readiness
from app.web.openapi import problem_responses
from app.web.responses import JSONBytesResponse

router = APIRouter(tags=["health"])


@router.get("/healthz", name="liveness", summary="Liveness", response_model=Health)
async def healthz() -> Response:
    """200 while the process is up; it never touches the database or waits for the thread pool."""
    return JSONBytesResponse({"status": "ok"})


@router.get(
    "/readyz", name="readiness", summary="Readiness", response_model=Readiness, responses=problem_responses(503)
)
def readyz(request: Request, catalog: CatalogDep) -> Response:
    """200 when the database is reachable, seeded and at the schema revision this release serves; a 503
    problem otherwise, saying what is missing, and from the moment a SIGTERM starts the drain."""
    if getattr(request.app.state, "draining", False):
        raise ServiceUnavailableError("The server is shutting down; its requests in flight are finishing.")
    return JSONBytesResponse(catalog.readiness())
