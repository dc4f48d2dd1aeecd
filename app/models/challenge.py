"""Challenges: what the article says makes micrometastases hard to research."""

from __future__ import annotations

from sqlmodel import Field

from app.models.common import ContentBase, SynonymsMixin


class ChallengeBase(ContentBase, SynonymsMixin):
    """A research challenge and what it limits, where the article says."""

    limits: str | None = Field(default=None, description="What the challenge limits, in the article's words.")


class Challenge(ChallengeBase, table=True):
    __tablename__ = "challenge"
