"""The request time limit reaches work wherever it runs: the serving engines stop at the deadline (before a
statement, and on SQLite during one; PostgreSQL by statement_timeout), the speller stops between words, and a
response that would start after the deadline is the 503 problem instead. The dataset-version check is
single-flight and never waits behind request work."""

from __future__ import annotations

import asyncio
import contextvars
import threading
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

import anyio
import anyio.to_thread
import asyncpg
import pytest
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from app import deadline
from app.dataset_version import DatasetStamp, DatasetVersionCache
from app.db import AsyncReadPool, create_db_engine, create_search_pool
from app.deadline import DeadlineExceeded
from app.errors import DatabaseUnavailableError
from app.settings import Settings
from tests.api.helpers import assert_problem
from tests.conftest import fresh_client
from tests.postgres import postgres_database

COUNT_TO_A_BILLION = (
    "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1000000000) SELECT max(i) FROM n"
)


def in_own_context(function: Callable[[], None]) -> None:
    """Run `function` in a copy of the current context, as anyio runs each thread call, so the deadline set in
    one test never leaks into another."""
    contextvars.copy_context().run(function)


def test_a_statement_after_the_deadline_is_never_sent(tmp_path: Path) -> None:
    with fresh_client(tmp_path):  # seeds the database
        pass
    engine = create_db_engine(Settings(database_url=f"sqlite:///{tmp_path / 'own.sqlite3'}"), read_only=True)

    def late_query() -> None:
        deadline.start(-1)
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))

    try:
        with pytest.raises(DeadlineExceeded):
            in_own_context(late_query)
    finally:
        engine.dispose()


def test_sqlite_stops_a_running_statement_at_the_deadline(tmp_path: Path) -> None:
    with fresh_client(tmp_path):
        pass
    engine = create_db_engine(Settings(database_url=f"sqlite:///{tmp_path / 'own.sqlite3'}"), read_only=True)

    def long_query() -> None:
        deadline.start(0.1)
        with engine.connect() as connection, pytest.raises(OperationalError, match="interrupted"):
            connection.execute(text(COUNT_TO_A_BILLION))  # minutes of work, were it not interrupted

    try:
        in_own_context(long_query)
    finally:
        engine.dispose()


def test_postgresql_stops_a_statement_at_the_request_time_limit() -> None:
    with postgres_database() as url:
        engine = create_db_engine(Settings(database_url=url, request_timeout=0.2), read_only=True)
        try:
            with engine.connect() as connection, pytest.raises(OperationalError, match="statement timeout"):
                connection.execute(text("SELECT pg_sleep(5)"))
        finally:
            engine.dispose()


def test_the_postgresql_search_pool_stops_a_statement_at_the_time_limit_and_cannot_write() -> None:
    """The asynchronous pool that new PostgreSQL searches use has the serving engine's limits: a statement past the
    time limit is stopped (the database is unavailable to it: a 503), and writing is refused (a fault: a 500)."""

    async def ask(pool: AsyncReadPool, statement: str) -> str:
        try:
            await pool.fetch(statement, [])
        except (DatabaseUnavailableError, asyncpg.PostgresError) as error:
            return type(error).__name__
        return "answered"

    async def both(url: str) -> list[str]:
        pool = create_search_pool(Settings(database_url=url, request_timeout=0.2))
        assert pool is not None
        await pool.open()
        try:
            return [await ask(pool, "SELECT pg_sleep(5)"), await ask(pool, "CREATE TABLE written (id int)")]
        finally:
            await pool.close()

    with postgres_database() as url:
        outcomes = asyncio.run(both(url))

    assert outcomes == ["DatabaseUnavailableError", "ReadOnlySQLTransactionError"]


def test_a_search_whose_spelling_work_outlives_the_limit_is_a_503(tmp_path: Path) -> None:
    words = " ".join(f"zqxj{letter}wvkpt" for letter in "abcdefghijklmnopqrstuvwxyzabcdef")
    with fresh_client(tmp_path, request_timeout=0.001) as client:
        response = client.get("/v1/search", params={"q": words})

    body = assert_problem(response, 503)
    assert body["type"] == "urn:micromet:problem:timeout"


