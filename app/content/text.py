"""Reading the verbatim article: its checksum, its sections and its sentences, as it is, never edited.

Offsets everywhere are `[start, end)` indexes into the decoded text, in Unicode code points, so that
`text[start:end]` in Python (and `substr(text, start + 1, end - start)` in SQL) gives the quote back.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

from app.content.errors import ContentError

# A sentence runs from a non-space character to the first ., ? or ! that ends a line or precedes
# whitespace. Line breaks inside a sentence (the article's broken list items) do not end it.
_SENTENCE = re.compile(r"\S.*?(?:[.?!](?=\s|\Z)|\Z)", re.DOTALL)


@dataclass(frozen=True)
class Span:
    """A `[start, end)` range of the source text."""

    start: int
    end: int

    def __len__(self) -> int:
        return self.end - self.start

    def __contains__(self, other: object) -> bool:
        return isinstance(other, Span) and self.start <= other.start and other.end <= self.end


@dataclass(frozen=True)
class LocatedSection:
    """A section found in the text: its heading (if any) and its body."""

    slug: str
    position: int
    heading: str | None
    heading_span: Span | None
    body: Span

    @property
    def span(self) -> Span:
        """Heading and body together: where this section's quotes may lie."""
        return Span(self.heading_span.start if self.heading_span else self.body.start, self.body.end)


def sha256_hex(text: str) -> str:
    """sha256 of the text's UTF-8 bytes."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def read_checksums(path: Path) -> dict[str, str]:
    """Parse a `sha256sum` file into {file name: hex digest}."""
    sums: dict[str, str] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            digest, name = line.split(maxsplit=1)
            sums[name.lstrip("*")] = digest.lower()
    return sums


def read_verified_source(path: Path, checksums: Path) -> str:
    """Read the article and stop if its sha256 is not the recorded one: the text must never change."""
    if not path.is_file():
        raise ContentError([f"source text not found: {path.name}"])
    raw = path.read_bytes()
    expected = read_checksums(checksums).get(path.name) if checksums.is_file() else None
    if expected is None:
        raise ContentError([f"no sha256 recorded for {path.name} in {checksums.name}"])
    actual = hashlib.sha256(raw).hexdigest()
    if actual != expected:
        raise ContentError(
            [f"source text {path.name} has changed: sha256 is {actual}, {checksums.name} records {expected}"]
        )
    return raw.decode("utf-8")


def locate_sections(text: str, headings: list[tuple[str, str | None]]) -> list[LocatedSection]:
    """Find each curated heading in the text, in order, and cut the bodies between them.

    `headings` is `(slug, heading)` in article order; a `None` heading is the untitled opening after the
    title line. A heading may follow the previous sentence with no line break, but it must end its line
    and occur exactly once, so that it cannot be mistaken for body text.
    """
    problems: list[str] = []
    title_end = text.find("\n")
    cursor = title_end + 1 if title_end >= 0 else len(text)
    found: list[tuple[str, str | None, Span | None]] = []
    for slug, heading in headings:
        if heading is None:
            found.append((slug, None, None))
            continue
        count = text.count(heading)
        at = text.find(heading, cursor)
        if count != 1 or at < 0:
            where = "not found after the previous section" if at < 0 else f"found {count} times"
            problems.append(f"section {slug!r}: heading {heading!r} {where}")
            continue
        end = at + len(heading)
        if end < len(text) and text[end] != "\n":
            problems.append(f"section {slug!r}: heading {heading!r} does not end its line")
        found.append((slug, heading, Span(at, end)))
        cursor = end
    if problems:
        raise ContentError(problems)

    sections: list[LocatedSection] = []
    for position, (slug, heading, heading_span) in enumerate(found):
        body_start = heading_span.end if heading_span else title_end + 1
        next_spans = [span for _, _, span in found[position + 1 :] if span is not None]
        body_end = next_spans[0].start if next_spans else len(text)
        sections.append(LocatedSection(slug, position, heading, heading_span, _strip(text, Span(body_start, body_end))))
    return sections


def sentences(text: str, within: Span) -> list[Span]:
    """The sentences of one stretch of text (a section body), as spans of the whole text."""
    body = text[within.start : within.end]
    return [Span(within.start + m.start(), within.start + m.end()) for m in _SENTENCE.finditer(body)]


def _strip(text: str, span: Span) -> Span:
    start, end = span.start, span.end
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return Span(start, end)
