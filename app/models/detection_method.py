"""Detection methods: the techniques the article names for finding micrometastases."""

from __future__ import annotations

from sqlmodel import Field

from app.models.common import ContentBase, EntityTable, EnumText, Invasiveness, Specimen, SynonymsMixin
from app.models.curation import EntitySpec
from app.models.public import SPARSE_CONFIG, PublicItemFields


class DetectionMethodBase(ContentBase, SynonymsMixin):
    """What the article says of a detection method; a field it does not support stays null."""

    principle: str | None = Field(default=None, description="How the method works, in the article's words.")
    detects: str | None = Field(
        default=None,
        description="What the method is employed to detect: what the article says it identifies or detects, or "
        "micrometastases where it names nothing narrower. What it analyzes to do so is the `analyzes` relation.",
    )
    specimen: Specimen = Field(sa_type=EnumText(Specimen), description="What the method is performed on.")
    invasiveness: Invasiveness | None = Field(
        default=None, sa_type=EnumText(Invasiveness), description="Only where the article states it."
    )


class DetectionMethod(DetectionMethodBase, EntityTable, table=True):
    __tablename__ = "detection_method"


class DetectionMethodPublic(DetectionMethodBase, PublicItemFields):
    """A detection method as the API serves it."""

    model_config = SPARSE_CONFIG


class DetectionMethodSpec(DetectionMethodBase, EntitySpec):
    """As a curator writes it under `seed/content/`: the data, with its quotes, codes and relations."""
