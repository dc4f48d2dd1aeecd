"""Error responses in one place: RFC 9457 problem details for every failure, from one set of handlers.

Routes and services raise the `ProblemError` subclasses typed in app/errors.py; Starlette's and FastAPI's own
errors (unknown route, wrong method, invalid parameters) and anything unexpected are turned into the same
`application/problem+json` shape. A 500 never shows internals: the detail is fixed text and the exception only
goes to the log.
"""

from __future__ import annotations

import logging
from http import HTTPStatus
from typing import Any
from urllib.parse import parse_qsl, quote, urlencode

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, Field
from sqlalchemy.exc import DataError, DBAPIError, OperationalError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import Response
from starlette.routing import Match

from app import deadline
from app.deadline import DeadlineExceeded
from app.errors import (
    DatabaseUnavailableError,
    InvalidParam,
    InvalidParametersError,
    MovedError,
    ProblemError,
    shown,
)
from app.web.request_id import request_id_of
from app.web.responses import PROBLEM_MEDIA_TYPE, dump_json

logger = logging.getLogger("micromet")

PROBLEM_TYPE_PREFIX = "urn:micromet:problem:"


class Problem(BaseModel):
    """An RFC 9457 problem details object, the body of every error response."""

    type: str = Field(description="A URI naming the kind of problem.", examples=["urn:micromet:problem:not-found"])
    title: str = Field(description="A short summary of the kind of problem.", examples=["Not Found"])
    status: int = Field(description="The HTTP status code.", examples=[404])
    detail: str = Field(
        description="What went wrong with this request.", examples=["No detection-method with slug 'x-ray'."]
    )
    instance: str = Field(description="The path of the request.", examples=["/v1/detection-methods/x-ray"])
    invalid_params: list[InvalidParam] | None = Field(
        default=None, description="For 422: each rejected parameter and why."
    )
    request_id: str | None = Field(
        default=None,
        description="The request's ID, as in its `X-Request-ID` response header and the access log: quote it when "
        "reporting the problem.",
        examples=["4f2a9c0d1e6b47a8b3c5d7e9f1a2b3c4"],
    )


_KIND_BY_STATUS = {
    404: "not-found",
    405: "method-not-allowed",
    406: "not-acceptable",
    414: "uri-too-long",
    422: "invalid-parameters",
    503: "service-unavailable",
}


def problem_response(
    request: Request,
    status: int,
    detail: str,
    *,
    kind: str | None = None,
    invalid_params: list[InvalidParam] | None = None,
    headers: dict[str, str] | None = None,
) -> Response:
    """Render one problem as a response."""
    body = problem_body(
        status,
        detail,
        kind=kind,
        instance=_instance(request.scope),
        invalid_params=invalid_params,
        request_id=request_id_of(request.scope),
    )
    return Response(body, status_code=status, headers=headers, media_type=PROBLEM_MEDIA_TYPE)


RFC_9110_TITLES = {
    413: "Content Too Large",
    414: "URI Too Long",
    416: "Range Not Satisfiable",
    422: "Unprocessable Content",
}
"""RFC 9110's reason phrases where Python's `HTTPStatus` still has RFC 7231's ("Unprocessable Entity")."""


def problem_body(
    status: int,
    detail: str,
    *,
    kind: str | None = None,
    instance: str = "",
    invalid_params: list[InvalidParam] | None = None,
    request_id: str | None = None,
) -> bytes:
    """The JSON of one problem: the only place an error body is built (responses here, and the answers
    `micromet serve`'s protocol writes itself before any app sees a request)."""
    body: dict[str, Any] = {
        "type": PROBLEM_TYPE_PREFIX + (kind or _KIND_BY_STATUS.get(status, "http-error")),
        "title": RFC_9110_TITLES.get(status) or HTTPStatus(status).phrase,
        "status": status,
        "detail": detail,
        "instance": instance,
    }
    if invalid_params:
        body["invalid_params"] = [param.model_dump(by_alias=True) for param in invalid_params]
    if request_id is not None:
        body["request_id"] = request_id
    return dump_json(body)


def _instance(scope: Any) -> str:
    """The request's path as sent (percent-encoded, as a URI reference is), so that no character of it is
    escaped again in the JSON."""
    raw: bytes | None = scope.get("raw_path")
    return raw.decode("latin-1") if raw else str(scope["path"])


def install_problem_handlers(app: FastAPI) -> None:
    """Route every error the app can meet through `problem_response`."""
    app.add_exception_handler(ProblemError, _on_problem)
    app.add_exception_handler(MovedError, _on_moved)
    app.add_exception_handler(RequestValidationError, _on_validation_error)
    app.add_exception_handler(StarletteHTTPException, _on_http_exception)
    app.add_exception_handler(DeadlineExceeded, _on_deadline)
    app.add_exception_handler(DataError, _on_data_error)
    app.add_exception_handler(OperationalError, _on_database_unavailable)
    app.add_exception_handler(DBAPIError, _on_database_unavailable)
    app.add_exception_handler(DatabaseUnavailableError, _on_database_unavailable)
    app.add_exception_handler(Exception, _on_unexpected)


async def _on_moved(request: Request, exc: Exception) -> Response:
    """A renamed entity's former slug: a 301 to the same request with the current slug (in the path, or in
    oEmbed's `url` parameter), relative, cacheable."""
    assert isinstance(exc, MovedError)
    path: str = request.scope["path"]
    pairs = parse_qsl(request.scope.get("query_string", b"").decode("latin-1"), keep_blank_values=True)
    if path.endswith("/oembed"):
        pairs = [(name, _renamed(value, exc) if name == "url" else value) for name, value in pairs]
    else:
        path = _renamed(path, exc)
    location = quote(path, safe="/-._~!$&'()*+,;=:@") + (f"?{urlencode(pairs)}" if pairs else "")
    return _permanent_redirect(request, location)


