"""Typed relations carry the quote that states them (section, quote, offsets; null for untyped links).

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-25
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("link", schema=None) as batch_op:
        batch_op.add_column(sa.Column("section", sa.String(), nullable=True))
        batch_op.add_column(sa.Column("quote", sa.String(), nullable=True))
        batch_op.add_column(sa.Column("start", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("end", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("link", schema=None) as batch_op:
        batch_op.drop_column("end")
        batch_op.drop_column("start")
        batch_op.drop_column("quote")
        batch_op.drop_column("section")
