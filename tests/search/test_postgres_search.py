"""Search on PostgreSQL: one prepared statement per number of clauses, answered on the event loop from a pool of
its own, with snippets made in Python; the same answers as the thread path, and no error when the server drops a
connection."""

from __future__ import annotations

import asyncio
import random
import threading
import time
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import yaml
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine, text

from app.content.pipeline import seed
from app.db import AsyncReadPool, create_db_engine, create_search_pool
from app.main import create_app
from app.search.postgres import PostgresSearch
from app.search.query import parse_query
from app.search.service import SearchOutcome, needing_correction, plan_query, search, search_async
from app.search.spelling import DifflibSpeller
from app.settings import Settings
from tests.api.helpers import assert_problem
from tests.postgres import postgres_database

JUDGMENTS = Path(__file__).parent / "judgments.yaml"


@pytest.fixture(scope="module")
def postgres_settings(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Settings]:
    """A seeded database of this module's own."""
    with postgres_database() as url:
        settings = Settings(database_url=url)
        writer = create_db_engine(settings)
        seed(writer, settings.seed_dir)
        writer.dispose()
        yield settings


@pytest.fixture(scope="module")
def serving(postgres_settings: Settings) -> Iterator[Engine]:
    engine = create_db_engine(postgres_settings, read_only=True)
    yield engine
    engine.dispose()


def queries() -> list[str]:
    """The judged queries, and random three-word ones from the article's words (mostly partial matches)."""
    judged = [entry["query"] for entry in yaml.safe_load(JUDGMENTS.read_text())]
    words = sorted({word for query in judged for word in parse_query(query).words if len(word) > 3})
    rng = random.Random(5)
    return judged + [" ".join(rng.choice(words) for _ in range(3)) for _ in range(40)]


def test_the_event_loop_path_answers_exactly_as_the_thread_path(postgres_settings: Settings, serving: Engine) -> None:
    backend, speller = PostgresSearch(), DifflibSpeller()
    with serving.connect() as connection:
        forms = speller.forms(connection, "v")

    async def on_the_loop(pool: AsyncReadPool, text_: str) -> SearchOutcome | None:
        return await search_async(pool, backend, forms, text_, types=[], limit=10, offset=0, marks=("[", "]"))

    async def run_all() -> list[SearchOutcome | None]:
        pool = create_search_pool(postgres_settings)
        assert pool is not None
        await pool.open()
        try:
            return [await on_the_loop(pool, each) for each in queries()]
        finally:
            await pool.close()

    looped = asyncio.run(run_all())
    compared = 0
    for each, answer in zip(queries(), looped, strict=True):
        with serving.connect() as connection:
            threaded = search(connection, backend, speller, "v", each, types=[], limit=10, offset=0, marks=("[", "]"))
        if needing_correction(plan_query(parse_query(each), forms), forms):
            assert answer is None, each  # corrected in the thread pool instead
            continue
        assert answer == threaded, each
        compared += 1
    assert compared > 60


def test_a_statement_is_prepared_once_per_number_of_clauses(serving: Engine) -> None:
    """Planning a new query cost more than running it: whatever its words, a query of three clauses reuses the
    one statement its connection prepared."""
    backend, speller = PostgresSearch(), DifflibSpeller()
    rng = random.Random(8)
    with serving.connect() as connection:
        forms = speller.forms(connection, "v")
        words = sorted(word for word in forms.frequencies if word.isalpha() and len(word) > 3)
        for _ in range(30):
            plan = plan_query(parse_query(" ".join(rng.sample(words, 3))), forms)
            if len(plan.required) == 3:
                backend.search(connection, plan, [], 20, 0, partial=None)
        prepared = connection.execute(text("SELECT statement FROM pg_prepared_statements")).scalars().all()

    searches = [statement for statement in prepared if "tsquery_any" in statement]
    assert len(searches) == 1


