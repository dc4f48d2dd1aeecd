"""The CSV export as a Frictionless data package: normalized tables and a `datapackage.json` that describes them.

The per-type files keep their packed cells (`synonyms`, `codes`, `sections`, `quotes`: `/v1` never removes a
column); the structure lives in tables of their own, one row per value, keyed to `entity.csv` (every entity's
type and slug), so that a validator can check every reference: `synonym.csv`, `code.csv`, `quote.csv`,
`quote_support.csv`, `relation.csv`, with `source.csv` and `section.csv` for the article. An empty cell is null:
no text of the content is ever empty (the seed refuses one).
"""

from __future__ import annotations

import csv
import hashlib
import io
import types
from collections.abc import Iterable
from enum import StrEnum
from typing import Any, Union, get_args, get_origin

import orjson

from app.models.code import MatchType
from app.models.link import Predicate
from app.models.registry import EntityKind, Registry

Item = dict[str, Any]
Column = dict[str, Any]

PACKED_COLUMNS = {
    "synonyms": "The synonyms joined by ' | ' (one per row in synonym.csv).",
    "codes": "The codes as 'CODE (match: name)' joined by ' | ' (one per row in code.csv).",
    "sections": "The sections quoted, joined by ' | ' (one quote per row in quote.csv).",
    "quotes": "The quotes as '[start:end] text' joined by ' | ' (one per row in quote.csv).",
}


