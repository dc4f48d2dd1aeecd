"""Schema migrations (Alembic), run from code: `micromet db upgrade`, and the seed step on an empty database.

The seed step never alters an existing schema: a database behind head must be upgraded explicitly, so a
deployment with several replicas migrates once, from one place.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, inspect

from app.migrations.schema import include_object, target_metadata

HERE = Path(__file__).parent
INITIAL_REVISION = "0001"
INITIAL_TABLES = frozenset(
    {
        "challenge",
        "concept",
        "dataset",
        "detection_method",
        "finding",
        "link",
        "provenance",
        "research_direction",
        "search_document",
        "search_term",
        "source",
        "section",
        "therapy",
    }
)
"""The tables of revision 0001: what `create_all` made before there were migrations."""


class SchemaError(Exception):
    """The database's schema is not the one this code serves; the message says what to run."""


def alembic_config(connection: Connection | None = None) -> Config:
    """Alembic's configuration, built in code (there is no alembic.ini)."""
    config = Config()
    config.set_main_option("script_location", str(HERE))
    config.attributes["connection"] = connection
    return config


@cache
def head_revision() -> str:
    """The newest revision this code knows (read once: the revisions ship with the code)."""
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None
    return head


def current_revision(engine: Engine) -> str | None:
    """The revision the database is at, or None when it was never migrated."""
    with engine.connect() as connection:
        return revision_of(connection)


def revision_of(connection: Connection) -> str | None:
    """The revision recorded in the database a connection is on (None when it was never migrated); reads only."""
    return MigrationContext.configure(connection).get_current_revision()


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the schema to `revision`.

    A schema created before migrations existed (its tables, no history) is revision 0001's; when it has exactly
    those tables and they match, it is adopted as such (stamped), then upgraded like any other.
    """
    with engine.begin() as connection:
        config = alembic_config(connection)
        if _unversioned_schema(connection):
            if _tables(connection) != INITIAL_TABLES:
                raise SchemaError(
                    "the database has tables but no migration history, and they are not micromet's first schema; "
                    "use an empty database (or drop these tables) and seed again"
                )
            command.stamp(config, INITIAL_REVISION)
        command.upgrade(config, revision)


def downgrade(engine: Engine, revision: str) -> None:
    """Take the schema back to `revision` ("base" drops every table the migrations made)."""
    with engine.begin() as connection:
        command.downgrade(alembic_config(connection), revision)


def schema_differences(connection: Connection) -> list[object]:
    """What autogenerate would change to make the database match the models; empty when they agree."""
    context = MigrationContext.configure(
        connection, opts={"include_object": include_object, "compare_type": True, "target_metadata": target_metadata}
    )
    return list(compare_metadata(context, target_metadata))


def prepare_for_seed(engine: Engine) -> None:
    """Create the schema on an empty database; refuse one that is not at head (upgrading is explicit)."""
    with engine.connect() as connection:
        empty = not _tables(connection)
    if empty:
        upgrade(engine)
        return
    current, head = current_revision(engine), head_revision()
    if current != head:
        found = f"at revision {current}" if current else "without migration history"
        raise SchemaError(f"the database schema is {found}, this code needs {head}; run `micromet db upgrade` first")


def _tables(connection: Connection) -> set[str]:
    return set(inspect(connection).get_table_names())


def _unversioned_schema(connection: Connection) -> bool:
    tables = _tables(connection)
    return bool(tables) and "alembic_version" not in tables
