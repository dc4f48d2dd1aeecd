"""Alembic's environment: run on the connection `app.migrations` hands over, against the models' metadata.

There is no alembic.ini: the CLI (`micromet db upgrade`) and the seed step build the configuration in code,
so the one database URL in Settings is the only one.
"""

from __future__ import annotations

from alembic import context

from app.migrations.schema import include_object, render_item, target_metadata

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=target_metadata,
    include_object=include_object,
    compare_type=True,
    render_item=render_item,
    render_as_batch=connection.dialect.name == "sqlite",
)
with context.begin_transaction():
    context.run_migrations()
