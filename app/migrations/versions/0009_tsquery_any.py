"""`tsquery_any`, an aggregate that joins tsqueries with OR, on PostgreSQL (nothing to do on SQLite).

A search clause is any of a word's forms; with the forms passed as one array and joined by this aggregate, the
search statement's text depends only on how many clauses the query has, so each connection prepares it once
instead of planning every new query (planning cost more than running it).

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-30
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        # tsquery_or is the function behind `||`; strict, so the first non-null input starts the state.
        op.execute("CREATE AGGREGATE tsquery_any(tsquery) (SFUNC = tsquery_or, STYPE = tsquery)")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP AGGREGATE IF EXISTS tsquery_any(tsquery)")
