"""The entity types, each declared once: its table, its models, its URL, its documentation and its filters.

Everything that differs between detection methods, therapies, challenges, research directions, findings and
concepts is an `EntityKind` here; the routers, the catalog, the exports, the cards, search, the seed and the
client read it. Adding a type takes a model module, an entry in `ENTITY_KINDS`, a curated file and a migration.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from pydantic import Field
from sqlmodel import SQLModel

from app.models.challenge import Challenge, ChallengePublic, ChallengeSpec
from app.models.common import (
    EntityTable,
    EntityType,
    FindingTopic,
    Invasiveness,
    ResearchPurpose,
    Slug,
    Specimen,
    TherapyCategory,
)
from app.models.concept import Concept, ConceptPublic, ConceptSpec
from app.models.curation import EntitySpec
from app.models.detection_method import DetectionMethod, DetectionMethodPublic, DetectionMethodSpec
from app.models.finding import Finding, FindingPublic, FindingSpec
from app.models.link import RELATION_KINDS, Predicate
from app.models.research_direction import ResearchDirection, ResearchDirectionPublic, ResearchDirectionSpec
from app.models.therapy import Therapy, TherapyPublic, TherapySpec


class FilterKind(StrEnum):
    """How a collection filter selects: the catalog has one query for each kind, and no other."""

    EQUALS = "equals"
    """The column equals the value."""
    CITED_IN = "cited-in"
    """The entity has a quote in this section of the source."""
    RELATED_TO = "related-to"
    """The entity states a relation (`predicate`) to this entity of `target`."""
    HAS_CODE = "has-code"
    """The entity carries this vocabulary code."""
    PRESENT = "present"
    """The column is set (true) or null (false)."""


@dataclass(frozen=True)
class Filter:
    """A query parameter of an entity collection and the way it selects.

    `parameter` documents it (type and `Field`) for the generated query model; the filters every collection
    shares (`section`, `code`) are declared on `EntityCollectionQuery` and have none here.
    """

    name: str
    kind: FilterKind
    column: str | None = None
    predicate: Predicate | None = None
    target: str | None = None
    parameter: tuple[Any, Any] | None = None
    """The query parameter's type and its pydantic `Field`."""


COMMON_FILTERS = (Filter("section", FilterKind.CITED_IN), Filter("code", FilterKind.HAS_CODE))
"""The filters every entity collection takes (their parameters are `EntityCollectionQuery`'s)."""


def equals(column: str, annotation: Any, description: str) -> Filter:
    """A filter on a column's value, as an optional query parameter of the column's type."""
    return Filter(
        column, FilterKind.EQUALS, column=column, parameter=(annotation | None, Field(None, description=description))
    )


@dataclass(frozen=True)
class EntityKind:
    """One entity type: what the API, the exports, search, the seed and the client need to know of it."""

    name: str
    """The type's name, as relations, search hits and exports carry it (`therapy`)."""
    table: type[EntityTable]
    public: type[SQLModel]
    """The model of its items as the API serves them."""
    spec: type[EntitySpec]
    """The model each item of its curated file must match."""
    curated_file: str
    """Its file under `seed/content/`."""
    segment: str
    """Its collection's path under `/v1` (`therapies`), also its OpenAPI tag."""
    description: str
    """Its OpenAPI tag's description."""
    singular: str
    plural: str
    list_description: str
    item_description: str
    slug_example: str
    schema_org_type: str
    """Its `@type` in the JSON-LD export."""
    card_label: str
    """What its embed card calls it."""
    filters: tuple[Filter, ...] = ()
    """Its own filters, after the common ones."""
    searchable: bool = True
    filters_by_name: dict[str, Filter] = field(init=False, repr=False, compare=False)
    """Every filter of its collection, the common ones first, by query parameter (derived once)."""
    relations: tuple[str, ...] = field(init=False, repr=False, compare=False)
    """`sections`, then each kind of relation the type can be at either end of (its object-side name first);
    `include=` accepts these names (derived once from `RELATION_KINDS`)."""

    def __post_init__(self) -> None:
        # A plain `str` even when given an `EntityType`: it becomes JSON keys and values (orjson wants `str`).
        name = str(self.name)
        relations = ["sections"]
        for relation in RELATION_KINDS.values():
            relations += [relation.inverse] if name in relation.objects else []
            relations += [relation.name] if name in relation.subjects else []
        object.__setattr__(self, "name", name)
        object.__setattr__(self, "filters_by_name", {f.name: f for f in COMMON_FILTERS + self.filters})
        object.__setattr__(self, "relations", tuple(relations))


@dataclass(frozen=True)
class Registry:
    """The entity types an app serves, in their order (the collections', the exports' and the facets')."""

    kinds: tuple[EntityKind, ...]
    _by_type: dict[str, EntityKind] = field(init=False, repr=False, compare=False)
    _by_segment: dict[str, EntityKind] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        by_type = {kind.name: kind for kind in self.kinds}
        by_segment = {kind.segment: kind for kind in self.kinds}
        if len(by_type) != len(self.kinds) or len(by_segment) != len(self.kinds):
            raise ValueError("Two entity kinds share a type or a URL segment.")
        object.__setattr__(self, "_by_type", by_type)
        object.__setattr__(self, "_by_segment", by_segment)

    def __iter__(self) -> Iterator[EntityKind]:
        return iter(self.kinds)

    def __getitem__(self, entity_type: str) -> EntityKind:
        return self._by_type[entity_type]

    def by_segment(self, segment: str) -> EntityKind | None:
        """The kind whose collection is `/v1/{segment}`, if any."""
        return self._by_segment.get(segment)

    def with_kind(self, kind: EntityKind) -> Registry:
        """This registry and one more type (a test registers a throwaway type this way)."""
        return Registry((*self.kinds, kind))


