"""Guards around every request (pure ASGI): a bound on the URL's length, one value per parameter, a time
limit, and a last-resort handler that turns an unexpected exception into a 500 problem *inside* the middleware
stack, so that even a 500 carries the security and CORS headers (Starlette's ServerErrorMiddleware sits outside
them)."""

from __future__ import annotations

import logging
from collections import Counter
from urllib.parse import unquote_plus, unquote_to_bytes

import anyio
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app import deadline
from app.errors import InvalidParam, InvalidParametersError
from app.web.problems import problem_response, timeout_response
from app.web.query import REPEATABLE_PARAMS

logger = logging.getLogger("micromet")


class RequestTargetMiddleware:
    """Check the request target before anything parses it: a path longer than `max_length` bytes is a 414
    problem, a query string that takes the target past it a 422 naming its longest parameter;
    bytes that are not UTF-8 (a client must percent-encode, and what it meant cannot be known) are a 400; a
    NUL in the path is a 404 (no resource has one, and PostgreSQL text cannot hold it); a parameter given more
    than once (other than the few that take lists) is a 422, since which value was meant is a guess."""

    def __init__(self, app: ASGIApp, max_length: int) -> None:
        self.app = app
        self.max_length = max_length

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        rejection = self._rejection(scope) if scope["type"] == "http" else None
        if rejection is None:
            await self.app(scope, receive, send)
        else:
            await rejection(scope, receive, send)

    def _rejection(self, scope: Scope) -> Response | None:
        """The problem answering a target that fails a check, or None when it passes them all."""
        raw_path: bytes = scope.get("raw_path") or scope["path"].encode()
        query_string: bytes = scope.get("query_string", b"")
        if len(raw_path) > self.max_length:
            detail = f"The path is {len(raw_path)} bytes long; the limit is {self.max_length}."
            return problem_response(Request(scope), 414, detail)
        if len(raw_path) + len(query_string) > self.max_length:
            reason = f"The query string makes the request target longer than {self.max_length} bytes."
            return _invalid_params(scope, {_longest_param(query_string): reason})
        if not (_is_utf8(raw_path) and _is_utf8(query_string)):
            detail = "The request target holds bytes that are not UTF-8; percent-encode UTF-8 text."
            return problem_response(Request(scope), 400, detail, kind="bad-request")
        if not (_decodes_to_utf8(raw_path) and _decodes_to_utf8(query_string)):
            detail = "The request target percent-encodes bytes that are not UTF-8 (e.g. %E9); encode UTF-8 text."
            return problem_response(Request(scope), 400, detail, kind="bad-request")
        if "\x00" in scope["path"]:
            return problem_response(Request(scope), 404, "No resource has a NUL character in its path.")
        repeated = _repeated_params(query_string)
        if repeated:
            return _invalid_params(
                scope, {name: f"Given {count} times; give it once." for name, count in repeated.items()}
            )
        return None


def _invalid_params(scope: Scope, reasons: dict[str, str]) -> Response:
    """The 422 problem naming each query parameter at fault, like any other validation error."""
    error = InvalidParametersError(
        [InvalidParam(name=name, location="query", reason=reason) for name, reason in reasons.items()]
    )
    return problem_response(Request(scope), 422, error.detail, invalid_params=error.params)


def _longest_param(query_string: bytes) -> str:
    """The name of the longest parameter (name and value): the one to blame for an overlong query."""
    pairs = [pair.partition(b"=") for pair in query_string.split(b"&")]
    name, _, _ = max(pairs, key=lambda pair: len(pair[0]) + len(pair[2]))
    return unquote_plus(name.decode("latin-1"), errors="replace") or "query"


def _is_utf8(raw: bytes) -> bool:
    if raw.isascii():
        return True
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _decodes_to_utf8(raw: bytes) -> bool:
    """Whether the percent-decoded bytes are UTF-8 (the parsers would silently turn the rest into U+FFFD)."""
    return b"%" not in raw or _is_utf8(unquote_to_bytes(raw))


def _repeated_params(query_string: bytes) -> dict[str, int]:
    """Parameters that occur more than once and may not; cheap when there is no `&` at all."""
    if b"&" not in query_string:
        return {}
    names = Counter(
        unquote_plus(pair.split(b"=", 1)[0].decode("latin-1"), errors="replace")
        for pair in query_string.split(b"&")
        if pair
    )
    return {name: count for name, count in names.items() if count > 1 and name not in REPEATABLE_PARAMS}


class LastResortMiddleware:
    """An exception nothing else handled becomes a 500 problem with a fixed detail (the exception goes to the
    log only). It sits inside the security-header and CORS layers, around everything else (the request-target
    checks, the response cache, the app), so that even a 500 carries every header (Starlette's own
    ServerErrorMiddleware sits outside them)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def tracking_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, tracking_send)
        except Exception:
            if started:
                raise
            logger.exception("unexpected error while serving %s", scope["path"])
            response = problem_response(Request(scope), 500, "An unexpected error occurred.", kind="internal-error")
            await response(scope, receive, send)


class ResponseGuardMiddleware:
    """The innermost guard, around the app itself: a response not started after `timeout` seconds becomes a
    503 problem with `Retry-After`. The same deadline is set for the request's work (app/deadline.py), so
    database work in a thread stops at it instead of running on, and a response that would start after it is
    the 503 instead. Answers from the response cache never reach it.
    """

    def __init__(self, app: ASGIApp, timeout: float) -> None:
        self.app = app
        self.timeout = timeout

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start" and not started:
                deadline.check()  # work that ran past the limit (in a thread, say) is answered 503, not late
                started = True
            await send(message)

        deadline.start(self.timeout)
        try:
            with anyio.move_on_after(self.timeout) as time_limit:
                await self.app(scope, receive, tracking_send)
        except Exception:
            if started or not deadline.passed():
                raise  # to LastResortMiddleware: a 500
            await timeout_response(Request(scope))(scope, receive, send)
            return
        if time_limit.cancelled_caught and not started:
            await timeout_response(Request(scope))(scope, receive, send)