def test_snippets_mark_every_form_of_the_query_words(serving: Engine) -> None:
    backend, speller = PostgresSearch(), DifflibSpeller()
    with serving.connect() as connection:
        forms = speller.forms(connection, "v")
        results = backend.search(connection, plan_query(parse_query("amplification"), forms), [], 20, 0)

    snippets = " ".join(hit.snippet for hit in results.hits)
    assert "\x01amplifies\x02" in snippets  # the article's form: "PCR amplifies DNA sequences"
    assert all("\x01" in hit.snippet for hit in results.hits if hit.type != "concept")


@pytest.fixture
def small_pool_app(postgres_settings: Settings) -> Iterator[TestClient]:
    """An app whose search pool holds one connection and waits for it a fifth of a second at most."""
    settings = postgres_settings.model_copy(update={"database_pool_size": 1, "database_pool_timeout": 0.2})
    with TestClient(create_app(settings), raise_server_exceptions=False) as client:
        client.get("/v1/search", params={"q": "biopsy"})  # reads the lexicon: later searches run on the loop
        yield client


def test_a_search_waiting_past_the_pool_timeout_is_a_503_problem_then_recovers(small_pool_app: TestClient) -> None:
    app: FastAPI = small_pool_app.app  # type: ignore[assignment]
    pool: AsyncReadPool = app.state.search_pool
    portal = small_pool_app.portal
    assert portal is not None
    holding = pool.acquire()
    portal.call(holding.__aenter__)  # the pool's one connection, held by someone else
    try:
        waiting = small_pool_app.get("/v1/search", params={"q": "liquid biopsy blood"})
    finally:
        portal.call(holding.__aexit__, None, None, None)
    after = small_pool_app.get("/v1/search", params={"q": "liquid biopsy blood"})

    assert_problem(waiting, 503)
    assert waiting.headers["retry-after"] == "5"
    assert after.status_code == 200
    assert after.json()["items"]


def test_a_search_connection_the_server_closed_is_replaced_without_an_error(
    small_pool_app: TestClient, postgres_settings: Settings
) -> None:
    first = small_pool_app.get("/v1/search", params={"q": "circulating tumor dna"})
    admin = create_db_engine(postgres_settings)
    with admin.connect() as connection:
        killed = connection.execute(
            text(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid() AND backend_type = 'client backend'"
            )
        ).scalar_one()
    admin.dispose()
    again = small_pool_app.get("/v1/search", params={"q": "circulating tumor cells"})

    assert killed >= 1
    assert first.status_code == 200
    assert again.status_code == 200
    assert again.json()["items"]


def test_a_search_from_another_event_loop_answers_the_same_through_the_thread_path(small_pool_app: TestClient) -> None:
    """asyncpg's connections belong to the loop that opened the pool; an app driven from other loops (a test client
    without its lifespan, here: a new loop per request) searches in the thread pool instead, with the same answer."""
    elsewhere = TestClient(small_pool_app.app)
    query = {"q": "immune evasion dormancy"}

    from_its_loop = small_pool_app.get("/v1/search", params={**query, "limit": 7})
    from_another = elsewhere.get("/v1/search", params={**query, "limit": 6})

    assert from_another.status_code == 200
    assert from_another.json()["items"] == from_its_loop.json()["items"][:6]


def test_libpq_only_parameters_of_the_database_url_do_not_reach_the_search_pool(postgres_settings: Settings) -> None:
    """asyncpg would send `connect_timeout` or `keepalives` to the server as settings, which refuses them; the pool
    takes the timeout as its own and leaves the rest to psycopg."""
    url = f"{postgres_settings.database_url}?connect_timeout=5&keepalives=1&application_name=micromet-test"

    async def ask() -> list[str]:
        pool = create_search_pool(postgres_settings.model_copy(update={"database_url": url}))
        assert pool is not None
        await pool.open()
        try:
            rows = await pool.fetch("SELECT current_setting('application_name')", [])
        finally:
            await pool.close()
        return [row[0] for row in rows]

    assert asyncio.run(ask()) == ["micromet-test"]
    assert AsyncReadPool(Settings(database_url=url)).connect_timeout == 5.0


@pytest.fixture
def loaded_app(postgres_settings: Settings) -> Iterator[TestClient]:
    """An app with a search pool of three connections, searched once (the lexicon is read)."""
    settings = postgres_settings.model_copy(update={"database_pool_size": 3})
    with TestClient(create_app(settings), raise_server_exceptions=False) as client:
        client.get("/v1/search", params={"q": "biopsy"})
        yield client


