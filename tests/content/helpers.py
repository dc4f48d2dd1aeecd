"""Small helpers for tests that edit the curated files."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

CONTENT = "content"


def read_items(seed_dir: Path, filename: str) -> Any:
    """The parsed YAML of one curated file."""
    return yaml.safe_load((seed_dir / CONTENT / filename).read_text(encoding="utf-8"))


def write_items(seed_dir: Path, filename: str, document: Any) -> None:
    """Replace one curated file with `document`."""
    (seed_dir / CONTENT / filename).write_text(yaml.safe_dump(document, sort_keys=False), encoding="utf-8")
