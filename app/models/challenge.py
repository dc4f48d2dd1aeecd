"""Challenges: what the article says makes micrometastases hard to research."""

from __future__ import annotations

from sqlmodel import Field

from app.models.common import ContentBase, EntityTable, SynonymsMixin
from app.models.curation import EntitySpec
from app.models.public import SPARSE_CONFIG, PublicItemFields


class ChallengeBase(ContentBase, SynonymsMixin):
    """A research challenge and what it limits, where the article says."""

    limits: str | None = Field(default=None, description="What the challenge limits, in the article's words.")


class Challenge(ChallengeBase, EntityTable, table=True):
    __tablename__ = "challenge"


class ChallengePublic(ChallengeBase, PublicItemFields):
    """A research challenge as the API serves it."""

    model_config = SPARSE_CONFIG


class ChallengeSpec(ChallengeBase, EntitySpec):
    """As a curator writes it under `seed/content/`: the data, with its quotes, codes and relations."""
