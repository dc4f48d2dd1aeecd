"""The verified vocabulary (`seed/vocabulary.yaml`): the only codes the content may carry, with their names.

A code is accepted only when its format is valid for its system and the verified list holds it; its display
name is taken from that list, so an entity file never restates (or misspells) a vocabulary's name.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, model_validator

from app.models.code import CODE_FORMATS

VOCABULARY_FILE = "vocabulary.yaml"


class VerifiedCode(BaseModel):
    """One code as the verified list records it: its name, where the pairing was seen, and where known its
    place in the vocabulary's hierarchy (what a `broad` or `narrow` match is judged by)."""

    model_config = ConfigDict(extra="forbid")

    system: str
    code: str
    display: str = Field(min_length=1)
    evidence: str = Field(min_length=1)
    tree_numbers: list[str] = Field(default_factory=list, description="MeSH tree numbers, as the evidence gives them.")
    hierarchy: str | None = Field(
        default=None, min_length=1, description="What the hierarchy or a definition says of the code, and where."
    )
    entry_terms: list[str] = Field(
        default_factory=list,
        description="The vocabulary's own other names for the concept (MeSH entry terms), verbatim from the evidence: "
        "search finds an entity by them at a low weight, and never serves them as the article's words.",
    )
    entry_terms_evidence: str | None = Field(
        default=None, min_length=1, description="Where the entry terms were read beside the code."
    )

    @model_validator(mode="after")
    def entry_terms_have_evidence(self) -> VerifiedCode:
        if self.entry_terms and self.entry_terms_evidence is None:
            raise ValueError(f"{self.code}: entry_terms need entry_terms_evidence (where they were seen with the code)")
        return self


class VocabularyFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    systems: dict[str, str]
    codes: list[VerifiedCode]


@dataclass(frozen=True)
class Vocabulary:
    """System names to canonical URIs, and (system, code) to the verified display name."""

    systems: dict[str, str]
    names: dict[tuple[str, str], str]
    terms: dict[tuple[str, str], tuple[str, ...]] = field(default_factory=dict)
    """(system, code) -> the display name and the entry terms: what search may match the code's entities by."""

    def problems_with(self, system: str, code: str) -> str | None:
        """Why a code cannot be used, or None when it can."""
        if system not in self.systems:
            return f"unknown code system {system!r} (known: {', '.join(self.systems)})"
        if not CODE_FORMATS[system].match(code):
            return f"code {code!r} is not a valid {system} code (expected {CODE_FORMATS[system].pattern})"
        if (system, code) not in self.names:
            return f"{system} code {code!r} is not in {VOCABULARY_FILE}; verify it first, then add it there"
        return None


def load_vocabulary(seed_dir: Path) -> Vocabulary:
    """Read and check the verified list; every code in it must itself be well formed."""
    document = VocabularyFile.model_validate(yaml.safe_load((seed_dir / VOCABULARY_FILE).read_text(encoding="utf-8")))
    unknown = set(document.systems) - set(CODE_FORMATS)
    if unknown:
        raise ValueError(f"{VOCABULARY_FILE}: no code format known for systems {sorted(unknown)}")
    names: dict[tuple[str, str], str] = {}
    terms: dict[tuple[str, str], tuple[str, ...]] = {}
    for entry in document.codes:
        if entry.system not in document.systems or not CODE_FORMATS[entry.system].match(entry.code):
            raise ValueError(f"{VOCABULARY_FILE}: malformed {entry.system} code {entry.code!r}")
        names[(entry.system, entry.code)] = entry.display
        terms[(entry.system, entry.code)] = (entry.display, *entry.entry_terms)
    return Vocabulary(systems=document.systems, names=names, terms=terms)
