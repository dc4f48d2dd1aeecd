"""Search on SQLite: an FTS5 index over `search_document`, ranked by bm25 with field weights.

Every step reads the FTS index alone where it can: counts and ranking never touch the content table, and only
the page's rows are read from it, for their names and the text their snippets are made from (in Python, as on
PostgreSQL: `app.search.snippets`). That keeps a query matching most of a 100k dataset to a fraction of what a
join over every match would cost.
"""

from __future__ import annotations

import sqlite3
from bisect import bisect_left, bisect_right
from contextlib import closing
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, text
from sqlmodel import Session

from app.search.interface import (
    EXACT_NAME_BONUS,
    HEADING_BONUS,
    SEARCHABLE_TYPES,
    EngineResults,
    RawHit,
    Speller,
)
from app.search.query import Clause, SearchPlan, typed_twice
from app.search.snippets import hit_snippet
from app.search.spelling import DifflibSpeller

# Field weights for bm25, in the index's column order: a match in the name counts most, then the declared
# synonyms and abbreviations, then the summary, then quotes and section text, then (lowest) the names and entry
# terms of the entity's codes in the verified vocabulary. `type` and `codes` are indexed only so that facets and
# the type and code filters are answered from the index; they never score.
WEIGHTS = {"name": 20.0, "synonyms": 10.0, "summary": 4.0, "body": 1.0, "vocabulary": 0.5, "type": 0.0, "codes": 0.0}
MATCH_COLUMNS = "{name synonyms summary body vocabulary}"

NAME_COLUMNS = "{name synonyms}"
RANK_ALL_LIMIT = 500
"""Up to this many matches, every one is ranked; beyond it, the first `CANDIDATES` matching in a name or
synonym are."""
CANDIDATES = 300
GROUPED_FACETS_LIMIT = 500
"""Up to this many hits, facets are counted from their rowids, read once."""

_RANK = f"-bm25(search_fts, {', '.join(str(weight) for weight in WEIGHTS.values())})"


def clause_expression(clause: Clause, twice: bool = False) -> str:
    """`("amplification" OR "amplifies")`: each alternative a quoted phrase, so nothing typed is FTS syntax (the
    words are runs of letters and digits). For ranking (`twice`), the form as typed is given twice: bm25 sums
    over the query's phrases, so the reader's own form counts double (`typed_twice`)."""
    alternatives = typed_twice(clause) if twice else clause.alternatives
    return "(" + " OR ".join('"' + " ".join(words) + '"' for words in alternatives) + ")"


