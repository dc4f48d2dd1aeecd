"""What `/v1/oembed` answers: an oEmbed 1.0 `rich` response (https://oembed.com/, section 2.3.4)."""

from __future__ import annotations

from typing import Literal

from sqlmodel import Field, SQLModel


class OEmbedPublic(SQLModel):
    """An item's embed card, as oEmbed consumers expect it."""

    version: Literal["1.0"]
    type: Literal["rich"]
    title: str
    provider_name: str
    provider_url: str
    cache_age: int = Field(description="Seconds the consumer may cache this response.")
    html: str = Field(description="The card: a self-contained HTML fragment, every text escaped.")
    width: int
    height: int
