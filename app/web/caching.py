"""HTTP caching in one place: a pure ASGI layer that answers repeated GETs from memory.

The content only changes when it is reseeded, so a `/v1` response is a pure function of (dataset version, path,
query string, negotiated encoding). The first request for a URL runs the full app; its 200 response is stored with
a strong ETag per representation (identity and gzip differ), and later requests are answered from the store:
304 for a matching `If-None-Match` (or `If-Modified-Since` at or after the dataset's generation time), else the
stored bytes. Everything outside this layer (HEAD, CORS, security headers) applies to both paths alike.

The dataset version is re-read at most every `freshness_interval` seconds; a new version empties the store.
The store is bounded in entries and bytes (least recently used first out).
"""

from __future__ import annotations

import gzip
import hashlib
import time
from collections import OrderedDict
from dataclasses import dataclass
from datetime import datetime
from email.utils import format_datetime, parsedate_to_datetime

import anyio.to_thread
from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.models import DatasetInfo
from app.web.responses import wants_linked_data

CACHED_PREFIX = "/v1/"


@dataclass(frozen=True)
class DatasetStamp:
    """The dataset being served: its version and when it was generated."""

    version: str
    generated_at: datetime

    @property
    def last_modified(self) -> bytes:
        """The generation time as an HTTP date."""
        return format_datetime(self.generated_at, usegmt=True).encode("latin-1")


class DatasetClock:
    """Knows the served dataset's version, reading it from the database at most every `interval` seconds."""

    def __init__(self, engine: Engine, interval: float) -> None:
        self.engine = engine
        self.interval = interval
        self._stamp: DatasetStamp | None = None
        self._checked = float("-inf")

    @property
    def latest(self) -> DatasetStamp | None:
        """The stamp read last (the cache layer refreshes it for every `/v1` request)."""
        return self._stamp

    async def current(self) -> DatasetStamp | None:
        """The current stamp; None while the database is unavailable or not seeded."""
        now = time.monotonic()
        if now - self._checked >= self.interval:
            self._stamp = await anyio.to_thread.run_sync(self._read)
            self._checked = now
        return self._stamp

    def _read(self) -> DatasetStamp | None:
        try:
            with Session(self.engine) as session:
                info = session.get(DatasetInfo, 1)
        except SQLAlchemyError:
            return None
        return None if info is None else DatasetStamp(info.version, info.generated_at)


@dataclass(frozen=True)
class CachedResponse:
    """A 200 response in both encodings, with the ETag of each."""

    headers: list[tuple[bytes, bytes]]
    body: bytes
    etag: bytes
    gzip_body: bytes | None
    gzip_etag: bytes | None

    @property
    def size(self) -> int:
        """Bytes held, for the store's bound."""
        return len(self.body) + len(self.gzip_body or b"") + sum(len(k) + len(v) for k, v in self.headers)


class ResponseStore:
    """A bounded LRU of cached responses for one dataset version."""

    def __init__(self, max_entries: int, max_bytes: int) -> None:
        self.max_entries = max_entries
        self.max_bytes = max_bytes
        self.version: str | None = None
        self._entries: OrderedDict[tuple[str, bytes], CachedResponse] = OrderedDict()
        self._bytes = 0

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, version: str, key: tuple[str, bytes]) -> CachedResponse | None:
        """The entry for `key` if it was stored under `version`; a new version empties the store."""
        if version != self.version:
            self._entries.clear()
            self._bytes = 0
            self.version = version
            return None
        entry = self._entries.get(key)
        if entry is not None:
            self._entries.move_to_end(key)
        return entry

    def put(self, version: str, key: tuple[str, bytes], entry: CachedResponse) -> None:
        """Store an entry computed for `version`, evicting the least recently used beyond the bounds."""
        if version != self.version or entry.size > self.max_bytes:
            return
        previous = self._entries.pop(key, None)
        if previous is not None:
            self._bytes -= previous.size
        self._entries[key] = entry
        self._bytes += entry.size
        while len(self._entries) > self.max_entries or self._bytes > self.max_bytes:
            _, evicted = self._entries.popitem(last=False)
            self._bytes -= evicted.size


