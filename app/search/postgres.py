"""Search on PostgreSQL: a weighted tsvector with a GIN index, ranked by ts_rank.

Each document is indexed twice: with the `english` configuration (stemming: "biopsies" finds "biopsy") and with
`simple` (every word as typed, so words the English configuration drops as stop words, such as "and", are still
searchable). A phrase matches when either form matches. Weights follow the SQLite backend: name (A) above
synonyms (B) above summary (C) above quotes, section text and the vocabulary's terms (D). Section headings are
also indexed alone, so that a section about the query ranks by its heading.

A search is one prepared statement (its text depends only on the number of clauses; `tsquery_any`, migration
0009, joins a clause's forms), and its snippets are made in Python from the page's text (app/search/snippets.py):
`ts_headline` parsed every hit's whole text again and cost more than the search.

Typo corrections are SQLite's (app/search/spelling.py: difflib over the lexicon, which every replica holds in memory
anyway for the word forms), so both engines correct the same words the same way; the pg_trgm index of earlier
versions is dropped at the next seed.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

import psycopg
from sqlalchemy import Connection, text
from sqlmodel import Session

from app import deadline
from app.db import AsyncReadPool
from app.errors import ConnectionLostError, DatabaseUnavailableError
from app.search.interface import (
    EXACT_NAME_BONUS,
    HEADING_BONUS,
    EngineResults,
    RawHit,
    Speller,
)
from app.search.query import MAX_TERMS, SearchPlan
from app.search.snippets import hit_snippet
from app.search.spelling import DifflibSpeller

# ts_rank's weights are given for D, C, B, A; in the ratio of the SQLite backend's 1 : 4 : 10 : 20.
RANK_WEIGHTS = "{0.05, 0.2, 0.5, 1.0}"

_VECTOR = " || ".join(
    f"setweight(to_tsvector('{config}', coalesce({column}, '')), '{weight}')"
    for config in ("english", "simple")
    for column, weight in (("name", "A"), ("synonyms", "B"), ("summary", "C"), ("body", "D"), ("vocabulary", "D"))
)


class PostgresSearch:
    """tsvector + GIN over `search_document`, rebuilt inside the seed's transaction."""

    def rebuild(self, session: Session) -> None:
        """Recreate the index table from `search_document` (DDL is transactional in PostgreSQL)."""
        session.execute(text("DROP TABLE IF EXISTS search_index"))
        session.execute(
            text(
                "CREATE TABLE search_index AS SELECT id, type, name_key, string_to_array(codes, ' ') AS codes, "
                f"{_VECTOR} AS document, "
                "CASE WHEN type = 'section' THEN to_tsvector('english', name) || to_tsvector('simple', name) END "
                "AS heading FROM search_document"
            )
        )
        session.execute(text("ALTER TABLE search_index ADD PRIMARY KEY (id)"))
        session.execute(text("CREATE INDEX search_index_document ON search_index USING GIN (document)"))
        session.execute(text("DROP INDEX IF EXISTS search_term_trgm"))  # corrections no longer ask the database

    def speller(self) -> Speller:
        """SQLite's: difflib over the lexicon in memory (the same corrections on both engines)."""
        return DifflibSpeller()

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
        """Every required clause must match (`partial`: any, those matching most first; `None`: every clause
        if a document holds them all, else the most), in one prepared statement: the facets and the page come
        back together. Phrases are bound parameters, so nothing typed is query syntax."""
        statement, parameters = search_statement(plan, types, limit, offset, code, partial)
        driver = connection.connection.driver_connection  # psycopg's own, for its prepared statements
        assert isinstance(driver, psycopg.Connection)
        deadline.check()  # what the serving engine's hook does for its own statements
        try:
            with driver.cursor() as cursor:
                cursor.execute(statement, parameters, prepare=True)
                return search_results(cursor.fetchall(), plan)
        except (psycopg.OperationalError, psycopg.InterfaceError) as error:
            # What SQLAlchemy would report as its OperationalError (a 503) were the statement its own: the server
            # closed the connection (a restart, a failover, a terminated backend), or stopped the statement.
            if driver.broken or driver.closed:
                connection.invalidate()  # not returned to the pool
                raise ConnectionLostError(str(error)) from error
            raise DatabaseUnavailableError(str(error)) from error

    async def search_async(
        self,
        pool: AsyncReadPool,
        plan: SearchPlan,
        types: list[str],
        limit: int,
        offset: int,
        code: str | None = None,
    ) -> EngineResults:
        """`search` with `partial=None`, on the event loop: one round trip on the asynchronous pool (which asks
        again on a lost connection), the statement prepared once per connection."""
        statement, parameters = search_statement(plan, types, limit, offset, code, None)
        numbered, names = _numbered(statement)
        arguments = [parameters[name] for name in names]
        deadline.check()  # as the serving engine does before every statement
        return search_results(await pool.fetch(numbered, arguments), plan)


