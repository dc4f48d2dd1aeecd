"""What gets indexed: one document per entity and per section, built from the validated dataset."""

from __future__ import annotations

from collections import Counter
from enum import Enum

from app.content.validate import ValidatedDataset
from app.models import EntityType, SearchDocument, SearchTerm
from app.models.urls import item_url, section_url
from app.search.query import words_of

_SHOWN_ELSEWHERE = {"slug", "name", "summary", "synonyms", "position"}


def build_documents(dataset: ValidatedDataset) -> list[SearchDocument]:
    """Flatten every entity of a searchable kind (name, synonyms, summary, then quotes and text fields) and every
    section."""
    quotes: dict[tuple[str, str], list[str]] = {}
    for row in dataset.provenance:
        quotes.setdefault((row.entity_type, row.entity_slug), []).append(row.quote)
    codes: dict[tuple[str, str], list[str]] = {}
    for code in dataset.codes:
        codes.setdefault((code.entity_type, code.entity_slug), []).append(code.code)
    documents: list[SearchDocument] = []
    for entity_type, rows in dataset.entities.items():
        kind = dataset.kinds[entity_type]
        if not kind.searchable:
            continue
        for entity in rows:
            fields = [
                value
                for key, value in entity.model_dump().items()
                if key not in _SHOWN_ELSEWHERE and isinstance(value, str) and not isinstance(value, Enum)
            ]
            documents.append(
                SearchDocument(
                    type=entity_type,
                    slug=entity.slug,
                    name=entity.name,
                    name_key=" ".join(words_of(entity.name)),
                    href=item_url(kind.segment, entity.slug),
                    synonyms=" ".join(entity.synonyms),
                    summary=entity.summary,
                    body="\n".join([*quotes.get((entity_type, entity.slug), []), *fields]),
                    codes=" ".join(codes.get((entity_type, entity.slug), [])),
                )
            )
    for section in dataset.sections:
        documents.append(
            SearchDocument(
                type=EntityType.SECTION.value,
                slug=section.slug,
                name=section.heading or dataset.source.title,
                name_key=" ".join(words_of(section.heading or dataset.source.title)),
                href=section_url(section.source_slug, section.slug),
                synonyms="",
                summary="",
                body=section.text,
            )
        )
    return documents


def build_lexicon(documents: list[SearchDocument]) -> list[SearchTerm]:
    """Every word of the indexed text with its document frequency, for suggesting corrections."""
    frequency: Counter[str] = Counter()
    for document in documents:
        text = " ".join([document.name, document.synonyms, document.summary, document.body])
        frequency.update(set(words_of(text)))
    return [SearchTerm(term=term, documents=count) for term, count in sorted(frequency.items()) if len(term) <= 120]
