"""Reading the curated YAML files into specs, reporting every schema problem with its file and item."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from app.content.errors import ContentError
from app.content.schema import SOURCE_FILE, SourceSpec
from app.content.vocabulary import VOCABULARY_FILE, Vocabulary, load_vocabulary
from app.models.curation import EntitySpec
from app.models.registry import ENTITY_KINDS, Registry

CONTENT_DIR = "content"

SpecT = TypeVar("SpecT", bound=BaseModel)


@dataclass(frozen=True)
class CuratedContent:
    """Everything under `seed/`, parsed but not yet checked against the article."""

    seed_dir: Path
    source: SourceSpec
    entities: dict[str, list[EntitySpec]]
    vocabulary: Vocabulary
    kinds: Registry = ENTITY_KINDS


def load_content(seed_dir: Path, kinds: Registry = ENTITY_KINDS) -> CuratedContent:
    """Parse the curated file of every entity kind; raise one `ContentError` listing all schema problems."""
    problems: list[str] = []
    content_dir = seed_dir / CONTENT_DIR
    source_doc = _read_yaml(content_dir / SOURCE_FILE, problems)
    source = _parse(SourceSpec, source_doc, SOURCE_FILE, problems) if source_doc is not None else None

    entities: dict[str, list[EntitySpec]] = {}
    for kind in kinds:
        entity_type, filename, spec = kind.name, kind.curated_file, kind.spec
        document = _read_yaml(content_dir / filename, problems)
        if document is None:
            continue
        if not isinstance(document, list):
            problems.append(f"{filename}: expected a list of {entity_type} items, got {type(document).__name__}")
            continue
        items: list[EntitySpec] = []
        for index, item in enumerate(document):
            where = f"{filename} item {index}"
            if isinstance(item, dict) and isinstance(item.get("slug"), str):
                where += f" ({item['slug']})"
            parsed = _parse(spec, item, where, problems)
            if parsed is not None:
                items.append(parsed)
        entities[entity_type] = items

    vocabulary = None
    try:
        vocabulary = load_vocabulary(seed_dir)
    except (OSError, ValueError, yaml.YAMLError) as error:  # pydantic's ValidationError is a ValueError
        problems.append(f"{VOCABULARY_FILE}: {' '.join(str(error).split())}")

    if problems or source is None or vocabulary is None:
        raise ContentError(problems)
    return CuratedContent(seed_dir=seed_dir, source=source, entities=entities, vocabulary=vocabulary, kinds=kinds)


def _read_yaml(path: Path, problems: list[str]) -> Any:
    if not path.is_file():
        problems.append(f"{path.name}: file not found in {path.parent.name}/")
        return None
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        problems.append(f"{path.name}: not valid YAML: {error}")
        return None


def _parse(spec: type[SpecT], item: Any, where: str, problems: list[str]) -> SpecT | None:
    try:
        return spec.model_validate(item)
    except ValidationError as error:
        for detail in error.errors():
            location = ".".join(str(part) for part in detail["loc"]) or "(item)"
            problems.append(f"{where}: {location}: {detail['msg']}")
        return None
