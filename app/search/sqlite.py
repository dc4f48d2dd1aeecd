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

from app.search.interface import MARK_CLOSE, MARK_OPEN, SEARCHABLE_TYPES, EngineResults, RawHit, Speller
from app.search.query import ParsedQuery
from app.search.spelling import DifflibSpeller

# Field weights for bm25, in the index's column order: a match in the name counts most, then the declared
# synonyms and abbreviations, then the summary, then quotes and section text. `type` and `codes` are indexed
# only so that facets and the type and code filters are answered from the index; they never score.
WEIGHTS = {"name": 20.0, "synonyms": 10.0, "summary": 4.0, "body": 1.0, "type": 0.0, "codes": 0.0}
TEXT_COLUMNS = "{name synonyms summary body}"
SNIPPET_TOKENS = 16
EXACT_NAME_BONUS = 100.0
"""Added to the score of a hit whose name is exactly the query's words, so that it ranks first."""

GROUPED_FACETS_LIMIT = 500
"""Up to this many hits, facets come from one grouped pass over the hits' rows (cheaper than a count per type);
beyond it, from the index alone."""

_RANK = f"-bm25(search_fts, {', '.join(str(weight) for weight in WEIGHTS.values())})"


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
        query: ParsedQuery,
        types: list[str],
        limit: int,
        offset: int,
        code: str | None = None,
    ) -> EngineResults:
        """Every phrase must match (implicit AND) in the text columns; each phrase is quoted, so nothing
        typed is FTS syntax. A hit whose name is the query comes first; the rest follow by score."""
        phrases = " ".join('"' + " ".join(phrase) + '"' for phrase in query.phrases)
        text_match = match = f"{TEXT_COLUMNS} : ({phrases})"
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
            exact = self._exact(cursor, filtered, " ".join(query.words), types)
            page: list[tuple[int, float]] = exact[offset : offset + limit]
            if len(page) < limit:
                page += self._ranked(
                    cursor, filtered, [rowid for rowid, _ in exact], limit - len(page), max(0, offset - len(exact))
                )
            # Snippets from the text columns' matches alone: the type and code filters are never shown as a match.
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
    def _exact(cursor: Any, match: str, words: str, types: list[str]) -> list[tuple[int, float]]:
        """Matching documents whose name is exactly the query's words, with their boosted scores."""
        rows = cursor.execute(
            f"SELECT rowid, {_RANK} + {EXACT_NAME_BONUS} AS score FROM search_fts WHERE search_fts MATCH ? "
            "AND rowid IN (SELECT id FROM search_document WHERE name_key = ?) ORDER BY score DESC, rowid",
            (match, words),
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
    def _details(cursor: Any, match: str, page: list[tuple[int, float]]) -> list[RawHit]:
        """Names, URLs and snippets for the page's rows only."""
        if not page:
            return []
        marks = ", ".join("?" for _ in page)
        rows = cursor.execute(
            f"SELECT d.id, d.type, d.slug, d.name, d.href, snippet(search_fts, -1, ?, ?, '…', {SNIPPET_TOKENS}) "
            f"FROM search_fts JOIN search_document AS d ON d.id = search_fts.rowid "
            f"WHERE search_fts MATCH ? AND search_fts.rowid IN ({marks})",
            (MARK_OPEN, MARK_CLOSE, match, *[rowid for rowid, _ in page]),
        ).fetchall()
        found = {row[0]: row for row in rows}
        return [
            RawHit(type=row[1], slug=row[2], name=row[3], href=row[4], score=score, snippet=row[5])
            for rowid, score in page
            if (row := found.get(rowid)) is not None
        ]


def _type_phrase(kind: str) -> str:
    """`type : "detection method"`: the FTS phrase that selects one type (its tokens, as the index holds them)."""
    return 'type : "' + " ".join(kind.split("-")) + '"'
