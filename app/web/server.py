"""How `micromet serve` runs uvicorn: its HTTP/1.1 protocol (httptools) with limits on the request head.

uvicorn's httptools protocol has no bound on a request head and no time limit for reading one: a single
100 MB header is buffered whole (and concatenated piece by piece, stalling the event loop), and a connection
that never finishes its head stays open for ever (uvicorn's keep-alive timeout covers only the time after a
response). This subclass adds both, at the level where bytes arrive:

- a head (request line and headers) longer than `max_request_head_bytes` is answered with a 431 problem and
  the connection is closed, after at most one read's worth of bytes more than the limit was buffered;
- a head not complete `request_head_timeout` seconds after the connection opened, or after its first byte
  arrived, closes the connection.

The number of concurrent connections is capped by uvicorn's own `limit_concurrency` (`max_connections`): past
it, requests are answered 503.
"""

from __future__ import annotations

import asyncio
import json
from functools import cache
from http import HTTPStatus

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from app.settings import Settings
from app.web.responses import PROBLEM_MEDIA_TYPE
from app.web.security import API_CSP, SECURITY_HEADERS


@cache
def _limits() -> tuple[int, float]:
    """(most bytes of a request head, seconds to send one), read once per process from the settings."""
    settings = Settings()
    return settings.max_request_head_bytes, settings.request_head_timeout


def _head_too_large_response(limit: int) -> bytes:
    """The 431 answer, written straight to the socket: a problem, with the security headers, then close."""
    status = HTTPStatus.REQUEST_HEADER_FIELDS_TOO_LARGE
    body = json.dumps(
        {
            "type": "urn:micromet:problem:request-head-too-large",
            "title": status.phrase,
            "status": status.value,
            "detail": f"The request line and headers are over {limit} bytes.",
            "instance": "",
        }
    ).encode()
    headers = [
        (b"content-type", PROBLEM_MEDIA_TYPE.encode()),
        (b"content-length", str(len(body)).encode()),
        (b"connection", b"close"),
        *SECURITY_HEADERS,
        (b"content-security-policy", API_CSP),
    ]
    head = b"".join(name + b": " + value + b"\r\n" for name, value in headers)
    return f"HTTP/1.1 {status.value} {status.phrase}\r\n".encode() + head + b"\r\n" + body


class _HeadTooLarge(Exception):  # noqa: N818 (raised inside the parser to stop it)
    """Raised from a parser callback to stop parsing a head over the limit."""


class GuardedHttpToolsProtocol(HttpToolsProtocol):
    """uvicorn's httptools protocol with a size and a time limit on each request head."""

    _head_bytes = 0  # bytes received since the head began (a bound on what the parser buffers)
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
        else:
            super().send_400_response(msg)

    def on_message_begin(self) -> None:
        super().on_message_begin()
        self._reading_head = True
        self._head_size = 0

    def on_url(self, url: bytes) -> None:
        self._head_size += len(url)
        super().on_url(url)

    def on_header(self, name: bytes, value: bytes) -> None:
        self._head_size += len(name) + len(value) + 4  # ": " and CRLF
        super().on_header(name, value)

    def on_headers_complete(self) -> None:
        self._reading_head = False
        self._head_bytes = 0
        self._disarm_head_timer()
        if self._head_size > _limits()[0]:  # a head that arrived whole in one read
            self._too_large = True
            raise _HeadTooLarge
        super().on_headers_complete()

    def _refuse_head(self) -> None:
        """Answer 431 and close, once."""
        self._too_large = True
        if not self.transport.is_closing():
            limit = _limits()[0]
            self.logger.warning("request head over %d bytes from %s; closing", limit, self.client)
            self.transport.write(_head_too_large_response(limit))
            self.transport.close()

    def on_response_complete(self) -> None:
        pipelined = bool(self.pipeline)  # a request whose head was read already starts now
        super().on_response_complete()
        if not pipelined:
            self._reading_head = True  # the next bytes, whenever they come, begin a new head

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
