"""Each provenance quote names the entity's fields it supports (a JSON list of field names), and each code
carries the curator's note on its match type.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-29
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("provenance", schema=None) as batch_op:
        batch_op.add_column(sa.Column("supports", sa.JSON(), nullable=False, server_default=sa.text("'[]'")))
    with op.batch_alter_table("entity_code", schema=None) as batch_op:
        batch_op.add_column(sa.Column("note", sa.String(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("entity_code", schema=None) as batch_op:
        batch_op.drop_column("note")
    with op.batch_alter_table("provenance", schema=None) as batch_op:
        batch_op.drop_column("supports")
