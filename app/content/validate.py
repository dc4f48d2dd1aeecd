"""Checking curated content against the article and turning it into the rows the database will hold.

Every check runs before anything is written: unique slugs, each quote found in its section (its offsets are
computed here, never typed by hand), relations that point at real entities, definitions that are quoted
verbatim and synonyms that the article uses. All problems are reported together.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from typing import Any

from app.content.errors import ContentError
from app.content.load import CuratedContent
from app.content.support import FieldSupport, check_support, names_any_of
from app.content.text import LocatedSection, Span, locate_sections, read_verified_source, sha256_hex
from app.content.vocabulary import Vocabulary
from app.models import (
    CURATED_TYPES,
    RELATION_KINDS,
    EntityCode,
    EntityTable,
    EntityType,
    Link,
    MatchType,
    Provenance,
    Section,
    SlugAlias,
    Source,
)
from app.models.concept import ConceptSpec
from app.models.curation import EntitySpec, QuoteSpec
from app.models.registry import ENTITY_KINDS, Registry

DERIVED_FORMAT = 7
"""Bumped whenever what the seed derives from the content (tables, search index) changes shape, so that the
next seed rewrites a database built by older code even when the content itself is unchanged."""


@dataclass
class ValidatedDataset:
    """The rows of one dataset, checked and ready to be written in one transaction."""

    text: str
    source: Source
    sections: list[Section]
    located_sections: list[LocatedSection]
    entities: dict[str, list[EntityTable]]
    provenance: list[Provenance]
    links: list[Link]
    codes: list[EntityCode] = field(default_factory=list)
    version: str = field(default="")
    kinds: Registry = ENTITY_KINDS
    field_support: list[FieldSupport] = field(default_factory=list)
    code_terms: dict[str, tuple[str, ...]] = field(default_factory=dict)
    """Each code the content carries -> its vocabulary name and entry terms (search's reader vocabulary)."""
    aliases: list[SlugAlias] = field(default_factory=list)
    """Former slugs of renamed entities, each pointing to the current one."""

    def counts(self) -> dict[str, int]:
        """How many of each type the dataset holds, sources and sections included."""
        counts = {EntityType.SOURCE.value: 1, EntityType.SECTION.value: len(self.sections)}
        counts.update({entity_type: len(rows) for entity_type, rows in self.entities.items()})
        return counts

    def quote_spans(self) -> list[Span]:
        """Where entity provenance quotes the article (what coverage is computed from)."""
        return [Span(row.start, row.end) for row in self.provenance]


def validate_content(content: CuratedContent) -> ValidatedDataset:
    """Check everything against the verbatim source; raise one `ContentError` listing every problem."""
    spec = content.source
    text = read_verified_source(content.seed_dir / spec.file, content.seed_dir / spec.checksums)
    problems: list[str] = []

    first_line = text.split("\n", 1)[0]
    if first_line != spec.title:
        problems.append(f"source {spec.slug!r}: title {spec.title!r} is not the article's first line {first_line!r}")
    _check_unique("section", [section.slug for section in spec.sections], problems)
    located = locate_sections(text, [(section.slug, section.heading) for section in spec.sections])
    by_slug = {section.slug: section for section in located}

    source = Source(
        slug=spec.slug,
        title=spec.title,
        summary=spec.summary,
        filename=spec.file.rsplit("/", 1)[-1],
        sha256=sha256_hex(text),
        length=len(text),
        text=text,
    )
    sections = [
        Section(
            slug=section.slug,
            source_slug=spec.slug,
            position=section.position,
            heading=section.heading,
            heading_start=section.heading_span.start if section.heading_span else None,
            heading_end=section.heading_span.end if section.heading_span else None,
            start=section.body.start,
            end=section.body.end,
            text=text[section.body.start : section.body.end],
        )
        for section in located
    ]

    known: dict[str, set[str]] = {}
    names: dict[tuple[str, str], list[str]] = {}
    for entity_type, items in content.entities.items():
        slugs = [item.slug for item in items]
        _check_unique(str(entity_type), slugs, problems)
        known[entity_type] = set(slugs)
        names.update({(entity_type, item.slug): [item.name, *item.synonyms] for item in items})
    problems += _borrowed_synonyms(content)

    entities: dict[str, list[EntityTable]] = {}
    provenance: list[Provenance] = []
    links: list[Link] = []
    codes: list[EntityCode] = []
    supports: list[FieldSupport] = []
    lowered_text = text.lower()
    for entity_type, items in content.entities.items():
        table = content.kinds[entity_type].table
        rows: list[EntityTable] = []
        for item in items:
            label = f"{entity_type} {item.slug!r}"
            quotes: list[Provenance] = []
            for position, quote in enumerate(item.provenance):
                span = _resolve_quote(text, by_slug, quote, label, problems)
                if span is not None:
                    quotes.append(_provenance_row(quote, span, spec.slug, entity_type, item.slug, position))
            provenance.extend(quotes)
            for synonym in item.synonyms:
                if synonym.lower() not in lowered_text:
                    problems.append(f"{label}: synonym {synonym!r} does not occur in the source")
            links.extend(_relations(text, by_slug, entity_type, item, known, names, label, problems))
            codes.extend(_codes(entity_type, item, content.vocabulary, label, problems))
            supports += check_support(entity_type, item, label, problems)
            definition = item.definition if isinstance(item, ConceptSpec) else None
            if definition is not None and not any(definition in quote.quote for quote in quotes):
                problems.append(f"{label}: definition is not quoted verbatim in its provenance")
            rows.append(table.model_validate({**_row_fields(item), "position": len(rows)}))
        entities[entity_type] = rows

    aliases = _aliases(content, known, problems)
    problems += _formula_starts(content, sections)
    problems += _empty_texts(content)
    if problems:
        raise ContentError(problems)
    code_terms = {
        row.code: content.vocabulary.terms[(system, row.code)]
        for row in codes
        for system, uri in content.vocabulary.systems.items()
        if uri == row.system
    }
    dataset = ValidatedDataset(
        text,
        source,
        sections,
        located,
        entities,
        provenance,
        links,
        codes,
        kinds=content.kinds,
        field_support=supports,
        code_terms=code_terms,
        aliases=aliases,
    )
    dataset.version = dataset_version(dataset)
    return dataset


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
"""Characters that make a spreadsheet read a CSV cell as a formula (CSV injection): no text may start with one."""


def _formula_starts(content: CuratedContent, sections: list[Section]) -> list[str]:
    """Every text of the content that would start a CSV cell of the export with a formula character."""
    texts = _curated_texts(content)
    texts += [
        (f"section {section.slug!r}", where, value)
        for section in sections
        for where, value in _strings({"heading": section.heading, "text": section.text}, "")
    ]
    return [
        f"{label}: {where} starts with {value[0]!r}, which a spreadsheet would run as a formula in the CSV export"
        for label, where, value in texts
        if value.startswith(FORMULA_STARTS)
    ]


def _empty_texts(content: CuratedContent) -> list[str]:
    """Every empty text of the curated files: a field says something or is null, so that an empty CSV cell can
    only mean null (the data package declares it so)."""
    return [
        f"{label}: {where} is empty; write null (or leave the field out) where the article says nothing"
        for label, where, value in _curated_texts(content)
        if not value.strip()
    ]


def _curated_texts(content: CuratedContent) -> list[tuple[str, str, str]]:
    """(whose, where, text) for every string of the curated files: the source's and each entity's."""
    documents: list[tuple[str, Any]] = [(f"source {content.source.slug!r}", content.source.model_dump(mode="json"))]
    documents += [
        (f"{entity_type} {item.slug!r}", item.model_dump(mode="json"))
        for entity_type, items in content.entities.items()
        for item in items
    ]
    return [(label, where, value) for label, document in documents for where, value in _strings(document, "")]


def _strings(node: Any, where: str) -> list[tuple[str, str]]:
    """(path, text) for every string in a dumped document."""
    if isinstance(node, str):
        return [(where or "text", node)]
    if isinstance(node, dict):
        return [found for key, value in node.items() for found in _strings(value, f"{where}.{key}".lstrip("."))]
    if isinstance(node, list):
        return [found for index, value in enumerate(node) for found in _strings(value, f"{where}[{index}]")]
    return []


def dataset_version(dataset: ValidatedDataset) -> str:
    """A short hash of every row (and of the derived format): the same content always gives the same version."""
    canonical: dict[str, Any] = {
        "format": DERIVED_FORMAT,
        "source": dataset.source.model_dump(mode="json"),
        "sections": [row.model_dump(mode="json", exclude={"id"}) for row in dataset.sections],
        "entities": {
            str(entity_type): [row.model_dump(mode="json") for row in rows]
            for entity_type, rows in sorted(dataset.entities.items())
        },
        "provenance": [row.model_dump(mode="json", exclude={"id"}) for row in dataset.provenance],
        "links": [row.model_dump(mode="json", exclude={"id"}) for row in dataset.links],
        "codes": [row.model_dump(mode="json", exclude={"id"}) for row in dataset.codes],
        "code_terms": {code: list(terms) for code, terms in sorted(dataset.code_terms.items())},
        "aliases": [row.model_dump(mode="json") for row in dataset.aliases],
    }
    encoded = json.dumps(canonical, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(encoded.encode("utf-8")).hexdigest()[:16]


def _check_unique(kind: str, slugs: list[str], problems: list[str]) -> None:
    seen: set[str] = set()
    for slug in slugs:
        if slug in seen:
            problems.append(f"{kind}: duplicate slug {slug!r}")
        seen.add(slug)


def _resolve_quote(
    text: str, sections: dict[str, LocatedSection], quote: QuoteSpec, label: str, problems: list[str]
) -> Span | None:
    section = sections.get(quote.section)
    if section is None:
        problems.append(f"{label}: quote names unknown section {quote.section!r}: {quote.quote!r}")
        return None
    within = section.span
    if quote.start is not None:
        end = quote.start + len(quote.quote)
        if text[quote.start : end] != quote.quote or Span(quote.start, end) not in within:
            problems.append(
                f"{label}: quote not found at offset {quote.start} in section {quote.section!r}: {quote.quote!r}"
            )
            return None
        return Span(quote.start, end)
    hits = _find_all(text, quote.quote, within)
    if not hits:
        problems.append(f"{label}: quote not found in section {quote.section!r} of the source: {quote.quote!r}")
        return None
    if len(hits) > 1:
        problems.append(
            f"{label}: quote occurs {len(hits)} times in section {quote.section!r} (at {hits}); "
            f"give `start` to choose one: {quote.quote!r}"
        )
        return None
    return Span(hits[0], hits[0] + len(quote.quote))


def _provenance_row(
    quote: QuoteSpec, span: Span, source_slug: str, entity_type: str, slug: str, position: int
) -> Provenance:
    return Provenance(
        source_slug=source_slug,
        entity_type=entity_type,
        entity_slug=slug,
        position=position,
        section=quote.section,
        quote=quote.quote,
        start=span.start,
        end=span.end,
        supports=list(quote.supports),
    )


def _find_all(text: str, needle: str, within: Span) -> list[int]:
    hits: list[int] = []
    at = text.find(needle, within.start, within.end)
    while at >= 0:
        hits.append(at)
        at = text.find(needle, at + 1, within.end)
    return hits


def _relations(
    text: str,
    sections: dict[str, LocatedSection],
    entity_type: str,
    item: EntitySpec,
    known: dict[str, set[str]],
    names: dict[tuple[str, str], list[str]],
    label: str,
    problems: list[str],
) -> list[Link]:
    """The relations the entity states (kinds in `RELATION_KINDS`), each pointing at a known entity of a type
    its kind allows, with its quote found in its section and naming both ends (a word of each one's name or
    synonyms, in some form); the same relation stated twice is a problem."""
    links: list[Link] = []
    seen: set[tuple[str, str, str]] = set()
    for relation in item.relations:
        kind = RELATION_KINDS[relation.predicate]
        if entity_type not in kind.subjects:
            problems.append(f"{label}: only {_kinds(kind.subjects)} can state {relation.predicate}")
            continue
        if relation.type not in kind.objects:
            problems.append(
                f"{label}: {relation.predicate} points at a {relation.type}; it must point at {_kinds(kind.objects)}"
            )
            continue
        if relation.slug not in known.get(relation.type, set()):
            problems.append(f"{label}: {relation.predicate} points at unknown {relation.type} {relation.slug!r}")
            continue
        key = (relation.predicate.value, relation.type, relation.slug)
        if key in seen:
            problems.append(f"{label}: {relation.predicate} {relation.type} {relation.slug!r} is stated twice")
            continue
        seen.add(key)
        where = QuoteSpec(section=relation.section, quote=relation.quote, start=relation.start)
        span = _resolve_quote(text, sections, where, label, problems)
        if span is None:
            continue
        for end_type, end_slug in ((entity_type, item.slug), (relation.type.value, relation.slug)):
            if not names_any_of(relation.quote, names[(end_type, end_slug)]):
                problems.append(
                    f"{label}: the quote of {relation.predicate} {relation.type} {relation.slug!r} never names "
                    f"{end_type} {end_slug!r} ({' / '.join(names[(end_type, end_slug)])}); quote the words that "
                    f"tie the two: {relation.quote!r}"
                )
        links.append(
            Link(
                subject_type=entity_type,
                subject_slug=item.slug,
                predicate=relation.predicate.value,
                object_type=relation.type.value,
                object_slug=relation.slug,
                section=relation.section,
                quote=relation.quote,
                start=span.start,
                end=span.end,
            )
        )
    return links


def _borrowed_synonyms(content: CuratedContent) -> list[str]:
    """A synonym is another name for the entity itself: one that is another entity's name or synonym (an analyte,
    a part, an example: ctDNA on liquid biopsy) is refused."""
    owners: dict[str, list[str]] = {}
    for entity_type, items in content.entities.items():
        for item in items:
            for name in dict.fromkeys(_normalized(name) for name in _names_of(item)):
                owners.setdefault(name, []).append(f"{entity_type} {item.slug!r}")
    return [
        f"{owner}: synonym {synonym!r} also names {', '.join(other for other in named if other != owner)}; a synonym "
        "is another name for the same thing, never what it analyzes, a part or an example"
        for entity_type, items in content.entities.items()
        for item in items
        for synonym in item.synonyms
        for owner in [f"{entity_type} {item.slug!r}"]
        for named in [owners[_normalized(synonym)]]
        if len(named) > 1
    ]


def _kinds(types: frozenset[EntityType]) -> str:
    return "an entity" if types == CURATED_TYPES else " or ".join(sorted(f"a {kind}" for kind in types))


def _codes(
    entity_type: str, item: EntitySpec, vocabulary: Vocabulary, label: str, problems: list[str]
) -> list[EntityCode]:
    """The entity's codes, each checked against the verified vocabulary (format, then membership); an `exact`
    match whose vocabulary name is not one of the entity's names needs a note saying why it is the same."""
    rows: list[EntityCode] = []
    seen: set[tuple[str, str]] = set()
    names = _names_of(item)
    for spec in item.codes:
        problem = vocabulary.problems_with(spec.system, spec.code)
        if problem is not None:
            problems.append(f"{label}: {problem}")
            continue
        if (spec.system, spec.code) in seen:
            problems.append(f"{label}: {spec.system} code {spec.code!r} is listed twice")
            continue
        seen.add((spec.system, spec.code))
        display = vocabulary.names[(spec.system, spec.code)]
        if spec.match is MatchType.EXACT and spec.note is None and _normalized(display) not in names:
            problems.append(
                f"{label}: {spec.system} {spec.code} is {display!r}, not the entity's name or a synonym; an exact "
                "match needs a `note` saying why it is the same concept (otherwise use broad, narrow or related)"
            )
        rows.append(
            EntityCode(
                entity_type=entity_type,
                entity_slug=item.slug,
                position=len(rows),
                system=vocabulary.systems[spec.system],
                code=spec.code,
                display=display,
                match=spec.match,
                note=spec.note,
            )
        )
    return rows


def _names_of(item: EntitySpec) -> set[str]:
    """The entity's name (with and without a bracketed abbreviation) and its synonyms, normalized."""
    unbracketed = re.sub(r"\s*\([^)]*\)", "", item.name)
    return {_normalized(name) for name in (item.name, unbracketed, *item.synonyms)}


def _normalized(name: str) -> str:
    """Case and punctuation folded away: `Tumor-Derived` and `tumor derived` are the same name."""
    return " ".join(re.findall(r"[a-z0-9]+", name.lower()))


def _row_fields(item: EntitySpec) -> dict[str, Any]:
    return item.model_dump(mode="json", exclude={"provenance", "codes", "relations", "former_slugs"})


def _aliases(content: CuratedContent, known: dict[str, set[str]], problems: list[str]) -> list[SlugAlias]:
    """Each entity's former slugs, refused when one is a live slug of its type or another entity's former slug
    (the old URL must lead to one place)."""
    aliases: list[SlugAlias] = []
    for entity_type, items in content.entities.items():
        claimed: dict[str, str] = {}
        for item in items:
            for former in item.former_slugs:
                label = f"{entity_type} {item.slug!r}: former slug {former!r}"
                if former in known[entity_type]:
                    problems.append(f"{label} is a live {entity_type} slug; an old URL must not hide a current one")
                elif former in claimed:
                    problems.append(f"{label} is also {claimed[former]!r}'s former slug")
                else:
                    claimed[former] = item.slug
                    aliases.append(SlugAlias(entity_type=entity_type, former_slug=former, slug=item.slug))
    return aliases
