"""Content negotiation in one place: which of the media types a resource offers an `Accept` header prefers.

Parsed per RFC 9110 (12.5.1): media ranges are case-insensitive, each may carry a quality `q` (0 to 1, at most
three decimals); a type is weighed by the most specific range that matches it (`type/subtype` over `type/*` over
`*/*`), and `q=0` refuses it. Ties go to the range the client listed first, then to the server's order. When
nothing offered is acceptable the first offered type is served anyway (RFC 9110 allows a default rather than a
406). The response cache and the routes both ask this function, so they can never disagree on the answer.
"""

from __future__ import annotations

import re
from functools import lru_cache

JSON = "application/json"
LD_JSON = "application/ld+json"

JSON_OR_LINKED_DATA = (JSON, LD_JSON)
"""What an entity item offers: JSON first (the default), then schema.org JSON-LD."""

_QUALITY = re.compile(r"(?:0(?:\.[0-9]{0,3})?|1(?:\.0{0,3})?)")


def negotiate(accept: str, offered: tuple[str, ...] = JSON_OR_LINKED_DATA) -> str:
    """The offered media type that `accept` prefers; the first offered when none is acceptable."""
    if not accept or accept in ("*/*", JSON, "application/json, */*"):
        return offered[0]  # the common headers, without parsing
    return _negotiate(accept, offered)


@lru_cache(maxsize=256)
def _negotiate(accept: str, offered: tuple[str, ...]) -> str:
    ranges = _media_ranges(accept)
    best: tuple[float, int, int, int] | None = None  # (quality, specificity, -position in Accept, -server order)
    choice = offered[0]
    for order, media_type in enumerate(offered):
        kind, _, subtype = media_type.partition("/")
        matches = [
            (specificity, quality, position)
            for position, (range_kind, range_subtype, quality) in enumerate(ranges)
            if (specificity := _specificity(kind, subtype, range_kind, range_subtype)) >= 0
        ]
        if not matches:
            continue
        specificity, quality, position = max(matches, key=lambda match: (match[0], -match[2]))
        if quality <= 0:
            continue
        rank = (quality, specificity, -position, -order)
        if best is None or rank > best:
            best, choice = rank, media_type
    return choice


def _specificity(kind: str, subtype: str, range_kind: str, range_subtype: str) -> int:
    """2 for `type/subtype`, 1 for `type/*`, 0 for `*/*`, -1 when the range does not match."""
    if range_kind == "*" and range_subtype == "*":
        return 0
    if range_kind != kind:
        return -1
    if range_subtype == "*":
        return 1
    return 2 if range_subtype == subtype else -1


def _media_ranges(accept: str) -> list[tuple[str, str, float]]:
    """(type, subtype, quality) for each well-formed range; a range with a malformed `q` counts as `q=0`."""
    ranges = []
    for item in accept.split(","):
        media_range, *parameters = (part.strip() for part in item.split(";"))
        kind, slash, subtype = media_range.lower().partition("/")
        if not slash or not kind or not subtype:
            continue
        quality = 1.0
        for parameter in parameters:
            name, _, value = parameter.partition("=")
            if name.strip().lower() == "q":
                value = value.strip()
                quality = float(value) if _QUALITY.fullmatch(value) else 0.0
        ranges.append((kind, subtype, quality))
    return ranges
