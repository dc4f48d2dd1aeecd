"""The search interface: what every engine implements and reports, and what a speller offers. It imports no
engine, so the engines, the speller and the service all depend on it and never on each other."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from sqlalchemy import Connection
from sqlmodel import Session

from app.db import AsyncReadPool
from app.models.common import EntityType
from app.models.registry import ENTITY_KINDS, Registry
from app.search.forms import Forms
from app.search.query import SearchPlan

MIN_CORRECTABLE_LENGTH = 4


def correctable(word: str) -> bool:
    """Short words and numbers are left alone: any 'correction' of them is a guess."""
    return len(word) >= MIN_CORRECTABLE_LENGTH and not word.isdigit()


LONG_WORD = 8
"""From this length a correction may make two edits; shorter words, one."""


def close_enough(word: str, candidate: str) -> bool:
    """Whether `candidate` is a typo's correction of `word`: at most one edit away (two for long words), a swap
    of neighbours counting as one. "biospy" is "biopsy" swapped; "chance" is two edits from "cancer", a real word
    rather than a typo of it."""
    allowed = 2 if len(word) >= LONG_WORD else 1
    return edit_distance(word, candidate, limit=allowed) <= allowed


def edit_distance(one: str, other: str, limit: int) -> int:
    """Optimal string alignment distance (insertions, deletions, substitutions, adjacent swaps), or `limit + 1`
    as soon as it must exceed `limit`."""
    if abs(len(one) - len(other)) > limit:
        return limit + 1
    previous2: list[int] = []
    previous = list(range(len(other) + 1))
    for i, a in enumerate(one, start=1):
        current = [i] + [0] * len(other)
        for j, b in enumerate(other, start=1):
            cost = 0 if a == b else 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and a == other[j - 2] and one[i - 2] == b:
                current[j] = min(current[j], previous2[j - 2] + 1)
        if min(current) > limit:
            return limit + 1
        previous2, previous = previous, current
    return previous[-1]


class Speller(Protocol):
    """Suggests indexed words for the words of a query that matched nothing, and knows the indexed words' forms."""

    def corrections(self, connection: Connection, version: str, words: list[str]) -> dict[str, str]:
        """For each word the index does not hold (the caller checks that against `forms`, in memory), its closest
        indexed word, where one is close enough."""

    def forms(self, connection: Connection, version: str) -> Forms:
        """The indexed words' families of forms (read once per dataset version)."""

    def loaded_forms(self, version: str) -> Forms | None:
        """The forms of `version` if they are read already (no database needed), else None."""


EXACT_NAME_BONUS = 100.0
"""Added to the score of a hit that answers to the query as a name, abbreviation or synonym: it ranks first."""
HEADING_BONUS = 50.0
"""Added to the score of a section whose heading holds every word of the query: the section is about it."""

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
    partial: bool = False
    """The hits hold some of the clauses only: no document holds them all."""


class AsyncSearchBackend(Protocol):
    """An engine that also answers on the event loop, from a pool of asynchronous connections (PostgreSQL)."""

    async def search_async(
        self,
        pool: AsyncReadPool,
        plan: SearchPlan,
        types: list[str],
        limit: int,
        offset: int,
        code: str | None = None,
    ) -> EngineResults:
        """`SearchBackend.search` with `partial=None`, without a thread: one round trip."""
        ...


class SearchBackend(Protocol):
    """A full-text engine: builds its index from `search_document` rows and answers parsed queries."""

    def rebuild(self, session: Session) -> None:
        """Rebuild the index from the `search_document` rows, inside the caller's (seed) transaction."""

    def search(
        self,
        connection: Connection,
        plan: SearchPlan,
        types: list[str],
        limit: int,
        offset: int,
        code: str | None = None,
        *,
        partial: bool | None = False,
    ) -> EngineResults:
        """Rank the documents matching every required clause of `plan` (with `partial`, any of them, those
        matching most first; with `partial=None`, every clause if any document holds them all, else the most),
        restricted to `types` (all when empty); with `code`, only documents of entities carrying that vocabulary
        code match at all (facets included). It takes a plain connection, not an ORM session: every new query
        pays for whatever it is given."""

    def speller(self) -> Speller:
        """The typo corrector that suits this engine (one per app: it may cache the lexicon)."""
