"""Findings: single claims the article makes, each with its own quote."""

from __future__ import annotations

from sqlmodel import Field

from app.models.common import ContentBase, EntityTable, EnumText, FindingTopic, SynonymsMixin
from app.models.curation import EntitySpec
from app.models.public import SPARSE_CONFIG, PublicItemFields


class FindingBase(ContentBase, SynonymsMixin):
    """One claim; its summary keeps the article's hedges ("may", "often", "can")."""

    topic: FindingTopic = Field(sa_type=EnumText(FindingTopic))


class Finding(FindingBase, EntityTable, table=True):
    __tablename__ = "finding"


class FindingPublic(FindingBase, PublicItemFields):
    """A finding as the API serves it."""

    model_config = SPARSE_CONFIG


class FindingSpec(FindingBase, EntitySpec):
    """As a curator writes it under `seed/content/`: the data, with its quotes, codes and relations."""
