"""Synthetic datasets for benchmarking only: many entities made of the article's own words and sentences.

Every synthetic entity still has valid provenance (a real sentence of the article at its real offsets), so the
API serves it like real content; but its dataset is marked synthetic in `/v1/meta`, it is never written over
real content, and its slugs say `synthetic`. Nothing here is a medical claim: names are shuffled words.
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Callable
from dataclasses import replace
from enum import StrEnum

from app.content.text import Span, sentences
from app.content.validate import ValidatedDataset
from app.models import (
    ENTITY_TABLES,
    EntityTable,
    EntityType,
    FindingTopic,
    Link,
    Predicate,
    Provenance,
    ResearchPurpose,
    Specimen,
    TherapyCategory,
)
from app.search.query import words_of

_REQUIRED: dict[EntityType, tuple[str, list[StrEnum]]] = {
    EntityType.DETECTION_METHOD: ("specimen", list(Specimen)),
    EntityType.THERAPY: ("category", list(TherapyCategory)),
    EntityType.RESEARCH_DIRECTION: ("purpose", list(ResearchPurpose)),
    EntityType.FINDING: ("topic", list(FindingTopic)),
}


def synthetic_dataset(
    base: ValidatedDataset, count: int, *, seed: int = 0, progress: Callable[[int], None] | None = None
) -> ValidatedDataset:
    """`count` entities spread over the six types, built deterministically from `base`'s article; `progress`
    is told how many more were made, every 1,000."""
    generator = random.Random(seed)
    text = base.text
    located = [(section.slug, span) for section in base.located_sections for span in sentences(text, section.body)]
    vocabulary = sorted({word for word in words_of(text) if len(word) > 3})
    types = list(ENTITY_TABLES)
    entities: dict[EntityType, list[EntityTable]] = {entity_type: [] for entity_type in types}
    provenance: list[Provenance] = []
    links: list[Link] = []
    for index in range(count):
        if progress is not None and index and index % 1000 == 0:
            progress(1000)
        entity_type = types[index % len(types)]
        slug = f"synthetic-{entity_type.value}-{index:06d}"
        section, span = located[generator.randrange(len(located))]
        fields: dict[str, object] = {
            "slug": slug,
            "name": " ".join(generator.sample(vocabulary, 3)).capitalize(),
            "summary": _quote(text, span),
            "position": len(entities[entity_type]),
        }
        if entity_type in _REQUIRED:
            name, choices = _REQUIRED[entity_type]
            fields[name] = generator.choice(choices).value
        entities[entity_type].append(ENTITY_TABLES[entity_type].model_validate(fields))
        provenance.append(
            Provenance(
                source_slug=base.source.slug,
                entity_type=entity_type.value,
                entity_slug=slug,
                position=0,
                section=section,
                quote=_quote(text, span),
                start=span.start,
                end=span.end,
            )
        )
    challenges = [row.slug for row in entities[EntityType.CHALLENGE]]
    if challenges:
        # Like every relation, each synthetic one carries a quote: here its direction's own sentence.
        quoted = {row.entity_slug: row for row in provenance if row.entity_type == EntityType.RESEARCH_DIRECTION}
        for direction in entities[EntityType.RESEARCH_DIRECTION]:
            quote = quoted[direction.slug]
            links.append(
                Link(
                    subject_type=EntityType.RESEARCH_DIRECTION.value,
                    subject_slug=direction.slug,
                    predicate=Predicate.ADDRESSES.value,
                    object_type=EntityType.CHALLENGE.value,
                    object_slug=generator.choice(challenges),
                    section=quote.section,
                    quote=quote.quote,
                    start=quote.start,
                    end=quote.end,
                )
            )
    version = "synthetic-" + hashlib.sha256(f"{base.version}:{count}:{seed}".encode()).hexdigest()[:6]
    return replace(base, entities=entities, provenance=provenance, links=links, codes=[], version=version)


def _quote(text: str, span: Span) -> str:
    return text[span.start : span.end]
