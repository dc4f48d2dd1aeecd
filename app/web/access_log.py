"""The access log: one line per request, JSON or text, written off the request's path.

Each line holds the time, method, path, route template, status, bytes, duration in ms, the cache outcome (`hit`,
`miss`, `304`, `bypass`), the request ID and the client address. A request only appends a tuple of what it already
has; lines are formatted in batches every tenth of a second and written by a thread, so the request never waits on
the output and logging costs a few microseconds per request. Paths and queries are cut at 1 KiB and their control
characters escaped, so a request cannot write a line of its own into the log.
"""

from __future__ import annotations

import asyncio
import queue
import re
import sys
import threading
import time
from datetime import UTC, datetime
from enum import StrEnum
from functools import lru_cache
from typing import Any

import orjson
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.settings import AccessLogFormat
from app.web.metrics import CACHE, observe_request
from app.web.request_id import REQUEST_ID_HEADER, chosen_request_id

MAX_LOGGED_LENGTH = 1024
"""Longest path or query string a line holds; the rest is cut and marked."""
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


class CacheOutcome(StrEnum):
    """How the response cache answered: from memory, computed and stored, a revalidated 304, or not at all."""

    HIT = "hit"
    MISS = "miss"
    NOT_MODIFIED = "304"
    BYPASS = "bypass"


def note_cache_outcome(scope: Scope, outcome: CacheOutcome, route: str = "") -> None:
    """Called by the response cache: how it answered, and (for a stored answer) the route that computed it."""
    state = scope.setdefault("state", {})
    state["cache"] = outcome
    if route:
        state["route"] = route


def route_template(scope: Scope) -> str:
    """The route's path template (`/v1/therapies/{slug}`), from routing or from the cached entry; `-` if none."""
    route = scope.get("route")
    template = getattr(route, "path", None)
    if isinstance(template, str):
        # FastAPI matches included routers level by level: the route's path is its router's, the prefix the
        # include's (a test pins this, should a FastAPI release move it).
        fastapi_scope = scope.get("fastapi")
        included = fastapi_scope.get("included_router") if isinstance(fastapi_scope, dict) else None
        prefix = getattr(getattr(included, "include_context", None), "prefix", "")
        return f"{prefix if isinstance(prefix, str) else ''}{template}"
    state = scope.get("state")
    return str(state.get("route", "-")) if isinstance(state, dict) else "-"


def safe(text: str) -> str:
    """`text` cut at `MAX_LOGGED_LENGTH` characters, its control characters escaped (`\\x0a`)."""
    if len(text) <= MAX_LOGGED_LENGTH and text.isprintable():  # the common case, checked in C
        return text
    cut = text[:MAX_LOGGED_LENGTH] + ("…" if len(text) > MAX_LOGGED_LENGTH else "")
    return _CONTROL.sub(lambda match: f"\\x{ord(match.group()):02x}", cut)


class AccessLog:
    """Lines waiting to be written. A request only appends a tuple of what it already has; every
    `FLUSH_INTERVAL` (and at shutdown) the lines are formatted in one batch and handed to a thread that writes
    them, so the event loop never waits on the output."""

    def __init__(self, log_format: AccessLogFormat, stream: Any = None) -> None:
        self.format = format_json if log_format is AccessLogFormat.JSON else format_text
        self.stream = stream or sys.stdout
        self.pending: list[tuple[Any, ...]] = []
        self._writes: queue.SimpleQueue[str | None] = queue.SimpleQueue()
        self._writer = threading.Thread(target=self._write, name="micromet-access-log", daemon=True)
        self._writer.start()

    def add(self, line: tuple[Any, ...]) -> None:
        self.pending.append(line)

    def flush(self) -> None:
        """Format what is pending and queue it for the writer."""
        lines, self.pending = self.pending, []
        if lines:
            self._writes.put("".join(self.format(line) + "\n" for line in lines))

    async def run(self) -> None:
        """Flush every `FLUSH_INTERVAL` until cancelled (the lifespan's task)."""
        while True:
            await asyncio.sleep(FLUSH_INTERVAL)
            self.flush()

    def close(self) -> None:
        """Flush, and wait for the writer to write everything."""
        self.flush()
        self._writes.put(None)
        self._writer.join(timeout=5)

    def _write(self) -> None:
        while (text := self._writes.get()) is not None:
            self.stream.write(text)
            self.stream.flush()