def test_searches_under_load_while_the_server_terminates_connections_never_fail_with_a_500(
    loaded_app: TestClient, postgres_settings: Settings
) -> None:
    """A connection the server closes (a restart, a failover) is found by the next statement on it, sometimes
    half-way; the statement is asked again on another connection (an outside review saw 1% of such searches
    answer 500 before asyncpg's half-way state was counted as a lost connection)."""
    rng = random.Random(3)
    words = ["cancer", "cells", "blood", "immune", "dormant", "biopsy", "tumor", "therapy", "detection", "markers"]
    queries = [" ".join(rng.sample(words, 3)) + f" {index}" for index in range(600)]
    stop = threading.Event()
    killed = 0

    def terminate() -> None:
        nonlocal killed
        admin = create_db_engine(postgres_settings)
        with admin.connect() as connection:
            while not stop.is_set():
                killed += connection.execute(
                    text(
                        "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = "
                        "current_database() AND pid <> pg_backend_pid() AND backend_type = 'client backend'"
                    )
                ).scalar_one()
                connection.commit()
                time.sleep(0.05)
        admin.dispose()

    killer = threading.Thread(target=terminate)
    killer.start()
    try:
        with ThreadPoolExecutor(max_workers=12) as workers:
            statuses = Counter(
                workers.map(lambda q: loaded_app.get("/v1/search", params={"q": q}).status_code, queries)
            )
    finally:
        stop.set()
        killer.join()

    assert killed > 10
    assert set(statuses) <= {200, 503}, statuses
    assert statuses[200] > len(queries) * 0.9, statuses


def test_a_hit_found_on_both_engines_has_the_same_snippet_on_both(
    serving: Engine, engine: Engine, seed_dir: Path
) -> None:
    """Snippets are made in Python from the hit's text on both engines (`app.search.snippets`), so the same
    document found for the same query shows the same snippet on SQLite and on PostgreSQL."""
    from app.search.sqlite import SQLiteSearch

    seed(engine, seed_dir)
    speller = DifflibSpeller()
    compared = 0
    with serving.connect() as on_postgres, engine.connect() as on_sqlite:
        forms = speller.forms(on_sqlite, "v")
        for query in queries():
            plan = plan_query(parse_query(query), forms)
            if not plan.required:
                continue
            theirs = SQLiteSearch().search(on_sqlite, plan, [], 20, 0, partial=None).hits
            ours = {
                (hit.type, hit.slug): hit.snippet
                for hit in PostgresSearch().search(on_postgres, plan, [], 20, 0, partial=None).hits
            }
            for hit in theirs:
                if (hit.type, hit.slug) in ours:
                    assert hit.snippet == ours[hit.type, hit.slug], (query, hit.slug)
                    compared += 1

    assert compared > 500  # hits of 138 queries found on both engines, every one compared


def test_a_search_on_a_connection_the_server_closed_is_a_database_unavailable_error(
    postgres_settings: Settings, serving: Engine
) -> None:
    """The thread path asks psycopg directly (for its prepared statements): a connection the server closed under
    it is reported as the database being unavailable (a 503 problem), as SQLAlchemy's own statements are, and is
    not returned to the pool (under load, terminated backends answered about 1% of such searches with a 500)."""
    from app.errors import ConnectionLostError

    with serving.connect() as connection:
        plan = plan_query(parse_query("liquid biopsy"), DifflibSpeller().forms(connection, "v"))
    admin = create_db_engine(postgres_settings)
    with serving.connect() as connection:
        backend_pid = connection.exec_driver_sql("SELECT pg_backend_pid()").scalar_one()
        with admin.connect() as other:
            other.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": backend_pid})
        with pytest.raises(ConnectionLostError):  # a DatabaseUnavailableError, asked again on another connection
            PostgresSearch().search(connection, plan, [], 20, 0)
        assert connection.invalidated
    admin.dispose()

    with serving.connect() as fresh:  # the pool hands out a live connection next
        assert PostgresSearch().search(fresh, plan, [], 20, 0).hits
