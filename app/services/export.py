"""Bulk exports: the whole dataset as JSON, NDJSON, CSV (one file per type) or JSON-LD, with a manifest.

One function builds the files for a format; the API (`/v1/export`) and the CLI (`micromet export`) both call it,
so they serve and write the same bytes. Every file's bytes are deterministic for a dataset version: keys and
rows in a fixed order, no timestamps but the dataset's own.
"""

from __future__ import annotations

import hashlib
import io
import zipfile
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

import orjson

from app.models import RELATION_KINDS, EntityType, MatchType
from app.models.registry import ENTITY_KINDS, EntityKind, Registry
from app.models.urls import item_url, section_url, source_url
from app.services.catalog import Catalog, Item
from app.services.datapackage import (
    csv_bytes,
    descriptor,
    kind_columns,
    normalized_tables,
    relation_columns,
    section_columns,
)

NCIT_URI = "http://ncicb.nci.nih.gov/xml/owl/EVS/Thesaurus.owl"


class ExportFormat(StrEnum):
    JSON = "json"
    NDJSON = "ndjson"
    CSV = "csv"
    JSONLD = "jsonld"


MEDIA_TYPES = {
    ExportFormat.JSON: "application/json",
    ExportFormat.NDJSON: "application/x-ndjson",
    ExportFormat.CSV: "text/csv; charset=utf-8",
    ExportFormat.JSONLD: "application/ld+json",
}

JSON_DEPRECATED_KEYS: dict[str, str] = {"sources": EntityType.SOURCE.value, "sections": EntityType.SECTION.value}
"""The JSON export's keys are type names (`source`, `therapy`, ...); these two first spellings stay, with the same
content, until /v2 (`/v1` renames nothing), and the document lists them under `deprecated_keys`."""

SCHEMA_ORG_TYPES: dict[str, str] = {EntityType.SOURCE: "ScholarlyArticle", EntityType.SECTION: "CreativeWork"}
"""The schema.org types of sources and sections; each entity kind declares its own (`schema_org_type`)."""

_LIST_SEPARATOR = " | "

ZIP_FILE_MODE = 0o100644
"""A regular file, readable by all (zipfile's default, 0, unpacks as 0600 with some tools)."""


@dataclass(frozen=True)
class ExportFile:
    """One file of an export."""

    name: str
    media_type: str
    content: bytes

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.content).hexdigest()


@dataclass(frozen=True)
class Export:
    """The files of one export and the manifest that describes them."""

    format: ExportFormat
    dataset_version: str
    generated_at: str
    files: list[ExportFile]

    def manifest(self) -> dict[str, Any]:
        """Dataset version, format and each file's name, media type, size and sha256."""
        return {
            "dataset_version": self.dataset_version,
            "generated_at": self.generated_at,
            "format": self.format.value,
            "files": [
                {"name": file.name, "media_type": file.media_type, "bytes": len(file.content), "sha256": file.sha256}
                for file in self.files
            ],
        }

    def manifest_bytes(self) -> bytes:
        return orjson.dumps(self.manifest(), option=orjson.OPT_INDENT_2) + b"\n"

    def single(self) -> ExportFile:
        """The one file a format produces, or, for CSV, a zip of the per-type files and the manifest."""
        if len(self.files) == 1:
            return self.files[0]
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for file in [*self.files, ExportFile("manifest.json", "application/json", self.manifest_bytes())]:
                info = zipfile.ZipInfo(file.name, date_time=(1980, 1, 1, 0, 0, 0))  # fixed: same bytes every time
                info.compress_type = zipfile.ZIP_DEFLATED
                info.external_attr = ZIP_FILE_MODE << 16
                archive.writestr(info, file.content)
        return ExportFile(f"micromet-{self.dataset_version}-csv.zip", "application/zip", buffer.getvalue())


