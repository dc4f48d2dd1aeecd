"""Schema migrations: empty to head, back and forth, in step with the models, and the seed step's rules.

Every test runs on a new SQLite file and on a new PostgreSQL database.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, inspect, text
from sqlmodel import SQLModel
from typer.testing import CliRunner

from app import migrations
from app.cli import EXIT_SCHEMA, cli
from app.content.pipeline import seed
from app.db import create_db_engine
from app.main import create_app
from app.settings import PROJECT_ROOT, Settings
from tests.postgres import postgres_database

SEED_DIR = PROJECT_ROOT / "seed"
MODEL_TABLES = set(SQLModel.metadata.tables)


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """The URL of an empty database of this test's own, on each backend."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'blank.sqlite3'}"
        return
    with postgres_database() as url:
        yield url


@pytest.fixture
def blank(database_url: str) -> Iterator[Engine]:
    """An engine on that empty database."""
    engine = create_db_engine(Settings(database_url=database_url))
    yield engine
    engine.dispose()


def tables(engine: Engine) -> set[str]:
    return set(inspect(engine).get_table_names())


def differences(engine: Engine) -> list[object]:
    with engine.connect() as connection:
        return migrations.schema_differences(connection)


def test_upgrade_takes_an_empty_database_to_head(blank: Engine) -> None:
    assert migrations.current_revision(blank) is None

    migrations.upgrade(blank)

    assert migrations.current_revision(blank) == migrations.head_revision()
    assert tables(blank) == MODEL_TABLES | {"alembic_version"}


def test_the_migrated_schema_equals_the_models(blank: Engine) -> None:
    migrations.upgrade(blank)

    assert differences(blank) == []


def test_a_seeded_schema_still_equals_the_models(blank: Engine) -> None:
    """The search engines' derived tables and indexes are not schema drift."""
    seed(blank, SEED_DIR)

    assert differences(blank) == []


def test_downgrade_to_base_and_upgrade_again_round_trips(blank: Engine) -> None:
    seed(blank, SEED_DIR)

    migrations.downgrade(blank, "base")
    assert tables(blank) == {"alembic_version"}
    assert migrations.current_revision(blank) is None

    migrations.upgrade(blank)
    assert differences(blank) == []
    _, result = seed(blank, SEED_DIR)
    assert result.changed


def test_every_revision_steps_down_and_up(blank: Engine) -> None:
    migrations.upgrade(blank)
    head = migrations.head_revision()

    migrations.downgrade(blank, "-1")
    assert migrations.current_revision(blank) not in (None, head)
    migrations.upgrade(blank)

    assert migrations.current_revision(blank) == head
    assert differences(blank) == []


def test_seed_migrates_an_empty_database_itself(blank: Engine) -> None:
    seed(blank, SEED_DIR)

    assert migrations.current_revision(blank) == migrations.head_revision()


def test_seed_refuses_a_schema_behind_head(blank: Engine) -> None:
    migrations.upgrade(blank, "0001")

    with pytest.raises(migrations.SchemaError, match="micromet db upgrade"):
        seed(blank, SEED_DIR)
    assert migrations.current_revision(blank) == "0001"


def test_seed_refuses_a_schema_without_migration_history(blank: Engine) -> None:
    SQLModel.metadata.create_all(blank)

    with pytest.raises(migrations.SchemaError, match="without migration history"):
        seed(blank, SEED_DIR)


def first_schema_without_history(engine: Engine) -> None:
    """What micromet made before it had migrations (create_all then made what revision 0001 makes), without
    the history table."""
    migrations.upgrade(engine, migrations.INITIAL_REVISION)
    with engine.begin() as connection:
        connection.execute(text("DROP TABLE alembic_version"))


def test_upgrade_adopts_the_first_schema_made_before_migrations(blank: Engine) -> None:
    first_schema_without_history(blank)
    assert migrations.current_revision(blank) is None
    assert tables(blank) == migrations.INITIAL_TABLES

    migrations.upgrade(blank)

    assert migrations.current_revision(blank) == migrations.head_revision()
    assert differences(blank) == []
    _, result = seed(blank, SEED_DIR)
    assert result.changed


