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

ROUTERS: tuple[APIRouter, ...] = tuple(
    module.router
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
    )
)
"""The resources' routers, in matching order; the app includes each under `API_PREFIX` directly (FastAPI matches
nested routers level by level on every request, so one level fewer is measurably cheaper)."""
