"""Reading the content for the API: queries, filters, relations and the public representations.

Every list is paged in SQL and loads its provenance and links in one query each, so the number of queries
does not grow with the page. Representations are plain dicts in the shape of the `XPublic` models.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, func
from sqlmodel import Session, SQLModel, col, select

from app import __version__
from app.errors import (
    InvalidParam,
    InvalidParametersError,
    MovedError,
    NotFoundError,
    ServiceUnavailableError,
    shown,
)
from app.migrations import head_revision, revision_of
from app.models import (
    RELATION_KINDS,
    DatasetInfo,
    EntityCode,
    EntityTable,
    EntityType,
    Link,
    Predicate,
    Provenance,
    Section,
    SlugAlias,
    Source,
)
from app.models.query import CollectionQuery, EntityCollectionQuery, split_list
from app.models.registry import ENTITY_KINDS, EntityKind, Filter, FilterKind, Registry
from app.models.section import SectionPublic
from app.models.source import SourcePublic
from app.models.urls import SOURCES, collection_url, item_url, section_url, source_url

_SORTS: dict[str, tuple[str, bool]] = {"name": ("name", False), "-name": ("name", True)}
_SORTS |= {"slug": ("slug", False), "-slug": ("slug", True)}

Item = dict[str, Any]

RowT = TypeVar("RowT", Provenance, EntityCode)


class Catalog:
    """The read API's view of one database session."""

    def __init__(self, session: Session, kinds: Registry = ENTITY_KINDS) -> None:
        self.session = session
        self.kinds = kinds

    # -- entities ---------------------------------------------------------------------------------

    def list_entities(self, kind: EntityKind, query: EntityCollectionQuery) -> tuple[list[Item], int]:
        """One page of an entity collection, filtered and sorted, and the total that match."""
        table = kind.table
        fields = self._checked_fields(kind.public, query.fields)
        declared = kind.filters_by_name
        conditions = [self._condition(kind, declared[name], value) for name, value in query.filters().items()]
        total = self.session.exec(select(func.count()).select_from(table).where(*conditions)).one()
        statement = select(table).where(*conditions).order_by(*_order(table, query.sort))
        if not conditions and query.sort is None:
            # Positions are dense (0..n-1, set by the seed), so offset k is position k: a keyset seek that
            # costs the same on page 1 and on page 5,000.
            statement = statement.where(col(table.position) >= query.offset)
        else:
            statement = statement.offset(query.offset)
        rows = self._entity_rows(statement.limit(query.limit))
        return [_sparse(item, fields) for item in self._represent(kind, rows)], total

    def get_entity(self, kind: EntityKind, slug: str, *, fields: str | None, include: str | None) -> Item:
        """One entity with its provenance and relations, and the related entities asked for in full."""
        selected = self._checked_fields(kind.public, fields)
        wanted = _checked_choices("include", split_list(include), kind.relations)
        table = kind.table
        found = self._entity_rows(select(table).where(table.slug == slug))
        if not found:
            alias = self.session.get(SlugAlias, (kind.name, slug))
            if alias is not None:
                raise MovedError(slug, alias.slug)
            raise NotFoundError(f"No {kind.name} with slug {shown(slug)!r}.")
        [item] = self._represent(kind, found)
        if wanted:
            item["embedded"] = {relation: self._embed(item["relations"][relation]) for relation in wanted}
        return _sparse(item, selected)

    def all_entities(self, kind: EntityKind) -> list[Item]:
        """Every entity of a type, fully represented, in the curated order (for exports)."""
        table = kind.table
        return self._represent(kind, self._entity_rows(select(table).order_by(col(table.position))))

    def all_sources(self) -> list[Item]:
        """Every source, as `/v1/sources/{slug}` shows it (for exports)."""
        return [self._source_item(row) for row in self.session.exec(select(Source).order_by(col(Source.slug)))]

    def all_sections(self) -> list[Item]:
        """Every section of every source, with the entities citing it (for exports)."""
        items: list[Item] = []
        for source in self.session.exec(select(Source.slug).order_by(col(Source.slug))):
            rows = self.session.exec(
                select(Section).where(Section.source_slug == source).order_by(col(Section.position))
            ).all()
            cited_by = self._cited_by(source, [row.slug for row in rows])
            items += [self._section_item(row, cited_by) for row in rows]
        return items

    def _entity_rows(self, statement: Any) -> list[EntityTable]:
        """Run a select of one entity table (typed once here, since the table varies)."""
        return list(self.session.exec(statement).all())

    def _represent(self, kind: EntityKind, rows: Sequence[EntityTable]) -> list[Item]:
        slugs = [row.slug for row in rows]
        provenance = self._provenance(kind.name, slugs)
        relations = self._relations(kind, slugs, provenance)
        codes = self._codes(kind.name, slugs)
        items = []
        for row in rows:
            quotes = provenance.get(row.slug, [])
            source = quotes[0]["source"] if quotes else None
            item: Item = {"type": kind.name, **_in_order(row.model_dump(mode="json", exclude={"position"}))}
            item["provenance"] = quotes
            item["codes"] = codes.get(row.slug, [])
            item["relations"] = relations[row.slug]
            item["links"] = {"self": item_url(kind.segment, row.slug), "collection": collection_url(kind.segment)}
            if source is not None:
                item["links"]["source"] = source_url(source)
            items.append(item)
        return items

    def _provenance(self, entity_type: str, slugs: list[str]) -> dict[str, list[Item]]:
        return self._by_entity(
            Provenance,
            entity_type,
            slugs,
            lambda row: {
                "source": row.source_slug,
                "section": row.section,
                "quote": row.quote,
                "start": row.start,
                "end": row.end,
                "supports": row.supports,
            },
        )

    def _codes(self, entity_type: str, slugs: list[str]) -> dict[str, list[Item]]:
        return self._by_entity(
            EntityCode,
            entity_type,
            slugs,
            lambda row: {
                "system": row.system,
                "code": row.code,
                "display": row.display,
                "match": row.match.value,
                "note": row.note,
            },
        )

    def _by_entity(
        self, table: type[RowT], entity_type: str, slugs: list[str], represent: Callable[[RowT], Item]
    ) -> dict[str, list[Item]]:
        """The rows of a per-entity table (quotes, codes) for these entities, in their order, grouped by slug."""
        statement = (
            select(table)
            .where(col(table.entity_type) == entity_type, col(table.entity_slug).in_(slugs))
            .order_by(col(table.entity_slug), col(table.position))
        )
        grouped: dict[str, list[Item]] = defaultdict(list)
        for row in self.session.exec(statement):
            grouped[row.entity_slug].append(represent(row))
        return grouped

    def _relations(
        self, kind: EntityKind, slugs: list[str], provenance: dict[str, list[Item]]
    ) -> dict[str, dict[str, list[Item]]]:
        entity_type = kind.name
        relations: dict[str, dict[str, list[Item]]] = {slug: {name: [] for name in kind.relations} for slug in slugs}
        for slug, quotes in provenance.items():
            cited = dict.fromkeys((quote["source"], quote["section"]) for quote in quotes)
            relations[slug]["sections"] = [_section_ref(source, section) for source, section in cited]
        outgoing = select(Link).where(Link.subject_type == entity_type, col(Link.subject_slug).in_(slugs))
        for link in self.session.exec(outgoing.order_by(col(Link.id))):
            ref = _with_quote(self._ref(link.object_type, link.object_slug), link)
            relations[link.subject_slug][RELATION_KINDS[Predicate(link.predicate)].name].append(ref)
        incoming = select(Link).where(Link.object_type == entity_type, col(Link.object_slug).in_(slugs))
        for link in self.session.exec(incoming.order_by(col(Link.id))):
            ref = _with_quote(self._ref(link.subject_type, link.subject_slug), link)
            relations[link.object_slug][RELATION_KINDS[Predicate(link.predicate)].inverse].append(ref)
        return relations

    def _embed(self, refs: list[Item]) -> list[Item]:
        """Full representations of the referenced resources, without their own embeddings."""
        embedded: list[Item] = []
        by_type: dict[str, list[str]] = defaultdict(list)
        for ref in refs:
            by_type[ref["type"]].append(ref["slug"])
        for type_name, slugs in by_type.items():
            if type_name == EntityType.SECTION:
                hrefs = {ref["href"] for ref in refs}
                sections = self._sections_by_slug(slugs)
                embedded += [
                    self._section_item(row) for row in sections if section_url(row.source_slug, row.slug) in hrefs
                ]
                continue
            kind = self.kinds[type_name]
            rows = self._entity_rows(select(kind.table).where(col(kind.table.slug).in_(slugs)))
            order = {slug: index for index, slug in enumerate(slugs)}
            embedded += self._represent(kind, sorted(rows, key=lambda row: order[row.slug]))
        return embedded

    def _condition(self, kind: EntityKind, declared: Filter, value: Any) -> ColumnElement[bool]:
        """The SQL condition of one filter, by the kind its registry entry declares (and no other way)."""
        slug = col(kind.table.slug)
        if declared.kind is FilterKind.CITED_IN:
            self._check_exists(declared.name, value, col(Section.slug), col(Section.position))
            cited = select(Provenance.entity_slug).where(
                Provenance.entity_type == kind.name, Provenance.section == value
            )
            return slug.in_(cited)
        if declared.kind is FilterKind.RELATED_TO:
            assert declared.target is not None
            assert declared.predicate is not None
            target = self.kinds[declared.target].table
            self._check_exists(declared.name, value, col(target.slug), col(target.position))
            related = select(Link.subject_slug).where(
                Link.subject_type == kind.name,
                Link.predicate == declared.predicate.value,
                Link.object_type == declared.target,
                Link.object_slug == value,
            )
            return slug.in_(related)
        if declared.kind is FilterKind.HAS_CODE:
            coded = select(EntityCode.entity_slug).where(EntityCode.entity_type == kind.name, EntityCode.code == value)
            return slug.in_(coded)
        assert declared.column is not None
        column = col(getattr(kind.table, declared.column))
        if declared.kind is FilterKind.PRESENT:
            return column.is_not(None) if value else column.is_(None)
        equals: ColumnElement[bool] = column == value
        return equals

    def _check_exists(self, name: str, value: str, slug: Any, order: Any) -> None:
        """One indexed lookup on the good path; the list of allowed values is read only to explain a miss."""
        if self.session.exec(select(slug).where(slug == value).limit(1)).first() is not None:
            return
        slugs = dict.fromkeys(self.session.exec(select(slug).order_by(order, slug)))
        reason = f"Unknown {name} {value!r}; allowed values: {', '.join(slugs)}."
        raise InvalidParametersError([InvalidParam(name=name, location="query", reason=reason)])

    def _checked_fields(self, model: type[SQLModel], fields: str | None) -> list[str]:
        return _checked_choices("fields", split_list(fields), tuple(model.model_fields))

    # -- sources and sections --------------------------------------------------------------------

    def list_sources(self, query: CollectionQuery) -> tuple[list[Item], int]:
        """The sources (micromet serves one article, but clients should not assume so)."""
        fields = self._checked_fields(SourcePublic, query.fields)
        total = self.session.exec(select(func.count()).select_from(Source)).one()
        column = "title" if (query.sort or "slug").lstrip("-") == "name" else "slug"
        order = col(getattr(Source, column))
        statement = select(Source).order_by(order.desc() if (query.sort or "").startswith("-") else order)
        rows = self.session.exec(statement.offset(query.offset).limit(query.limit)).all()
        return [_sparse(self._source_item(row), fields) for row in rows], total

    def get_source(self, slug: str, *, fields: str | None) -> Item:
        """One source, without its text (that has its own URL)."""
        selected = self._checked_fields(SourcePublic, fields)
        return _sparse(self._source_item(self._source(slug)), selected)

    def source_text(self, slug: str) -> str:
        """The verbatim text of a source."""
        return self._source(slug).text

    def list_sections(self, source: str, query: CollectionQuery) -> tuple[list[Item], int]:
        """The sections of one source, in the article's order unless sorted."""
        fields = self._checked_fields(SectionPublic, query.fields)
        self._source(source)
        where = Section.source_slug == source
        total = self.session.exec(select(func.count()).select_from(Section).where(where)).one()
        statement = select(Section).where(where)
        if query.sort is None:
            statement = statement.order_by(col(Section.position))
        else:
            column, descending = _SORTS[query.sort]
            order = col(Section.heading if column == "name" else Section.slug)
            statement = statement.order_by(order.desc() if descending else order, col(Section.slug))
        rows = self.session.exec(statement.offset(query.offset).limit(query.limit)).all()
        cited_by = self._cited_by(source, [row.slug for row in rows])
        return [_sparse(self._section_item(row, cited_by), fields) for row in rows], total

    def get_section(self, source: str, slug: str, *, fields: str | None) -> Item:
        """One section with its verbatim text and the entities that quote it."""
        selected = self._checked_fields(SectionPublic, fields)
        self._source(source)
        row = self.session.exec(select(Section).where(Section.source_slug == source, Section.slug == slug)).first()
        if row is None:
            raise NotFoundError(f"No section {shown(slug)!r} in source {shown(source)!r}.")
        return _sparse(self._section_item(row, self._cited_by(source, [slug])), selected)

    def _source(self, slug: str) -> Source:
        row = self.session.get(Source, slug)
        if row is None:
            raise NotFoundError(f"No source with slug {shown(slug)!r}.")
        return row

    def _source_item(self, row: Source) -> Item:
        sections = self.session.exec(
            select(Section.slug).where(Section.source_slug == row.slug).order_by(col(Section.position))
        ).all()
        return {
            "type": EntityType.SOURCE.value,
            **_in_order(row.model_dump(mode="json", exclude={"text"})),
            "relations": {"sections": [_section_ref(row.slug, section) for section in sections]},
            "links": {
                "self": source_url(row.slug),
                "collection": collection_url(SOURCES),
                "sections": f"{source_url(row.slug)}/sections",
                "text": f"{source_url(row.slug)}/text",
            },
        }

    def _sections_by_slug(self, slugs: Iterable[str]) -> list[Section]:
        statement = select(Section).where(col(Section.slug).in_(list(slugs))).order_by(col(Section.position))
        return list(self.session.exec(statement).all())

    def _cited_by(self, source: str, sections: list[str]) -> dict[str, list[Item]]:
        statement = (
            select(Provenance.section, Provenance.entity_type, Provenance.entity_slug)
            .where(Provenance.source_slug == source, col(Provenance.section).in_(sections))
            .distinct()
            .order_by(col(Provenance.section), col(Provenance.entity_type), col(Provenance.entity_slug))
        )
        cited: dict[str, list[Item]] = defaultdict(list)
        for section, entity_type, slug in self.session.exec(statement):
            cited[section].append(self._ref(entity_type, slug))
        return cited

    def _section_item(self, row: Section, cited_by: dict[str, list[Item]] | None = None) -> Item:
        relations = {"source": [self._ref(EntityType.SOURCE, row.source_slug)]}
        if cited_by is not None:
            relations["cited_by"] = cited_by.get(row.slug, [])
        url = section_url(row.source_slug, row.slug)
        return {
            "type": EntityType.SECTION.value,
            **_in_order(row.model_dump(mode="json", exclude={"id"})),
            "relations": relations,
            "links": {
                "self": url,
                "collection": f"{source_url(row.source_slug)}/sections",
                "source": source_url(row.source_slug),
            },
        }

    # -- the dataset -----------------------------------------------------------------------------

    def dataset(self) -> DatasetInfo:
        """The dataset record; a 503 when the database has not been seeded."""
        info = self.session.get(DatasetInfo, 1)
        if info is None:
            raise ServiceUnavailableError("The database has not been seeded yet.")
        return info

    def readiness(self) -> Item:
        """Ready when the database is seeded and its schema is the revision this code serves; a 503 saying
        what to run otherwise (a replica of a newer release on an older schema would fail on what changed)."""
        info = self.dataset()
        revision, expected = revision_of(self.session.connection()), head_revision()
        if revision != expected:
            raise ServiceUnavailableError(
                f"The database schema is at revision {revision or 'none'}; this release serves {expected}. "
                "Run `micromet db upgrade`."
            )
        return {"status": "ready", "dataset_version": info.version, "schema_revision": revision}

    def meta(self) -> Item:
        """Versions, generation time, counts and source checksums."""
        info = self.dataset()
        counts = {EntityType.SOURCE.value: self._count(Source), EntityType.SECTION.value: self._count(Section)}
        counts |= {kind.name: self._count(kind.table) for kind in self.kinds}
        sources = self.session.exec(select(Source.slug, Source.sha256, Source.length).order_by(col(Source.slug)))
        return {
            "api_version": __version__,
            "dataset_version": info.version,
            "generated_at": info.generated_at.isoformat(),
            "synthetic": info.synthetic,
            "counts": counts,
            "sources": [
                {"slug": slug, "sha256": sha256, "length": length, "href": source_url(slug)}
                for slug, sha256, length in sources
            ],
        }

    def filter_choices(self) -> dict[str, list[str]]:
        """The values the slug-valued filters accept, for the OpenAPI document's enums."""
        choices: dict[str, list[str]] = {}
        for kind in self.kinds:
            for declared in kind.filters_by_name.values():
                if declared.name in choices:
                    continue
                if declared.kind is FilterKind.CITED_IN:
                    column = col(Section.slug)
                    choices[declared.name] = list(self.session.exec(select(column).distinct().order_by(column)))
                elif declared.kind is FilterKind.RELATED_TO and declared.target is not None:
                    column = col(self.kinds[declared.target].table.slug)
                    choices[declared.name] = list(self.session.exec(select(column).order_by(column)))
        return choices

    def _ref(self, entity_type: str, slug: str) -> Item:
        """A reference to a source or an entity of any registered type."""
        href = source_url(slug) if entity_type == EntityType.SOURCE else item_url(self.kinds[entity_type].segment, slug)
        return {"type": entity_type, "slug": slug, "href": href}

    def _count(self, table: type[SQLModel]) -> int:
        return self.session.exec(select(func.count()).select_from(table)).one()


