"""Findings: single claims the article makes, each with its own quote."""

from __future__ import annotations

from sqlmodel import Field

from app.models.common import ContentBase, EnumText, FindingTopic, SynonymsMixin


class FindingBase(ContentBase, SynonymsMixin):
    """One claim; its summary keeps the article's hedges ("may", "often", "can")."""

    topic: FindingTopic = Field(sa_type=EnumText(FindingTopic))


class Finding(FindingBase, table=True):
    __tablename__ = "finding"
