"""Search as the API offers it: parse, ask the engine, correct typos, escape and mark the snippets."""

from __future__ import annotations

import html
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection

from app.search.interface import MARK_CLOSE, MARK_OPEN, SEARCHABLE_TYPES, EngineResults, SearchBackend, Speller
from app.search.query import ParsedQuery, parse_query


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
    facet_types: tuple[str, ...] = SEARCHABLE_TYPES,
) -> SearchOutcome | None:
    """Run the query as typed; if it matches nothing, run its typo-corrected form and say so.

    With `correct=False`, a query that matches nothing answers None instead of being corrected (the caller
    runs the slower correction elsewhere, e.g. off the event loop)."""
    query = parse_query(text)
    if not query.phrases:
        return SearchOutcome([], 0, _all_facets({}, facet_types), None)
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
    return _outcome(results, types, marks, did_you_mean, facet_types)


def _outcome(
    results: EngineResults,
    types: list[str],
    marks: tuple[str, str],
    suggestion: str | None,
    facet_types: tuple[str, ...],
) -> SearchOutcome:
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
    return SearchOutcome(hits, total, _all_facets(results.facets, facet_types), suggestion)


def mark_snippet(snippet: str, marks: tuple[str, str]) -> str:
    """Collapse whitespace, HTML-escape the text, then put the caller's markers where the engine marked matches."""
    opening, closing = marks
    return html.escape(" ".join(snippet.split())).replace(MARK_OPEN, opening).replace(MARK_CLOSE, closing)


def _all_facets(counts: dict[str, int], facet_types: tuple[str, ...]) -> dict[str, int]:
    return {kind: counts.get(kind, 0) for kind in facet_types}