@lru_cache(maxsize=MAX_TERMS)
def _numbered(statement: str) -> tuple[str, tuple[str, ...]]:
    """The statement with asyncpg's `$n` placeholders, and the parameters' names in their order."""
    names: list[str] = []

    def number(match: re.Match[str]) -> str:
        if match.group(1) not in names:
            names.append(match.group(1))
        return f"${names.index(match.group(1)) + 1}"

    return re.sub(r"%\((\w+)\)s", number, statement), tuple(names)


SEPARATOR = "|"
"""Between the alternatives of a clause, sent as one text (cheaper to send than an array): never in a word, whose
characters are letters and digits only (app/search/query.py)."""


def _clause(index: int) -> str:
    """Clause `index`'s tsquery: any of its alternatives (each a phrase), in either configuration."""
    return (
        "(SELECT tsquery_any(phraseto_tsquery('english', a) || phraseto_tsquery('simple', a))"
        f" FROM unnest(string_to_array(CAST(%(c{index})s AS text), '{SEPARATOR}')) AS a)"
    )


@lru_cache(maxsize=MAX_TERMS)
def _statement_text(clauses: int) -> str:
    """The search statement for a query of `clauses` clauses: its text depends on nothing else, so that a
    connection prepares it once (planning each new query cost more than running it)."""
    indexes = range(clauses)
    each = ", ".join(f"{_clause(index)} AS q{index}" for index in indexes)
    # The forms as typed, ranked again: ts_rank counts a repeated operand once, so the reader's own word is
    # preferred to its other forms by a second rank over it alone (SQLite repeats the phrase instead).
    typed = " || ".join(
        f"(phraseto_tsquery('english', CAST(%(t{index})s AS text))"
        f" || phraseto_tsquery('simple', CAST(%(t{index})s AS text)))"
        for index in indexes
    )
    anyone = " || ".join(f"c.q{index}" for index in indexes)
    every = " && ".join(f"c.q{index}" for index in indexes)
    counted = " + ".join(f"(i.document @@ q.q{index})::int" for index in indexes)
    weighted = " + ".join(f"CAST(%(w{index})s AS float8) * (i.document @@ q.q{index})::int" for index in indexes)
    kept = ", ".join(f"q{index}" for index in indexes)
    return (
        f"WITH c AS MATERIALIZED (SELECT {each}),"
        f" q AS MATERIALIZED (SELECT {anyone} AS anyone, {every} AS every, {typed} AS typed, {kept} FROM c),"
        " matches AS MATERIALIZED ("
        f"  SELECT i.id, i.type, {counted} AS matched, {weighted} AS weighted,"
        f"    ts_rank('{RANK_WEIGHTS}', i.document, q.anyone) + ts_rank('{RANK_WEIGHTS}', i.document, q.typed)"
        "    + CASE WHEN i.id IN (SELECT document_id FROM search_name"
        f"      WHERE key = ANY(string_to_array(CAST(%(keys)s AS text), '{SEPARATOR}')))"
        f"      THEN {EXACT_NAME_BONUS} WHEN i.heading @@ q.every THEN {HEADING_BONUS} ELSE 0 END AS score"
        "   FROM search_index AS i, q"
        "   WHERE i.document @@ CASE WHEN CAST(%(mode)s AS text) = 'all' THEN q.every ELSE q.anyone END"
        "   AND (CAST(%(code)s AS text) IS NULL OR CAST(%(code)s AS text) = ANY(i.codes))),"
        " best AS (SELECT coalesce(max(matched), 0) AS most FROM matches),"
        " kept AS (SELECT m.* FROM matches AS m, best"
        "   WHERE CAST(%(mode)s AS text) = 'partial' OR m.matched = CAST(%(clauses)s AS int)"
        "   OR (CAST(%(mode)s AS text) = 'auto' AND best.most < CAST(%(clauses)s AS int))),"
        " page AS (SELECT * FROM kept"
        "   WHERE CAST(%(types)s AS text) = ''"
        f"   OR kept.type = ANY(string_to_array(CAST(%(types)s AS text), '{SEPARATOR}'))"
        "   ORDER BY matched DESC, weighted DESC, score DESC, id"
        "   LIMIT CAST(%(limit)s AS bigint) OFFSET CAST(%(offset)s AS bigint))"
        " SELECT 0 AS part, type, count(*) AS hits, NULL AS slug, NULL AS name, NULL AS href, 0 AS score,"
        "   NULL AS summary, NULL AS body, 0 AS matched, 0 AS weighted, 0 AS id, (SELECT most FROM best) AS most"
        " FROM kept GROUP BY type"
        " UNION ALL"
        " SELECT 1, d.type, 0, d.slug, d.name, d.href, p.score, d.summary, d.body,"
        "   p.matched, p.weighted, p.id, (SELECT most FROM best)"
        " FROM page AS p JOIN search_document AS d ON d.id = p.id"
        " ORDER BY part, matched DESC, weighted DESC, score DESC, id"
    )


