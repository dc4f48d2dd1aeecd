"""Field support: every field that says something rests on a quote that holds its words.

A curator marks each quote with the fields it supports (`supports: [summary, aim]`). The seed then refuses
- a summary, or a type's own field with a value, that no quote supports;
- a `supports` entry that names no field of the entity's type;
- a free-text field with a content word that none of its supporting quotes holds in any form ("detect" is
  held by "Detecting", "therapy" by "therapies"; "can" is not held by "cancer"). Function words are exempt.
The last rule is the one a machine can check of "the quote says what the field says"; a reviewer reads the
rest (docs/curation.md).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from app.models.curation import EntitySpec

UNSTATED_VALUES = frozenset({"not-stated"})
"""Values that say the article is silent on a field (a detection method's `specimen`): nothing to quote."""

# fmt: off
FUNCTION_WORDS = frozenset({
    "a", "an", "the", "and", "or", "nor", "but", "of", "in", "on", "to", "for", "with", "by", "as", "at", "from",
    "into", "onto", "about", "is", "are", "was", "were", "be", "been", "being", "it", "its", "itself", "their",
    "theirs", "they", "them", "this", "these", "that", "those", "which", "who", "whom", "whose", "what", "when",
    "where", "while", "than", "then", "so", "such", "both", "each", "either", "also", "other", "one", "there",
    "here", "has", "have", "had", "do", "does",
})
# fmt: on
"""Words a curator may write without a quote holding them: they join the article's words, they claim nothing.
Hedges (may, can, often, could) and negations are not among them: they must come from the article."""

_WORD = re.compile(r"[a-z0-9]+")
_SHORT_SUFFIXES = ("", "s", "es", "d", "ed")
_STEM = 5
_SUFFIX = 4


@dataclass(frozen=True)
class FieldSupport:
    """One field with a value, the positions of the entity's quotes that support it, and whether they hold
    its words."""

    entity_type: str
    slug: str
    field: str
    quotes: tuple[int, ...]
    holds_words: bool = True

    @property
    def supported(self) -> bool:
        """A quote is marked as supporting the field, and the supporting quotes hold its words."""
        return bool(self.quotes) and self.holds_words


def own_fields(spec: type[EntitySpec]) -> tuple[str, ...]:
    """The fields a type adds to every entity's (a therapy's `aim`, a detection method's `specimen`)."""
    return tuple(name for name in spec.model_fields if name not in EntitySpec.model_fields)


def supportable_fields(spec: type[EntitySpec]) -> tuple[str, ...]:
    """The fields a quote may support: the name, the summary and the type's own fields."""
    return ("name", "summary", *own_fields(spec))


def fields_needing_support(item: EntitySpec) -> list[str]:
    """The summary and every field of the type's own that holds a value (the name is optional to support)."""
    needed = ["summary"]
    for name in own_fields(type(item)):
        value = getattr(item, name)
        if value is not None and value not in UNSTATED_VALUES:
            needed.append(name)
    return needed


def check_support(entity_type: str, item: EntitySpec, label: str, problems: list[str]) -> list[FieldSupport]:
    """Each field that needs a quote has one that holds its words; report every problem into `problems`."""
    allowed = supportable_fields(type(item))
    for position, quote in enumerate(item.provenance):
        for name in quote.supports:
            if name not in allowed:
                problems.append(
                    f"{label}: quote {position} supports {name!r}, which is not a field of a {entity_type} "
                    f"(fields: {', '.join(allowed)})"
                )
    found: list[FieldSupport] = []
    for name in fields_needing_support(item):
        positions = tuple(index for index, quote in enumerate(item.provenance) if name in quote.supports)
        value = getattr(item, name)
        missing: list[str] = []
        if not positions:
            problems.append(f"{label}: no quote supports its {name}; mark the quote that holds it with `supports`")
        elif type(value) is str:
            missing = unsupported_words(value, [item.provenance[index].quote for index in positions])
            if missing:
                problems.append(
                    f"{label}: its {name} says {', '.join(repr(word) for word in missing)}, which no quote "
                    "supporting it holds"
                )
        found.append(FieldSupport(entity_type, item.slug, name, positions, holds_words=not missing))
    return found


def unsupported_words(value: str, quotes: list[str]) -> list[str]:
    """The content words of `value` that no quote holds in any form, in order, each once."""
    held = {word for quote in quotes for word in _WORD.findall(quote.lower())}
    missing: list[str] = []
    for word in _WORD.findall(value.lower()):
        if word in FUNCTION_WORDS or word in missing:
            continue
        if not any(_same_word(word, other) for other in held):
            missing.append(word)
    return missing


def names_any_of(quote: str, names: list[str]) -> bool:
    """Whether the quote holds a content word of one of the names, in some form (a relation's quote names its
    ends: "Liquid biopsies analyze circulating tumor DNA" names liquid biopsy and circulating tumor DNA)."""
    held = _WORD.findall(quote.lower())
    return any(
        _same_word(word, other)
        for name in names
        for word in _WORD.findall(name.lower())
        if word not in FUNCTION_WORDS
        for other in held
    )


def _same_word(word: str, other: str) -> bool:
    """Two forms of one word: sharing a stem of five letters or more that leaves at most four letters of the
    shorter word over (detecting, detection; therapy, therapies; not microscopic, micrometastases), or for
    shorter words the same word with an inflection (risk, risks; use, used)."""
    shorter, longer = sorted((word, other), key=len)
    if len(shorter) >= _STEM:
        shared = next((at for at, (a, b) in enumerate(zip(word, other, strict=False)) if a != b), len(shorter))
        return shared >= max(_STEM, len(shorter) - _SUFFIX)
    return any(longer == shorter + suffix for suffix in _SHORT_SUFFIXES)
