"""Challenges: what the article says makes micrometastases hard to research."""

from __future__ import annotations

from sqlmodel import Field

from app.models.common import ContentBase, CuratedOrder, SynonymsMixin
from app.models.public import SPARSE_CONFIG, PublicItemFields


class ChallengeBase(ContentBase, SynonymsMixin):
    """A research challenge and what it limits, where the article says."""

    limits: str | None = Field(default=None, description="What the challenge limits, in the article's words.")


class Challenge(ChallengeBase, CuratedOrder, table=True):
    __tablename__ = "challenge"


class ChallengePublic(ChallengeBase, PublicItemFields):
    """A research challenge as the API serves it."""

    model_config = SPARSE_CONFIG
