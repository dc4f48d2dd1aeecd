"""HTTP caching in one place: a pure ASGI layer that answers repeated GETs from memory.

The content only changes when it is reseeded, so a `/v1` response is a pure function of the dataset version and
the *representation* asked for: the path, the query's meaning and the negotiated media type. The store's key is
exactly that, so two requests share an entry exactly when the same bytes answer both:

- the query in canonical form: decoded as the app decodes it (`%6F` and `o`, `+` and `%20` alike), and the
  parameters in order of name (a repeated one keeps its values' order, which can matter);
- the media type that `Accept` negotiates (RFC 9110, app/web/negotiation.py: case, q-values, wildcards), for
  the responses that vary on it (the route says so with `Vary: Accept`); any other response is one entry
  whatever `Accept` says;
- the content coding: each entry holds the identity and the gzip bytes, each with its own strong ETag. The gzip
  bytes are made when a request that accepts them first meets the entry, not before: a response computed for a
  client that never asks for gzip (a new search from a script, say) costs no compression.

The first request for a representation runs the full app; its 200 response is stored, and later requests are
answered from the store: 304 for a matching `If-None-Match` (or `If-Modified-Since` at or after the dataset's
generation time), else the stored bytes. Everything outside this layer (HEAD, CORS, security headers) applies to
both paths alike. The docs' static assets (Swagger UI, ReDoc) are cached the same way, so they are gzipped too.

Bounds: entries and bytes, with large responses (exports) in a store of their own so that they never push out
the small ones; each store is a segmented LRU, in which an entry asked for twice is protected from a flood of
entries asked for once; and every entry expires after `response_cache_ttl` seconds. The dataset version is
re-read at most once per `freshness_interval`, by one request at a time, on a thread and a connection of its
own, so that neither it nor a cached answer ever waits behind request work; a new version empties the store.
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import posixpath
import re
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime
from email.utils import parsedate_to_datetime
from operator import itemgetter
from urllib.parse import parse_qsl, urlencode

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.dataset_version import DatasetStamp
from app.web.access_log import CacheOutcome, note_cache_outcome, route_template
from app.web.metrics import CACHE_BYTES, CACHE_ENTRIES, CACHE_EVICTIONS
from app.web.negotiation import JSON_OR_LINKED_DATA, negotiate

STATIC_PREFIX = "/static/docs/"
CACHED_PREFIXES = ("/v1/", STATIC_PREFIX)
"""The API, and the docs' static assets (large, and worth gzipping)."""

CacheKey = tuple[str, str, str]
"""(path, canonical query, negotiated media type or "" for the default representation)."""

PROTECTED_SHARE = 0.8
"""The share of a store's bounds kept for entries that were asked for more than once."""


@dataclass(frozen=True)
class CachedResponse:
    """A 200 response in both encodings, with the ETag of each, and whether it depends on `Accept`."""

    headers: list[tuple[bytes, bytes]]
    body: bytes
    etag: bytes
    gzip_body: bytes | None
    gzip_etag: bytes | None
    varies_on_accept: bool = False
    digests: list[tuple[bytes, bytes]] = field(default_factory=list)
    """`Repr-Digest` and `Content-Digest` of the identity body, for a response whose route digests it."""
    gzip_digests: list[tuple[bytes, bytes]] = field(default_factory=list)
    """The same for the gzip body: RFC 9530 digests the representation as sent, content coding included."""
    route: str = ""
    """The route template that computed it, for the access log of the answers given from memory."""
    gzippable: bool = False
    """Large enough to be sent gzipped (`gzip_min_size`), whether or not the gzip bytes are made yet."""

    def with_gzip(self) -> CachedResponse:
        """This entry with its gzip bytes, their ETag (the identity's, marked `-gzip`) and, for a route that
        digests its body, their digests."""
        gzip_body = gzip.compress(self.body, compresslevel=6, mtime=0)
        return replace(
            self,
            gzip_body=gzip_body,
            gzip_etag=self.etag[:-1] + b'-gzip"',
            gzip_digests=digest_headers(gzip_body) if self.digests else [],
        )

    @property
    def size(self) -> int:
        """Bytes held, for the store's bound."""
        return len(self.body) + len(self.gzip_body or b"") + sum(len(k) + len(v) for k, v in self.headers)


