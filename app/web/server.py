"""How `micromet serve` runs uvicorn: its HTTP/1.1 protocol (httptools) with limits of its own.

uvicorn's httptools protocol has no bound on a request head and no time limit for reading one: a single
100 MB header is buffered whole (and concatenated piece by piece, stalling the event loop), and a connection
that never finishes its head stays open for ever (uvicorn's keep-alive timeout covers only the time after a
response). This subclass adds, at the level where bytes arrive:

- a bound on the head (request line and headers): over `max_request_head_bytes` it is answered with a 431
  problem and the connection is closed, after at most one read's worth of bytes more than the limit was
  buffered, whether the head arrives whole or in pieces;
- a bound on what follows the head: the API takes no request bodies, so a body, chunked or not, with its
  trailer section, over the same number of bytes stops the reading and closes the connection after the
  response; a trailer field never becomes a request header;
- a time limit: a head not complete `request_head_timeout` seconds after the connection opened, or after its
  first byte arrived, closes the connection (a request's body, once its head is read, is not a head);
- a cap on concurrent connections (`max_connections`): past it, requests are a 503 problem with `Retry-After`,
  except `/healthz`, so that a flood of connections never makes an orchestrator restart a live server;
- problems instead of uvicorn's plain-text 400 for requests it cannot parse, with the security headers.
"""

from __future__ import annotations

import asyncio
from functools import cache
from http import HTTPStatus

from starlette.types import Receive, Scope, Send
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from app.settings import Settings
from app.web.problems import problem_body
from app.web.request_id import REQUEST_ID_HEADER, new_request_id
from app.web.responses import PROBLEM_MEDIA_TYPE
from app.web.security import API_CSP, SECURITY_HEADERS

HEALTH_TARGET = b"/healthz"


@cache
def _limits() -> tuple[int, float, int]:
    """(most bytes of a request head, seconds to send one, most connections), read once per process."""
    settings = Settings()
    return settings.max_request_head_bytes, settings.request_head_timeout, settings.max_connections


def _problem(status: HTTPStatus, kind: str, detail: str) -> tuple[list[tuple[bytes, bytes]], bytes]:
    """The headers and body of a problem answered by the protocol itself, before any app sees the request (with a
    request ID of its own: the request's headers are not read)."""
    request_id = new_request_id()
    body = problem_body(status.value, detail, kind=kind, request_id=request_id)
    headers = [
        (REQUEST_ID_HEADER, request_id.encode("ascii")),
        (b"content-type", PROBLEM_MEDIA_TYPE.encode()),
        (b"content-length", str(len(body)).encode()),
        *SECURITY_HEADERS,
        (b"content-security-policy", API_CSP),
    ]
    return headers, body


def _closing_answer(status: HTTPStatus, kind: str, detail: str) -> bytes:
    """A complete HTTP/1.1 response that closes the connection, to write straight to the socket."""
    headers, body = _problem(status, kind, detail)
    head = b"".join(name + b": " + value + b"\r\n" for name, value in [*headers, (b"connection", b"close")])
    return f"HTTP/1.1 {status.value} {status.phrase}\r\n".encode() + head + b"\r\n" + body


async def _overloaded(scope: Scope, receive: Receive, send: Send) -> None:
    """The ASGI app that answers requests past the connection cap."""
    status = HTTPStatus.SERVICE_UNAVAILABLE
    headers, body = _problem(status, "overloaded", "The server has too many connections open; try again shortly.")
    headers.append((b"retry-after", b"5"))
    await send({"type": "http.response.start", "status": status.value, "headers": headers})
    await send({"type": "http.response.body", "body": body})


class _HeadTooLarge(Exception):  # noqa: N818 (raised inside the parser to stop it)
    """Raised from a parser callback to stop parsing a head over the limit."""


class GuardedHttpToolsProtocol(HttpToolsProtocol):
    """uvicorn's httptools protocol with a size and a time limit on each request head and a connection cap."""

    _head_bytes = 0  # bytes received since the head began (a bound on what the parser buffers)
    _body_bytes = 0  # bytes received after the head: a body, chunked framing and any trailer section
    _head_size = 0  # the head's own bytes: request target, header names and values
    _reading_head = True
    _too_large = False
    _head_timer: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._arm_head_timer()

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm_head_timer()
        super().connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        if not self._reading_head:
            self._body_bytes += len(data)
            if self._body_bytes > _limits()[0]:
                self._refuse_body()
                return
            super().data_received(data)
            return
        self._arm_head_timer()
        self._head_bytes += len(data)
        super().data_received(data)
        if self._reading_head and self._head_bytes > _limits()[0]:
            self._refuse_head()

    def send_400_response(self, msg: str) -> None:
        if self._too_large:  # the parser stopped because the head was over the limit
            self._refuse_head()
            return
        self.logger.info("unparsable request from %s: %s", self.client, msg)
        if not self.transport.is_closing():
            detail = "The request is not valid HTTP/1.1 (e.g. bytes that are not ASCII in its target, unencoded)."
            self.transport.write(_closing_answer(HTTPStatus.BAD_REQUEST, "bad-request", detail))
            self.transport.close()

    def on_message_begin(self) -> None:
        super().on_message_begin()
        self._reading_head = True
        self._head_size = 0

    def on_url(self, url: bytes) -> None:
        self._head_size += len(url)
        super().on_url(url)

    def on_header(self, name: bytes, value: bytes) -> None:
        if not self._reading_head:
            return  # a chunked body's trailer section: never a request header (its bytes count as the body's)
        self._head_size += len(name) + len(value) + 4  # ": " and CRLF
        super().on_header(name, value)

    def on_headers_complete(self) -> None:
        self._reading_head = False
        self._head_bytes = self._body_bytes = 0
        self._disarm_head_timer()
        max_head, _, max_connections = _limits()
        if self._head_size > max_head:  # a head that arrived whole in one read
            self._too_large = True
            raise _HeadTooLarge
        if len(self.connections) > max_connections and not self.url.startswith(HEALTH_TARGET):
            serving, self.app = self.app, _overloaded
            try:
                super().on_headers_complete()
            finally:
                self.app = serving
            return
        super().on_headers_complete()

    def on_message_complete(self) -> None:
        super().on_message_complete()
        self._reading_head = True  # the request and its body are read: the next bytes begin a new head

    def _refuse_head(self) -> None:
        """Answer 431 and close, once."""
        self._too_large = True
        if not self.transport.is_closing():
            limit = _limits()[0]
            self.logger.warning("request head over %d bytes from %s; closing", limit, self.client)
            detail = f"The request line and headers are over {limit} bytes."
            answer = _closing_answer(HTTPStatus.REQUEST_HEADER_FIELDS_TOO_LARGE, "request-head-too-large", detail)
            self.transport.write(answer)
            self.transport.close()

    def _refuse_body(self) -> None:
        """A request body (or trailer section) over the limit: the API takes no bodies. Stop reading; close once the
        response to this request is out (never a second response on the connection)."""
        if self.cycle is None or self.cycle.response_complete:
            self.transport.close()
            return
        self.cycle.keep_alive = False
        self.flow.pause_reading()

    def _arm_head_timer(self) -> None:
        if self._head_timer is None:
            self._head_timer = self.loop.call_later(_limits()[1], self._head_timed_out)

    def _disarm_head_timer(self) -> None:
        if self._head_timer is not None:
            self._head_timer.cancel()
            self._head_timer = None

    def _head_timed_out(self) -> None:
        self._head_timer = None
        if self._reading_head and not self.transport.is_closing():
            self.logger.info("no complete request head from %s in %ss; closing", self.client, _limits()[1])
            self.transport.close()
