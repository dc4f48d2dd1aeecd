"""Search on PostgreSQL: a weighted tsvector with a GIN index, ranked by ts_rank.

Each document is indexed twice: with the `english` configuration (stemming: "biopsies" finds "biopsy") and with
`simple` (every word as typed, so words the English configuration drops as stop words, such as "and", are still
searchable). A phrase matches when either form matches. Weights follow the SQLite backend: name (A) above
synonyms (B) above summary (C) above quotes, section text and the vocabulary's terms (D). Section headings are
also indexed alone, so that a section about the query ranks by its heading.

Typo suggestions use pg_trgm (the extension comes with migration 0002): a trigram GIN index on the lexicon's
words, queried per unknown word, so no replica holds the lexicon in memory.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, text
from sqlmodel import Session

from app.search.forms import Forms, FormsCache
from app.search.interface import (
    EXACT_NAME_BONUS,
    HEADING_BONUS,
    MARK_CLOSE,
    MARK_OPEN,
    EngineResults,
    RawHit,
    Speller,
    close_enough,
    correctable,
)
from app.search.query import SearchPlan

# ts_rank's weights are given for D, C, B, A; in the ratio of the SQLite backend's 1 : 4 : 10 : 20.
RANK_WEIGHTS = "{0.05, 0.2, 0.5, 1.0}"
TRIGRAM_CUTOFF = 0.5
"""Lowest pg_trgm similarity accepted as a correction ("immunohistochemestry" scores 0.78 against the right word,
"prognsis" 0.58, unrelated words near 0)."""
CANDIDATES = 5
"""The most similar words considered; the first that is `close_enough` (one or two edits) is the correction."""
_OPEN, _CLOSE = "\ue000", "\ue001"  # private-use characters: never in the content, safe in ts_headline options

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
        session.execute(
            text("CREATE INDEX IF NOT EXISTS search_term_trgm ON search_term USING GIN (term gin_trgm_ops)")
        )

    def speller(self) -> Speller:
        """pg_trgm similarity over `search_term`, answered by the database."""
        return TrigramSpeller()

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
        if a document holds them all, else the most), in one statement: the facets and the page come back
        together. Phrases are bound parameters, so nothing typed is query syntax."""
        params: dict[str, Any] = {}
        clauses: list[str] = []
        for index, clause in enumerate(plan.required):
            alternatives = []
            for number, words in enumerate(clause.alternatives):
                name = f"c{index}_{number}"
                params[name] = " ".join(words)
                alternatives.append(f"phraseto_tsquery('english', :{name}) || phraseto_tsquery('simple', :{name})")
            clauses.append("(" + " || ".join(alternatives) + ")")
        every, anyone = " && ".join(clauses), " || ".join(clauses)
        each = "".join(f", {clause} AS q{index}" for index, clause in enumerate(clauses))
        # The forms as typed, ranked again: ts_rank counts a repeated operand once, so the reader's own word is
        # preferred to its other forms by a second rank over it alone (SQLite repeats the phrase instead).
        typed = " || ".join(
            f"(phraseto_tsquery('english', :c{index}_0) || phraseto_tsquery('simple', :c{index}_0))"
            for index in range(len(clauses))
        )
        indexes = range(len(clauses))
        counted = " + ".join(f"(i.document @@ q.q{index})::int" for index in indexes)
        weighted = " + ".join(f":w{index} * (i.document @@ q.q{index})::int" for index in indexes)
        keys = list(dict.fromkeys([" ".join(plan.words), " ".join(plan.content_words)]))
        mode = "auto" if partial is None else "partial" if partial else "all"
        params |= {f"w{index}": round(clause.weight, 6) for index, clause in enumerate(plan.required)}
        params |= {"keys": keys, "limit": limit, "offset": offset, "types": types or None, "code": code}
        params |= {"clauses": len(clauses), "mode": mode}
        params |= {"options": f"StartSel={_OPEN}, StopSel={_CLOSE}, MaxWords=24, MinWords=8"}
        searched = "q.every" if mode == "all" else "q.anyone"
        rows = connection.execute(
            text(
                f"WITH q AS (SELECT {anyone} AS anyone, {every} AS every, {typed} AS typed{each}),"
                " matches AS MATERIALIZED ("
                f"  SELECT i.id, i.type, {counted} AS matched, {weighted} AS weighted,"
                f"    ts_rank('{RANK_WEIGHTS}', i.document, q.anyone) + ts_rank('{RANK_WEIGHTS}', i.document, q.typed)"
                "    + CASE WHEN i.id IN (SELECT document_id FROM search_name WHERE key = ANY(CAST(:keys AS text[])))"
                f"      THEN {EXACT_NAME_BONUS} WHEN i.heading @@ q.every THEN {HEADING_BONUS} ELSE 0 END AS score"
                f"   FROM search_index AS i, q WHERE i.document @@ {searched}"
                "   AND (CAST(:code AS text) IS NULL OR CAST(:code AS text) = ANY(i.codes))),"
                " best AS (SELECT coalesce(max(matched), 0) AS most FROM matches),"
                " kept AS (SELECT m.* FROM matches AS m, best"
                "   WHERE :mode = 'partial' OR m.matched = :clauses OR (:mode = 'auto' AND best.most < :clauses)),"
                " page AS (SELECT * FROM kept"
                "   WHERE CAST(:types AS text[]) IS NULL OR kept.type = ANY(CAST(:types AS text[]))"
                "   ORDER BY matched DESC, weighted DESC, score DESC, id LIMIT :limit OFFSET :offset)"
                " SELECT 0 AS part, type, count(*) AS hits, NULL AS slug, NULL AS name, NULL AS href, 0 AS score,"
                "   NULL AS snippet, 0 AS matched, 0 AS weighted, 0 AS id, (SELECT most FROM best) AS most"
                " FROM kept GROUP BY type"
                " UNION ALL"
                " SELECT 1, d.type, 0, d.slug, d.name, d.href, p.score,"
                "   ts_headline('english', concat_ws(' … ', d.name, d.summary, d.body), q.anyone, :options),"
                "   p.matched, p.weighted, p.id, (SELECT most FROM best)"
                " FROM page AS p JOIN search_document AS d ON d.id = p.id, q"
                " ORDER BY part, matched DESC, weighted DESC, score DESC, id"
            ),
            params,
        ).all()
        facets = {row.type: row.hits for row in rows if row.part == 0}
        hits = [
            RawHit(
                type=row.type,
                slug=row.slug,
                name=row.name,
                href=row.href,
                score=float(row.score),
                snippet=row.snippet.replace(_OPEN, MARK_OPEN).replace(_CLOSE, MARK_CLOSE),
            )
            for row in rows
            if row.part == 1
        ]
        most = rows[0].most if rows else 0
        return EngineResults(hits=hits, facets=facets, partial=bool(facets) and most < len(clauses))


