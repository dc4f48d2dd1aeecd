"""`/healthz` and `/readyz`, outside the version prefix: for load balancers and orchestrators."""

from fastapi import APIRouter
from pydantic import BaseModel
from starlette.responses import Response

from app.deps import CatalogDep
from app.web.openapi import problem_responses
from app.web.responses import JSONBytesResponse

router = APIRouter(tags=["health"])


class Health(BaseModel):
    status: str


class Readiness(BaseModel):
    status: str
    dataset_version: str


@router.get("/healthz", name="liveness", summary="Liveness", response_model=Health)
def healthz() -> Response:
    """200 while the process is up; it never touches the database."""
    return JSONBytesResponse({"status": "ok"})


@router.get(
    "/readyz", name="readiness", summary="Readiness", response_model=Readiness, responses=problem_responses(503)
)
def readyz(catalog: CatalogDep) -> Response:
    """200 when the database is reachable and seeded; 503 problem otherwise."""
    return JSONBytesResponse({"status": "ready", "dataset_version": catalog.dataset().version})
