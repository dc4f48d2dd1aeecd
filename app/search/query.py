"""Turning what people type into a safe query: words and "quoted phrases", nothing else.

No character of the input ever reaches an engine's query syntax: words are runs of letters and digits
(Unicode-aware), so operators (`*`, `:`, `^`, `(`, `AND`, `NEAR`...), stray quotes, emoji and control
characters are separators or plain words. Backends quote each phrase themselves.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

MAX_QUERY_LENGTH = 500

WHITESPACE = (
    "\t\n\v\f\r \u0085\u00a0\u1680" + "".join(chr(c) for c in range(0x2000, 0x200B)) + "\u2028\u2029\u202f\u205f\u3000"
)
"""What counts as blank in a query: Unicode White_Space, spelled out so that the OpenAPI pattern below means the
same in every regex dialect (ECMAScript's `\\s` and Python's `str.isspace` each differ from it)."""

NOT_BLANK_PATTERN = "[^" + "".join(f"\\u{ord(c):04x}" for c in WHITESPACE) + "]"
"""The OpenAPI pattern of a query that is not blank: at least one character outside WHITESPACE."""


def is_blank(text: str) -> bool:
    """Whether `text` holds nothing but WHITESPACE."""
    return all(character in WHITESPACE for character in text)


_PHRASE = re.compile(r'"([^"]*)"')
_WORD = re.compile(r"[^\W_]+")

MAX_TERMS = 32
"""Most words a query may hold; the API answers a longer one with a 422 naming this cap."""


def count_words(text: str) -> int:
    """How many words `parse_query` would see in `text` (phrases included)."""
    return len(words_of(text))


@dataclass(frozen=True)
class ParsedQuery:
    """Phrases to match, all of them (a plain word is a phrase of one word); lower-cased and normalized."""

    phrases: tuple[tuple[str, ...], ...]

    @property
    def words(self) -> list[str]:
        """Every word of every phrase, in order."""
        return [word for phrase in self.phrases for word in phrase]

    def replaced(self, corrections: dict[str, str]) -> ParsedQuery:
        """The same query with some words replaced (for typo correction)."""
        return ParsedQuery(tuple(tuple(corrections.get(word, word) for word in phrase) for phrase in self.phrases))

    def display(self) -> str:
        """The query as a person would type it: quoted phrases and plain words."""
        return " ".join(" ".join(phrase) if len(phrase) == 1 else f'"{" ".join(phrase)}"' for phrase in self.phrases)


def parse_query(text: str) -> ParsedQuery:
    """Words are ANDed; text between a pair of double quotes is a phrase; an unbalanced quote is a separator."""
    normalized = unicodedata.normalize("NFKC", text).lower()
    phrases: list[tuple[str, ...]] = []
    cursor = 0
    for match in _PHRASE.finditer(normalized):
        phrases += [(word,) for word in _WORD.findall(normalized[cursor : match.start()])]
        phrase = tuple(_WORD.findall(match.group(1)))
        if phrase:
            phrases.append(phrase)
        cursor = match.end()
    phrases += [(word,) for word in _WORD.findall(normalized[cursor:])]
    trimmed: list[tuple[str, ...]] = []
    budget = MAX_TERMS
    for phrase in phrases:
        if budget <= 0:
            break
        trimmed.append(phrase[:budget])
        budget -= len(phrase)
    return ParsedQuery(tuple(trimmed))


def words_of(text: str) -> list[str]:
    """The words of indexed text, as `parse_query` would see them."""
    return _WORD.findall(unicodedata.normalize("NFKC", text).lower())


@dataclass(frozen=True)
class Clause:
    """One thing a query asks for: a quoted phrase as typed, or a word in any of its forms (and its correction).

    `alternatives` are phrases (tuples of words), any of which satisfies the clause; the first is as typed. A
    `stop` clause ("how", "the") is not required when the query has other words."""

    alternatives: tuple[tuple[str, ...], ...]
    stop: bool = False
    weight: float = 1.0
    """How much matching the clause tells (its inverse document frequency): in a partial match, among hits
    matching as many clauses, those matching the rarer ones come first."""
    marks: frozenset[str] = frozenset()
    """The indexed words a snippet marks for it: every form of its words (an engine that makes its snippets
    itself marks its own matches instead)."""


@dataclass(frozen=True)
class SearchPlan:
    """What the engines match: every required clause (all of them), or as many as possible (partial)."""

    clauses: tuple[Clause, ...]
    words: tuple[str, ...]
    """The query's words as typed (after any correction): what an exact-name match compares."""

    @property
    def required(self) -> tuple[Clause, ...]:
        """The clauses a hit must match: all but the stop words, unless the query is nothing but stop words."""
        content = tuple(clause for clause in self.clauses if not clause.stop)
        return content or self.clauses

    @property
    def marked(self) -> frozenset[str]:
        """The indexed words a snippet marks: those of the required clauses."""
        return frozenset().union(*(clause.marks for clause in self.required))

    @property
    def content_words(self) -> tuple[str, ...]:
        return tuple(word for clause in self.required for word in clause.alternatives[0])


def typed_twice(clause: Clause) -> tuple[tuple[str, ...], ...]:
    """The clause's alternatives with the form as typed given twice: the engines' ranks (bm25, ts_rank) sum over
    the query's phrases, so the reader's own word counts double against its other forms ("dormant" ranks the text
    that says dormant above the text that says dormancy). Every clause doubles its own, so that the query's words
    keep their balance whether they have other forms or not."""
    return (clause.alternatives[0], *clause.alternatives)