class TrigramSpeller:
    """The most similar indexed word by trigram similarity (ties go to the commoner word)."""

    def __init__(self) -> None:
        self._forms = FormsCache()

    def forms(self, connection: Connection, version: str) -> Forms:
        """The lexicon's families of forms, read once per dataset version (the lexicon is the article's and the
        vocabulary's words: a few thousand at most, even at 100k synthetic entities)."""
        return self._forms.get(connection, version)

    def corrections(self, connection: Connection, version: str, words: list[str]) -> dict[str, str]:
        """Each word (one the lexicon lacks: the caller has checked, in memory) is matched with `%` (the trigram
        index) and kept only above the cutoff and one or two edits away."""
        found: dict[str, str] = {}
        for word in sorted({word for word in words if correctable(word)}):
            rows = connection.execute(
                text(
                    "SELECT term, similarity(term, :word) AS score FROM search_term WHERE term % :word "
                    "ORDER BY score DESC, documents DESC, term LIMIT :candidates"
                ),
                {"word": word, "candidates": CANDIDATES},
            ).all()
            chosen = next(
                (row.term for row in rows if row.score >= TRIGRAM_CUTOFF and close_enough(word, row.term)), None
            )
            if chosen is not None and chosen != word:  # an indexed word is its own best match: never "corrected"
                found[word] = chosen
        return found