def _renamed(url: str, exc: MovedError) -> str:
    """`url` with the path segment holding the former slug replaced by the current one."""
    head, separator, tail = url.partition("?")
    segments = [exc.slug if segment == exc.former_slug else segment for segment in head.split("/")]
    return "/".join(segments) + separator + tail


def _permanent_redirect(request: Request, location: str) -> Response:
    max_age = request.app.state.settings.cache_max_age if hasattr(request.app.state, "settings") else 300
    return Response(status_code=301, headers={"Location": location, "Cache-Control": f"public, max-age={max_age}"})


async def _on_problem(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, ProblemError)
    if exc.status == 404 and (redirect := canonical_redirect(request)) is not None:
        return redirect  # e.g. a slug in capitals: the item is at its lower-case address
    params = exc.params if isinstance(exc, InvalidParametersError) else None
    return problem_response(request, exc.status, exc.detail, kind=exc.kind, invalid_params=params, headers=exc.headers)


async def _on_validation_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    allowed = _query_parameters(request)
    params = [_invalid_param(error, allowed) for error in exc.errors()]
    return await _on_problem(request, InvalidParametersError(params))


def _query_parameters(request: Request) -> list[str]:
    """The query parameters the matched route takes (a query model's fields, by alias), in declared order."""
    dependant = getattr(request.scope.get("route"), "dependant", None)
    names: list[str] = []
    for param in dependant.query_params if dependant is not None else []:
        annotation = param.field_info.annotation
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            names += [field.alias or name for name, field in annotation.model_fields.items()]
        else:
            names.append(param.alias)
    return names


async def _on_http_exception(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StarletteHTTPException)
    if exc.status_code == 404 and (redirect := canonical_redirect(request)) is not None:
        return redirect
    headers = dict(exc.headers or {})
    if exc.status_code == 405 and "GET" in headers.get("Allow", ""):
        headers["Allow"] = "GET, HEAD"
    detail = {
        404: f"No resource at {shown(_instance(request.scope))}.",
        405: f"{request.method} is not allowed here; this API is read-only.",
    }.get(exc.status_code, str(exc.detail))
    return problem_response(request, exc.status_code, detail, headers=headers)


def timeout_response(request: Request) -> Response:
    """The 503 problem of a request that ran past the time limit (`MICROMET_REQUEST_TIMEOUT`)."""
    timeout: float = request.scope["app"].state.settings.request_timeout
    logger.warning("request timed out after %ss: %s", timeout, request.scope["path"])
    detail = f"The request took longer than {timeout:g} s; try again shortly."
    return problem_response(request, 503, detail, kind="timeout", headers={"Retry-After": "5"})


async def _on_deadline(request: Request, exc: Exception) -> Response:
    return timeout_response(request)


def canonical_redirect(request: Request) -> Response | None:
    """For a path that is a route's but for trailing slashes or the case of its letters (`/v1/therapies/`,
    `/v1/therapies/Adjuvant-Therapy`), a 301 to the one canonical address (slugs are lower case), the query kept;
    else None. Shared caches may keep it like any GET.

    `Location` is relative (the canonical path and the query as sent), never built from the request's `Host`,
    which a client controls."""
    path: str = request.scope["path"]
    canonical = "/" + path.strip("/")
    if path.startswith(CANONICAL_CASE_PREFIX):
        canonical = canonical.lower()
    if canonical == path or "//" in canonical:
        return None
    scope = {**request.scope, "path": canonical}
    if not any(route.matches(scope)[0] is not Match.NONE for route in request.app.router.routes):
        return None
    query = request.scope.get("query_string", b"").decode("latin-1")
    location = quote(canonical, safe="/-._~!$&'()*+,;=:@") + (f"?{query}" if query else "")
    return _permanent_redirect(request, location)


CANONICAL_CASE_PREFIX = "/v1/"
"""Under `/v1` every path segment is lower case (collections, slugs): another case is redirected."""


async def _on_database_unavailable(request: Request, exc: Exception) -> Response:
    if deadline.passed():  # the statement was stopped at the deadline (SQLite interrupt, statement_timeout)
        return timeout_response(request)
    logger.warning("database unavailable while serving %s: %s", request.scope["path"], exc)
    return problem_response(
        request, 503, "The database is unavailable; try again shortly.", headers={"Retry-After": "5"}
    )


async def _on_data_error(request: Request, exc: Exception) -> Response:
    """The database refused a value from the request (e.g. a NUL character in PostgreSQL text): the
    request's fault, not an outage."""
    logger.info("database refused a request value while serving %s: %s", request.scope["path"], exc)
    detail = "A request value cannot be used (it holds a character the database does not accept)."
    return problem_response(request, 400, detail, kind="bad-request")


async def _on_unexpected(request: Request, exc: Exception) -> Response:
    logger.error("unexpected error while serving %s", request.scope["path"], exc_info=exc)
    return problem_response(request, 500, "An unexpected error occurred.", kind="internal-error")


def _invalid_param(error: Any, allowed: list[str]) -> InvalidParam:
    location, *rest = [str(part) for part in error.get("loc", ())] or ["request"]
    name = ".".join(rest) or location
    reason = error.get("msg", "invalid")
    if error.get("type") == "extra_forbidden":
        reason = f"Unknown parameter; allowed: {', '.join(allowed)}." if allowed else "Unknown parameter; none allowed."
    return InvalidParam(name=name, location=location, reason=reason)
