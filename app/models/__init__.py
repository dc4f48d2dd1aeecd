"""Table models and their data bases; importing this package registers every table."""

from app.models.challenge import Challenge, ChallengeBase
from app.models.code import CodeBase, CodePublic, EntityCode, MatchType
from app.models.common import (
    ContentBase,
    EntityTable,
    EntityType,
    FindingTopic,
    Invasiveness,
    ResearchPurpose,
    Specimen,
    TherapyCategory,
)
from app.models.concept import Concept, ConceptBase
from app.models.dataset import DatasetInfo
from app.models.detection_method import DetectionMethod, DetectionMethodBase
from app.models.finding import Finding, FindingBase
from app.models.link import CURATED_TYPES, RELATION_KINDS, Link, Predicate, RelationKind, SlugAlias
from app.models.provenance import Provenance, ProvenanceBase
from app.models.research_direction import ResearchDirection, ResearchDirectionBase
from app.models.search import SearchDocument, SearchName, SearchTerm
from app.models.section import Section, SectionBase
from app.models.source import Source, SourceBase
from app.models.therapy import Therapy, TherapyBase

__all__ = [
    "CURATED_TYPES",
    "RELATION_KINDS",
    "Challenge",
    "ChallengeBase",
    "CodeBase",
    "CodePublic",
    "Concept",
    "ConceptBase",
    "ContentBase",
    "DatasetInfo",
    "DetectionMethod",
    "DetectionMethodBase",
    "EntityCode",
    "EntityTable",
    "EntityType",
    "Finding",
    "FindingBase",
    "FindingTopic",
    "Invasiveness",
    "Link",
    "MatchType",
    "Predicate",
    "Provenance",
    "ProvenanceBase",
    "RelationKind",
    "ResearchDirection",
    "ResearchDirectionBase",
    "ResearchPurpose",
    "SearchDocument",
    "SearchName",
    "SearchTerm",
    "Section",
    "SectionBase",
    "SlugAlias",
    "Source",
    "SourceBase",
    "Specimen",
    "Therapy",
    "TherapyBase",
    "TherapyCategory",
]