def test_upgrade_refuses_unknown_tables_without_history(blank: Engine) -> None:
    SQLModel.metadata.create_all(blank)  # today's tables, with no history: not a schema micromet ever made

    with pytest.raises(migrations.SchemaError, match="no migration history"):
        migrations.upgrade(blank)


def test_the_cli_upgrades_and_reports_the_revision(database_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MICROMET_DATABASE_URL", database_url)
    runner = CliRunner()

    before = runner.invoke(cli, ["db", "current"])
    upgraded = runner.invoke(cli, ["db", "upgrade"])
    after = runner.invoke(cli, ["db", "current"])

    head = migrations.head_revision()
    assert before.exit_code == EXIT_SCHEMA
    assert "current: none" in before.output
    assert upgraded.exit_code == 0
    assert f"schema at {head} (was empty)" in upgraded.output
    assert after.exit_code == 0
    assert f"current: {head}" in after.output


def test_the_cli_seed_on_an_old_schema_exits_5_and_says_what_to_run(
    database_url: str, blank: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    migrations.upgrade(blank, "0001")
    monkeypatch.setenv("MICROMET_DATABASE_URL", database_url)
    monkeypatch.setenv("MICROMET_SEED_DIR", str(SEED_DIR))

    result = CliRunner().invoke(cli, ["seed"])

    assert result.exit_code == EXIT_SCHEMA
    assert "run `micromet db upgrade`" in result.output
    assert "Traceback" not in result.output


def serving(database_url: str) -> TestClient:
    """A client of an app serving an existing database, as a replica does (no seeding at start)."""
    settings = Settings(database_url=database_url, seed_dir=SEED_DIR, auto_seed=False)
    return TestClient(create_app(settings), raise_server_exceptions=False)


def test_readiness_names_the_schema_revision_it_serves(blank: Engine, database_url: str) -> None:
    seed(blank, SEED_DIR)

    with serving(database_url) as client:
        ready = client.get("/readyz")

    assert ready.status_code == 200
    assert ready.json()["schema_revision"] == migrations.head_revision()


def test_a_seeded_database_behind_head_is_alive_but_not_ready(blank: Engine, database_url: str) -> None:
    seed(blank, SEED_DIR)
    migrations.downgrade(blank, "0004")

    with serving(database_url) as client:
        alive, ready = client.get("/healthz"), client.get("/readyz")

    assert alive.status_code == 200
    assert ready.status_code == 503
    assert ready.headers["content-type"] == "application/problem+json"
    assert "revision 0004" in ready.json()["detail"]
    assert f"serves {migrations.head_revision()}" in ready.json()["detail"]
    assert "micromet db upgrade" in ready.json()["detail"]


@pytest.fixture
def blank_postgres() -> Iterator[Engine]:
    with postgres_database() as url:
        engine = create_db_engine(Settings(database_url=url))
        yield engine
        engine.dispose()


def test_postgresql_gains_the_or_aggregate_of_search_clauses_at_0009_and_loses_it_below(
    blank_postgres: Engine,
) -> None:
    """`tsquery_any` joins a search clause's forms (SQLite needs nothing)."""
    blank = blank_postgres

    def aggregates() -> list[str]:
        with blank.connect() as connection:
            found = connection.execute(text("SELECT proname FROM pg_proc WHERE proname = 'tsquery_any'"))
            return list(found.scalars())

    migrations.upgrade(blank)
    with blank.connect() as connection:
        joined = connection.execute(
            text("SELECT tsquery_any(q)::text FROM unnest(ARRAY['a'::tsquery, 'b'::tsquery]) AS q")
        ).scalar_one()
    migrations.downgrade(blank, "0008")

    assert joined == "'a' | 'b'"
    assert aggregates() == []
