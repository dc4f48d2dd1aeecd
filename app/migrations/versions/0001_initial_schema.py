"""Initial schema: the content tables, provenance, links, search documents and the dataset row.

Revision ID: 0001
Revises: (none)
Create Date: 2026-11-25 18:02:24.894255
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "challenge",
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("synonyms", sa.JSON(), nullable=False),
        sa.Column("slug", sa.String(length=120), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("summary", sa.String(length=2000), nullable=False),
        sa.Column("limits", sa.String(), nullable=True),
        sa.PrimaryKeyConstraint("slug"),
    )
    with op.batch_alter_table("challenge", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_challenge_position"), ["position"], unique=False)

    op.create_table(
        "concept",
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("synonyms", sa.JSON(), nullable=False),
        sa.Column("slug", sa.String(length=120), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("summary", sa.String(length=2000), nullable=False),
        sa.Column("definition", sa.String(), nullable=True),
        sa.PrimaryKeyConstraint("slug"),
    )
    with op.batch_alter_table("concept", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_concept_position"), ["position"], unique=False)

    op.create_table(
        "dataset",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version", sa.String(length=64), nullable=False),
        sa.Column("generated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("synthetic", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "detection_method",
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("synonyms", sa.JSON(), nullable=False),
        sa.Column("slug", sa.String(length=120), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("summary", sa.String(length=2000), nullable=False),
        sa.Column("principle", sa.String(), nullable=True),
        sa.Column("detects", sa.String(), nullable=True),
        sa.Column("specimen", sa.String(length=32), nullable=False),
        sa.Column("invasiveness", sa.String(length=32), nullable=True),
        sa.PrimaryKeyConstraint("slug"),
    )
    with op.batch_alter_table("detection_method", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_detection_method_position"), ["position"], unique=False)

    op.create_table(
        "finding",
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("synonyms", sa.JSON(), nullable=False),
        sa.Column("slug", sa.String(length=120), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("summary", sa.String(length=2000), nullable=False),
        sa.Column("topic", sa.String(length=32), nullable=False),
        sa.PrimaryKeyConstraint("slug"),
    )
    with op.batch_alter_table("finding", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_finding_position"), ["position"], unique=False)

    op.create_table(
        "link",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("subject_type", sa.String(length=32), nullable=False),
        sa.Column("subject_slug", sa.String(length=120), nullable=False),
        sa.Column("predicate", sa.String(length=32), nullable=False),
        sa.Column("object_type", sa.String(length=32), nullable=False),
        sa.Column("object_slug", sa.String(length=120), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("link", schema=None) as batch_op:
        batch_op.create_index("ix_link_object", ["object_type", "object_slug"], unique=False)
        batch_op.create_index("ix_link_subject", ["subject_type", "subject_slug"], unique=False)

    op.create_table(
        "research_direction",
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("synonyms", sa.JSON(), nullable=False),
        sa.Column("slug", sa.String(length=120), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("summary", sa.String(length=2000), nullable=False),
        sa.Column("purpose", sa.String(length=32), nullable=False),
        sa.Column("promise", sa.String(), nullable=True),
        sa.PrimaryKeyConstraint("slug"),
    )
    with op.batch_alter_table("research_direction", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_research_direction_position"), ["position"], unique=False)

    op.create_table(
        "search_document",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("type", sa.String(length=32), nullable=False),
        sa.Column("slug", sa.String(length=120), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("name_key", sa.String(), nullable=False),
        sa.Column("href", sa.String(), nullable=False),
        sa.Column("synonyms", sa.String(), nullable=False),
        sa.Column("summary", sa.String(), nullable=False),
        sa.Column("body", sa.String(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("search_document", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_search_document_name_key"), ["name_key"], unique=False)
        batch_op.create_index(batch_op.f("ix_search_document_type"), ["type"], unique=False)

    op.create_table(
        "search_term",
        sa.Column("term", sa.String(length=120), nullable=False),
        sa.Column("documents", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("term"),
    )
    op.create_table(
        "source",
        sa.Column("slug", sa.String(length=120), nullable=False),
        sa.Column("title", sa.String(), nullable=False),
        sa.Column("summary", sa.String(), nullable=False),
        sa.Column("filename", sa.String(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("length", sa.Integer(), nullable=False),
        sa.Column("text", sa.String(), nullable=False),
        sa.PrimaryKeyConstraint("slug"),
    )
    op.create_table(
        "therapy",
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("synonyms", sa.JSON(), nullable=False),
        sa.Column("slug", sa.String(length=120), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("summary", sa.String(length=2000), nullable=False),
        sa.Column("category", sa.String(length=32), nullable=False),
        sa.Column("aim", sa.String(), nullable=True),
        sa.Column("timing", sa.String(), nullable=True),
        sa.Column("indication", sa.String(), nullable=True),
        sa.PrimaryKeyConstraint("slug"),
    )
    with op.batch_alter_table("therapy", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_therapy_position"), ["position"], unique=False)

    op.create_table(
        "provenance",
        sa.Column("section", sa.String(), nullable=False),
        sa.Column("quote", sa.String(), nullable=False),
        sa.Column("start", sa.Integer(), nullable=False),
        sa.Column("end", sa.Integer(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source_slug", sa.String(length=120), nullable=False),
        sa.Column("entity_type", sa.String(length=32), nullable=False),
        sa.Column("entity_slug", sa.String(length=120), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["source_slug"],
            ["source.slug"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("provenance", schema=None) as batch_op:
        batch_op.create_index("ix_provenance_entity", ["entity_type", "entity_slug", "position"], unique=False)
        batch_op.create_index("ix_provenance_section", ["source_slug", "section"], unique=False)

    op.create_table(
        "section",
        sa.Column("slug", sa.String(length=120), nullable=False),
        sa.Column("source_slug", sa.String(length=120), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("heading", sa.String(), nullable=True),
        sa.Column("heading_start", sa.Integer(), nullable=True),
        sa.Column("heading_end", sa.Integer(), nullable=True),
        sa.Column("start", sa.Integer(), nullable=False),
        sa.Column("end", sa.Integer(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("text", sa.String(), nullable=False),
        sa.ForeignKeyConstraint(
            ["source_slug"],
            ["source.slug"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("source_slug", "slug"),
    )


def downgrade() -> None:
    # The search engines' derived tables read from search_document; they go first.
    op.execute("DROP TABLE IF EXISTS search_fts")
    op.execute("DROP TABLE IF EXISTS search_index")
    op.drop_table("section")
    with op.batch_alter_table("provenance", schema=None) as batch_op:
        batch_op.drop_index("ix_provenance_section")
        batch_op.drop_index("ix_provenance_entity")

    op.drop_table("provenance")
    with op.batch_alter_table("therapy", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_therapy_position"))

    op.drop_table("therapy")
    op.drop_table("source")
    op.drop_table("search_term")
    with op.batch_alter_table("search_document", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_search_document_type"))
        batch_op.drop_index(batch_op.f("ix_search_document_name_key"))

    op.drop_table("search_document")
    with op.batch_alter_table("research_direction", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_research_direction_position"))

    op.drop_table("research_direction")
    with op.batch_alter_table("link", schema=None) as batch_op:
        batch_op.drop_index("ix_link_subject")
        batch_op.drop_index("ix_link_object")

    op.drop_table("link")
    with op.batch_alter_table("finding", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_finding_position"))

    op.drop_table("finding")
    with op.batch_alter_table("detection_method", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_detection_method_position"))

    op.drop_table("detection_method")
    op.drop_table("dataset")
    with op.batch_alter_table("concept", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_concept_position"))

    op.drop_table("concept")
    with op.batch_alter_table("challenge", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_challenge_position"))

    op.drop_table("challenge")