_LEADING_KEYS = ("slug", "name", "title", "summary", "source_slug", "position", "heading")


def _in_order(fields: Item) -> Item:
    """Identity and name first, then the rest alphabetically: a stable, readable key order."""
    leading = {key: fields[key] for key in _LEADING_KEYS if key in fields}
    return leading | {key: fields[key] for key in sorted(fields) if key not in leading}


def _order(table: type[EntityTable], sort: str | None) -> list[Any]:
    if sort is None:
        return [col(table.position)]  # unique within a table: the article's (curated) order
    column, descending = _SORTS[sort]
    order = col(getattr(table, column))
    return [order.desc() if descending else order, col(table.slug)]


def _checked_choices(name: str, values: list[str], allowed: tuple[str, ...]) -> list[str]:
    """The values, each once and in the order given (a repeated value costs nothing more), or a 422 naming
    the unknown ones."""
    unique = list(dict.fromkeys(values))
    unknown = [value for value in unique if value not in allowed]
    if unknown:
        reason = f"Unknown value(s) {', '.join(map(repr, unknown))}; allowed values: {', '.join(allowed)}."
        raise InvalidParametersError([InvalidParam(name=name, location="query", reason=reason)])
    return unique


def _sparse(item: Item, fields: list[str]) -> Item:
    if not fields:
        return item
    keep = {"type", "slug", *fields}
    return {key: value for key, value in item.items() if key in keep}


def _with_quote(ref: Item, link: Link) -> Item:
    """A relation's reference carries the quote that states it (every seeded relation has one)."""
    if link.quote is not None:
        ref["provenance"] = {"section": link.section, "quote": link.quote, "start": link.start, "end": link.end}
    return ref


def _section_ref(source: str, section: str) -> Item:
    return {"type": EntityType.SECTION.value, "slug": section, "href": section_url(source, section)}