def test_a_response_from_a_thread_that_finished_past_the_limit_is_a_503(tmp_path: Path) -> None:
    with fresh_client(tmp_path, request_timeout=0.2) as client:

        def slow_in_a_thread() -> dict[str, str]:
            time.sleep(0.5)  # pure Python work: nothing in it looks at the deadline
            return {"late": "yes"}

        client.app.router.add_api_route("/v1/slow-thread", slow_in_a_thread)  # type: ignore[attr-defined]
        response = client.get("/v1/slow-thread")

    assert assert_problem(response, 503)["type"] == "urn:micromet:problem:timeout"


class CountingClock(DatasetVersionCache):
    """A clock whose reads are slow and counted."""

    reads = 0

    def _read(self) -> DatasetStamp | None:
        CountingClock.reads += 1
        time.sleep(0.2)
        return super()._read()


def test_the_dataset_version_is_read_once_however_many_requests_ask(tmp_path: Path) -> None:
    with fresh_client(tmp_path):
        pass
    engine = create_db_engine(Settings(database_url=f"sqlite:///{tmp_path / 'own.sqlite3'}"), read_only=True)
    clock = CountingClock(engine, interval=60)
    CountingClock.reads = 0
    answers: list[DatasetStamp | None] = []

    async def ask() -> None:
        answers.append(await clock.current())

    async def main() -> None:
        async with anyio.create_task_group() as group:
            for _ in range(50):
                group.start_soon(ask)
        answers.append(await clock.current())

    try:
        anyio.run(main)
    finally:
        engine.dispose()
    assert CountingClock.reads == 1
    assert answers[-1] is not None
    assert answers.count(None) == 49  # the others went on, uncached, instead of waiting for the read


def test_the_dataset_version_check_never_waits_for_the_request_thread_pool(tmp_path: Path) -> None:
    with fresh_client(tmp_path):
        pass
    engine = create_db_engine(Settings(database_url=f"sqlite:///{tmp_path / 'own.sqlite3'}"), read_only=True)
    clock = DatasetVersionCache(engine, interval=60)
    release = threading.Event()

    async def main() -> DatasetStamp | None:
        limiter = anyio.to_thread.current_default_thread_limiter()
        async with anyio.create_task_group() as group:
            for _ in range(int(limiter.total_tokens)):  # every request thread busy until released
                group.start_soon(partial(anyio.to_thread.run_sync, release.wait))
            await anyio.sleep(0.1)
            with anyio.fail_after(5):  # a deadlock detector, not a performance figure
                stamp = await clock.current()
            release.set()
        return stamp

    try:
        stamp = anyio.run(main)
    finally:
        release.set()
        engine.dispose()
    assert stamp is not None


def test_the_first_search_and_suggestion_of_a_dataset_read_its_lexicon_off_the_event_loop(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Reading the lexicon and building its forms (or the typeahead's index) takes tens of milliseconds: on the
    event loop it stalled every other request, health checks included, at each new dataset version (the heavy-load
    test above saw ~0.1 s stalls). Later searches run inline, from memory."""
    on_the_loop: list[tuple[str, bool]] = []

    def running_loop() -> bool:
        try:
            asyncio.get_running_loop()
        except RuntimeError:
            return False
        return True

    def recording(name: str, load: Callable[..., object]) -> Callable[..., object]:
        def wrapped(*args: object) -> object:
            on_the_loop.append((name, running_loop()))
            return load(*args)

        return wrapped

    from app.search.spelling import Lexicon
    from app.search.suggest import SuggestIndex

    monkeypatch.setattr(Lexicon, "load", classmethod(recording("lexicon", Lexicon.load.__func__)))  # type: ignore[attr-defined]
    monkeypatch.setattr(SuggestIndex, "load", classmethod(recording("suggest", SuggestIndex.load.__func__)))  # type: ignore[attr-defined]
    with fresh_client(tmp_path) as client:
        searched = [client.get("/v1/search", params={"q": q}).status_code for q in ("blood", "blood cells")]
        suggested = [client.get("/v1/suggest", params={"prefix": p}).status_code for p in ("bl", "ce")]

    assert searched == suggested == [200, 200]
    assert on_the_loop == [("lexicon", False), ("suggest", False)]