class HTTPCacheMiddleware:
    """Serve `/v1` GETs from the store with ETag, Last-Modified, Cache-Control, Vary and gzip."""

    def __init__(self, app: ASGIApp, *, max_age: int, gzip_min_size: int) -> None:
        self.app = app
        self.cache_control = f"public, max-age={max_age}".encode()
        self.gzip_min_size = gzip_min_size

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "GET" or not scope["path"].startswith(CACHED_PREFIX):
            await self.app(scope, receive, send)
            return
        state = scope["app"].state
        stamp: DatasetStamp | None = await state.dataset_clock.current()
        if stamp is None:
            await self.app(scope, receive, send)
            return
        store: ResponseStore = state.response_store
        key = (scope["path"], scope["query_string"] + _representation(scope))
        entry = store.get(stamp.version, key)
        if entry is None:
            entry = await self._compute(scope, receive, send, stamp)
            if entry is None:
                return  # not cacheable: already sent as the app produced it
            store.put(stamp.version, key, entry)
        await self._answer(scope, send, entry, stamp)

    async def _compute(self, scope: Scope, receive: Receive, send: Send, stamp: DatasetStamp) -> CachedResponse | None:
        messages: list[Message] = []

        async def capture(message: Message) -> None:
            messages.append(message)

        await self.app(scope, receive, capture)
        start = messages[0] if messages else None
        if start is None or start["type"] != "http.response.start" or start["status"] != 200:
            for message in messages:
                await send(message)
            return None
        body = b"".join(message.get("body", b"") for message in messages[1:])
        headers = [(name, value) for name, value in start.get("headers", []) if name.lower() != b"content-length"]
        digest = hashlib.sha256(body).hexdigest()[:20]
        gzip_body = gzip.compress(body, compresslevel=6, mtime=0) if len(body) >= self.gzip_min_size else None
        return CachedResponse(
            headers=headers,
            body=body,
            etag=f'"{stamp.version}-{digest}"'.encode(),
            gzip_body=gzip_body,
            gzip_etag=f'"{stamp.version}-{digest}-gzip"'.encode() if gzip_body is not None else None,
        )

    async def _answer(self, scope: Scope, send: Send, entry: CachedResponse, stamp: DatasetStamp) -> None:
        request_headers = dict(scope["headers"])
        use_gzip = entry.gzip_body is not None and accepts_gzip(request_headers.get(b"accept-encoding", b""))
        body = entry.gzip_body if use_gzip and entry.gzip_body is not None else entry.body
        etag = entry.gzip_etag if use_gzip and entry.gzip_etag is not None else entry.etag
        validators = [
            (b"etag", etag),
            (b"last-modified", stamp.last_modified),
            (b"cache-control", self.cache_control),
            (b"vary", b"Accept-Encoding, Accept"),
        ]
        if not_modified(request_headers, etag, stamp.generated_at):
            await send({"type": "http.response.start", "status": 304, "headers": validators})
            await send({"type": "http.response.body", "body": b""})
            return
        headers = [*entry.headers, *validators, (b"content-length", str(len(body)).encode())]
        if use_gzip:
            headers.append((b"content-encoding", b"gzip"))
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": body})


def accepts_gzip(accept_encoding: bytes) -> bool:
    """Whether `Accept-Encoding` allows gzip (listed, or `*`, with a q-value above zero)."""
    for item in accept_encoding.decode("latin-1").lower().split(","):
        coding, _, params = item.strip().partition(";")
        if coding.strip() in ("gzip", "x-gzip", "*"):
            quality = params.strip().removeprefix("q=")
            try:
                return not params or float(quality) > 0
            except ValueError:
                return False
    return False


def not_modified(headers: dict[bytes, bytes], etag: bytes, generated_at: datetime) -> bool:
    """RFC 9110 conditional GET: `If-None-Match` (weak comparison) wins over `If-Modified-Since`."""
    if_none_match = headers.get(b"if-none-match")
    if if_none_match is not None:
        if if_none_match.strip() == b"*":  # "*" matches any representation only on its own (RFC 9110 13.1.2)
            return True
        tags = [tag.strip().removeprefix(b"W/") for tag in if_none_match.split(b",")]
        return etag in tags
    if_modified_since = headers.get(b"if-modified-since")
    if if_modified_since is None:
        return False
    try:
        since = parsedate_to_datetime(if_modified_since.decode("latin-1"))
    except (TypeError, ValueError, IndexError):
        return False
    if since.tzinfo is None:
        return False
    return generated_at.replace(microsecond=0) <= since


def _representation(scope: Scope) -> bytes:
    """What else, besides path and query, selects the representation: JSON-LD for items that are asked for it
    (a byte that no query string holds keeps the two apart in the store)."""
    accept = next((value for name, value in scope["headers"] if name == b"accept"), b"")
    return b"\x00ld" if b"ld+json" in accept and wants_linked_data(accept.decode("latin-1")) else b""
