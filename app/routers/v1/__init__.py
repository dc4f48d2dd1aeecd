"""Version 1 of the read API: one router module per resource, all under `/v1`."""

from fastapi import APIRouter

from app.routers.v1 import (
    challenges,
    concepts,
    detection_methods,
    embed,
    export,
    findings,
    meta,
    research_directions,
    search,
    sections,
    sources,
    therapies,
)
from app.services.urls import API_PREFIX

router = APIRouter(prefix=API_PREFIX)
# Search first: it is the route most often computed in full (new queries miss the response cache).
for module in (
    search,
    detection_methods,
    therapies,
    challenges,
    research_directions,
    findings,
    concepts,
    sources,
    sections,
    meta,
    export,
    embed,
):
    router.include_router(module.router)
