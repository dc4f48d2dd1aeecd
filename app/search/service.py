"""Search as the API offers it: parse, expand each word into its forms, ask the engine for every word; failing
that, correct typos; failing that, take the hits with the most words; escape and mark the snippets."""

from __future__ import annotations

import html
from dataclasses import dataclass
from enum import StrEnum
from functools import partial
from typing import Any

from sqlalchemy import Connection

from app.db import AsyncReadPool
from app.search.forms import STOP_WORDS, Forms, indexed_as
from app.search.interface import (
    MARK_CLOSE,
    MARK_OPEN,
    SEARCHABLE_TYPES,
    AsyncSearchBackend,
    EngineResults,
    SearchBackend,
    Speller,
    close_enough,
    correctable,
)
from app.search.query import Clause, ParsedQuery, SearchPlan, parse_query


class Match(StrEnum):
    """How the hits match the query."""

    ALL = "all"
    """Every word of the query (in some form, or corrected), its stop words aside."""
    PARTIAL = "partial"
    """No document holds every word: the hits hold the most of them, those with most first."""
    NONE = "none"
    """No word of the query occurs in any form: no hits (never the whole corpus)."""


@dataclass(frozen=True)
class SearchOutcome:
    """A page of hits (marked-up snippets), the facets, how they match, and the correction used if any."""

    hits: list[dict[str, Any]]
    total: int
    facets: dict[str, int]
    did_you_mean: str | None
    match: Match = Match.NONE


def plan_query(query: ParsedQuery, forms: Forms, corrections: dict[str, str] | None = None) -> SearchPlan:
    """Each word becomes a clause of its forms among the indexed words (and its correction's); a quoted phrase
    stays as typed. Stop words are marked, so that a query of other words need not match them."""
    corrections = corrections or {}
    clauses = []
    for phrase in query.phrases:
        if len(phrase) > 1:
            marks = frozenset(form for word in phrase for form in (word, *forms.of(word)))
            clauses.append(Clause((phrase,), weight=max(forms.weight([word]) for word in phrase), marks=marks))
        elif phrase[0] in corrections:
            clauses.append(_word_clause(forms, phrase[0], corrections[phrase[0]]))
        else:
            clauses.append(forms.memo(("clause", phrase[0]), partial(_word_clause, forms, phrase[0])))
    return SearchPlan(tuple(clauses), tuple(query.replaced(corrections).words))


def _word_clause(forms: Forms, word: str, corrected: str | None = None) -> Clause:
    """A word's clause: the word as typed, then its other forms, then its correction's (one per indexed token);
    a snippet marks any form of either."""
    family = forms.of(word)
    alternatives = [word, *sorted(family - {word})]
    marks = {word, *family}
    if corrected is not None:
        corrected_family = forms.of(corrected)
        alternatives += [corrected, *sorted(corrected_family - {corrected})]
        marks |= {corrected, *corrected_family}
    unique = _one_per_token(alternatives)
    return Clause(
        tuple((each,) for each in unique), stop=word in STOP_WORDS, weight=forms.weight(unique), marks=frozenset(marks)
    )


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
    """Match every word (in any of its forms; a word the index holds in no form, typo-corrected, and said so);
    if no document holds them all, answer the hits holding the most words (`match: partial`).

    With `correct=False`, a query that needs a typo correction answers None instead (the caller runs the slower
    correction elsewhere, e.g. off the event loop)."""
    query = parse_query(text)
    if not query.phrases:
        return SearchOutcome([], 0, _all_facets({}, facet_types), None)
    forms = speller.forms(connection, version)
    plan = plan_query(query, forms)
    needing = needing_correction(plan, forms)
    did_you_mean = None
    if needing:  # a word the index holds in no form cannot match as typed: correct it first
        if not correct:
            return None
        corrections = speller.corrections(connection, version, needing)
        if corrections:
            plan = plan_query(query, forms, corrections)
            did_you_mean = query.replaced(corrections).display()
    # Every clause if any document holds them all, else the most of them: one request to the engine.
    results = backend.search(connection, plan, types, limit, offset, code, partial=None)
    return answer(results, query, forms, did_you_mean, types=types, marks=marks, facet_types=facet_types)


