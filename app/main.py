"""The ASGI app: `create_app(settings)` builds it; `app` is what `uvicorn app.main:app` serves."""

from __future__ import annotations

import asyncio
import gc
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from functools import partial

import anyio.to_thread
from fastapi import FastAPI
from prometheus_client import start_http_server
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session

from app import __version__
from app.content.pipeline import seed_if_empty
from app.dataset_version import DatasetVersionCache
from app.db import create_db_engine, create_search_pool
from app.models.registry import ENTITY_KINDS, Registry
from app.models.urls import API_PREFIX
from app.routers import health, v1
from app.routers import metrics as metrics_router
from app.search.engines import search_backend
from app.search.interface import searchable_types
from app.search.suggest import Suggester
from app.services.catalog import Catalog
from app.settings import Settings
from app.web.access_log import RequestLogMiddleware, start_access_log
from app.web.caching import HTTPCacheMiddleware, ResponseCache, ResponseStore
from app.web.cors import ProblemCORSMiddleware
from app.web.docs import OPENAPI_URL, install_docs
from app.web.drain import install_drain
from app.web.guards import LastResortMiddleware, RequestTargetMiddleware, ResponseGuardMiddleware
from app.web.head import HeadAsGetMiddleware
from app.web.metrics import metrics_registry
from app.web.openapi import build_openapi, operation_id
from app.web.problems import install_problem_handlers
from app.web.rate_limit import RateLimiter, RateLimitMiddleware, trusted_networks
from app.web.responses import JSONBytesResponse
from app.web.security import SecurityHeadersMiddleware

DESCRIPTION = """
Structured, citable content about cancer micrometastases, curated from one source article
("Understanding Micrometastases in Cancer"): detection methods, therapies, research challenges and
directions, findings and concepts, and the article itself with its sections.

Every entity carries its **provenance**: the exact quote from the article, with `[start, end)` character
offsets into the verbatim text at `/v1/sources/{slug}/text`. Nothing is asserted that the article does not say.

Collections are paged (`limit`, `offset`, an RFC 8288 `Link` header) and filterable; unknown parameters are
rejected. Every error is an RFC 9457 `application/problem+json` document, quoting the request's `X-Request-ID`.
Each resource has one address: a path with a trailing slash, or under `/v1` with capitals (`/v1/therapies/
Adjuvant-Therapy`), answers a `301 Moved Permanently` to it (relative `Location`, query kept, cacheable); so does
a renamed entity's former slug, for its item, its card and oEmbed.

**Licence.** The software is MIT-licensed. The content quotes the source article, with attribution, for
reference; the article itself states no licence. This is not medical advice.
""".strip()

