"""Therapies: the treatments and treatment approaches the article gives for managing micrometastases."""

from __future__ import annotations

from sqlmodel import Field

from app.models.common import ContentBase, EntityTable, EnumText, SynonymsMixin, TherapyCategory
from app.models.curation import EntitySpec
from app.models.public import SPARSE_CONFIG, PublicItemFields


class TherapyBase(ContentBase, SynonymsMixin):
    """A therapy, its category and its aim as the article states them."""

    category: TherapyCategory = Field(sa_type=EnumText(TherapyCategory))
    aim: str | None = Field(default=None, description="What the therapy aims to do, where the article says.")
    timing: str | None = Field(default=None, description="When it is given, where the article says.")
    indication: str | None = Field(default=None, description="What it is recommended on, where the article says.")


class Therapy(TherapyBase, EntityTable, table=True):
    __tablename__ = "therapy"


class TherapyPublic(TherapyBase, PublicItemFields):
    """A therapy as the API serves it."""

    model_config = SPARSE_CONFIG


class TherapySpec(TherapyBase, EntitySpec):
    """As a curator writes it under `seed/content/`: the data, with its quotes, codes and relations."""
