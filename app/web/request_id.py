"""Request IDs: one per request, kept from the client when it is safe, on every response and problem and in the
access log, so that a client's report of an error leads to its log line (`RequestLogMiddleware` sets them)."""

from __future__ import annotations

import re
import secrets
from typing import Any

REQUEST_ID_HEADER = b"x-request-id"
VALID_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")
"""What an incoming `X-Request-ID` may be to be kept: short, and nothing a log or a header could misread."""


def new_request_id() -> str:
    """32 hex characters of randomness."""
    return secrets.token_hex(16)


def request_id_of(scope: Any) -> str | None:
    """The request's ID, once `RequestIdMiddleware` has given it one."""
    state = scope.get("state")
    return state.get("request_id") if isinstance(state, dict) else None


def chosen_request_id(headers: list[tuple[bytes, bytes]]) -> str:
    """The client's `X-Request-ID` when it is valid (the first one sent), else a new one."""
    given = next((value for name, value in headers if name.lower() == REQUEST_ID_HEADER), None)
    text = given.decode("latin-1") if given is not None else ""
    return text if VALID_REQUEST_ID.fullmatch(text) else new_request_id()