class ResponseStore:
    """Cached responses of one dataset version, bounded in entries and bytes, each kept at most `ttl` seconds.

    A segmented LRU: a new entry starts on probation; asked for again, it moves to the protected segment (at
    most PROTECTED_SHARE of the bounds). Eviction takes the least recently used entry on probation first, so a
    flood of URLs asked for once cannot push out what is in use.
    """

    def __init__(
        self,
        max_entries: int,
        max_bytes: int,
        ttl: float = float("inf"),
        clock: Callable[[], float] = time.monotonic,
        name: str = "small",
    ) -> None:
        self.name = name
        """The store's label in the metrics (`small`, `large`)."""
        self.max_entries = max_entries
        self.max_bytes = max_bytes
        self.ttl = ttl
        self.clock = clock
        self.version: str | None = None
        self._probation: OrderedDict[CacheKey, tuple[CachedResponse, float]] = OrderedDict()
        self._protected: OrderedDict[CacheKey, tuple[CachedResponse, float]] = OrderedDict()
        self._bytes = 0
        self._protected_bytes = 0

    def __len__(self) -> int:
        return len(self._probation) + len(self._protected)

    @property
    def bytes(self) -> int:
        """Bytes held by the entries."""
        return self._bytes

    def get(self, version: str, key: CacheKey) -> CachedResponse | None:
        """The entry for `key` if it was stored under `version` and has not expired; a new version empties
        the store."""
        if version != self.version:
            self._probation.clear()
            self._protected.clear()
            self._bytes = self._protected_bytes = 0
            self.version = version
            return None
        found = self._protected.get(key)
        if found is not None:
            self._protected.move_to_end(key)
        else:
            found = self._probation.pop(key, None)
            if found is None:
                return None
            self._protected[key] = found  # asked for a second time: protected
            self._protected_bytes += found[0].size
            self._demote_overflow()
        entry, stored_at = found
        if self.clock() - stored_at > self.ttl:
            self._remove(key)
            return None
        return entry

    def put(self, version: str, key: CacheKey, entry: CachedResponse) -> None:
        """Store an entry computed for `version`, evicting beyond the bounds (probation first)."""
        if version != self.version or entry.size > self.max_bytes or self.max_entries == 0:
            return
        self._remove(key)
        self._probation[key] = (entry, self.clock())
        self._bytes += entry.size
        self._evict_overflow()

    def replace(self, version: str, key: CacheKey, entry: CachedResponse) -> None:
        """Put `entry` in place of the one stored for `key`, in the same segment and with the same age (its
        gzip bytes were made); stored anew if it is gone."""
        for segment in (self._protected, self._probation):
            found = segment.get(key)
            if found is not None and version == self.version:
                grown = entry.size - found[0].size
                segment[key] = (entry, found[1])
                self._bytes += grown
                if segment is self._protected:
                    self._protected_bytes += grown
                self._evict_overflow()
                return
        self.put(version, key, entry)

    def _evict_overflow(self) -> None:
        while len(self) > self.max_entries or self._bytes > self.max_bytes:
            segment = self._probation or self._protected
            evicted_key = next(iter(segment))
            self._remove(evicted_key)
            CACHE_EVICTIONS.labels(self.name).inc()
        CACHE_ENTRIES.labels(self.name).set(len(self))
        CACHE_BYTES.labels(self.name).set(self._bytes)

    def _remove(self, key: CacheKey) -> None:
        found = self._probation.pop(key, None)
        if found is None:
            found = self._protected.pop(key, None)
            if found is None:
                return
            self._protected_bytes -= found[0].size
        self._bytes -= found[0].size

    def _demote_overflow(self) -> None:
        """Move the protected segment's least recently used entries back to probation beyond its share."""
        max_entries = max(1, int(self.max_entries * PROTECTED_SHARE))
        max_bytes = self.max_bytes * PROTECTED_SHARE
        while len(self._protected) > 1 and (len(self._protected) > max_entries or self._protected_bytes > max_bytes):
            key, found = self._protected.popitem(last=False)
            self._protected_bytes -= found[0].size
            self._probation[key] = found


