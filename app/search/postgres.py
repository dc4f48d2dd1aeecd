"""Search on PostgreSQL: a weighted tsvector with a GIN index, ranked by ts_rank.

Each document is indexed twice: with the `english` configuration (stemming: "biopsies" finds "biopsy") and with
`simple` (every word as typed, so words the English configuration drops as stop words, such as "and", are still
searchable). A phrase matches when either form matches. Weights follow the SQLite backend: name (A) above
synonyms (B) above summary (C) above quotes and section text (D).

Typo suggestions use pg_trgm (the extension comes with migration 0002): a trigram GIN index on the lexicon's
words, queried per unknown word, so no replica holds the lexicon in memory.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, text
from sqlmodel import Session

from app.search.interface import MARK_CLOSE, MARK_OPEN, EngineResults, RawHit, Speller, correctable
from app.search.query import ParsedQuery

# ts_rank's weights are given for D, C, B, A; in the ratio of the SQLite backend's 1 : 4 : 10 : 20.
RANK_WEIGHTS = "{0.05, 0.2, 0.5, 1.0}"
EXACT_NAME_BONUS = 100.0
TRIGRAM_CUTOFF = 0.5
"""Lowest pg_trgm similarity accepted as a correction ("immunohistochemestry" scores 0.78 against the right word,
"prognsis" 0.58, unrelated words near 0)."""
_OPEN, _CLOSE = "\ue000", "\ue001"  # private-use characters: never in the content, safe in ts_headline options

_VECTOR = " || ".join(
    f"setweight(to_tsvector('{config}', coalesce({column}, '')), '{weight}')"
    for config in ("english", "simple")
    for column, weight in (("name", "A"), ("synonyms", "B"), ("summary", "C"), ("body", "D"))
)


class PostgresSearch:
    """tsvector + GIN over `search_document`, rebuilt inside the seed's transaction."""

    def rebuild(self, session: Session) -> None:
        """Recreate the index table from `search_document` (DDL is transactional in PostgreSQL)."""
        session.execute(text("DROP TABLE IF EXISTS search_index"))
        session.execute(
            text(
                "CREATE TABLE search_index AS SELECT id, type, name_key, string_to_array(codes, ' ') AS codes, "
                f"{_VECTOR} AS document FROM search_document"
            )
        )
        session.execute(text("ALTER TABLE search_index ADD PRIMARY KEY (id)"))
        session.execute(text("CREATE INDEX search_index_document ON search_index USING GIN (document)"))
        session.execute(
            text("CREATE INDEX IF NOT EXISTS search_term_trgm ON search_term USING GIN (term gin_trgm_ops)")
        )

    def speller(self) -> Speller:
        """pg_trgm similarity over `search_term`, answered by the database."""
        return TrigramSpeller()

    def search(
        self,
        connection: Connection,
        query: ParsedQuery,
        types: list[str],
        limit: int,
        offset: int,
        code: str | None = None,
    ) -> EngineResults:
        """Every phrase must match (AND); phrases are bound parameters, so nothing typed is query syntax."""
        params: dict[str, Any] = {f"p{index}": " ".join(phrase) for index, phrase in enumerate(query.phrases)}
        tsquery = " && ".join(
            f"(phraseto_tsquery('english', :{name}) || phraseto_tsquery('simple', :{name}))" for name in params
        )
        matched = f"WITH q AS (SELECT {tsquery} AS query) "
        coded = " AND (CAST(:code AS text) IS NULL OR CAST(:code AS text) = ANY(i.codes))"
        facets = {
            row[0]: row[1]
            for row in connection.execute(
                text(
                    f"{matched}SELECT i.type, count(*) FROM search_index AS i, q WHERE i.document @@ q.query"
                    f"{coded} GROUP BY i.type"
                ),
                params | {"code": code},
            )
        }
        if not any(count for kind, count in facets.items() if not types or kind in types):
            return EngineResults(hits=[], facets=facets)
        params |= {"exact": " ".join(query.words), "limit": limit, "offset": offset, "types": types or None}
        params |= {"code": code}
        params |= {"options": f"StartSel={_OPEN}, StopSel={_CLOSE}, MaxWords=24, MinWords=8"}
        rows = connection.execute(
            text(
                f"{matched}, ranked AS ("
                f"  SELECT i.id, ts_rank('{RANK_WEIGHTS}', i.document, q.query)"
                f"    + CASE WHEN i.name_key = :exact THEN {EXACT_NAME_BONUS} ELSE 0 END AS score"
                f"   FROM search_index AS i, q WHERE i.document @@ q.query{coded}"
                "   AND (CAST(:types AS text[]) IS NULL OR i.type = ANY(CAST(:types AS text[])))"
                "   ORDER BY score DESC, i.id LIMIT :limit OFFSET :offset)"
                " SELECT d.type, d.slug, d.name, d.href, r.score,"
                "   ts_headline('english', concat_ws(' … ', d.name, d.summary, d.body), q.query, :options)"
                " FROM ranked AS r JOIN search_document AS d ON d.id = r.id, q ORDER BY r.score DESC, r.id"
            ),
            params,
        ).all()
        hits = [
            RawHit(
                type=row[0],
                slug=row[1],
                name=row[2],
                href=row[3],
                score=float(row[4]),
                snippet=row[5].replace(_OPEN, MARK_OPEN).replace(_CLOSE, MARK_CLOSE),
            )
            for row in rows
        ]
        return EngineResults(hits=hits, facets=facets)


class TrigramSpeller:
    """The most similar indexed word by trigram similarity (ties go to the commoner word)."""

    def unknown(self, connection: Connection, version: str, words: list[str]) -> list[str]:
        """The correctable words that the lexicon lacks, found in one primary-key lookup."""
        candidates = sorted({word for word in words if correctable(word)})
        if not candidates:
            return []
        known = set(
            connection.scalars(text("SELECT term FROM search_term WHERE term = ANY(:words)"), {"words": candidates})
        )
        return [word for word in candidates if word not in known]

    def corrections(self, connection: Connection, version: str, words: list[str]) -> dict[str, str]:
        """Known words are found in one primary-key lookup; each unknown one is then matched with `%` (the
        trigram index) and kept only above the cutoff."""
        found: dict[str, str] = {}
        for word in self.unknown(connection, version, words):
            row = connection.execute(
                text(
                    "SELECT term, similarity(term, :word) AS score FROM search_term WHERE term % :word "
                    "ORDER BY score DESC, documents DESC, term LIMIT 1"
                ),
                {"word": word},
            ).first()
            if row is not None and row.score >= TRIGRAM_CUTOFF:
                found[word] = row.term
        return found
