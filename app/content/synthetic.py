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
from app.models import EntityTable, Link, Provenance
from app.models.registry import EntityKind, FilterKind
from app.search.query import words_of


def _required_choices(kind: EntityKind) -> dict[str, list[StrEnum]]:
    """The kind's required enumerated columns and their values: a synthetic row picks one of each."""
    return {
        name: list(annotation)
        for name, info in kind.table.model_fields.items()
        if info.is_required() and isinstance(annotation := info.annotation, type) and issubclass(annotation, StrEnum)
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
    kinds = list(base.kinds)
    required = {kind.name: _required_choices(kind) for kind in kinds}
    entities: dict[str, list[EntityTable]] = {kind.name: [] for kind in kinds}
    provenance: list[Provenance] = []
    links: list[Link] = []
    for index in range(count):
        if progress is not None and index and index % 1000 == 0:
            progress(1000)
        kind = kinds[index % len(kinds)]
        entity_type = kind.name
        slug = f"synthetic-{entity_type}-{index:06d}"
        section, span = located[generator.randrange(len(located))]
        fields: dict[str, object] = {
            "slug": slug,
            "name": " ".join(generator.sample(vocabulary, 3)).capitalize(),
            "summary": _quote(text, span),
            "position": len(entities[entity_type]),
        }
        for name, choices in required[entity_type].items():
            fields[name] = generator.choice(choices).value
        entities[entity_type].append(kind.table.model_validate(fields))
        provenance.append(
            Provenance(
                source_slug=base.source.slug,
                entity_type=entity_type,
                entity_slug=slug,
                position=0,
                section=section,
                quote=_quote(text, span),
                start=span.start,
                end=span.end,
            )
        )
    for kind in kinds:
        for declared in kind.filters:
            if declared.kind is not FilterKind.RELATED_TO or declared.predicate is None or declared.target is None:
                continue
            targets = [row.slug for row in entities[declared.target]]
            # Like every relation, each synthetic one carries a quote: here its subject's own sentence.
            quoted = {row.entity_slug: row for row in provenance if row.entity_type == kind.name}
            for subject in entities[kind.name] if targets else []:
                quote = quoted[subject.slug]
                links.append(
                    Link(
                        subject_type=kind.name,
                        subject_slug=subject.slug,
                        predicate=declared.predicate.value,
                        object_type=declared.target,
                        object_slug=generator.choice(targets),
                        section=quote.section,
                        quote=quote.quote,
                        start=quote.start,
                        end=quote.end,
                    )
                )
    version = "synthetic-" + hashlib.sha256(f"{base.version}:{count}:{seed}".encode()).hexdigest()[:6]
    return replace(base, entities=entities, provenance=provenance, links=links, codes=[], aliases=[], version=version)


def _quote(text: str, span: Span) -> str:
    return text[span.start : span.end]
