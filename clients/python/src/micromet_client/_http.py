"""What the sync and async clients share over HTTP: problems as exceptions, ETag revalidation, export digests."""

from __future__ import annotations

import base64
import gzip
import hashlib
import zlib
from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import quote

import httpx


class ProblemError(Exception):
    """An RFC 9457 problem the API answered with."""

    def __init__(self, status: int, problem: Mapping[str, Any]) -> None:
        super().__init__(f"{status} {problem.get('title', '')}: {problem.get('detail', '')}")
        self.status = status
        self.type: str = problem.get("type", "")
        self.title: str = problem.get("title", "")
        self.detail: str = problem.get("detail", "")
        self.invalid_params: list[dict[str, str]] = problem.get("invalid_params") or []


class NotFoundError(ProblemError):
    """404: no such resource."""


class InvalidParametersError(ProblemError):
    """422 (or 400/414): the request's parameters were refused; see `invalid_params`."""


class ServiceUnavailableError(ProblemError):
    """503: the database is unavailable or not seeded; retry later."""


class DigestMismatchError(Exception):
    """An export's bytes do not match the digests the API sent with them (or the API sent none)."""


_ERRORS = {400: InvalidParametersError, 404: NotFoundError, 414: InvalidParametersError}
_ERRORS |= {422: InvalidParametersError, 503: ServiceUnavailableError}

_HASHES = {"sha-256": hashlib.sha256, "sha-512": hashlib.sha512}
"""RFC 9530's algorithms the client checks (the API sends sha-256)."""


def url(path: str, params: Mapping[str, Any] | None) -> httpx.URL:
    """The request's URL: parameters left None are not sent; a sequence is a repeated parameter."""
    query = {
        name: list(value) if isinstance(value, Sequence) and not isinstance(value, str) else value
        for name, value in (params or {}).items()
        if value is not None
    }
    return httpx.URL(path, params=query)


def segment(value: str) -> str:
    """A slug as one path segment, percent-encoded: `../meta` or `x?y` stay inside their segment."""
    return quote(value, safe="")


class Responses:
    """Errors, ETags and digests: what both clients do with a response."""

    def __init__(self, conditional: bool) -> None:
        self.conditional = conditional
        self._etags: dict[str, tuple[str, httpx.Response]] = {}

    def headers(self, url: str) -> dict[str, str]:
        cached = self._etags.get(url) if self.conditional else None
        return {"If-None-Match": cached[0]} if cached else {}

    def settle(self, url: str, response: httpx.Response, *, remember: bool = True) -> httpx.Response:
        """The response to use: a 304 gives back the one cached for `url`; a problem raises. Unless `remember`
        is false (a streamed body, read later), a response with an ETag is kept for revalidation."""
        if response.status_code == 304 and url in self._etags:
            return self._etags[url][1]
        if response.status_code >= 400:
            response.read()
            try:
                problem = response.json()
            except ValueError:
                problem = None
            if not isinstance(problem, dict) or not isinstance(problem.get("detail", ""), str):
                problem = {"title": response.reason_phrase, "detail": response.text[:200]}
            raise _ERRORS.get(response.status_code, ProblemError)(response.status_code, problem)
        if remember:
            self.remember(url, response)
        return response

    def remember(self, url: str, response: httpx.Response) -> None:
        if self.conditional and "etag" in response.headers:
            response.read()
            self._etags[url] = (response.headers["etag"], response)


def decoded_response(response: httpx.Response, content: bytes) -> httpx.Response:
    """A response holding the decoded file, with the original's status and headers (but its coding and length)."""
    headers = [(k, v) for k, v in response.headers.items() if k.lower() not in ("content-encoding", "content-length")]
    return httpx.Response(response.status_code, headers=headers, content=content)


def raw_bytes(response: httpx.Response) -> bytes:
    """The body as it came over the wire. A response httpx has already read (a test's `MockTransport` made with
    `content=`) has only its decoded body: that is the raw body only when it came with no content coding."""
    try:
        return b"".join(response.iter_raw())
    except httpx.StreamConsumed:
        if response.headers.get("content-encoding", "identity").strip().lower() != "identity":
            raise DigestMismatchError(
                "the raw bytes of a coded response were not kept: digests cannot be checked"
            ) from None
        return response.content


def verified_content(response: httpx.Response, raw: bytes) -> bytes:
    """The export's file, from the bytes as they came over the wire (`raw`, content coding included), after
    checking `Content-Digest` and `Repr-Digest` (RFC 9530) over them and `X-Content-SHA256` over the decoded file."""
    for header in ("content-digest", "repr-digest"):
        _check_digest(header, response.headers.get(header), raw)
    content = decoded(raw, response.headers.get("content-encoding", "identity"))
    expected = response.headers.get("x-content-sha256")
    if expected is None or hashlib.sha256(content).hexdigest() != expected.strip().lower():
        raise DigestMismatchError(f"X-Content-SHA256 {expected!r} does not match the file")
    return content


def _check_digest(header: str, value: str | None, raw: bytes) -> None:
    """A digest header's every algorithm this client knows must match; at least one must be known."""
    checked = 0
    for member in (value or "").split(","):
        algorithm, _, encoded = member.strip().partition("=")
        digest = _HASHES.get(algorithm.strip().lower())
        if digest is None:
            continue
        if encoded.strip().strip(":") != base64.b64encode(digest(raw).digest()).decode("ascii"):
            raise DigestMismatchError(f"{header} {algorithm} does not match the bytes received")
        checked += 1
    if not checked:
        raise DigestMismatchError(f"the API sent no {header} this client can check ({value!r})")


def decoded(raw: bytes, coding: str) -> bytes:
    """The body without its content coding (gzip or deflate, as the client asks for them)."""
    codings = [part.strip().lower() for part in coding.split(",") if part.strip()]
    for each in reversed(codings):
        if each in ("gzip", "x-gzip"):
            raw = gzip.decompress(raw)
        elif each == "deflate":
            raw = zlib.decompress(raw)
        elif each != "identity":
            raise DigestMismatchError(f"content coding {each!r} is not one this client decodes")
    return raw


EXPORT_ENCODINGS = {"Accept-Encoding": "gzip, deflate"}
"""What the client asks an export in: codings it can decode itself, since it reads the raw bytes to check them."""
