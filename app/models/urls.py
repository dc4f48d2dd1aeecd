"""Where each resource lives: the one place that knows the URL layout under `/v1`."""

from __future__ import annotations

API_PREFIX = "/v1"

SOURCES = "sources"
"""The collection path segment of sources; each entity kind declares its own, and sections live under their
source."""


def collection_url(segment: str) -> str:
    """`/v1/therapies` and the like, from a collection's path segment."""
    return f"{API_PREFIX}/{segment}"


def item_url(segment: str, slug: str) -> str:
    """`/v1/therapies/chemotherapy` and the like."""
    return f"{collection_url(segment)}/{slug}"


def source_url(source: str) -> str:
    """The URL of a source."""
    return item_url(SOURCES, source)


def section_url(source: str, section: str) -> str:
    """The URL of one section of a source."""
    return f"{source_url(source)}/sections/{section}"
