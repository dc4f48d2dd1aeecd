"""Therapies: the treatments and treatment approaches the article gives for managing micrometastases."""

from __future__ import annotations

from sqlmodel import Field

from app.models.common import ContentBase, CuratedOrder, EnumText, SynonymsMixin, TherapyCategory
from app.models.public import SPARSE_CONFIG, PublicItemFields


class TherapyBase(ContentBase, SynonymsMixin):
    """A therapy, its category and its aim as the article states them."""

    category: TherapyCategory = Field(sa_type=EnumText(TherapyCategory))
    aim: str | None = Field(default=None, description="What the therapy aims to do, where the article says.")
    timing: str | None = Field(default=None, description="When it is given, where the article says.")
    indication: str | None = Field(default=None, description="What it is recommended on, where the article says.")


class Therapy(TherapyBase, CuratedOrder, table=True):
    __tablename__ = "therapy"


class TherapyPublic(TherapyBase, PublicItemFields):
    """A therapy as the API serves it."""

    model_config = SPARSE_CONFIG