def search_statement(
    plan: SearchPlan, types: list[str], limit: int, offset: int, code: str | None, partial: bool | None
) -> tuple[str, dict[str, Any]]:
    """The statement for `plan` and its parameters (psycopg's `%(name)s` style)."""
    clauses = plan.required
    keys = dict.fromkeys([" ".join(plan.words), " ".join(plan.content_words)])
    parameters: dict[str, Any] = {"keys": SEPARATOR.join(keys)}
    for index, clause in enumerate(clauses):
        parameters[f"c{index}"] = SEPARATOR.join(" ".join(words) for words in clause.alternatives)
        parameters[f"t{index}"] = " ".join(clause.alternatives[0])
        parameters[f"w{index}"] = round(clause.weight, 6)
    mode = "auto" if partial is None else "partial" if partial else "all"
    parameters |= {"limit": limit, "offset": offset, "types": SEPARATOR.join(types), "code": code}
    parameters |= {"clauses": len(clauses), "mode": mode}
    return _statement_text(len(clauses)), parameters


def search_results(rows: Sequence[Any], plan: SearchPlan) -> EngineResults:
    """The facets and the page's hits, their snippets made from their text (`app.search.snippets`)."""
    facets = {row[1]: row[2] for row in rows if row[0] == 0}
    marked = plan.marked
    hits = []
    for row in rows:
        if row[0] != 1:
            continue
        name, summary, body = row[4], row[7] or "", row[8] or ""
        snippet = hit_snippet(name, summary, body, marked)
        hits.append(RawHit(type=row[1], slug=row[3], name=name, href=row[5], score=float(row[6]), snippet=snippet))
    most = rows[0][12] if rows else 0
    return EngineResults(hits=hits, facets=facets, partial=bool(facets) and most < len(plan.required))
