"""Search: the documents the index is built from, the vocabulary for typo correction, and the public hit."""

from __future__ import annotations

from enum import StrEnum

from sqlmodel import Field, SQLModel

from app.models.common import EntityType


class SearchDocument(SQLModel, table=True):
    """One searchable thing (an entity or a section), flattened into weighted text fields.

    Written by the seed pipeline in the same transaction as the content; each search backend builds its own
    index from these rows.
    """

    __tablename__ = "search_document"

    id: int | None = Field(default=None, primary_key=True)
    type: str = Field(index=True, max_length=32)
    slug: str = Field(max_length=120)
    name: str
    name_key: str = Field(index=True, description="The name's words, lower-cased: what an exact-name match compares.")
    href: str
    synonyms: str = Field(description="The declared abbreviations and synonyms, space-separated.")
    summary: str
    body: str = Field(description="Quotes, definitions and the other text fields; a section's own text.")
    codes: str = Field(
        default="", description="The entity's vocabulary codes, space-separated: a filter (`code=`), never scored."
    )
    vocabulary: str = Field(
        default="",
        description="The names and entry terms of the entity's exact, narrow and related codes, from the verified "
        "vocabulary: matched at the lowest weight, never shown in a snippet (they are not the article's words).",
    )


class SearchName(SQLModel, table=True):
    """A name a document answers to: its name, an abbreviation, a synonym or a vocabulary code. What exact-name
    matches compare the query with, and what `/v1/suggest` completes."""

    __tablename__ = "search_name"

    id: int | None = Field(default=None, primary_key=True)
    document_id: int = Field(index=True)
    key: str = Field(index=True, max_length=300, description="The name's words, lower-cased, space-separated.")
    label: str = Field(description="The name as written.")
    kind: str = Field(max_length=16, description="name, abbreviation, synonym or code.")


class SearchTerm(SQLModel, table=True):
    """A word that occurs in the indexed text, with how many documents hold it: the typo corrector's lexicon."""

    __tablename__ = "search_term"

    term: str = Field(primary_key=True, max_length=120)
    documents: int


class SearchHit(SQLModel):
    """One result: what it is, where it lives, how well it matched and why."""

    type: EntityType
    slug: str
    name: str
    url: str = Field(description="The hit's URL, relative to the API's root.")
    score: float = Field(
        description="Relevance (bm25 with field weights; an exact name match adds 100); higher is better. "
        "Comparable within one query only."
    )
    snippet: str = Field(description="Matching text, HTML-escaped, with the matched terms between the markers.")


class SearchMatch(StrEnum):
    """How a search's hits match its query."""

    ALL = "all"
    PARTIAL = "partial"
    NONE = "none"


class SearchPage(SQLModel):
    """A page of search results, in the collections' envelope, with facets and a suggestion."""

    items: list[SearchHit]
    total: int
    limit: int
    offset: int
    facets: dict[str, int] = Field(description="Hits per type for this query, whatever `type=` selects.")
    did_you_mean: str | None = Field(
        description="When the query as typed matched nothing: the corrected query (its hits are the items), "
        "or null when no correction was found."
    )
    match: SearchMatch = Field(
        default=SearchMatch.ALL,
        description="`all`: every word of the query matched (in some form, or corrected; words such as `how` or "
        "`the` need not when there are others). `partial`: no document holds every word, so the hits hold the "
        "most of them, those with most first. `none`: no word occurs in any form, so there are no hits.",
    )


class Suggestion(SQLModel):
    """A completion of a typed prefix: the entity or section, and the name, abbreviation, synonym or code the
    prefix starts."""

    type: EntityType
    slug: str
    name: str
    url: str = Field(description="The item's URL, relative to the API's root.")
    matched: str = Field(description="What the prefix matched: the name, an abbreviation, a synonym or a code.")


class SuggestPage(SQLModel):
    """Completions, best first: names the prefix starts, then names with a later word it starts, then
    abbreviations and synonyms, then codes."""

    items: list[Suggestion]
