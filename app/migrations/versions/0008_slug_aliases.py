"""Former slugs: an entity renamed keeps its old URLs, which answer a 301 to the new ones.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-30
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "slug_alias",
        sa.Column("entity_type", sa.String(length=32), nullable=False),
        sa.Column("former_slug", sa.String(length=120), nullable=False),
        sa.Column("slug", sa.String(length=120), nullable=False),
        sa.PrimaryKeyConstraint("entity_type", "former_slug"),
    )


def downgrade() -> None:
    op.drop_table("slug_alias")
