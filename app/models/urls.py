"""Where each resource lives: the one place that knows the URL layout under `/v1`."""

from __future__ import annotations

from app.models import EntityType

API_PREFIX = "/v1"

COLLECTIONS: dict[EntityType, str] = {
    EntityType.DETECTION_METHOD: "detection-methods",
    EntityType.THERAPY: "therapies",
    EntityType.CHALLENGE: "challenges",
    EntityType.RESEARCH_DIRECTION: "research-directions",
    EntityType.FINDING: "findings",
    EntityType.CONCEPT: "concepts",
    EntityType.SOURCE: "sources",
}
"""The collection path segment of each type; sections live under their source."""


def collection_url(entity_type: EntityType) -> str:
    """`/v1/therapies` and the like."""
    return f"{API_PREFIX}/{COLLECTIONS[entity_type]}"


def item_url(entity_type: EntityType, slug: str) -> str:
    """`/v1/therapies/chemotherapy` and the like."""
    return f"{collection_url(entity_type)}/{slug}"


def source_url(source: str) -> str:
    """The URL of a source."""
    return item_url(EntityType.SOURCE, source)


def section_url(source: str, section: str) -> str:
    """The URL of one section of a source."""
    return f"{source_url(source)}/sections/{section}"
