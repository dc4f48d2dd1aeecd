"""The search interface: what every engine implements and reports, and what a speller offers. It imports no
engine, so the engines, the speller and the service all depend on it and never on each other."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from sqlalchemy import Connection
from sqlmodel import Session

from app.models.common import EntityType
from app.models.registry import ENTITY_KINDS, Registry
from app.search.query import ParsedQuery

MIN_CORRECTABLE_LENGTH = 4


def correctable(word: str) -> bool:
    """Short words and numbers are left alone: any 'correction' of them is a guess."""
    return len(word) >= MIN_CORRECTABLE_LENGTH and not word.isdigit()


class Speller(Protocol):
    """Suggests indexed words for the words of a query that matched nothing."""

    def corrections(self, connection: Connection, version: str, words: list[str]) -> dict[str, str]:
        """For each word the index does not hold, its closest indexed word, where one is close enough."""

    def unknown(self, connection: Connection, version: str, words: list[str]) -> list[str]:
        """The correctable words the index does not hold: those `corrections` would look for."""


MARK_OPEN = "\x01"
MARK_CLOSE = "\x02"
"""Markers the engines put around matched terms in snippets; never present in the indexed text."""


def searchable_types(kinds: Registry) -> tuple[str, ...]:
    """What search can find: the searchable entity kinds, in the registry's order, then the article's sections.
    Facets list these types, and `type=` accepts them."""
    return (*(kind.name for kind in kinds if kind.searchable), EntityType.SECTION.value)


SEARCHABLE_TYPES = searchable_types(ENTITY_KINDS)
"""micromet's own searchable types."""


@dataclass(frozen=True)
class RawHit:
    """A hit as an engine reports it; the snippet carries `MARK_OPEN`/`MARK_CLOSE` and is not escaped."""

    type: str
    slug: str
    name: str
    href: str
    score: float
    snippet: str


@dataclass(frozen=True)
class EngineResults:
    """One page of hits, and the number of hits per type for the whole query."""

    hits: list[RawHit]
    facets: dict[str, int]


class SearchBackend(Protocol):
    """A full-text engine: builds its index from `search_document` rows and answers parsed queries."""

    def rebuild(self, session: Session) -> None:
        """Rebuild the index from the `search_document` rows, inside the caller's (seed) transaction."""

    def search(
        self,
        connection: Connection,
        query: ParsedQuery,
        types: list[str],
        limit: int,
        offset: int,
        code: str | None = None,
    ) -> EngineResults:
        """Rank the documents matching every phrase of `query`, restricted to `types` (all when empty); with
        `code`, only documents of entities carrying that vocabulary code match at all (facets included). It
        takes a plain connection, not an ORM session: every new query pays for whatever it is given."""

    def speller(self) -> Speller:
        """The typo corrector that suits this engine (one per app: it may cache the lexicon)."""
