"""The documentation stays true to the code: every module or file it names exists, and the README stays short."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from app.settings import PROJECT_ROOT

DOCS = sorted((PROJECT_ROOT / "docs").glob("*.md"))
PATH = re.compile(r"(?<![\w/.])((?:app|bench|tests|seed)/[\w/.-]*\w)")
NOT_YET = {"app/routers/v2"}
"""Paths the docs name as plans (the API versioning policy's home for `/v2`), not as code that exists."""
GENERATED = "bench/.data"
"""Where benchmark, fuzz and soak runs write their output: it exists after a run, not in a clone."""


def named_paths(document: Path) -> set[str]:
    return set(PATH.findall(document.read_text(encoding="utf-8")))


def test_the_architecture_document_names_modules() -> None:
    assert len(named_paths(PROJECT_ROOT / "docs" / "architecture.md")) > 30


@pytest.mark.parametrize("document", DOCS, ids=lambda path: path.name)
def test_every_path_a_document_names_exists(document: Path) -> None:
    named = {path for path in named_paths(document) - NOT_YET if not path.startswith(GENERATED)}
    missing = sorted(path for path in named if not (PROJECT_ROOT / path).exists())

    assert missing == []


def test_the_readme_is_short_and_links_every_document() -> None:
    readme = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")

    assert len(readme.splitlines()) <= 250
    for document in DOCS:
        assert f"docs/{document.name}" in readme
