"""Search as the API offers it: parse, ask the engine, correct typos, escape and mark the snippets."""

from __future__ import annotations

import difflib
import html
from dataclasses import dataclass, field
from typing import Any, Protocol

from sqlalchemy import Connection
from sqlmodel import col, select

from app import deadline
from app.models import SearchTerm
from app.search.backend import MARK_CLOSE, MARK_OPEN, EngineResults, SearchableType, SearchBackend
from app.search.query import ParsedQuery, parse_query

MIN_CORRECTABLE_LENGTH = 4
SIMILARITY_CUTOFF = 0.8


class Speller(Protocol):
    """Suggests indexed words for the words of a query that matched nothing."""

    def corrections(self, connection: Connection, version: str, words: list[str]) -> dict[str, str]:
        """For each word the index does not hold, its closest indexed word, where one is close enough."""

    def unknown(self, connection: Connection, version: str, words: list[str]) -> list[str]:
        """The correctable words the index does not hold: those `corrections` would look for."""


def correctable(word: str) -> bool:
    """Short words and numbers are left alone: any 'correction' of them is a guess."""
    return len(word) >= MIN_CORRECTABLE_LENGTH and not word.isdigit()


@dataclass
class Lexicon:
    """The indexed words of one dataset version, for suggesting the closest word to one that matched nothing."""

    version: str
    ordered: list[str]
    terms: frozenset[str] = field(init=False)

    def __post_init__(self) -> None:
        self.terms = frozenset(self.ordered)

    @classmethod
    def load(cls, connection: Connection, version: str) -> Lexicon:
        """Read the vocabulary, most common words first (so ties favour them)."""
        ordered = list(connection.scalars(select(SearchTerm.term).order_by(col(SearchTerm.documents).desc())))
        return cls(version=version, ordered=ordered)

    def corrections(self, words: list[str]) -> dict[str, str]:
        """For each word the index does not hold, its closest indexed word, where one is close enough."""
        found: dict[str, str] = {}
        for word in words:
            if word in self.terms or not correctable(word):
                continue
            deadline.check()  # each word is a pass over the lexicon: stop between them at the time limit
            close = difflib.get_close_matches(word, self.ordered, n=1, cutoff=SIMILARITY_CUTOFF)
            if close:
                found[word] = close[0]
        return found


class DifflibSpeller:
    """In-process spelling over the served dataset's lexicon, reloaded when the dataset version changes.

    Suits the embedded engine: the lexicon is read once per version and matched in memory.
    """

    def __init__(self) -> None:
        self._current: Lexicon | None = None

    def lexicon(self, connection: Connection, version: str) -> Lexicon:
        """The lexicon for `version`, loading it on first use (one version kept)."""
        current = self._current
        if current is None or current.version != version:
            current = self._current = Lexicon.load(connection, version)
        return current

    def corrections(self, connection: Connection, version: str, words: list[str]) -> dict[str, str]:
        """The closest lexicon word (difflib ratio >= 0.8) for each unknown word."""
        return self.lexicon(connection, version).corrections(words)

    def unknown(self, connection: Connection, version: str, words: list[str]) -> list[str]:
        """Set lookups in the lexicon: cheap, unlike the corrections themselves."""
        terms = self.lexicon(connection, version).terms
        return [word for word in words if word not in terms and correctable(word)]


@dataclass(frozen=True)
class SearchOutcome:
    """A page of hits (marked-up snippets), the facets, and the correction used if any."""

    hits: list[dict[str, Any]]
    total: int
    facets: dict[str, int]
    did_you_mean: str | None


def search(
    connection: Connection,
    backend: SearchBackend,
    speller: Speller,
    version: str,
    text: str,
    *,
    types: list[str],
    limit: int,
    offset: int,
    marks: tuple[str, str],
    code: str | None = None,
    correct: bool = True,
) -> SearchOutcome | None:
    """Run the query as typed; if it matches nothing, run its typo-corrected form and say so.

    With `correct=False`, a query that matches nothing answers None instead of being corrected (the caller
    runs the slower correction elsewhere, e.g. off the event loop)."""
    query = parse_query(text)
    if not query.phrases:
        return SearchOutcome([], 0, _all_facets({}), None)
    results = backend.search(connection, query, types, limit, offset, code)
    did_you_mean = None
    if not results.facets and not correct and speller.unknown(connection, version, query.words):
        return None
    if not results.facets:
        corrections = speller.corrections(connection, version, query.words)
        if corrections:
            corrected: ParsedQuery = query.replaced(corrections)
            did_you_mean = corrected.display()
            results = backend.search(connection, corrected, types, limit, offset, code)
    return _outcome(results, types, marks, did_you_mean)


def _outcome(results: EngineResults, types: list[str], marks: tuple[str, str], suggestion: str | None) -> SearchOutcome:
    total = sum(count for kind, count in results.facets.items() if not types or kind in types)
    hits = [
        {
            "type": hit.type,
            "slug": hit.slug,
            "name": hit.name,
            "url": hit.href,
            "score": round(hit.score, 6),
            "snippet": mark_snippet(hit.snippet, marks),
        }
        for hit in results.hits
    ]
    return SearchOutcome(hits, total, _all_facets(results.facets), suggestion)


def mark_snippet(snippet: str, marks: tuple[str, str]) -> str:
    """Collapse whitespace, HTML-escape the text, then put the caller's markers where the engine marked matches."""
    opening, closing = marks
    return html.escape(" ".join(snippet.split())).replace(MARK_OPEN, opening).replace(MARK_CLOSE, closing)


_FACET_TYPES = tuple(kind.value for kind in SearchableType)


def _all_facets(counts: dict[str, int]) -> dict[str, int]:
    return {kind: counts.get(kind, 0) for kind in _FACET_TYPES}
