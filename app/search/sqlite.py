"""Search on SQLite: an FTS5 index over `search_document`, ranked by bm25 with field weights.

Every step reads the FTS index alone where it can: counts and ranking never touch the content table, and only
the page's rows are joined to it for their names and snippets. That keeps a query matching most of a 100k
dataset to a fraction of what a join over every match would cost.
"""

from __future__ import annotations

from contextlib import closing
from typing import Any

from sqlalchemy import Connection, text
from sqlmodel import Session

from app.search.interface import (
    EXACT_NAME_BONUS,
    HEADING_BONUS,
    MARK_CLOSE,
    MARK_OPEN,
    SEARCHABLE_TYPES,
    EngineResults,
    RawHit,
    Speller,
)
from app.search.query import Clause, SearchPlan, typed_twice
from app.search.spelling import DifflibSpeller

# Field weights for bm25, in the index's column order: a match in the name counts most, then the declared
# synonyms and abbreviations, then the summary, then quotes and section text, then (lowest) the names and entry
# terms of the entity's codes in the verified vocabulary. `type` and `codes` are indexed only so that facets and
# the type and code filters are answered from the index; they never score.
WEIGHTS = {"name": 20.0, "synonyms": 10.0, "summary": 4.0, "body": 1.0, "vocabulary": 0.5, "type": 0.0, "codes": 0.0}
TEXT_COLUMNS = "{name synonyms summary body}"
"""The article's words: what snippets show."""
MATCH_COLUMNS = "{name synonyms summary body vocabulary}"
SNIPPET_TOKENS = 16
SUMMARY_SNIPPET_CHARACTERS = 160
"""A hit found only by its vocabulary terms shows the start of its summary, unmarked (the terms are not the
article's words)."""

GROUPED_FACETS_LIMIT = 500
"""Up to this many hits, facets come from one grouped pass over the hits' rows (cheaper than a count per type);
beyond it, from the index alone."""

_RANK = f"-bm25(search_fts, {', '.join(str(weight) for weight in WEIGHTS.values())})"


def clause_expression(clause: Clause) -> str:
    """`("amplification" OR "amplification" OR "amplifies")`: each alternative a quoted phrase, so nothing typed
    is FTS syntax (the words are runs of letters and digits); the form as typed counts twice (`typed_twice`)."""
    return "(" + " OR ".join('"' + " ".join(words) + '"' for words in typed_twice(clause)) + ")"