def csv_bytes(columns: list[str], rows: Iterable[Iterable[Any]]) -> bytes:
    """A header and rows as UTF-8 CSV with `\n` line ends (None is an empty cell)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(columns)
    writer.writerows(["" if value is None else value for value in row] for row in rows)
    return buffer.getvalue().encode("utf-8")


def text(name: str, description: str, *, required: bool = True, enum: list[str] | None = None) -> Column:
    constraints: dict[str, Any] = {"required": required}
    if enum is not None:
        constraints["enum"] = enum
    return {"name": name, "type": "string", "description": description, "constraints": constraints}


def integer(name: str, description: str, *, required: bool = True) -> Column:
    return {"name": name, "type": "integer", "description": description, "constraints": {"required": required}}


ENTITY_REF = ["entity_type", "entity_slug"]


def _entity_key(description: str) -> list[Column]:
    return [text("entity_type", f"The type of the entity {description}."), text("entity_slug", "Its slug.")]


def normalized_tables(
    kinds: Registry, entities: dict[str, list[Item]], sources: list[Item], texts: dict[str, str]
) -> dict[str, tuple[list[Column], list[list[Any]]]]:
    """The normalized tables (columns and rows) the package adds to the per-type files."""
    everything = [item for kind in kinds for item in entities[kind.name]]
    source_columns = [
        text("slug", "The source's slug."),
        text("title", "Its title."),
        text("summary", "What it covers."),
        text("filename", "The file it was delivered as."),
        text("sha256", "sha256 of the UTF-8 text."),
        integer("length", "Length of the text in characters (Unicode code points)."),
        text("text", "The article's verbatim text: every start and end offset indexes into it."),
    ]
    return {
        "source": (
            source_columns,
            [
                [source[column["name"]] for column in source_columns[:-1]] + [texts[source["slug"]]]
                for source in sources
            ],
        ),
        "entity": (
            [
                text("type", "The entity's type.", enum=[kind.name for kind in kinds]),
                text("slug", "Its slug, unique within the type."),
                text("name", "Its name."),
            ],
            [[item["type"], item["slug"], item["name"]] for item in everything],
        ),
        "synonym": (
            [*_entity_key("named"), integer("position", "Order among its synonyms."), text("synonym", "One synonym.")],
            [
                [item["type"], item["slug"], index, synonym]
                for item in everything
                for index, synonym in enumerate(item["synonyms"])
            ],
        ),
        "code": (
            [
                *_entity_key("coded"),
                integer("position", "Order among its codes."),
                text("system", "The vocabulary's canonical URI."),
                text("code", "The code in that vocabulary."),
                text("display", "The vocabulary's preferred name for the code."),
                text(
                    "match", "How the code's concept relates to the entity (SKOS).", enum=[m.value for m in MatchType]
                ),
                text("note", "The curator's reason for the match type; null where none is needed.", required=False),
            ],
            [
                [
                    item["type"],
                    item["slug"],
                    index,
                    code["system"],
                    code["code"],
                    code["display"],
                    code["match"],
                    code["note"],
                ]
                for item in everything
                for index, code in enumerate(item["codes"])
            ],
        ),
        "quote": (
            [
                *_entity_key("quoted"),
                integer("position", "Order among its quotes."),
                text("source_slug", "The source quoted."),
                text("section", "The section quoted."),
                text("quote", "The article's exact words: text[start:end] of the source."),
                integer("start", "Offset of the first character in the source's text."),
                integer("end", "Offset one past the last character."),
            ],
            [
                [
                    item["type"],
                    item["slug"],
                    index,
                    quote["source"],
                    quote["section"],
                    quote["quote"],
                    quote["start"],
                    quote["end"],
                ]
                for item in everything
                for index, quote in enumerate(item["provenance"])
            ],
        ),
        "quote_support": (
            [
                *_entity_key("whose field it is"),
                integer("quote_position", "The quote (its position in quote.csv for that entity)."),
                text("field", "A field of the entity that the quote supports."),
            ],
            [
                [item["type"], item["slug"], index, field]
                for item in everything
                for index, quote in enumerate(item["provenance"])
                for field in quote["supports"]
            ],
        ),
    }


def relation_columns() -> list[Column]:
    return [
        text("subject_type", "The type of the entity that states the relation."),
        text("subject_slug", "Its slug."),
        text("predicate", "The relation.", enum=[predicate.value for predicate in Predicate]),
        text("object_type", "The type of the entity related to."),
        text("object_slug", "Its slug."),
        text("section", "The section whose words state the relation."),
        text("quote", "The article's words for it: text[start:end]."),
        integer("start", "Offset of the first character in the source's text."),
        integer("end", "Offset one past the last character."),
    ]


def section_columns() -> list[Column]:
    return [
        text("source_slug", "The source the section is part of."),
        text("slug", "The section's slug, unique within its source."),
        integer("position", "Order in the article, from 0."),
        text("heading", "The heading verbatim; null for the untitled opening.", required=False),
        integer("start", "Offset of the first character of the body."),
        integer("end", "Offset one past the last character of the body."),
        text("text", "The body, verbatim."),
    ]


def kind_columns(kind: EntityKind, columns: list[str]) -> list[Column]:
    """The schema of a type's own CSV, from its table's fields: enums, integers, and which may be null."""
    described: list[Column] = []
    for name in columns:
        if name in PACKED_COLUMNS:
            described.append(text(name, PACKED_COLUMNS[name], required=False))
            continue
        field = kind.table.model_fields[name]
        annotation = field.annotation
        options = [arg for arg in get_args(annotation) if arg is not type(None)]
        optional = get_origin(annotation) in (Union, types.UnionType) and len(options) < len(get_args(annotation))
        base = options[0] if optional else annotation
        description = field.description or name.replace("_", " ").capitalize() + "."
        if isinstance(base, type) and issubclass(base, StrEnum):
            described.append(text(name, description, required=not optional, enum=[member.value for member in base]))
        elif base is int:
            described.append(integer(name, description, required=not optional))
        else:
            described.append(text(name, description, required=not optional))
    return described


def descriptor(version: str, schemas: dict[str, list[Column]], contents: dict[str, bytes], kinds: Registry) -> bytes:
    """`datapackage.json`: each CSV with its schema, keys, size and hash (so a validator checks the bytes too)."""
    keys: dict[str, tuple[list[str], list[dict[str, Any]]]] = {
        "source": (["slug"], []),
        "section": (["source_slug", "slug"], [_foreign(["source_slug"], "source", ["slug"])]),
        "entity": (["type", "slug"], []),
        "synonym": ([*ENTITY_REF, "position"], [_to_entity(ENTITY_REF)]),
        "code": ([*ENTITY_REF, "position"], [_to_entity(ENTITY_REF)]),
        "quote": (
            [*ENTITY_REF, "position"],
            [_to_entity(ENTITY_REF), _foreign(["source_slug", "section"], "section", ["source_slug", "slug"])],
        ),
        "quote_support": (
            [*ENTITY_REF, "quote_position", "field"],
            [_foreign([*ENTITY_REF, "quote_position"], "quote", [*ENTITY_REF, "position"])],
        ),
        "relation": (
            ["subject_type", "subject_slug", "predicate", "object_type", "object_slug"],
            [_to_entity(["subject_type", "subject_slug"]), _to_entity(["object_type", "object_slug"])],
        ),
        **{kind.name: (["slug"], []) for kind in kinds},
    }
    resources = []
    for name, columns in schemas.items():
        primary, foreign = keys[name]
        schema: dict[str, Any] = {"fields": columns, "missingValues": [""], "primaryKey": primary}
        if foreign:
            schema["foreignKeys"] = foreign
        content = contents[name]
        resources.append(
            {
                "name": name,
                "path": f"{name}.csv",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "bytes": len(content),
                "hash": f"sha256:{hashlib.sha256(content).hexdigest()}",
                "schema": schema,
            }
        )
    document = {
        "name": "micromet",
        "title": "micromet: citable content about cancer micrometastases",
        "version": version,
        "description": "Every entity, quote, code and relation curated from the source article, with the article's "
        "text. An empty cell is null (no text value is empty). Offsets index into source.csv's text.",
        "resources": resources,
    }
    return orjson.dumps(document, option=orjson.OPT_INDENT_2) + b"\n"


def _to_entity(fields: list[str]) -> dict[str, Any]:
    return _foreign(fields, "entity", ["type", "slug"])


def _foreign(fields: list[str], resource: str, reference: list[str]) -> dict[str, Any]:
    return {"fields": fields, "reference": {"resource": resource, "fields": reference}}
