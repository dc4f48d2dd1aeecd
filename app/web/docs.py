"""The interactive docs (`/docs`, `/redoc`), served with their own assets so they work offline.

Swagger UI and ReDoc are taken from the `fastapi-offline` package's bundled static files; no page references a
CDN, Google Fonts or any other host.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

from fastapi import APIRouter, FastAPI
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html
from fastapi.staticfiles import StaticFiles
from starlette.responses import HTMLResponse

ASSETS_PATH = "/static/docs"
OPENAPI_URL = "/openapi.json"

router = APIRouter(include_in_schema=False)


def assets_dir() -> Path:
    """Where the Swagger UI and ReDoc bundles are installed."""
    return Path(str(files("fastapi_offline") / "static"))


@router.get("/docs")
def swagger_ui() -> HTMLResponse:
    return get_swagger_ui_html(
        openapi_url=OPENAPI_URL,
        title="micromet API",
        swagger_js_url=f"{ASSETS_PATH}/swagger-ui-bundle.js",
        swagger_css_url=f"{ASSETS_PATH}/swagger-ui.css",
        swagger_favicon_url=f"{ASSETS_PATH}/favicon.png",
    )


@router.get("/redoc")
def redoc() -> HTMLResponse:
    return get_redoc_html(
        openapi_url=OPENAPI_URL,
        title="micromet API",
        redoc_js_url=f"{ASSETS_PATH}/redoc.standalone.js",
        redoc_favicon_url=f"{ASSETS_PATH}/favicon.png",
        with_google_fonts=False,
    )


def install_docs(app: FastAPI) -> None:
    """Add the docs pages and mount their assets."""
    app.include_router(router)
    app.mount(ASSETS_PATH, StaticFiles(directory=assets_dir()), name="docs-assets")
