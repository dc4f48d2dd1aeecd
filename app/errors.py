"""The errors the API reports, typed in one place: services and search raise them; app/web/problems.py maps each to
an RFC 9457 response. Their details quote a request's values at most once, and cut."""

from __future__ import annotations

from http import HTTPStatus
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

MAX_QUOTED_NAME = 64
"""Longest parameter name a problem quotes; a longer one is cut there and ends with `…`, so a huge name in a
request never makes a huge answer."""


MAX_LISTED_PARAMS = 20
"""Most parameters a 422 lists; the detail says how many were invalid in all."""


def _shortened(name: str) -> str:
    return name if len(name) <= MAX_QUOTED_NAME else name[: MAX_QUOTED_NAME - 1] + "…"


class InvalidParam(BaseModel):
    """One request parameter that was not accepted, and why."""

    name: Annotated[str, AfterValidator(_shortened)] = Field(
        description=f"The parameter's name, e.g. `limit` or `specimen` (cut at {MAX_QUOTED_NAME} characters)."
    )
    location: str = Field(alias="in", description="Where it was sent: `query`, `path` or `header`.")
    reason: str = Field(description="Why it was rejected, with the allowed values where there is a fixed set.")

    model_config = ConfigDict(populate_by_name=True)


class ProblemError(Exception):
    """An error the API reports as a problem; subclasses fix the status and the type."""

    status = HTTPStatus.INTERNAL_SERVER_ERROR
    kind = "internal-error"

    def __init__(self, detail: str, *, headers: dict[str, str] | None = None) -> None:
        super().__init__(detail)
        self.detail = detail
        self.headers = headers or {}


class NotFoundError(ProblemError):
    status = HTTPStatus.NOT_FOUND
    kind = "not-found"


class MovedError(Exception):
    """The entity asked for was renamed: its former slug answers a 301 to its current URL (app/web/problems.py
    turns the request's URL into the new one)."""

    def __init__(self, former_slug: str, slug: str) -> None:
        super().__init__(f"{former_slug!r} is now {slug!r}")
        self.former_slug = former_slug
        self.slug = slug


class InvalidParametersError(ProblemError):
    """One or more request parameters are invalid; each is listed in `invalid_params`."""

    status = HTTPStatus.UNPROCESSABLE_ENTITY
    kind = "invalid-parameters"

    def __init__(self, params: list[InvalidParam]) -> None:
        names = ", ".join(dict.fromkeys(param.name for param in params))
        listed = params[:MAX_LISTED_PARAMS]
        if len(listed) < len(params):
            super().__init__(
                f"{len(params)} invalid request parameters; the first {len(listed)} are named in invalid_params."
            )
        elif len(names) > MAX_QUOTED_NAME or "…" in names:  # each name quoted once, in invalid_params only
            super().__init__("Invalid request parameter(s); each is named in invalid_params.")
        else:
            super().__init__(f"Invalid request parameter(s): {names}.")
        self.params = listed


class NotImplementedFormatError(ProblemError):
    """A format the resource does not implement (oEmbed 1.0 answers an unsupported `format` with 501)."""

    status = HTTPStatus.NOT_IMPLEMENTED
    kind = "format-not-implemented"


class ServiceUnavailableError(ProblemError):
    status = HTTPStatus.SERVICE_UNAVAILABLE
    kind = "service-unavailable"


class DatabaseUnavailableError(Exception):
    """The database could not answer: unreachable, a connection lost, or none free within the pool's timeout. Raised
    where a driver is used directly (SQLAlchemy's own errors say the same); answered as the 503 of an outage, or of
    the time limit when that is what stopped the statement."""


class ConnectionLostError(DatabaseUnavailableError):
    """The server closed the connection a statement ran on (a restart, a failover, a terminated backend): worth
    asking once more on another connection."""


def shown(text: str, limit: int = 100) -> str:
    """Text from a request, cut for quoting in a detail (the full value is in `instance` or was the client's)."""
    return text if len(text) <= limit else text[: limit - 1] + "…"
