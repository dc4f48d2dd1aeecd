"""Database engines: one URL (SQLite by default, PostgreSQL for scale-out), one place that knows the quirks.

The serving engine is read-only (SQLite `query_only`, PostgreSQL read-only transactions); only the seed step
writes, through an engine of its own.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, inspect
from sqlalchemy.engine import make_url
from sqlmodel import Session

from app.models import DatasetInfo
from app.settings import Settings


def create_db_engine(settings: Settings, *, read_only: bool = False) -> Engine:
    """Build an engine for `settings.database_url`, creating the SQLite file's folder when needed."""
    url = make_url(settings.database_url)
    backend = url.get_backend_name()
    connect_args: dict[str, Any] = {}
    if backend == "sqlite":
        connect_args["check_same_thread"] = False
        if url.database and url.database != ":memory:" and not url.database.startswith("file:"):
            Path(url.database).parent.mkdir(parents=True, exist_ok=True)
    elif backend == "postgresql" and read_only:
        connect_args["options"] = "-c default_transaction_read_only=on"
    # Pre-ping matters for a server that can drop connections; an embedded SQLite file cannot, so it is spared
    # the extra round trip on every checkout. Pool sizes and timeouts apply to servers only.
    pre_ping = settings.database_pool_pre_ping if settings.database_pool_pre_ping is not None else backend != "sqlite"
    pool: dict[str, Any] = {}
    if backend != "sqlite":
        pool = {
            "pool_size": settings.database_pool_size,
            "max_overflow": settings.database_max_overflow,
            "pool_timeout": settings.database_pool_timeout,
            "pool_recycle": settings.database_pool_recycle,
        }
    engine = create_engine(url, echo=settings.database_echo, connect_args=connect_args, pool_pre_ping=pre_ping, **pool)
    if backend == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas(read_only))
    return engine


def describe_url(database_url: str) -> str:
    """The URL as it is safe to print: the password hidden."""
    return make_url(database_url).render_as_string(hide_password=True)


def is_seeded(engine: Engine) -> bool:
    """Whether the database holds a dataset (its schema exists and a seed has completed)."""
    if not inspect(engine).has_table(DatasetInfo.__tablename__):
        return False
    with Session(engine) as session:
        return session.get(DatasetInfo, 1) is not None


def _sqlite_pragmas(read_only: bool) -> Any:
    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        if read_only:
            cursor.execute("PRAGMA query_only=ON")
        cursor.close()

    return on_connect