class ResponseCache:
    """Two stores: one for ordinary responses, one of its own for large ones (exports), so that large
    responses never compete with small ones for the same budget."""

    def __init__(self, small: ResponseStore, large: ResponseStore, large_size: int) -> None:
        self.small = small
        self.large = large
        self.large_size = large_size

    def get(self, version: str, key: CacheKey) -> CachedResponse | None:
        """The entry for `key` in either store."""
        return self.small.get(version, key) or self.large.get(version, key)

    def put(self, version: str, key: CacheKey, entry: CachedResponse) -> None:
        """Keep `entry` in the store its size belongs to."""
        (self.large if entry.size >= self.large_size else self.small).put(version, key, entry)

    def replace(self, version: str, key: CacheKey, entry: CachedResponse) -> None:
        """Put `entry` in place of the one stored for `key` (its gzip bytes were made)."""
        (self.large if entry.size >= self.large_size else self.small).replace(version, key, entry)

    def lookup(self, version: str, path: str, query: str, media_type: str) -> CachedResponse | None:
        """The entry answering this representation: the one for its media type where the resource varies on
        `Accept`, else the resource's one entry."""
        default = self.get(version, (path, query, ""))
        if not media_type or (default is not None and not default.varies_on_accept):
            return default
        return self.get(version, (path, query, media_type))


_STRIPPED_HEADERS = frozenset(
    {b"content-length", b"etag", b"last-modified", b"cache-control", b"vary", b"accept-ranges"}
)
"""Headers of the computed response that this layer sets itself (or, for ranges, does not honour)."""


class HTTPCacheMiddleware:
    """Serve `/v1` GETs from the store with ETag, Last-Modified, Cache-Control, Vary and gzip."""

    def __init__(self, app: ASGIApp, *, max_age: int, gzip_min_size: int) -> None:
        self.app = app
        self.cache_control = f"public, max-age={max_age}".encode()
        self.gzip_min_size = gzip_min_size

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "GET" or not scope["path"].startswith(CACHED_PREFIXES):
            await self.app(scope, receive, send)
            return
        state = scope["app"].state
        stamp: DatasetStamp | None = await state.dataset_version.current()
        if stamp is None:
            await self.app(scope, receive, send)
            return
        cache: ResponseCache = state.response_cache
        path = scope["path"]
        if path.startswith(STATIC_PREFIX):
            # A static file is its normalized path, whatever the query or the dot segments (`a/../x.js` is
            # `x.js`), and always the whole file: ranges are not honoured, so a range never reaches it.
            path, query = posixpath.normpath(path), ""
            scope = {**scope, "headers": [(k, v) for k, v in scope["headers"] if k not in (b"range", b"if-range")]}
        else:
            query = canonical_query(scope["query_string"])
        media_type = negotiated_media_type(scope)
        request_headers = dict(scope["headers"])
        wants_gzip = accepts_gzip(request_headers.get(b"accept-encoding", b""))
        entry = cache.lookup(stamp.version, path, query, media_type)
        outcome = CacheOutcome.HIT
        if entry is None:
            entry = await self._compute(scope, receive, send, stamp)
            if entry is None:
                return  # not cacheable: already sent as the app produced it
            if entry.gzippable and wants_gzip:
                entry = entry.with_gzip()
            cache.put(stamp.version, (path, query, media_type if entry.varies_on_accept else ""), entry)
            outcome = CacheOutcome.MISS
        elif entry.gzippable and entry.gzip_body is None and wants_gzip:
            entry = entry.with_gzip()
            cache.replace(stamp.version, (path, query, media_type if entry.varies_on_accept else ""), entry)
        if await self._answer(send, entry, stamp, request_headers, wants_gzip):
            outcome = CacheOutcome.NOT_MODIFIED
        note_cache_outcome(scope, outcome, entry.route)

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
        raw_headers: list[tuple[bytes, bytes]] = start.get("headers", [])
        headers = [(name, value) for name, value in raw_headers if name.lower() not in _STRIPPED_HEADERS]
        varies = any(
            name.lower() == b"vary" and b"accept" in (part.strip() for part in value.lower().split(b","))
            for name, value in raw_headers
        )
        digest = hashlib.sha256(body).hexdigest()[:20]
        digested = any(name.lower() == b"repr-digest" for name, _ in headers)
        if digested:
            headers = [(name, value) for name, value in headers if name.lower() not in _DIGEST_HEADERS]
        return CachedResponse(
            headers=headers,
            body=body,
            etag=f'"{stamp.version}-{digest}"'.encode(),
            gzip_body=None,
            gzip_etag=None,
            varies_on_accept=varies,
            digests=digest_headers(body) if digested else [],
            route=route_template(scope),
            gzippable=len(body) >= self.gzip_min_size,
        )

    async def _answer(
        self,
        send: Send,
        entry: CachedResponse,
        stamp: DatasetStamp,
        request_headers: dict[bytes, bytes],
        wants_gzip: bool,
    ) -> bool:
        """Send the entry, or a 304 when the request's validators match it (then True)."""
        use_gzip = entry.gzip_body is not None and wants_gzip
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
            return True
        headers = [*entry.headers, *validators, (b"content-length", str(len(body)).encode())]
        headers += entry.gzip_digests if use_gzip else entry.digests
        if use_gzip:
            headers.append((b"content-encoding", b"gzip"))
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        # A large body goes in chunks, so that the server's flow control paces it to the client's reading (and the
        # request stays in flight, for a drain, until it is nearly read).
        starts = range(0, len(body), SEND_CHUNK) if body else range(1)
        for start in starts:
            chunk = body[start : start + SEND_CHUNK]
            await send({"type": "http.response.body", "body": chunk, "more_body": start + SEND_CHUNK < len(body)})
        return False