FLUSH_INTERVAL = 0.1
"""Seconds between batches of lines: how late a line may appear."""


def _fields(line: tuple[Any, ...]) -> dict[str, Any]:
    """A queued line as named fields; the path and query made safe only now, off the request's path."""
    stamp, method, raw_path, query, route, status, sent, duration, cache, request_id, client = line
    return {
        "time": _timestamp(stamp),
        "method": method,
        "path": safe(raw_path.decode("latin-1")),
        "query": safe(query.decode("latin-1")),
        "route": route,
        "status": status,
        "bytes": sent,
        "duration_ms": round(duration * 1000, 3),
        "cache": str(cache),
        "request_id": request_id,
        "client": client,
    }


@lru_cache(maxsize=4)
def _second(whole: int) -> str:
    return datetime.fromtimestamp(whole, UTC).strftime("%Y-%m-%dT%H:%M:%S")


def _timestamp(stamp: float) -> str:
    """ISO 8601 in UTC with milliseconds; the second's part is formatted once per second."""
    whole = int(stamp)
    return f"{_second(whole)}.{int((stamp - whole) * 1000):03d}+00:00"


def format_json(line: tuple[Any, ...]) -> str:
    return orjson.dumps(_fields(line)).decode()


def format_text(line: tuple[Any, ...]) -> str:
    """`client - [time] "METHOD path?query" status bytes duration_ms cache route request_id`."""
    access = _fields(line)
    target = access["path"] + (f"?{access['query']}" if access["query"] else "")
    return (
        f'{access["client"]} - [{access["time"]}] "{access["method"]} {target}" {access["status"]} '
        f"{access['bytes']} {access['duration_ms']}ms {access['cache']} {access['route']} {access['request_id']}"
    )


def start_access_log(log_format: AccessLogFormat, stream: Any = None) -> AccessLog | None:
    """The access log for a format (stdout by default), or None when it is off."""
    return None if log_format is AccessLogFormat.OFF else AccessLog(log_format, stream)


class RequestLogMiddleware:
    """The outermost layer, one wrapper for four jobs: every response, cached or computed, a problem or not,
    carries the request's ID (`X-Request-ID`); the requests in flight are counted (what a drain waits for); when
    the access log is on, the request's line is added; when the metrics are, the request is counted and timed."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = chosen_request_id(scope.get("headers", []))
        scope.setdefault("state", {})["request_id"] = request_id
        header = (REQUEST_ID_HEADER, request_id.encode("ascii"))
        app_state = scope["app"].state if "app" in scope else None
        log: AccessLog | None = getattr(app_state, "access_log", None)
        measured = bool(getattr(app_state, "metrics", False))
        started = time.perf_counter()
        status, sent = 0, 0
        if app_state is not None:
            app_state.in_flight = getattr(app_state, "in_flight", 0) + 1  # what a drain waits for

        async def answering(message: Message) -> None:
            nonlocal status, sent
            if message["type"] == "http.response.start":
                status = message["status"]
                headers = [(k, v) for k, v in message.get("headers", []) if k.lower() != REQUEST_ID_HEADER]
                message = {**message, "headers": [*headers, header]}
            elif message["type"] == "http.response.body":
                sent += len(message.get("body", b""))
            await send(message)

        try:
            await self.app(scope, receive, answering)
        finally:
            if app_state is not None:
                app_state.in_flight -= 1
            if measured:
                outcome = scope["state"].get("cache")
                observe_request(route_template(scope), scope["method"], status, time.perf_counter() - started)
                if outcome is not None:
                    CACHE.labels(str(outcome)).inc()
            if log is not None:  # a few values the request already has; formatted later, in a batch
                state, client = scope["state"], scope.get("client")
                log.add(
                    (
                        time.time(),
                        scope["method"],
                        scope.get("raw_path") or scope["path"].encode(),
                        scope.get("query_string", b""),
                        route_template(scope),
                        status,
                        sent,
                        time.perf_counter() - started,
                        state.get("cache", CacheOutcome.BYPASS),
                        request_id,
                        client[0] if client else "-",
                    )
                )
