"""pg_trgm on PostgreSQL, for typo suggestions by trigram similarity (nothing to do on SQLite).

The trigram index itself is derived data: the PostgreSQL search backend builds it on `search_term` at each seed.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")


def downgrade() -> None:
    # The extension stays: other databases' objects may use it, and dropping it needs ownership.
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP INDEX IF EXISTS search_term_trgm")
