"""Search documents carry their entity's codes, so search can filter by code (`code=`).

The search engines' derived tables pick the column up at the next seed, which this release's new dataset
format triggers.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-25
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("search_document", schema=None) as batch_op:
        batch_op.add_column(sa.Column("codes", sa.String(), nullable=False, server_default=""))


def downgrade() -> None:
    with op.batch_alter_table("search_document", schema=None) as batch_op:
        batch_op.drop_column("codes")
