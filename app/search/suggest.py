"""Typeahead: the names, abbreviations, synonyms and codes that a prefix starts, best first.

The served dataset's names (`search_name`) are held in memory per dataset version, sorted, so a prefix is two
binary searches whatever the engine (the same answers on SQLite and PostgreSQL) and whatever the size (a 100k
dataset is a few hundred thousand keys).
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass
from enum import IntEnum
from typing import Any

from sqlalchemy import Connection, text

from app.search.query import words_of

MAX_PREFIX_LENGTH = 100
MAX_SUGGESTIONS = 20
DEFAULT_SUGGESTIONS = 10


class Tier(IntEnum):
    """How a suggestion matched its prefix, best first."""

    NAME = 0
    """The name starts with the prefix."""
    NAME_WORD = 1
    """A later word of the name starts with it."""
    ALIAS = 2
    """An abbreviation or a synonym (or one of its words) starts with it."""
    CODE = 3
    """A vocabulary code starts with it."""


@dataclass(frozen=True)
class Named:
    """One document, as suggestions show it."""

    type: str
    slug: str
    name: str
    url: str


@dataclass(frozen=True)
class Key:
    """A string a prefix may start: the key, what matched, how (its tier) and whose it is."""

    key: str
    matched: str
    tier: Tier
    document: int


class SuggestIndex:
    """The names of one dataset version, sorted for prefix lookups."""

    def __init__(self, version: str, documents: dict[int, Named], keys: list[Key]) -> None:
        self.version = version
        self.documents = documents
        self.keys = sorted(keys, key=lambda key: key.key)
        self._sorted = [key.key for key in self.keys]

    @classmethod
    def load(cls, connection: Connection, version: str) -> SuggestIndex:
        rows = connection.execute(
            text(
                "SELECT n.document_id, n.key, n.label, n.kind, d.type, d.slug, d.name, d.href "
                "FROM search_name AS n JOIN search_document AS d ON d.id = n.document_id"
            )
        ).all()
        documents: dict[int, Named] = {}
        keys: list[Key] = []
        for document, key, label, kind, type_, slug, name, href in rows:
            documents[document] = Named(type_, slug, name, href)
            keys += _keys(document, key, label, kind)
        return cls(version, documents, keys)

    def suggest(self, prefix: str, types: list[str], limit: int) -> list[dict[str, Any]]:
        """The documents a prefix starts a name of, best tier first, then shorter names, then alphabetically;
        each once, with what it matched."""
        normalized = " ".join(words_of(prefix))
        if not normalized:  # no letter or digit: nothing to complete
            return []
        if prefix[-1:].isspace():
            normalized += " "  # "liquid " is the word liquid, whole
        start = bisect.bisect_left(self._sorted, normalized)
        end = bisect.bisect_left(self._sorted, normalized + "\U0010ffff")
        best: dict[int, Key] = {}
        for key in self.keys[start:end]:
            named = self.documents[key.document]
            if types and named.type not in types:
                continue
            known = best.get(key.document)
            if known is None or (key.tier, len(key.matched)) < (known.tier, len(known.matched)):
                best[key.document] = key
        ranked = sorted(
            best.values(),
            key=lambda key: (key.tier, len(self.documents[key.document].name), self.documents[key.document].name),
        )
        return [{**vars(self.documents[key.document]), "matched": key.matched} for key in ranked[:limit]]


def _keys(document: int, key: str, label: str, kind: str) -> list[Key]:
    """The key itself, and each later word of it (a word prefix: `chain` starts polymerase chain reaction)."""
    whole = Tier.CODE if kind == "code" else Tier.NAME if kind == "name" else Tier.ALIAS
    later = Tier.NAME_WORD if kind == "name" else whole
    words = key.split(" ")
    if "(" in label:  # "Polymerase chain reaction (PCR)": its words come from the name without the abbreviation
        return [Key(key, label, whole, document)]
    return [Key(key, label, whole, document)] + [
        Key(" ".join(words[index:]), label, later, document) for index in range(1, len(words))
    ]


class Suggester:
    """The served dataset's suggest index, loaded on first use after each new dataset version."""

    def __init__(self) -> None:
        self._current: SuggestIndex | None = None

    def loaded(self, version: str) -> bool:
        """Whether the index of `version` is in memory already (suggesting from it needs no database)."""
        return self._current is not None and self._current.version == version

    def index(self, connection: Connection, version: str) -> SuggestIndex:
        current = self._current
        if current is None or current.version != version:
            current = self._current = SuggestIndex.load(connection, version)
        return current
