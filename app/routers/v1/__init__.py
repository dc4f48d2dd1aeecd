"""Version 1 of the read API, all under `/v1`: a router per entity kind, generated from the registry, and one
module per other resource."""

from fastapi import APIRouter

from app.models.registry import Registry
from app.routers.v1 import export, meta, sections, sources
from app.routers.v1.embed import embed_router
from app.routers.v1.entities import entity_router
from app.routers.v1.search import search_router
from app.routers.v1.suggest import suggest_router
from app.search.interface import searchable_types


def routers(kinds: Registry) -> tuple[APIRouter, ...]:
    """The resources' routers, in matching order; the app includes each under `API_PREFIX` directly (FastAPI
    matches nested routers level by level on every request, so one level fewer is measurably cheaper)."""
    # Search first: it is the route most often computed in full (new queries miss the response cache).
    entities = tuple(entity_router(kind) for kind in kinds)
    search = search_router(searchable_types(kinds))
    suggest = suggest_router(searchable_types(kinds))
    return (
        search,
        suggest,
        *entities,
        sources.router,
        sections.router,
        meta.router,
        export.router,
        embed_router(kinds),
    )