def build_export(catalog: Catalog, export_format: ExportFormat, public_url: str) -> Export:
    """Every source, section and entity in the given format; JSON-LD's IRIs are absolute, on `public_url`."""
    dataset = catalog.dataset()
    kinds = catalog.kinds
    entities = {kind.name: catalog.all_entities(kind) for kind in kinds}
    sources, sections = catalog.all_sources(), catalog.all_sections()
    version, generated_at = dataset.version, dataset.generated_at.isoformat()
    stem = f"micromet-{version}"
    if export_format is ExportFormat.JSON:
        document = {
            "dataset_version": version,
            "generated_at": generated_at,
            EntityType.SOURCE.value: sources,
            EntityType.SECTION.value: sections,
            **entities,
            "deprecated_keys": JSON_DEPRECATED_KEYS,
            **{old: (sources if new == EntityType.SOURCE else sections) for old, new in JSON_DEPRECATED_KEYS.items()},
        }
        files = [ExportFile(f"{stem}.json", MEDIA_TYPES[export_format], _json(document))]
    elif export_format is ExportFormat.NDJSON:
        lines = [*sources, *sections, *(item for items in entities.values() for item in items)]
        content = b"".join(orjson.dumps(line, option=orjson.OPT_SORT_KEYS) + b"\n" for line in lines)
        files = [ExportFile(f"{stem}.ndjson", MEDIA_TYPES[export_format], content)]
    elif export_format is ExportFormat.CSV:
        contents = {kind.name: _csv(kind, entities[kind.name]) for kind in kinds}
        schemas = {kind.name: kind_columns(kind, csv_columns(kind)) for kind in kinds}
        contents["section"], schemas["section"] = _sections_csv(sections), section_columns()
        contents["relation"], schemas["relation"] = _relations_csv(entities), relation_columns()
        texts = {source["slug"]: catalog.source_text(source["slug"]) for source in sources}
        for name, (columns, rows) in normalized_tables(kinds, entities, sources, texts).items():
            contents[name], schemas[name] = csv_bytes([column["name"] for column in columns], rows), columns
        files = [ExportFile(f"{name}.csv", MEDIA_TYPES[export_format], content) for name, content in contents.items()]
        package = descriptor(version, schemas, contents, kinds)
        files.append(ExportFile("datapackage.json", "application/json", package))
    else:
        dataset_node = {"@id": f"urn:micromet:dataset:{version}", "@type": "Dataset", "version": version}
        graph = [dataset_node, *(jsonld_node(item, public_url, kinds) for item in [*sources, *sections])]
        graph += [jsonld_node(item, public_url, kinds) for items in entities.values() for item in items]
        graph_document: dict[str, Any] = {"@context": JSONLD_CONTEXT, "@graph": graph}
        files = [ExportFile(f"{stem}.jsonld", MEDIA_TYPES[export_format], _json(graph_document))]
    return Export(export_format, version, generated_at, files)


def csv_columns(kind: EntityKind) -> list[str]:
    """The stable column order of a type's CSV: slug, name, summary, the type's own fields as declared, then
    synonyms, codes, and the provenance (sections and quotes)."""
    own = [name for name in kind.table.model_fields if name not in _COMMON_COLUMNS]
    return ["slug", "name", "summary", *own, "synonyms", "codes", "sections", "quotes"]


_COMMON_COLUMNS = {"slug", "name", "summary", "synonyms", "position"}


def _csv(kind: EntityKind, items: list[Item]) -> bytes:
    columns = csv_columns(kind)
    return csv_bytes(columns, (_csv_row(item, columns) for item in items))


def _csv_row(item: Item, columns: list[str]) -> list[Any]:
    row = {key: item.get(key) for key in columns}
    row["synonyms"] = _LIST_SEPARATOR.join(item["synonyms"])
    row["codes"] = _LIST_SEPARATOR.join(
        f"{code['code']} ({code['match']}: {code['display']})" for code in item["codes"]
    )
    row["sections"] = _LIST_SEPARATOR.join(dict.fromkeys(quote["section"] for quote in item["provenance"]))
    row["quotes"] = _LIST_SEPARATOR.join(
        f"[{quote['start']}:{quote['end']}] {quote['quote']}" for quote in item["provenance"]
    )
    return [row[key] for key in columns]


RELATION_COLUMNS = [
    "subject_type",
    "subject_slug",
    "predicate",
    "object_type",
    "object_slug",
    "section",
    "quote",
    "start",
    "end",
]
"""The columns of `relation.csv`: one row per relation, from its subject, with the quote that states it."""
_QUOTE_KEYS = ("section", "quote", "start", "end")


def _relations_csv(entities: dict[str, list[Item]]) -> bytes:
    rows = (
        [item["type"], item["slug"], predicate, ref["type"], ref["slug"], *(quote[key] for key in _QUOTE_KEYS)]
        for items in entities.values()
        for item in items
        for predicate, ref, quote in _outgoing(item)
    )
    return csv_bytes(RELATION_COLUMNS, rows)