OTHER_TAGS = [
    {"name": "sources", "description": "The source article, its metadata and verbatim text."},
    {"name": "sections", "description": "The article's headed sections, with text and offsets."},
    {"name": "search", "description": "Ranked, highlighted, typo-tolerant search over entities and sections."},
    {"name": "meta", "description": "The dataset's version, counts and checksums."},
    {"name": "embed", "description": "HTML cards for embedding entities in other pages, and oEmbed."},
    {"name": "export", "description": "The whole dataset as JSON, NDJSON, CSV or JSON-LD, with a manifest."},
    {"name": "health", "description": "Liveness and readiness probes, outside `/v1`."},
]
"""The OpenAPI tags of the resources that are not entity kinds (each kind's tag is its collection's segment)."""


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    """Seed an empty database (when allowed), then open the read-only serving engine."""
    settings: Settings = app.state.settings
    if settings.auto_seed:
        writer = create_db_engine(settings)
        try:
            seed_if_empty(writer, settings.seed_dir, app.state.entity_kinds)
        finally:
            writer.dispose()
    anyio.to_thread.current_default_thread_limiter().total_tokens = settings.worker_threads
    engine = app.state.engine = create_db_engine(settings, read_only=True)
    # The dataset-version check has a connection of its own, so it never waits for one that request work holds.
    version_engine = create_db_engine(
        settings.model_copy(update={"database_pool_size": 1, "database_max_overflow": 0}), read_only=True
    )
    search_pool = app.state.search_pool = create_search_pool(settings)
    if search_pool is not None:
        await search_pool.open()  # connects when a search first needs a connection
    app.state.search_backend = search_backend(app.state.engine.dialect.name, app.state.searchable_types)
    app.state.speller = app.state.search_backend.speller()
    app.state.suggester = Suggester()
    app.state.dataset_version = DatasetVersionCache(version_engine, settings.freshness_interval)
    app.state.response_cache = ResponseCache(
        small=ResponseStore(
            settings.response_cache_entries, settings.response_cache_bytes, settings.response_cache_ttl, name="small"
        ),
        large=ResponseStore(
            max(1, settings.response_cache_large_bytes // settings.response_cache_large_size),
            settings.response_cache_large_bytes,
            settings.response_cache_ttl,
            name="large",
        ),
        large_size=settings.response_cache_large_size,
    )
    # Everything built so far (the app, its routes and models, the engines) lives as long as the process. Moved out
    # of the collector's generations, it is no longer scanned by every full collection, which under load stalled
    # the event loop (health checks and cached answers included) for ~0.1 s at a time.
    app.state.metrics = settings.metrics
    app.state.trusted_proxies = trusted_networks(settings.trusted_proxies)
    app.state.rate_limiter = (
        RateLimiter(settings.rate_limit, settings.redis_url) if settings.rate_limit is not None else None
    )
    if settings.metrics and settings.metrics_port is not None:  # scraped on a port of its own
        start_http_server(settings.metrics_port, addr=settings.metrics_host, registry=metrics_registry())
    install_drain(app.state, settings.shutdown_grace)
    access_log = app.state.access_log = start_access_log(settings.access_log)
    flushing = asyncio.create_task(access_log.run()) if access_log is not None else None
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()
        if flushing is not None and access_log is not None:
            flushing.cancel()
            access_log.close()  # writes what is pending
        engine.dispose()
        version_engine.dispose()
        if search_pool is not None:
            await search_pool.close()


def _filter_choices(app: FastAPI) -> dict[str, list[str]]:
    """The dataset's values for slug filters, or none before the database is open or when it is not ready."""
    engine = getattr(app.state, "engine", None)
    if engine is None:
        return {}
    try:
        with Session(engine) as session:
            return Catalog(session, app.state.entity_kinds).filter_choices()
    except SQLAlchemyError:
        return {}


def create_app(settings: Settings | None = None, entity_kinds: Registry = ENTITY_KINDS) -> FastAPI:
    """Build the app for the entity kinds of a registry (micromet's six unless a test registers more); nothing
    touches the database until the lifespan starts."""
    app = FastAPI(
        title="micromet",
        version=__version__,
        summary="Citable content about cancer micrometastases, with provenance for every fact.",
        description=DESCRIPTION,
        license_info={"name": "MIT (software); content quoted from the source article", "identifier": "MIT"},
        openapi_tags=[{"name": kind.segment, "description": kind.description} for kind in entity_kinds] + OTHER_TAGS,
        openapi_url=OPENAPI_URL,
        docs_url=None,
        redoc_url=None,
        lifespan=lifespan,
        default_response_class=JSONBytesResponse,
        generate_unique_id_function=operation_id,
    )
    # Slash redirects come from the 404 handler with a relative Location (Starlette's use the Host header).
    app.router.redirect_slashes = False
    settings = settings or Settings()
    app.state.settings = settings
    app.state.entity_kinds = entity_kinds
    app.state.searchable_types = searchable_types(entity_kinds)
    install_problem_handlers(app)
    for router in v1.routers(entity_kinds):
        app.include_router(router, prefix=API_PREFIX)
    app.include_router(health.router)
    if settings.metrics and settings.metrics_port is None:
        app.include_router(metrics_router.router)
    install_docs(app)
    app.openapi = partial(build_openapi, app, partial(_filter_choices, app))  # type: ignore[method-assign]
    # Outermost last: the request ID and access log, HEAD, security headers, CORS, the rate limit, the last-resort
    # 500 (so even a 500 passes through everything above it), the request-target checks, the response cache, and
    # innermost the time limit.
    app.add_middleware(ResponseGuardMiddleware, timeout=settings.request_timeout)
    app.add_middleware(HTTPCacheMiddleware, max_age=settings.cache_max_age, gzip_min_size=settings.gzip_min_size)
    app.add_middleware(RequestTargetMiddleware, max_length=settings.max_url_length)
    app.add_middleware(LastResortMiddleware)
    app.add_middleware(RateLimitMiddleware)
    app.add_middleware(
        ProblemCORSMiddleware,
        allow_origins=settings.cors_allow_origins,
        allow_methods=["GET", "HEAD", "OPTIONS"],
        allow_headers=["Accept", "Accept-Encoding", "If-None-Match", "If-Modified-Since", "X-Request-ID"],
        # What a page's script may read besides the safelisted headers: paging, validators, and an export's
        # dataset version, file name and digests (so a browser app can check what it downloaded).
        expose_headers=[
            "Link",
            "ETag",
            "X-Dataset-Version",
            "Content-Disposition",
            "Repr-Digest",
            "Content-Digest",
            "X-Content-SHA256",
            "X-Request-ID",
        ],
        allow_credentials=False,
        max_age=600,
    )
    app.add_middleware(SecurityHeadersMiddleware)
    app.add_middleware(HeadAsGetMiddleware)
    app.add_middleware(RequestLogMiddleware)
    return app


app = create_app()
