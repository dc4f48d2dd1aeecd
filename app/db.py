"""Database engines: one URL (SQLite by default, PostgreSQL for scale-out), one place that knows the quirks.

The serving engine is read-only (SQLite `query_only`, PostgreSQL read-only transactions); only the seed step
writes, through an engine of its own.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import sqlite3
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import asyncpg
from sqlalchemy import Engine, create_engine, event, inspect
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DisconnectionError
from sqlmodel import Session

from app import deadline
from app.errors import DatabaseUnavailableError
from app.models import DatasetInfo
from app.settings import Settings


def create_db_engine(settings: Settings, *, read_only: bool = False) -> Engine:
    """Build an engine for `settings.database_url`.

    A writing SQLite engine creates the file's folder when needed. A read-only one opens the file with
    `mode=ro` (it never creates a missing file, and works in a read-only folder) and checks at every checkout
    that the file is still the one its connection opened, so a removed or replaced file is noticed at once.
    """
    url = make_url(settings.database_url)
    backend = url.get_backend_name()
    connect_args: dict[str, Any] = {}
    extra: dict[str, Any] = {}
    sqlite_file = _sqlite_file(url.database) if backend == "sqlite" else None
    if backend == "sqlite":
        connect_args["check_same_thread"] = False
        if sqlite_file is not None and not read_only:
            sqlite_file.parent.mkdir(parents=True, exist_ok=True)
        if sqlite_file is not None and read_only:
            read_only_uri = f"{sqlite_file.absolute().as_uri()}?mode=ro"
            extra["creator"] = lambda: sqlite3.connect(read_only_uri, uri=True, check_same_thread=False)
    elif backend == "postgresql" and read_only:
        connect_args["options"] = _serving_options(settings)
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
    engine = create_engine(
        url, echo=settings.database_echo, connect_args=connect_args, pool_pre_ping=pre_ping, **pool, **extra
    )
    if backend == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas(read_only))
    if read_only:
        _stop_at_deadline(engine)
    if sqlite_file is not None and read_only:
        _guard_file_identity(engine, sqlite_file)
    return engine


def _serving_options(settings: Settings) -> str:
    """A serving connection's settings: read-only, and no statement outlives the request time limit, even one that
    started just before it."""
    return f"-c default_transaction_read_only=on -c statement_timeout={_statement_timeout_ms(settings)}"


def _statement_timeout_ms(settings: Settings) -> int:
    return max(1, round(settings.request_timeout * 1000))


LIBPQ_ONLY_PARAMETERS = frozenset(
    {
        "connect_timeout",
        "keepalives",
        "keepalives_idle",
        "keepalives_interval",
        "keepalives_count",
        "tcp_user_timeout",
        "client_encoding",
        "fallback_application_name",
        "channel_binding",
        "gssencmode",
        "requirepeer",
        "sslcompression",
        "sslsni",
        "hostaddr",
        "load_balance_hosts",
        "require_auth",
    }
)
"""Query parameters of a PostgreSQL URL that libpq (psycopg) understands and asyncpg does not: asyncpg would send
them to the server as settings, which refuses them. `connect_timeout` becomes asyncpg's own; the others tune the
client's socket or authentication and are left to psycopg's connections."""

LOST_CONNECTION = (
    asyncpg.PostgresConnectionError,
    asyncpg.InterfaceError,
    asyncpg.InternalClientError,
    asyncpg.AdminShutdownError,
    ConnectionError,
)
"""A connection the server closed (a restart, a failover, a terminated backend), found by the statement itself,
possibly half-way (asyncpg then reports an operation in progress): worth one more try on another connection."""

UNAVAILABLE = (
    *LOST_CONNECTION,
    OSError,
    TimeoutError,
    asyncpg.exceptions.OperatorInterventionError,
    asyncpg.exceptions.InsufficientResourcesError,
)
"""The database cannot answer now: unreachable, refusing connections, out of them, shutting down, or the statement
stopped at the time limit. Any other error is a fault of the statement and stays one (a 500)."""


class AsyncReadPool:
    """PostgreSQL connections for work on the event loop (asyncpg), for the one path where a thread hop and
    SQLAlchemy cost more than the statement: a new search. Read-only, with the serving engine's statement timeout;
    no ping and no reset query around a statement (a search is one statement in autocommit; a connection the
    server closed fails its statement, which is asked again on another). Opened by the app's lifespan without
    connecting, so that an unreachable server is found by the requests, as with the serving engine; at most as
    many connections as the serving engine's pool, each waited for `database_pool_timeout` seconds at most."""

    def __init__(self, settings: Settings) -> None:
        url = make_url(settings.database_url)
        self.connect_timeout = float(url.query.get("connect_timeout") or 60)  # type: ignore[arg-type]  # asyncpg's default
        url = url.difference_update_query(LIBPQ_ONLY_PARAMETERS)
        self.dsn = url.set(drivername="postgresql").render_as_string(hide_password=False)
        self.size = settings.database_pool_size
        self.timeout = settings.database_pool_timeout
        self.release_timeout = settings.request_timeout
        self.recycle = float(settings.database_pool_recycle) if settings.database_pool_recycle > 0 else 0.0
        self.server_settings = {
            "default_transaction_read_only": "on",
            "statement_timeout": str(_statement_timeout_ms(settings)),
        }
        self._pool: asyncpg.Pool | None = None
        self._loop: asyncio.AbstractEventLoop | None = None

    async def open(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._pool = await asyncpg.create_pool(
            self.dsn,
            min_size=0,
            max_size=self.size,
            max_inactive_connection_lifetime=self.recycle,
            server_settings=self.server_settings,
            reset=_keep_session,
            timeout=self.connect_timeout,
        )

    async def close(self) -> None:
        if self._pool is not None:
            await self._pool.close()

    def serves_this_loop(self) -> bool:
        """Whether the running event loop is the one the pool was opened on: asyncpg's connections belong to it (a
        server runs one loop per process; an app driven from other loops, as by a test client without its
        lifespan, has its searches take the thread path instead)."""
        try:
            return self._pool is not None and asyncio.get_running_loop() is self._loop
        except RuntimeError:
            return False

    def sizes(self) -> tuple[int, int]:
        """How many connections are open, and how many of them in use (for the metrics)."""
        if self._pool is None:
            return 0, 0
        return self._pool.get_size(), self._pool.get_size() - self._pool.get_idle_size()

    def acquire(self) -> Any:
        """`async with pool.acquire() as connection:` a connection of the pool, waited for `timeout` seconds at
        most (to hold one; statements go through `fetch`)."""
        assert self._pool is not None, "the pool is opened by the app's lifespan"
        return self._pool.acquire(timeout=self.timeout)

    async def fetch(self, statement: str, arguments: Sequence[Any]) -> list[asyncpg.Record]:
        """The statement's rows, on a connection of the pool: a lost connection is dropped and the statement
        asked once more on another; the database unable to answer is a `DatabaseUnavailableError`."""
        for attempt in range(2):
            try:
                return await self._fetch_once(statement, arguments)
            except LOST_CONNECTION as error:
                if attempt:
                    raise DatabaseUnavailableError(str(error)) from error
                # What closed one connection (a restart, a failover) has likely closed the idle ones too, which
                # the pool has not noticed yet: the next acquire opens a new connection rather than try them.
                assert self._pool is not None
                await self._pool.expire_connections()
            except UNAVAILABLE as error:
                raise DatabaseUnavailableError(str(error)) from error
        raise AssertionError("unreachable")  # pragma: no cover

    async def _fetch_once(self, statement: str, arguments: Sequence[Any]) -> list[asyncpg.Record]:
        assert self._pool is not None, "the pool is opened by the app's lifespan"
        connection = await self._pool.acquire(timeout=self.timeout)
        try:
            return await connection.fetch(statement, *arguments)
        finally:
            # Given the time limit, not the pool's wait (a cancelled statement may take a moment to stop). A
            # connection that fails its release is closed by the pool: the rows already read still answer.
            with contextlib.suppress(*UNAVAILABLE):
                await self._pool.release(connection, timeout=self.release_timeout)


async def _keep_session(_connection: asyncpg.Connection) -> None:
    """Nothing to reset between two statements: the session is never changed (asyncpg's default sends a query)."""


def create_search_pool(settings: Settings) -> AsyncReadPool | None:
    """On PostgreSQL, the pool that new searches run on without a thread (app/services/search.py); None on
    SQLite."""
    if make_url(settings.database_url).get_backend_name() != "postgresql":
        return None
    return AsyncReadPool(settings)


def describe_url(database_url: str) -> str:
    """The URL as it is safe to print: the password hidden."""
    return make_url(database_url).render_as_string(hide_password=True)


def is_seeded(engine: Engine) -> bool:
    """Whether the database holds a dataset (its schema exists and a seed has completed)."""
    if not inspect(engine).has_table(DatasetInfo.__tablename__):
        return False
    with Session(engine) as session:
        return session.get(DatasetInfo, 1) is not None


def _sqlite_file(database: str | None) -> Path | None:
    """The file of a SQLite URL; None for an in-memory database or a URI the caller spelled out."""
    if not database or database == ":memory:" or database.startswith("file:"):
        return None
    return Path(database)


def _file_identity(path: Path) -> tuple[int, int] | None:
    try:
        status = os.stat(path)
    except OSError:
        return None
    return status.st_dev, status.st_ino


def _guard_file_identity(engine: Engine, path: Path) -> None:
    """A pooled SQLite connection keeps reading a file that was removed or replaced (it holds the old inode);
    compare identities at checkout so the pool reconnects instead, and fails (a 503) while the file is gone."""

    def remember(_dbapi_connection: Any, record: Any) -> None:
        record.info["file_identity"] = _file_identity(path)

    def check(_dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        if record.info.get("file_identity") != _file_identity(path):
            raise DisconnectionError(f"{path} was removed or replaced")

    event.listen(engine, "connect", remember)
    event.listen(engine, "checkout", check)


SQLITE_PROGRESS_STEPS = 10_000
"""SQLite virtual-machine steps between two looks at the deadline (a fraction of a millisecond)."""


def _stop_at_deadline(engine: Engine) -> None:
    """Serving engines check the request's deadline before each statement, and SQLite also during one."""

    def before_statement(*_args: Any) -> None:
        deadline.check()

    event.listen(engine, "before_cursor_execute", before_statement)
    if engine.dialect.name == "sqlite":

        def on_connect(dbapi_connection: Any, _record: Any) -> None:
            dbapi_connection.set_progress_handler(deadline.passed, SQLITE_PROGRESS_STEPS)

        event.listen(engine, "connect", on_connect)


def _sqlite_pragmas(read_only: bool) -> Any:
    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        if read_only:
            cursor.execute("PRAGMA query_only=ON")
        cursor.close()

    return on_connect