def _outgoing(item: Item) -> list[tuple[str, Item, Item]]:
    """The relations an item states, as (predicate, reference, quote), in the item's own order."""
    return [
        (predicate.value, ref, ref["provenance"])
        for predicate, kind in RELATION_KINDS.items()
        for ref in item.get("relations", {}).get(kind.name, [])
    ]


def _sections_csv(sections: list[Item]) -> bytes:
    columns = ["source_slug", "slug", "position", "heading", "start", "end", "text"]
    return csv_bytes(columns, ([item.get(key) for key in columns] for item in sections))


LINK = {"@type": "@id"}
"""A term whose string values are IRIs (links), not text."""

JSONLD_CONTEXT: dict[str, Any] = {
    "@vocab": "https://schema.org/",
    "micromet": "urn:micromet:",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "url": LINK,
    "sameAs": LINK,
    "relatedLink": LINK,
    "isPartOf": LINK,
    **{f"micromet:{predicate.value}": LINK for predicate in RELATION_KINDS},
    **{match.skos_property: LINK for match in MatchType},
}
"""schema.org by default; micromet's relation predicates and the SKOS mappings by prefix; every link-valued term
declared as one, so that RDF tools read links as IRIs."""


def code_uri(code: dict[str, Any]) -> str:
    """The dereferenceable URI of a vocabulary code (MeSH `.../mesh/D007150`, NCIt `...Thesaurus.owl#C23020`)."""
    if code["system"] == NCIT_URI:
        return f"{NCIT_URI}#{code['code']}"
    return f"{code['system']}/{code['code']}"


def jsonld_node(item: Item, base: str, kinds: Registry = ENTITY_KINDS, *, path: str | None = None) -> dict[str, Any]:
    """One item as a schema.org node: its type, name, text, provenance as citations, and its vocabulary codes
    as SKOS mappings (`skos:exactMatch`, `skos:broadMatch`, `skos:narrowMatch`, `skos:relatedMatch`); exact
    matches are also schema.org's `sameAs`, every other code `relatedLink`, never `sameAs`. Every IRI is
    absolute, on `base` (the public URL), so a saved file converts to RDF whole with no base of its own.

    A sparse item (`fields=`) gives the node of the properties its fields hold; `@id`, `@type` and
    `identifier` always come, as `type` and `slug` always do (`path`, the item's URL path, gives the `@id` of a
    sparse section, which does not know its source)."""
    kind: str = item["type"]
    links = item.get("links")
    node: dict[str, Any] = {
        "@id": base + (links["self"] if links else path or _self_url(kinds, item)),
        "@type": SCHEMA_ORG_TYPES.get(kind) or kinds[kind].schema_org_type,
        "identifier": item["slug"],
    }
    if {"name", "title", "heading"} & item.keys():  # a section without a heading is named by its slug
        node["name"] = item.get("name") or item.get("title") or item.get("heading") or item["slug"]
    if links:
        node["url"] = base + links["self"]
    if item.get("summary"):
        node["description"] = item["summary"]
    if kind == EntityType.SECTION:
        if "text" in item:
            node["text"] = item["text"]
        if links:
            node["isPartOf"] = {"@id": base + links["source"]}
    codes = item.get("codes", [])
    same_as = [code_uri(code) for code in codes if code["match"] == "exact"]
    related = [code_uri(code) for code in codes if code["match"] != "exact"]
    if same_as:
        node["sameAs"] = same_as
    if related:
        node["relatedLink"] = related
    for code in codes:
        node.setdefault(MatchType(code["match"]).skos_property, []).append({"@id": code_uri(code)})
    for predicate, ref, _quote in _outgoing(item):
        node.setdefault(f"micromet:{predicate}", []).append({"@id": base + ref["href"]})
    if item.get("provenance"):
        node["citation"] = [
            {
                "@type": "Quotation",
                "text": quote["quote"],
                "isPartOf": {"@id": base + section_url(quote["source"], quote["section"])},
                "micromet:start": quote["start"],
                "micromet:end": quote["end"],
            }
            for quote in item["provenance"]
        ]
    return node


def _self_url(kinds: Registry, item: Item) -> str:
    """An item's URL from its type and slug, for a sparse item whose `links` were not asked for."""
    if item["type"] == EntityType.SECTION:
        return section_url(item["source_slug"], item["slug"])
    if item["type"] == EntityType.SOURCE:
        return source_url(item["slug"])
    return item_url(kinds[item["type"]].segment, item["slug"])


def _json(document: Any) -> bytes:
    return orjson.dumps(document, option=orjson.OPT_INDENT_2) + b"\n"