ENTITY_KINDS = Registry(
    (
        EntityKind(
            name=EntityType.DETECTION_METHOD,
            table=DetectionMethod,
            public=DetectionMethodPublic,
            spec=DetectionMethodSpec,
            curated_file="detection-methods.yaml",
            segment="detection-methods",
            description="Techniques for detecting micrometastases.",
            singular="a detection method",
            plural="detection methods",
            list_description="Immunohistochemistry, PCR and liquid biopsy, filterable by specimen and invasiveness.",
            item_description="One detection method: principle, what it detects, specimen, invasiveness, quotes and "
            "relations.",
            slug_example="liquid-biopsy",
            schema_org_type="MedicalTest",
            card_label="Detection method",
            filters=(
                equals("specimen", Specimen, "What the method is performed on."),
                equals("invasiveness", Invasiveness, "Only methods the article says are so."),
            ),
        ),
        EntityKind(
            name=EntityType.THERAPY,
            table=Therapy,
            public=TherapyPublic,
            spec=TherapySpec,
            curated_file="therapies.yaml",
            segment="therapies",
            description="Treatments and approaches for managing micrometastases.",
            singular="a therapy",
            plural="therapies",
            list_description="Systemic, adjuvant and personalized approaches, filterable by category.",
            item_description="One therapy: category, aim, timing and indication where the article gives them, with "
            "quotes.",
            slug_example="adjuvant-therapy",
            schema_org_type="MedicalTherapy",
            card_label="Therapy",
            filters=(equals("category", TherapyCategory, "Systemic, adjuvant or an approach."),),
        ),
        EntityKind(
            name=EntityType.CHALLENGE,
            table=Challenge,
            public=ChallengePublic,
            spec=ChallengeSpec,
            curated_file="challenges.yaml",
            segment="challenges",
            description="What makes micrometastases hard to research.",
            singular="a challenge",
            plural="challenges",
            list_description="The research challenges the article names, each with what it limits.",
            item_description="One challenge, what it limits, its quotes and the research directions that address it.",
            slug_example="small-size-and-difficult-detection",
            schema_org_type="DefinedTerm",
            card_label="Research challenge",
        ),
        EntityKind(
            name=EntityType.RESEARCH_DIRECTION,
            table=ResearchDirection,
            public=ResearchDirectionPublic,
            spec=ResearchDirectionSpec,
            curated_file="research-directions.yaml",
            segment="research-directions",
            description="Where future research on micrometastases is heading.",
            singular="a research direction",
            plural="research directions",
            list_description="Future research directions, filterable by purpose and by the challenge they address.",
            item_description="One research direction: its purpose, its promise, its quotes and the challenges it "
            "addresses.",
            slug_example="nanotechnology",
            schema_org_type="ResearchProject",
            card_label="Research direction",
            filters=(
                equals("purpose", ResearchPurpose, "Detection, understanding or therapy."),
                Filter(
                    "challenge",
                    FilterKind.RELATED_TO,
                    predicate=Predicate.ADDRESSES,
                    target=EntityType.CHALLENGE,
                    parameter=(
                        Slug | None,
                        Field(
                            default=None,
                            description="Only directions that address this challenge (a challenge slug).",
                            examples=["small-size-and-difficult-detection"],
                        ),
                    ),
                ),
            ),
        ),
        EntityKind(
            name=EntityType.FINDING,
            table=Finding,
            public=FindingPublic,
            spec=FindingSpec,
            curated_file="findings.yaml",
            segment="findings",
            description="Single claims of the article, each with its quote.",
            singular="a finding",
            plural="findings",
            list_description="The claims on clinical significance, prognosis, management and outlook, filterable by "
            "topic.",
            item_description="One finding: the claim, its topic and the exact quote it rests on.",
            slug_example="poorer-prognosis",
            schema_org_type="Claim",
            card_label="Finding",
            filters=(equals("topic", FindingTopic, "The part of the argument it belongs to."),),
        ),
        EntityKind(
            name=EntityType.CONCEPT,
            table=Concept,
            public=ConceptPublic,
            spec=ConceptSpec,
            curated_file="concepts.yaml",
            segment="concepts",
            description="Terms the article defines or relies on.",
            singular="a concept",
            plural="concepts",
            list_description="Terms such as micrometastasis, metastasis and circulating tumor DNA.",
            item_description="One concept: the article's own definition where it gives one, and the entities that "
            "use it.",
            slug_example="micrometastasis",
            schema_org_type="DefinedTerm",
            card_label="Concept",
            filters=(
                Filter(
                    "has_definition",
                    FilterKind.PRESENT,
                    column="definition",
                    parameter=(
                        bool | None,
                        Field(
                            default=None,
                            description="Only concepts the article defines (true) or does not define (false).",
                        ),
                    ),
                ),
            ),
        ),
    )
)
"""The six curated types micromet serves, in the order of their collections."""
