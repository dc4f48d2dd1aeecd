"""Coverage: how much of the article the curated entities cite, and how many of their fields rest on a quote.

A sentence (headings excluded) counts as cited when entity provenance quotes cover at least half of its
characters. Sections are left out on purpose: they contain every sentence by definition. A field counts as
supported when a quote is marked as supporting it and holds its words (`app/content/support.py`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from app.content.support import FieldSupport
from app.content.text import LocatedSection, Span, sentences


@dataclass(frozen=True)
class SentenceCoverage:
    """One sentence and how many of its characters the quotes cover."""

    span: Span
    section: str
    covered: int

    @property
    def cited(self) -> bool:
        """At least half of the sentence is quoted by some entity."""
        return 2 * self.covered >= len(self.span)


@dataclass(frozen=True)
class Coverage:
    """Coverage of the whole article."""

    sentences: list[SentenceCoverage]

    @property
    def uncited(self) -> list[SentenceCoverage]:
        """The sentences no entity cites enough of."""
        return [sentence for sentence in self.sentences if not sentence.cited]

    @property
    def percent(self) -> int:
        """Share of cited sentences, rounded down so that 100 means every sentence."""
        if not self.sentences:
            return 100
        cited = len(self.sentences) - len(self.uncited)
        return math.floor(100 * cited / len(self.sentences))


def compute_coverage(text: str, sections: list[LocatedSection], quotes: list[Span]) -> Coverage:
    """Measure, sentence by sentence, how much of each section body the quotes cover."""
    merged = _merge(quotes)
    result: list[SentenceCoverage] = []
    for section in sections:
        for span in sentences(text, section.body):
            covered = sum(max(0, min(span.end, q.end) - max(span.start, q.start)) for q in merged)
            result.append(SentenceCoverage(span=span, section=section.slug, covered=covered))
    return Coverage(result)


def _merge(spans: list[Span]) -> list[Span]:
    """Union of overlapping spans, so overlapping quotes are not counted twice."""
    merged: list[Span] = []
    for span in sorted(spans, key=lambda s: (s.start, s.end)):
        if merged and span.start <= merged[-1].end:
            last = merged.pop()
            merged.append(Span(last.start, max(last.end, span.end)))
        else:
            merged.append(span)
    return merged


@dataclass(frozen=True)
class FieldCoverage:
    """How many of the entities' fields with a value rest on a quote."""

    fields: list[FieldSupport]

    @property
    def unsupported(self) -> list[FieldSupport]:
        """The fields no quote supports (the seed refuses content that has any)."""
        return [field for field in self.fields if not field.supported]

    @property
    def percent(self) -> int:
        """Share of supported fields, rounded down so that 100 means every field."""
        if not self.fields:
            return 100
        return math.floor(100 * (len(self.fields) - len(self.unsupported)) / len(self.fields))
