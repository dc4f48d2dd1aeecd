"""`/v1/export`: the whole dataset in one download (JSON, NDJSON, CSV or JSON-LD), and its manifest."""

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from pydantic import Field
from starlette.responses import Response

from app.deps import CatalogDep
from app.models.export import ExportManifest
from app.models.query import NoQuery
from app.services.export import ExportFormat, build_export
from app.web.caching import digest_headers
from app.web.openapi import problem_responses
from app.web.responses import JSONBytesResponse

router = APIRouter(prefix="/export", tags=["export"])

ERRORS = problem_responses(422, 500, 503)


class ExportQuery(NoQuery):
    format: ExportFormat = Field(
        default=ExportFormat.JSON,
        description="`json` (one document: each list under its items' type, `source`, `section`, `therapy`, ...; "
        "`sources` and `sections` are deprecated aliases kept until /v2), `ndjson` (one resource per line), "
        "`csv` (a zip of one file per type with the manifest) or `jsonld` (schema.org, with `sameAs` links to MeSH "
        "and NCIt).",
    )


def _header(description: str, pattern: str | None = None) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": "string"} | ({"pattern": pattern} if pattern else {})
    return {"description": description, "required": True, "schema": schema}


_SHA256_FIELD = r"^sha-256=:[A-Za-z0-9+/]{43}=:$"
EXPORT_HEADERS = {
    "X-Dataset-Version": _header("The dataset version the file holds.", r"^[0-9a-f]{16}$"),
    "Content-Disposition": _header("`attachment`, with the file's name (it carries the dataset version)."),
    "Repr-Digest": _header("RFC 9530: sha-256 of the representation as sent, gzip included.", _SHA256_FIELD),
    "Content-Digest": _header("RFC 9530: sha-256 of the content as sent (the same, for a whole file).", _SHA256_FIELD),
    "X-Content-SHA256": _header("Hex sha-256 of the file itself, decoded, whatever the coding.", r"^[0-9a-f]{64}$"),
}
"""The headers every export download carries, documented so that schemathesis checks them on each answer."""


@router.get(
    "",
    name="download",
    summary="Download the whole dataset",
    responses={
        200: {
            "description": "The export file. `X-Dataset-Version` names the dataset; `Repr-Digest` and "
            "`Content-Digest` (RFC 9530, sha-256) digest the bytes as sent, gzip included when the response is "
            "gzipped; `X-Content-SHA256` is the hex sha-256 of the file itself, whatever the content coding.",
            "content": {
                "application/json": {},
                "application/x-ndjson": {},
                "application/zip": {},
                "application/ld+json": {},
            },
            "headers": EXPORT_HEADERS,
        },
        **ERRORS,
    },
)
def download(request: Request, query: Annotated[ExportQuery, Query()], catalog: CatalogDep) -> Response:
    """Every source, section and entity, with provenance and codes; the same bytes `micromet export` writes."""
    export = build_export(catalog, query.format, request.app.state.settings.public_url)
    file = export.single()
    headers = {
        "Content-Disposition": f'attachment; filename="{file.name}"',
        "X-Dataset-Version": export.dataset_version,
        "X-Content-SHA256": file.sha256,
        **{name.decode(): value.decode() for name, value in digest_headers(file.content)},
    }
    return Response(file.content, media_type=file.media_type, headers=headers)


@router.get("/manifest", name="manifest", summary="Describe an export", response_model=ExportManifest, responses=ERRORS)
def manifest(request: Request, query: Annotated[ExportQuery, Query()], catalog: CatalogDep) -> Response:
    """The dataset version and, for each file of the export, its name, media type, size and sha256."""
    body: dict[str, Any] = build_export(catalog, query.format, request.app.state.settings.public_url).manifest()
    return JSONBytesResponse(body, headers={"X-Dataset-Version": body["dataset_version"]})
