"""Search documents carry the names and entry terms of their entities' codes (the verified vocabulary): a
reader's words that the article does not use, matched at the lowest weight. `search_name` lists the names each
document answers to (name, abbreviations, synonyms, codes): exact-name matches and `/v1/suggest` read it.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-30
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("search_document", schema=None) as batch_op:
        batch_op.add_column(sa.Column("vocabulary", sa.String(), nullable=False, server_default=""))
    op.create_table(
        "search_name",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=300), nullable=False),
        sa.Column("label", sa.String(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("search_name", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_search_name_document_id"), ["document_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_search_name_key"), ["key"], unique=False)


def downgrade() -> None:
    op.execute("DROP TABLE IF EXISTS search_fts_ranges")  # derived with this release's SQLite index
    op.drop_table("search_name")
    with op.batch_alter_table("search_document", schema=None) as batch_op:
        batch_op.drop_column("vocabulary")