_DIGEST_HEADERS = {b"repr-digest", b"content-digest"}
SEND_CHUNK = 65536


def digest_headers(content: bytes) -> list[tuple[bytes, bytes]]:
    """RFC 9530's `Repr-Digest` and `Content-Digest` (sha-256) of a representation sent whole: for a full,
    unranged response both digest the bytes on the wire, after any content coding."""
    value = b"sha-256=:" + base64.b64encode(hashlib.sha256(content).digest()) + b":"
    return [(b"repr-digest", value), (b"content-digest", value)]


def canonical_query(query_string: bytes) -> str:
    """The query as the app understands it, in one spelling: decoded as Starlette decodes it (latin-1, then
    percent-decoding as UTF-8, `+` as a space), blank values kept, empty pairs dropped, sorted by name (values of a
    repeated name keep their order), and encoded again."""
    if not query_string:
        return ""
    text = query_string.decode("latin-1")
    if _PLAIN_QUERY.fullmatch(text):  # nothing to decode: order the pairs, as the full path would
        plain = [pair if "=" in pair else f"{pair}=" for pair in text.split("&") if pair]
        plain.sort(key=_pair_name)
        return "&".join(plain)
    pairs = parse_qsl(text, keep_blank_values=True)
    pairs.sort(key=itemgetter(0))
    return urlencode(pairs)


_PLAIN_QUERY = re.compile(r"(?:[A-Za-z0-9_.~-]*(?:=[A-Za-z0-9_.~-]*)?(?:&|$))*")
"""A query with nothing encoded: its canonical form needs no decoding (urlencode keeps exactly these characters)."""


def _pair_name(pair: str) -> str:
    return pair.partition("=")[0]


def negotiated_media_type(scope: Scope) -> str:
    """The media type that `Accept` negotiates among those a resource may offer; "" for the default."""
    accept = next((value for name, value in scope["headers"] if name == b"accept"), b"")
    if not accept:
        return ""
    chosen = negotiate(accept.decode("latin-1"))
    return "" if chosen == JSON_OR_LINKED_DATA[0] else chosen


def accepts_gzip(accept_encoding: bytes) -> bool:
    """Whether `Accept-Encoding` allows gzip: its own entry's q-value when it is listed (`gzip;q=0` refuses it even
    beside `*`), else `*`'s (RFC 9110 12.5.3)."""
    qualities: dict[str, bool] = {}
    for item in accept_encoding.decode("latin-1").lower().split(","):
        coding, _, params = item.strip().partition(";")
        coding = "gzip" if coding.strip() == "x-gzip" else coding.strip()
        if coding in ("gzip", "*"):
            quality = params.strip().removeprefix("q=")
            try:
                allowed = not params or float(quality) > 0
            except ValueError:
                allowed = False
            qualities.setdefault(coding, allowed)
    return qualities.get("gzip", qualities.get("*", False))


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
    except (TypeError, ValueError, IndexError, OverflowError):  # e.g. a year of 21 digits
        return False
    if since.tzinfo is None:
        return False
    return generated_at.replace(microsecond=0) <= since
