"""Search on SQLite: an FTS5 index over `search_document`, ranked by bm25 with field weights."""

from __future__ import annotations

from contextlib import closing

from sqlalchemy import text
from sqlmodel import Session

from app.search.backend import MARK_CLOSE, MARK_OPEN, EngineResults, RawHit
from app.search.query import ParsedQuery

# Field weights for bm25, in the index's column order: a match in the name counts most, then the declared
# synonyms and abbreviations, then the summary, then quotes and section text.
WEIGHTS = {"name": 20.0, "synonyms": 10.0, "summary": 4.0, "body": 1.0}
SNIPPET_TOKENS = 16
EXACT_NAME_BONUS = 100.0
"""Added to the score of a hit whose name is exactly the query's words, so that it ranks first."""

_RANK = f"bm25(search_fts, {', '.join(str(weight) for weight in WEIGHTS.values())})"
_FROM = "FROM search_fts JOIN search_document AS d ON d.id = search_fts.rowid WHERE search_fts MATCH ?"
_FACETS = f"SELECT d.type, count(*) {_FROM} GROUP BY d.type"
_HITS = (
    f"SELECT d.type, d.slug, d.name, d.href, -{_RANK} + CASE WHEN d.name_key = ? THEN {EXACT_NAME_BONUS} ELSE 0 END "
    f"AS score, snippet(search_fts, -1, ?, ?, '…', {SNIPPET_TOKENS}) {_FROM}{{types}} "
    "ORDER BY score DESC, d.type, d.slug LIMIT ? OFFSET ?"
)


class SQLiteSearch:
    """FTS5 with the porter stemmer ("biopsies" finds "biopsy") over an external-content table.

    Queries go straight to the driver with prepared SQL: this is the API's one path that every new query
    takes in full, so it skips the ORM's per-statement work.
    """

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

    def search(self, session: Session, query: ParsedQuery, types: list[str], limit: int, offset: int) -> EngineResults:
        """Every phrase must match (implicit AND); each is quoted, so nothing typed is FTS syntax."""
        match = " ".join('"' + " ".join(phrase) + '"' for phrase in query.phrases)
        # The driver's own cursor: this is every new query's path, and it needs no per-row processing.
        with closing(session.connection().connection.cursor()) as cursor:
            facets: dict[str, int] = dict(cursor.execute(_FACETS, (match,)).fetchall())
            if not any(count for kind, count in facets.items() if not types or kind in types):
                return EngineResults(hits=[], facets=facets)  # nothing to rank: skip the costlier query
            where_types = f" AND d.type IN ({', '.join('?' for _ in types)})" if types else ""
            params = (" ".join(query.words), MARK_OPEN, MARK_CLOSE, match, *types, limit, offset)
            rows = cursor.execute(_HITS.format(types=where_types), params).fetchall()
        hits = [
            RawHit(type=row[0], slug=row[1], name=row[2], href=row[3], score=float(row[4]), snippet=row[5])
            for row in rows
        ]
        return EngineResults(hits=hits, facets=facets)
