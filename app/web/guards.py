"""Guards around every request (pure ASGI): a bound on the URL's length, a time limit, and a last-resort
handler that turns an unexpected exception into a 500 problem *inside* the middleware stack, so that even a
500 carries the security and CORS headers (Starlette's own ServerErrorMiddleware sits outside them)."""

from __future__ import annotations

import logging

import anyio
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.web.problems import problem_response

logger = logging.getLogger("micromet")


class URLLengthMiddleware:
    """Answer a request target longer than `max_length` bytes with a 414 problem, before any parsing."""

    def __init__(self, app: ASGIApp, max_length: int) -> None:
        self.app = app
        self.max_length = max_length

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            length = len(scope.get("raw_path") or scope["path"].encode()) + len(scope.get("query_string", b""))
            if length > self.max_length:
                detail = f"The request target is {length} bytes long; the limit is {self.max_length}."
                await problem_response(Request(scope), 414, detail)(scope, receive, send)
                return
        await self.app(scope, receive, send)


class RequestTimeoutMiddleware:
    """Give up on a request whose response has not started after `timeout` seconds: a 503 problem with
    `Retry-After`. (Work already handed to a thread finishes in the background; its result is dropped.)"""

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
            started = started or message["type"] == "http.response.start"
            await send(message)

        with anyio.move_on_after(self.timeout) as deadline:
            await self.app(scope, receive, tracking_send)
        if deadline.cancelled_caught and not started:
            logger.warning("request timed out after %ss: %s", self.timeout, scope["path"])
            detail = f"The request took longer than {self.timeout:g} s; try again shortly."
            response = problem_response(Request(scope), 503, detail, kind="timeout", headers={"Retry-After": "5"})
            await response(scope, receive, send)


class UnexpectedErrorMiddleware:
    """The last resort: an exception nothing handled becomes a 500 problem with a fixed detail (the exception
    goes to the log only). Placed innermost, so the outer middleware still adds its headers."""

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
