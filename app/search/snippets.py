"""Snippets made in Python from a document's text and the query's words: the part of the text that holds the most
of them, with each occurrence marked.

The PostgreSQL engine uses it instead of `ts_headline`, which parsed and stemmed every hit's whole text again on
each query and cost the database more than the search itself. Here a text is split into words once (and kept,
see `_words`); a query then looks up the words it marks, picks the window of `SNIPPET_WORDS` words holding the
most different ones, and cuts the text there. Which words are marked is the plan's (`SearchPlan.marked`): every
indexed form of the query's words, so the snippet marks what matched, in whatever form the text has it.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left
from dataclasses import dataclass
from functools import lru_cache

from app.search.interface import MARK_CLOSE, MARK_OPEN

SNIPPET_WORDS = 24
"""Words shown around the matches (what `ts_headline`'s MaxWords gave before)."""
LEAD_WORDS = 3
"""Words shown before the first match of a window that does not start the text."""
ELLIPSIS = "…"
PARTS_SEPARATOR = f" {ELLIPSIS} "
"""Between the name, the summary and the body, which a snippet may span."""
SUMMARY_SNIPPET_CHARACTERS = 160
"""What a hit found by its vocabulary terms alone shows instead: the start of its summary, unmarked."""
TEXTS_KEPT = 4096
"""Texts whose words are kept between queries (each a few kB; the real dataset has 48 documents)."""

_WORD = re.compile(r"[^\W_]+")


@dataclass(frozen=True)
class _Words:
    """A text's words: where each is, and at which positions each normalized word occurs."""

    spans: tuple[tuple[int, int], ...]
    positions: dict[str, tuple[int, ...]]


@lru_cache(maxsize=TEXTS_KEPT)
def _words(text: str) -> _Words:
    """Split once per text: words as the lexicon has them (NFKC, lower case; `app.search.query.words_of`)."""
    spans: list[tuple[int, int]] = []
    positions: dict[str, list[int]] = {}
    for match in _WORD.finditer(text):
        positions.setdefault(unicodedata.normalize("NFKC", match.group()).lower(), []).append(len(spans))
        spans.append(match.span())
    return _Words(tuple(spans), {word: tuple(found) for word, found in positions.items()})


def document_text(name: str, summary: str, body: str) -> str:
    """What a snippet is cut from: the name, summary and body, the empty ones left out."""
    return PARTS_SEPARATOR.join(part for part in (name, summary, body) if part)


def hit_snippet(name: str, summary: str, body: str, marked: frozenset[str]) -> str:
    """A hit's snippet: its name, summary and body highlighted; for a hit found by its vocabulary terms alone
    (which are never shown), the start of its summary, unmarked."""
    snippet = highlight(document_text(name, summary, body), marked)
    return snippet if snippet is not None else (summary or body)[:SUMMARY_SNIPPET_CHARACTERS]


def highlight(text: str, marked: frozenset[str], size: int = SNIPPET_WORDS) -> str | None:
    """The `size` words of `text` that hold the most different `marked` words (then the most occurrences, then the
    earliest), each occurrence between MARK_OPEN and MARK_CLOSE, with an ellipsis where the text goes on; None when
    no marked word occurs."""
    words = _words(text)
    found = marked.intersection(words.positions)
    if not found:
        return None
    occurrences = sorted((position, word) for word in found for position in words.positions[word])
    positions = [position for position, _ in occurrences]
    total = len(words.spans)
    if total <= size:
        first = 0
    elif len(found) == 1:  # one word: the window around its first occurrence
        first = max(0, min(positions[0] - LEAD_WORDS, total - size))
    else:
        first = _best_window_start(occurrences, positions, size, total)
    last = min(total, first + size)
    pieces = [ELLIPSIS] if first > 0 else []
    cursor = words.spans[first][0] if first > 0 else 0
    for index in range(bisect_left(positions, first), bisect_left(positions, last)):
        start, end = words.spans[positions[index]]
        pieces += [text[cursor:start], MARK_OPEN, text[start:end], MARK_CLOSE]
        cursor = end
    pieces.append(text[cursor : words.spans[last - 1][1] if last < total else len(text)])
    if last < total:
        pieces.append(ELLIPSIS)
    return "".join(pieces)


def _best_window_start(occurrences: list[tuple[int, str]], positions: list[int], size: int, total: int) -> int:
    """Where the window that holds the most different marked words starts: a few words before one of them (the
    text's end, when the window would run past it)."""
    best: tuple[int, int, int] | None = None
    for position in dict.fromkeys(positions):
        start = max(0, min(position - LEAD_WORDS, total - size))
        inside = occurrences[bisect_left(positions, start) : bisect_left(positions, start + size)]
        rank = (-len({word for _, word in inside}), -len(inside), start)
        if best is None or rank < best:
            best = rank
    assert best is not None
    return best[2]