@dataclass(frozen=True)
class _Expressions:
    """One query as FTS5 expressions: its clauses, the match over the searched columns, and with the type and
    code filters; and `rank`, the score of a row they match, as SQL."""

    clauses: list[str]
    match: str
    filtered: str
    rank: str = _RANK

    @classmethod
    def of(
        cls, plan: SearchPlan, partial: bool, types: list[str], code: str | None, *, typed_twice: bool
    ) -> _Expressions:
        # bm25 weighs each phrase by a pass over its whole posting list, on every query. When no clause has
        # another form, giving each phrase twice doubles every term of the sum: the phrases once, and the rank
        # doubled, is the same score for half the passes (a common word at 100k documents: milliseconds each).
        doubled = typed_twice and all(len(clause.alternatives) == 1 for clause in plan.required)
        clauses = [clause_expression(clause, typed_twice and not doubled) for clause in plan.required]
        joined = (" OR " if partial else " AND ").join(clauses)
        match = f"{MATCH_COLUMNS} : ({joined})"
        if code is not None:
            match = f'({match}) AND codes : "{code.lower()}"'
        filtered = f"({match}) AND ({' OR '.join(_type_phrase(kind) for kind in types)})" if types else match
        return cls(clauses, match, filtered, f"2 * {_RANK}" if doubled else _RANK)

    @property
    def in_names(self) -> str:
        return f"{NAME_COLUMNS} : ({' OR '.join(self.clauses)})"

    def named(self, unfiltered: bool) -> str:
        """The matches holding a clause in their name or synonyms (one word in a name is a match already,
        unless a type or code filter narrows it)."""
        if unfiltered and len(self.clauses) == 1:
            return self.in_names
        return f"({self.filtered}) AND ({self.in_names})"


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
        session.execute(text("DROP TABLE IF EXISTS search_fts_ranges"))
        session.execute(
            text(
                "CREATE TABLE search_fts_ranges AS SELECT type, min(id) AS first, max(id) AS last "
                "FROM search_document GROUP BY type"
            )
        )
        ranges = session.execute(text("SELECT type, first, last FROM search_fts_ranges ORDER BY first")).all()
        counts = dict(session.execute(text("SELECT type, count(*) FROM search_document GROUP BY type")).all())
        contiguous = all(last - first + 1 == counts[kind] for kind, first, last in ranges)
        if not contiguous:  # written by hand, perhaps: facets could not split the matches by rowid
            raise ValueError("search documents must be written type after type (one range of ids per type)")

    def speller(self) -> Speller:
        """The lexicon in memory, matched with difflib (PostgreSQL's too)."""
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
        """Every required clause must match (or, `partial`, at least one: the hits matching most come first);
        a hit whose name is the query comes first, then sections whose heading holds it, then the rest by score.

        Past `RANK_ALL_LIMIT` matches (a common word at 100k documents), only the hits matching in a name or
        synonym are ranked, and come first (for one word the name's weight puts them above any other anyway;
        for several, a hit holding them all in its text may be passed); the rest follow in index order. Ranking
        every match would read every one of them."""
        if code is not None and not code.isalnum():  # the API admits only CODE_PATTERN; else it could be syntax
            return EngineResults(hits=[], facets={})
        if partial is None:  # every clause, or if no document holds them all, the most
            every = self.search(connection, plan, types, limit, offset, code, partial=False)
            if every.facets or len(plan.required) < 2:
                return every
            return self.search(connection, plan, types, limit, offset, code, partial=True)
        # Matching reads each alternative once; ranking repeats the forms as typed (`clause_expression`).
        plain = _Expressions.of(plan, partial, types, code, typed_twice=False)
        ranking = _Expressions.of(plan, partial, types, code, typed_twice=True)
        # The driver's own cursor: this is every new query's path, and it needs no per-row processing.
        with closing(connection.connection.cursor()) as cursor:
            ranges = _ranges(cursor)  # each type's rowids: read once, for the facets and the headings
            facets = self._facets(cursor, plain.match, ranges)
            total = sum(count for kind, count in facets.items() if not types or kind in types)
            if not total:
                return EngineResults(hits=[], facets=facets)
            bonus = self._bonus(cursor, plan, plain.clauses, ranges)
            if total > RANK_ALL_LIMIT:
                page = self._capped(cursor, plain, ranking, bonus, limit, offset, not types and code is None)
            elif partial:
                weights = [clause.weight for clause in plan.required]
                page = self._by_clauses_matched(cursor, plain, ranking, weights, bonus, limit, offset)
            else:
                page = self._ranked(cursor, ranking.filtered, ranking.rank, bonus, limit, offset)
            # Snippets from the text columns' matches alone: filters and vocabulary terms are never shown.
            hits = self._details(cursor, plan, page)
        return EngineResults(hits=hits, facets=facets, partial=bool(partial))

    def _facets(self, cursor: Any, match: str, ranges: list[tuple[str, int, int]] | None) -> dict[str, int]:
        """Hits per type, on the index alone: each type's documents are one range of rowids (the seed writes them
        so; `search_fts_ranges` records it). The first `GROUPED_FACETS_LIMIT` + 1 matching rowids are read; as
        many or fewer are all of them, split at the ranges' bounds here. More are counted by one statement, a
        count per range, which together read the matches once (a full count first would read them twice)."""
        rowids = sorted(
            row[0]
            for row in cursor.execute(
                "SELECT rowid FROM search_fts WHERE search_fts MATCH ? LIMIT ?", (match, GROUPED_FACETS_LIMIT + 1)
            )
        )
        if not rowids:
            return {}
        if len(rowids) <= GROUPED_FACETS_LIMIT:
            if ranges is None:  # an index built before the ranges were recorded: the rows' types
                return dict(
                    cursor.execute(
                        "SELECT d.type, count(*) FROM search_fts JOIN search_document AS d "
                        "ON d.id = search_fts.rowid WHERE search_fts MATCH ? GROUP BY d.type",
                        (match,),
                    ).fetchall()
                )
            counts = {kind: bisect_right(rowids, last) - bisect_left(rowids, first) for kind, first, last in ranges}
            return {kind: count for kind, count in counts.items() if count}
        if ranges is None:  # an index built before the ranges were recorded: one count per type
            counts = {}
            for kind in self.types:
                found = self._count(cursor, f"({match}) AND {_type_phrase(kind)}")
                if found:
                    counts[kind] = found
            return counts
        each = " UNION ALL ".join(
            f"SELECT {index}, count(*) FROM search_fts WHERE search_fts MATCH ?1 AND rowid BETWEEN ? AND ?"
            for index in range(len(ranges))
        )
        bounds = [bound for _, first, last in ranges for bound in (first, last)]
        rows = cursor.execute(each, (match, *bounds)).fetchall()
        return {ranges[index][0]: count for index, count in rows if count}

    def _capped(
        self,
        cursor: Any,
        plain: _Expressions,
        ranking: _Expressions,
        bonus: str,
        limit: int,
        offset: int,
        unfiltered: bool,
    ) -> list[tuple[int, float]]:
        """A page of a query with too many matches to rank: first the first `CANDIDATES` matches (in index
        order) holding a clause in their name or synonyms, ranked exactly; then the other name and synonym
        matches, then every other match, both in index order. Each part reads no further than it must.

        The candidates are ranked as every page is (`ranking`: the form as typed above its other forms)."""
        named = plain.named(unfiltered)
        bound = cursor.execute(
            "SELECT rowid FROM search_fts WHERE search_fts MATCH ? LIMIT 1 OFFSET ?", (named, CANDIDATES - 1)
        ).fetchone()
        upper = bound[0] if bound is not None else None
        page = self._ranked(cursor, ranking.named(unfiltered), ranking.rank, bonus, limit, offset, upper=upper)
        if len(page) == limit:
            return page
        named_total = self._count(cursor, named)
        if upper is not None:  # the name matches past the ranked ones
            skip = max(0, offset - CANDIDATES)
            page += self._in_index_order(cursor, named, limit - len(page), skip, lower=upper)
        if len(page) < limit:
            rest = f"({plain.filtered}) NOT ({plain.in_names})"
            page += self._in_index_order(cursor, rest, limit - len(page), max(0, offset - named_total))
        return page

    @staticmethod
    def _count(cursor: Any, match: str) -> int:
        return int(cursor.execute("SELECT count(*) FROM search_fts WHERE search_fts MATCH ?", (match,)).fetchone()[0])

    @staticmethod
    def _bonus(cursor: Any, plan: SearchPlan, clauses: list[str], ranges: list[tuple[str, int, int]] | None) -> str:
        """The score's bonus, as SQL: documents answering to the query as a name (or abbreviation, or synonym),
        then sections whose heading holds every clause. Both sets are few, found in one statement without the
        body's words."""
        keys = list(dict.fromkeys([" ".join(plan.words), " ".join(plan.content_words)]))
        sections = next(((first, last) for kind, first, last in ranges or [] if kind == "section"), (1, 0))
        rows = cursor.execute(
            f"SELECT document_id, 1 FROM search_name WHERE key IN ({', '.join('?' for _ in keys)}) UNION ALL "
            "SELECT rowid, 0 FROM search_fts WHERE search_fts MATCH ? AND rowid BETWEEN ? AND ?",
            (*keys, f"name : ({' AND '.join(clauses)})", *sections),
        ).fetchall()
        named = [str(rowid) for rowid, exact in rows if exact]
        headed = [str(rowid) for rowid, exact in rows if not exact]
        return (
            f"CASE WHEN rowid IN ({', '.join(named) or 'NULL'}) THEN {EXACT_NAME_BONUS} "
            f"WHEN rowid IN ({', '.join(headed) or 'NULL'}) THEN {HEADING_BONUS} ELSE 0 END"
        )

    @staticmethod
    def _ranked(
        cursor: Any, match: str, rank: str, bonus: str, limit: int, offset: int, upper: int | None = None
    ) -> list[tuple[int, float]]:
        """One page of the matches (up to rowid `upper`) by `rank` (bm25) and bonus, computed on the index
        alone."""
        bounded = " AND rowid <= ?" if upper is not None else ""
        rows = cursor.execute(
            f"SELECT rowid, {rank} + {bonus} AS score FROM search_fts WHERE search_fts MATCH ?{bounded} "
            "ORDER BY score DESC, rowid LIMIT ? OFFSET ?",
            (match, *([upper] if upper is not None else []), limit, offset),
        ).fetchall()
        return [(rowid, score) for rowid, score in rows]

    @staticmethod
    def _in_index_order(
        cursor: Any, match: str, limit: int, offset: int, lower: int | None = None
    ) -> list[tuple[int, float]]:
        """A page of matches (past rowid `lower`) in rowid order, with their scores: reads no further."""
        bounded = " AND rowid > ?" if lower is not None else ""
        rows = cursor.execute(
            f"SELECT rowid, {_RANK} FROM search_fts WHERE search_fts MATCH ?{bounded} LIMIT ? OFFSET ?",
            (match, *([lower] if lower is not None else []), limit, offset),
        ).fetchall()
        return [(rowid, score) for rowid, score in rows]

    @staticmethod
    def _by_clauses_matched(
        cursor: Any,
        plain: _Expressions,
        ranking: _Expressions,
        weights: list[float],
        bonus: str,
        limit: int,
        offset: int,
    ) -> list[tuple[int, float]]:
        """A page of the documents matching any clause: those matching the most clauses first, then those whose
        clauses are the rarer (their weights), then by score (a name or heading match boosted). Each clause's
        documents are read from the index once."""
        each = ", ".join("(rowid IN (SELECT rowid FROM search_fts WHERE search_fts MATCH ?))" for _ in plain.clauses)
        rows = cursor.execute(
            f"SELECT rowid, {ranking.rank} + {bonus} AS score, {each} FROM search_fts WHERE search_fts MATCH ?",
            (*(f"{MATCH_COLUMNS} : {clause}" for clause in plain.clauses), ranking.filtered),
        ).fetchall()
        ordered = sorted(
            (
                -sum(row[2:]),
                -round(sum(weight for weight, held in zip(weights, row[2:], strict=True) if held), 6),
                -row[1],
                row[0],
            )
            for row in rows
        )
        return [(rowid, -score) for _, _, score, rowid in ordered[offset : offset + limit]]

    @staticmethod
    def _details(cursor: Any, plan: SearchPlan, page: list[tuple[int, float]]) -> list[RawHit]:
        """Names, URLs and snippets for the page's rows only, the snippets made from their text as PostgreSQL's
        are (`app.search.snippets`: FTS5's `snippet()` looked each row up in the index again, a third of a
        search of two common words at 100k documents)."""
        if not page:
            return []
        rows = cursor.execute(
            "SELECT id, type, slug, name, href, summary, body FROM search_document "
            f"WHERE id IN ({', '.join('?' for _ in page)})",
            [rowid for rowid, _ in page],
        ).fetchall()
        found = {row[0]: row for row in rows}
        marked = plan.marked
        return [
            RawHit(
                type=row[1],
                slug=row[2],
                name=row[3],
                href=row[4],
                score=score,
                snippet=hit_snippet(row[3], row[5] or "", row[6] or "", marked),
            )
            for rowid, score in page
            if (row := found.get(rowid)) is not None
        ]


def _ranges(cursor: Any) -> list[tuple[str, int, int]] | None:
    """Each type's range of rowids, or None for an index built before they were recorded (reseed to add them)."""
    try:
        return [
            (kind, first, last)
            for kind, first, last in cursor.execute("SELECT type, first, last FROM search_fts_ranges")
        ]
    except sqlite3.OperationalError:
        return None


def _type_phrase(kind: str) -> str:
    """`type : "detection method"`: the FTS phrase that selects one type (its tokens, as the index holds them)."""
    return 'type : "' + " ".join(kind.split("-")) + '"'
