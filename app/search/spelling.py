"""Typo correction in process: the served dataset's lexicon, matched with difflib, on both engines (every replica
holds the lexicon in memory for the word forms anyway, so SQLite and PostgreSQL correct the same words alike)."""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field

from sqlalchemy import Connection

from app import deadline
from app.search.forms import Forms, load_forms
from app.search.interface import close_enough, correctable

SIMILARITY_CUTOFF = 0.8
CANDIDATES = 5
"""The closest words difflib proposes; the first that is `close_enough` (one or two edits) is the correction."""


@dataclass
class Lexicon:
    """The indexed words of one dataset version, for suggesting the closest word to one that matched nothing."""

    forms: Forms
    ordered: list[str] = field(init=False)
    """The words, most common first (so that difflib's ties favour them)."""
    terms: frozenset[str] = field(init=False)

    def __post_init__(self) -> None:
        frequencies = self.forms.frequencies
        self.ordered = sorted(frequencies, key=lambda term: (-frequencies[term], term))
        self.terms = frozenset(frequencies)

    @property
    def version(self) -> str:
        return self.forms.version

    @classmethod
    def load(cls, connection: Connection, version: str) -> Lexicon:
        """Read the vocabulary and its document frequencies once, with its forms."""
        return cls(load_forms(connection, version))

    def corrections(self, words: list[str]) -> dict[str, str]:
        """For each word the index does not hold, its closest indexed word, where one is close enough."""
        found: dict[str, str] = {}
        for word in words:
            if word in self.terms or not correctable(word):
                continue
            deadline.check()  # each word is a pass over the lexicon: stop between them at the time limit
            close = difflib.get_close_matches(word, self.ordered, n=CANDIDATES, cutoff=SIMILARITY_CUTOFF)
            chosen = next((candidate for candidate in close if close_enough(word, candidate)), None)
            if chosen is not None:
                found[word] = chosen
        return found


class DifflibSpeller:
    """In-process spelling over the served dataset's lexicon, reloaded when the dataset version changes: read once
    per version and matched in memory."""

    def __init__(self) -> None:
        self._current: Lexicon | None = None

    def lexicon(self, connection: Connection, version: str) -> Lexicon:
        """The lexicon for `version`, loading it on first use (one version kept)."""
        current = self._current
        if current is None or current.version != version:
            current = self._current = Lexicon.load(connection, version)
        return current

    def corrections(self, connection: Connection, version: str, words: list[str]) -> dict[str, str]:
        """The closest lexicon word (difflib ratio >= 0.8) for each unknown word."""
        return self.lexicon(connection, version).corrections(words)

    def forms(self, connection: Connection, version: str) -> Forms:
        return self.lexicon(connection, version).forms

    def loaded_forms(self, version: str) -> Forms | None:
        """The forms of `version` if they are read already, for a search that runs without a `Connection`."""
        current = self._current
        return current.forms if current is not None and current.version == version else None
