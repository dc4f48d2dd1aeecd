"""Word forms: which words of the indexed text are forms of one word, so that a reader's form finds the article's.

Snowball's English stemmer joins inflections (biopsy, biopsies) but not all derivations: amplify and amplifies
stem to `amplifi`, amplification to `amplif`; metastasis, metastases and metastatic to three stems. Here the
stems of the indexed words are joined into families when one is the other plus a short ending: they share at
least `MIN_SHARED` letters, and beyond what they share the shorter has at most `SHORT_REST` letters and the longer
at most `LONG_REST` (treat + ment, amplif + i, metasta + s/t). Longer endings are new words (immun and
immunohistochemistri stay apart), shorter shared stems are too ambiguous (sign and signific stay apart).

The families are built from the lexicon the seed writes (`search_term`), the same on every engine, so SQLite and
PostgreSQL expand a query word into the same indexed words. Deterministic, offline, no model.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, TypeVar, cast

import snowballstemmer  # type: ignore[import-untyped]
from sqlalchemy import Connection
from sqlmodel import func, select

from app.models import SearchDocument, SearchTerm

MEMO_ENTRIES = 65536
MIN_SHARED = 5
SHORT_REST = 2
LONG_REST = 4

# fmt: off
STOP_WORDS = frozenset({
    "a", "an", "the", "and", "or", "of", "in", "on", "at", "to", "for", "with", "by", "from", "into", "about", "as",
    "is", "are", "was", "were", "be", "been", "being", "am", "do", "does", "did", "has", "have", "had", "it", "its",
    "this", "that", "these", "those", "there", "their", "they", "them", "i", "me", "my", "we", "our", "you", "your",
    "he", "she", "his", "her", "what", "which", "who", "whom", "how", "why", "when", "where", "can", "could",
    "would", "should", "will", "shall", "if", "then", "than", "so", "not", "no", "any", "some", "much", "many",
})
# fmt: on
"""Words a reader writes around what they ask about ("what is", "how are ... in"): a query of other words need
not match them. A query made only of them, or a quoted phrase, still matches them as typed."""

T = TypeVar("T")

_STEMMER = snowballstemmer.stemmer("english")
_PORTER = snowballstemmer.stemmer("porter")


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    return str(_STEMMER.stemWord(word))


@lru_cache(maxsize=65536)
def indexed_as(word: str) -> str:
    """The token the engines' stemmers index a word as (Porter's original algorithm, SQLite FTS5's `porter`):
    forms sharing it are one alternative to an engine, so a query lists only one of them."""
    return str(_PORTER.stemWord(word))


def same_family(one: str, other: str) -> bool:
    """Whether two stems are forms of one word (see the module's rule)."""
    shared = 0
    for a, b in zip(one, other, strict=False):
        if a != b:
            break
        shared += 1
    rests = sorted((len(one) - shared, len(other) - shared))
    return shared >= MIN_SHARED and rests[0] <= SHORT_REST and rests[1] <= LONG_REST


@dataclass
class Forms:
    """The indexed words grouped into families of forms, for one dataset version."""

    version: str
    frequencies: dict[str, int] = field(default_factory=dict)
    """How many documents hold each indexed word."""
    documents: int = 0
    """How many documents there are."""
    families: dict[str, frozenset[str]] = field(default_factory=dict)
    """Each stem of an indexed word -> every indexed word of its family."""
    _by_prefix: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    _memo: dict[Hashable, Any] = field(default_factory=dict)

    @classmethod
    def build(cls, version: str, frequencies: dict[str, int], documents: int = 0) -> Forms:
        """The families of the indexed words (`frequencies`: word -> documents holding it)."""
        by_stem: dict[str, set[str]] = defaultdict(set)
        for word in frequencies:
            by_stem[stem(word)].add(word)
        parent = {each: each for each in by_stem}

        def root(each: str) -> str:
            while parent[each] != each:
                parent[each] = parent[parent[each]]
                each = parent[each]
            return each

        forms = cls(version, dict(frequencies), documents)
        for each in sorted(by_stem):
            forms._by_prefix[each[:MIN_SHARED]].append(each)
        for bucket in forms._by_prefix.values():
            for index, one in enumerate(bucket):
                for other in bucket[index + 1 :]:
                    if same_family(one, other):
                        parent[max(root(one), root(other))] = min(root(one), root(other))
        members: dict[str, set[str]] = defaultdict(set)
        for each, words_of_stem in by_stem.items():
            members[root(each)] |= words_of_stem
        forms.families = {each: frozenset(members[root(each)]) for each in by_stem}
        return forms

    def weight(self, words: Iterable[str]) -> float:
        """How much matching any of `words` tells: the inverse document frequency of the commonest of them
        (bm25's idf), so that in a partial match a rare word outranks one most documents hold."""
        held = max((self.frequencies.get(word, 0) for word in words), default=0)
        return math.log((self.documents - held + 0.5) / (held + 0.5) + 1)

    def memo(self, key: Hashable, compute: Callable[[], T]) -> T:
        """What `compute` makes of these forms for `key` (a word's search clause, say), made once: searches ask
        for the same words again and again. Bounded (`MEMO_ENTRIES`): any word can be asked for."""
        if key in self._memo:
            return cast(T, self._memo[key])
        if len(self._memo) >= MEMO_ENTRIES:
            self._memo.clear()
        value = self._memo[key] = compute()
        return value

    def of(self, word: str) -> frozenset[str]:
        """The indexed words that are forms of `word` (empty when none is): its own stem's family, or the family
        of a stem it would join."""
        word_stem = stem(word)
        family = self.families.get(word_stem)
        if family is not None:
            return family
        for other in self._by_prefix.get(word_stem[:MIN_SHARED], []):
            if same_family(word_stem, other):
                return self.families[other]
        return frozenset()


def load_forms(connection: Connection, version: str) -> Forms:
    """The served dataset's lexicon (`search_term`) and document count, as forms."""
    frequencies: dict[str, int] = {row.term: row.documents for row in connection.execute(select(SearchTerm))}
    documents = connection.scalar(select(func.count()).select_from(SearchDocument)) or 0
    return Forms.build(version, frequencies, documents)