async def search_async(
    pool: AsyncReadPool,
    backend: AsyncSearchBackend,
    forms: Forms,
    text: str,
    *,
    types: list[str],
    limit: int,
    offset: int,
    marks: tuple[str, str],
    code: str | None = None,
    facet_types: tuple[str, ...] = SEARCHABLE_TYPES,
) -> SearchOutcome | None:
    """`search` on the event loop, for an engine that answers asynchronously (PostgreSQL), with the lexicon's
    forms already read: None when a word needs a typo correction (the caller runs `search` in a thread)."""
    query = parse_query(text)
    if not query.phrases:
        return SearchOutcome([], 0, _all_facets({}, facet_types), None)
    plan = plan_query(query, forms)
    if needing_correction(plan, forms):
        return None
    results = await backend.search_async(pool, plan, types, limit, offset, code)
    return answer(results, query, forms, None, types=types, marks=marks, facet_types=facet_types)


def needing_correction(plan: SearchPlan, forms: Forms) -> list[str]:
    """The plan's words that the index holds in no form and that a correction could replace."""
    needing = [word for word in _content(plan) if word not in forms.frequencies and correctable(word)]
    return [word for word in needing if not forms.of(word)]


def answer(
    results: EngineResults,
    query: ParsedQuery,
    forms: Forms,
    did_you_mean: str | None,
    *,
    types: list[str],
    marks: tuple[str, str],
    facet_types: tuple[str, ...],
) -> SearchOutcome:
    """The outcome of the engine's `results`: how they match, and `did_you_mean` for a correction made, or for
    words that matched only through a form one typo away."""
    if not results.facets:
        return _outcome(results, types, marks, None, facet_types, Match.NONE)
    if results.partial:
        return _outcome(results, types, marks, did_you_mean, facet_types, Match.PARTIAL)
    if did_you_mean is None and (typos := _typos_among_forms(query, forms)):
        did_you_mean = query.replaced(typos).display()
    return _outcome(results, types, marks, did_you_mean, facet_types, Match.ALL)


def _one_per_token(words: list[str]) -> tuple[str, ...]:
    """The words, the first of those the engines index as one token kept (the form as typed comes first)."""
    kept: dict[str, str] = {}
    for word in words:
        kept.setdefault(indexed_as(word), word)
    return tuple(kept.values())


def _typos_among_forms(query: ParsedQuery, forms: Forms) -> dict[str, str]:
    """Words the index lacks that matched through a form one typo away ("nanotechnolgy" through nanotechnology):
    a correction in effect, so the answer says so as `did_you_mean`."""
    typos: dict[str, str] = {}
    for word in query.words:
        if word in forms.frequencies or not correctable(word):
            continue
        close = sorted(member for member in forms.of(word) if close_enough(word, member))
        if close:
            typos[word] = close[0]
    return typos


def _content(plan: SearchPlan) -> list[str]:
    """The single words the plan requires, as typed: what may need a correction."""
    return [clause.alternatives[0][0] for clause in plan.required if len(clause.alternatives[0]) == 1]


def _outcome(
    results: EngineResults,
    types: list[str],
    marks: tuple[str, str],
    suggestion: str | None,
    facet_types: tuple[str, ...],
    match: Match,
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
    return SearchOutcome(
        hits, total, _all_facets(results.facets, facet_types), suggestion, match if hits or total else Match.NONE
    )


def mark_snippet(snippet: str, marks: tuple[str, str]) -> str:
    """Collapse whitespace, HTML-escape the text, then put the caller's markers where the engine marked matches, in
    one pass (a caller's marker holding the engine's own is left as given)."""
    opening, closing = marks
    return html.escape(" ".join(snippet.split())).translate({ord(MARK_OPEN): opening, ord(MARK_CLOSE): closing})


def _all_facets(counts: dict[str, int], facet_types: tuple[str, ...]) -> dict[str, int]:
    return {kind: counts.get(kind, 0) for kind in facet_types}
