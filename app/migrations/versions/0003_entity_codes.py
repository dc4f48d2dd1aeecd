"""Entity codes: MeSH and NCI Thesaurus codes per entity, with their match type.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "entity_code",
        sa.Column("system", sa.String(length=100), nullable=False),
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("display", sa.String(), nullable=False),
        sa.Column("match", sa.String(length=32), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("entity_type", sa.String(length=32), nullable=False),
        sa.Column("entity_slug", sa.String(length=120), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("entity_code", schema=None) as batch_op:
        batch_op.create_index("ix_entity_code_code", ["code"], unique=False)
        batch_op.create_index("ix_entity_code_entity", ["entity_type", "entity_slug", "position"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("entity_code", schema=None) as batch_op:
        batch_op.drop_index("ix_entity_code_entity")
        batch_op.drop_index("ix_entity_code_code")

    op.drop_table("entity_code")
