"""What gets indexed: one document per entity and per section, built from the validated dataset."""

from __future__ import annotations

import re
from collections import Counter
from enum import Enum

from app.content.validate import ValidatedDataset
from app.models import EntityTable, EntityType, MatchType, SearchDocument, SearchName, SearchTerm
from app.models.urls import item_url, section_url
from app.search.forms import same_family, stem
from app.search.query import words_of

_SHOWN_ELSEWHERE = {"slug", "name", "summary", "synonyms", "position"}

READER_MATCHES = frozenset({MatchType.EXACT, MatchType.NARROW, MatchType.RELATED})
"""Codes whose vocabulary names find the entity: the same concept, a kind of it, or one associated with it. A
broader code's names (Drug Therapy's "Chemotherapy" on systemic therapy) name something else: they do not."""


def build_documents(dataset: ValidatedDataset) -> list[SearchDocument]:
    """Flatten every entity of a searchable kind (name, synonyms, summary, then quotes and text fields) and every
    section."""
    quotes: dict[tuple[str, str], list[str]] = {}
    for row in dataset.provenance:
        quotes.setdefault((row.entity_type, row.entity_slug), []).append(row.quote)
    codes: dict[tuple[str, str], list[str]] = {}
    vocabulary: dict[tuple[str, str], list[str]] = {}
    for code in dataset.codes:
        key = (code.entity_type, code.entity_slug)
        codes.setdefault(key, []).append(code.code)
        if code.match in READER_MATCHES:
            vocabulary.setdefault(key, []).extend(dataset.code_terms.get(code.code, ()))
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
                    vocabulary=" | ".join(_new_terms(vocabulary.get((entity_type, entity.slug), []), entity)),
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
    for index, document in enumerate(documents, start=1):
        document.id = index  # ids of its own, so that the names below can refer to their document
    return documents


def _new_terms(terms: list[str], entity: EntityTable) -> list[str]:
    """The vocabulary terms that add words to the entity's name and synonyms (in some form): a term that only
    restates the name ("Prognoses" for prognosis) would count the name twice in the rank."""
    own = {stem(word) for name in (entity.name, *getattr(entity, "synonyms", [])) for word in words_of(name)}

    def restated(word: str) -> bool:
        return any(same_family(stem(word), each) for each in own)

    return [term for term in dict.fromkeys(terms) if not all(restated(word) for word in words_of(term))]


_BRACKETED = re.compile(r"\s*\(([^)]*)\)")


def build_names(documents: list[SearchDocument], dataset: ValidatedDataset) -> list[SearchName]:
    """The names each document answers to: its name (and the name without a bracketed abbreviation), the
    abbreviation, each synonym (an abbreviation when it is one word with two capitals, as PCR and ctDNA are) and
    each code."""
    synonyms = {
        (entity_type, row.slug): list(getattr(row, "synonyms", []))
        for entity_type, rows in dataset.entities.items()
        for row in rows
    }
    names: list[SearchName] = []
    for document in documents:
        assert document.id is not None
        found: dict[str, tuple[str, str]] = {}
        unbracketed = _BRACKETED.sub("", document.name)
        found.setdefault(" ".join(words_of(document.name)), (document.name, "name"))
        found.setdefault(" ".join(words_of(unbracketed)), (unbracketed, "name"))
        for abbreviation in _BRACKETED.findall(document.name):
            found.setdefault(" ".join(words_of(abbreviation)), (abbreviation, "abbreviation"))
        for synonym in synonyms.get((document.type, document.slug), []):
            kind = "abbreviation" if " " not in synonym and sum(c.isupper() for c in synonym) >= 2 else "synonym"
            found.setdefault(" ".join(words_of(synonym)), (synonym, kind))
        for code in document.codes.split():
            found.setdefault(code.lower(), (code, "code"))
        names += [
            SearchName(document_id=document.id, key=key, label=label, kind=kind)
            for key, (label, kind) in found.items()
            if key
        ]
    return names


def build_lexicon(documents: list[SearchDocument]) -> list[SearchTerm]:
    """Every word of the indexed text with its document frequency, for suggesting corrections."""
    frequency: Counter[str] = Counter()
    for document in documents:
        text = " ".join([document.name, document.synonyms, document.summary, document.body, document.vocabulary])
        frequency.update(set(words_of(text)))
    return [SearchTerm(term=term, documents=count) for term, count in sorted(frequency.items()) if len(term) <= 120]