class SQLiteSearch:
    """FTS5 with the porter stemmer ("biopsies" finds "biopsy") over an external-content table."""

    def __init__(self, types: tuple[str, ...] = SEARCHABLE_TYPES) -> None:
        self.types = types
        """The types facets count, one by one, when a query has too many hits to group."""

    def rebuild(self, session: Session) -> None:
        """Drop and rebuild the index from `search_document`; DDL is transactional in SQLite."""
        columns = ", ".join(WEIGHTS)
        session.execute(text("DROP TABLE IF EXISTS search_fts"))
        session.execute(
            text(
                f"CREATE VIRTUAL TABLE search_fts USING fts5({columns}, content='search_document', "
                "content_rowid='id', tokenize='porter unicode61 remove_diacritics 2')"
            )
        )
        session.execute(text("INSERT INTO search_fts(search_fts) VALUES ('rebuild')"))

    def speller(self) -> Speller:
        """The lexicon in memory, matched with difflib: the embedded engine has no trigram index."""
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
        partial: bool = False,
    ) -> EngineResults:
        """Every required clause must match (or, `partial`, at least one: the hits matching most come first);
        a hit whose name is the query comes first, then sections whose heading holds it, then the rest by score."""
        clauses = [clause_expression(clause) for clause in plan.required]
        joined = (" OR " if partial else " AND ").join(clauses)
        text_match, match = f"{TEXT_COLUMNS} : ({joined})", f"{MATCH_COLUMNS} : ({joined})"
        if code is not None:
            if not code.isalnum():  # the API admits only CODE_PATTERN; anything else could be FTS syntax
                return EngineResults(hits=[], facets={})
            match = f'({match}) AND codes : "{code.lower()}"'
        filtered = f"({match}) AND ({' OR '.join(_type_phrase(kind) for kind in types)})" if types else match
        # The driver's own cursor: this is every new query's path, and it needs no per-row processing.
        with closing(connection.connection.cursor()) as cursor:
            facets = self._facets(cursor, match)
            if not any(count for kind, count in facets.items() if not types or kind in types):
                return EngineResults(hits=[], facets=facets)
            boosted = self._boosted(cursor, filtered, plan, clauses, partial)
            if partial:
                weights = [clause.weight for clause in plan.required]
                page = self._by_clauses_matched(cursor, filtered, clauses, weights, boosted, limit, offset)
            else:
                page = boosted[offset : offset + limit]
                if len(page) < limit:
                    skip = [rowid for rowid, _ in boosted]
                    page += self._ranked(cursor, filtered, skip, limit - len(page), max(0, offset - len(boosted)))
            # Snippets from the text columns' matches alone: filters and vocabulary terms are never shown.
            hits = self._details(cursor, text_match, page)
        return EngineResults(hits=hits, facets=facets)

    def _facets(self, cursor: Any, match: str) -> dict[str, int]:
        """Hits per type. A few hits are grouped in one pass that reads each one's type from the content table;
        many are counted from the index alone, one count per type, so that no query reads thousands of rows."""
        total = cursor.execute("SELECT count(*) FROM search_fts WHERE search_fts MATCH ?", (match,)).fetchone()[0]
        if not total:
            return {}
        if total <= GROUPED_FACETS_LIMIT:
            rows = cursor.execute(
                "SELECT d.type, count(*) FROM search_fts JOIN search_document AS d ON d.id = search_fts.rowid "
                "WHERE search_fts MATCH ? GROUP BY d.type",
                (match,),
            ).fetchall()
            return dict(rows)
        counts = {}
        for kind in self.types:
            expression = f"({match}) AND {_type_phrase(kind)}"
            row = cursor.execute("SELECT count(*) FROM search_fts WHERE search_fts MATCH ?", (expression,)).fetchone()
            if row[0]:
                counts[kind] = row[0]
        return counts

    @staticmethod
    def _boosted(
        cursor: Any, match: str, plan: SearchPlan, clauses: list[str], partial: bool
    ) -> list[tuple[int, float]]:
        """Matching documents that answer to the query as a name (or abbreviation, or synonym), and sections
        whose heading holds every clause, with their boosted scores, best first."""
        keys = list(dict.fromkeys([" ".join(plan.words), " ".join(plan.content_words)]))
        marks = ", ".join("?" for _ in keys)
        heading = f'name : ({" AND ".join(clauses)}) AND type : "section"'
        rows = cursor.execute(
            f"SELECT rowid, {_RANK} + CASE WHEN rowid IN (SELECT document_id FROM search_name WHERE key IN ({marks})) "
            f"THEN {EXACT_NAME_BONUS} ELSE {HEADING_BONUS} END AS score FROM search_fts WHERE search_fts MATCH ? "
            f"AND (rowid IN (SELECT document_id FROM search_name WHERE key IN ({marks})) "
            "OR rowid IN (SELECT rowid FROM search_fts WHERE search_fts MATCH ?)) ORDER BY score DESC, rowid",
            (*keys, match, *keys, heading),
        ).fetchall()
        return [(rowid, score) for rowid, score in rows]

    @staticmethod
    def _ranked(cursor: Any, match: str, skip: list[int], limit: int, offset: int) -> list[tuple[int, float]]:
        """One page of the other hits by bm25, computed on the index without touching the content."""
        excluded = f" AND rowid NOT IN ({', '.join('?' for _ in skip)})" if skip else ""
        rows = cursor.execute(
            f"SELECT rowid, {_RANK} AS score FROM search_fts WHERE search_fts MATCH ?{excluded} "
            "ORDER BY score DESC, rowid LIMIT ? OFFSET ?",
            (match, *skip, limit, offset),
        ).fetchall()
        return [(rowid, score) for rowid, score in rows]

    @staticmethod
    def _by_clauses_matched(
        cursor: Any,
        match: str,
        clauses: list[str],
        weights: list[float],
        boosted: list[tuple[int, float]],
        limit: int,
        offset: int,
    ) -> list[tuple[int, float]]:
        """A page of the documents matching any clause: those matching the most clauses first, then those whose
        clauses are the rarer (their weights), then by score (a name or heading match boosted). Each clause's
        documents are read from the index once."""
        each = ", ".join("(rowid IN (SELECT rowid FROM search_fts WHERE search_fts MATCH ?))" for _ in clauses)
        bonus = dict(boosted)
        rows = cursor.execute(
            f"SELECT rowid, {_RANK} AS score, {each} FROM search_fts WHERE search_fts MATCH ?",
            (*(f"{MATCH_COLUMNS} : {clause}" for clause in clauses), match),
        ).fetchall()
        ranked = sorted(
            (
                -sum(row[2:]),
                -round(sum(weight for weight, held in zip(weights, row[2:], strict=True) if held), 6),
                -bonus.get(row[0], row[1]),
                row[0],
            )
            for row in rows
        )
        return [(rowid, -score) for _, _, score, rowid in ranked[offset : offset + limit]]

    @staticmethod
    def _details(cursor: Any, match: str, page: list[tuple[int, float]]) -> list[RawHit]:
        """Names, URLs and snippets for the page's rows only; a row matched by its vocabulary terms alone shows
        the start of its summary instead."""
        if not page:
            return []
        marks = ", ".join("?" for _ in page)
        rowids = [rowid for rowid, _ in page]
        rows = cursor.execute(
            f"SELECT d.id, d.type, d.slug, d.name, d.href, snippet(search_fts, -1, ?, ?, '…', {SNIPPET_TOKENS}) "
            f"FROM search_fts JOIN search_document AS d ON d.id = search_fts.rowid "
            f"WHERE search_fts MATCH ? AND search_fts.rowid IN ({marks})",
            (MARK_OPEN, MARK_CLOSE, match, *rowids),
        ).fetchall()
        found = {row[0]: row for row in rows}
        missing = [rowid for rowid in rowids if rowid not in found]
        if missing:
            others = cursor.execute(
                f"SELECT id, type, slug, name, href, substr(coalesce(nullif(summary, ''), body), 1, ?) "
                f"FROM search_document WHERE id IN ({', '.join('?' for _ in missing)})",
                (SUMMARY_SNIPPET_CHARACTERS, *missing),
            ).fetchall()
            found |= {row[0]: row for row in others}
        return [
            RawHit(type=row[1], slug=row[2], name=row[3], href=row[4], score=score, snippet=row[5])
            for rowid, score in page
            if (row := found.get(rowid)) is not None
        ]


def _type_phrase(kind: str) -> str:
    """`type : "detection method"`: the FTS phrase that selects one type (its tokens, as the index holds them)."""
    return 'type : "' + " ".join(kind.split("-")) + '"'
