"""Faults: a database that is missing, unreachable, corrupt, read-only or lost while serving, and a seed killed
half-way. Each ends in a clear message or a 503 problem, never a traceback, and no data is lost."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import nullcontext
from pathlib import Path

import httpx2 as httpx
import pytest
from sqlalchemy import Engine, text
from sqlalchemy.exc import DBAPIError

from app.content.pipeline import seed, seed_synthetic
from app.db import create_db_engine
from app.settings import PROJECT_ROOT, Settings
from tests.api.helpers import assert_problem
from tests.conftest import SEED_DIR, expire_dataset_version, fresh_client
from tests.live import live_server
from tests.postgres import postgres_database

pytestmark = pytest.mark.slow

CLI = [sys.executable, "-c", "from app.cli import main; main()"]


def run_cli(*args: str, database_url: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "MICROMET_DATABASE_URL": database_url, "MICROMET_SEED_DIR": str(SEED_DIR)}
    return subprocess.run([*CLI, *args], env=env, cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=timeout)


@pytest.mark.parametrize("command", [["serve", "--port", "1"], ["seed"], ["db", "upgrade"]])
def test_an_unreachable_database_is_one_line_naming_it_and_exit_4(command: list[str]) -> None:
    url = "postgresql+psycopg://micromet:hunter2@127.0.0.1:1/nowhere"

    result = run_cli(*command, database_url=url)

    assert result.returncode == 4
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "127.0.0.1:1/nowhere" in lines[0]
    assert "hunter2" not in result.stderr  # the password is never printed
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("command", [["serve", "--port", "1"], ["seed"], ["db", "current"]])
def test_a_corrupt_database_file_is_named_with_exit_4_and_kept(tmp_path: Path, command: list[str]) -> None:
    database = tmp_path / "corrupt.sqlite3"
    garbage = os.urandom(8192)
    database.write_bytes(garbage)

    result = run_cli(*command, database_url=f"sqlite:///{database}")

    assert result.returncode == 4
    assert str(database) in result.stderr
    assert "not a database" in result.stderr
    assert "Traceback" not in result.stderr
    assert database.read_bytes() == garbage  # nothing was written over it


def test_the_embedded_default_seeds_a_missing_database_at_start(tmp_path: Path) -> None:
    database = tmp_path / "new" / "micromet.sqlite3"

    with live_server(database, SEED_DIR) as base_url:
        therapies = httpx.get(f"{base_url}/v1/therapies")

    assert database.is_file()
    assert therapies.json()["total"] == 5


@pytest.fixture
def readonly_folder(tmp_path: Path) -> Iterator[Path]:
    """A seeded database in a folder nobody may write (not even the server's own user)."""
    folder = tmp_path / "readonly"
    engine = create_db_engine(Settings(database_url=f"sqlite:///{folder / 'micromet.sqlite3'}"))
    seed(engine, SEED_DIR)
    engine.dispose()
    (folder / "micromet.sqlite3").chmod(0o444)
    folder.chmod(0o555)
    yield folder
    folder.chmod(0o755)


def as_unprivileged(command: list[str]) -> list[str]:
    """Permissions do not bind root: as root, run `command` without the capabilities that bypass them
    (CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH), so the read-only folder is read-only for it too."""
    if os.geteuid() != 0:
        return command
    return ["setpriv", "--bounding-set=-dac_override,-dac_read_search", *command]


def test_a_read_only_database_file_and_folder_still_serve_reads(readonly_folder: Path) -> None:
    database = readonly_folder / "micromet.sqlite3"
    probe = subprocess.run(as_unprivileged(["touch", str(readonly_folder / "probe")]), capture_output=True)
    assert probe.returncode != 0, "the folder must be read-only for the server's user"
    before = database.read_bytes()

    with live_server(database, SEED_DIR, wrap=as_unprivileged) as base_url:
        responses = [
            httpx.get(f"{base_url}{path}")
            for path in ("/readyz", "/v1/therapies", "/v1/search?q=liquid+biopsy", "/v1/search?q=immunohistochemestry")
        ]

    assert [response.status_code for response in responses] == [200, 200, 200, 200]
    assert responses[1].json()["total"] == 5
    assert responses[3].json()["did_you_mean"] == "immunohistochemistry"
    assert database.read_bytes() == before


def test_a_database_file_removed_while_serving_is_503_until_it_returns(tmp_path: Path) -> None:
    database = tmp_path / "own.sqlite3"
    with fresh_client(tmp_path, freshness_interval=0.01) as client:
        assert client.get("/v1/therapies").status_code == 200  # also now in the response cache
        database.rename(tmp_path / "moved-away.sqlite3")
        expire_dataset_version(client)  # rather than wait out the freshness interval
        lost = [client.get(path) for path in ("/v1/therapies", "/v1/findings?limit=2", "/readyz")]
        alive = client.get("/healthz")
        (tmp_path / "moved-away.sqlite3").rename(database)
        expire_dataset_version(client)
        back = [client.get(path) for path in ("/v1/therapies", "/v1/findings?limit=2", "/readyz")]

    for response in lost:
        assert_problem(response, 503)
    assert alive.status_code == 200
    assert [response.status_code for response in back] == [200, 200, 200]
    assert not (tmp_path / "moved-away.sqlite3").exists()


def test_a_database_file_replaced_while_serving_serves_the_new_file(tmp_path: Path) -> None:
    database = tmp_path / "own.sqlite3"
    with fresh_client(tmp_path, freshness_interval=0.01) as client:
        before = client.get("/v1/meta").json()
        replacement = tmp_path / "replacement.sqlite3"
        engine = create_db_engine(Settings(database_url=f"sqlite:///{replacement}"))
        seed_synthetic(engine, SEED_DIR, 50)
        engine.dispose()
        replacement.replace(database)
        expire_dataset_version(client)
        after = client.get("/v1/meta").json()

    assert before["synthetic"] is False
    assert after["synthetic"] is True
    assert after["dataset_version"] != before["dataset_version"]


def test_a_seed_killed_half_way_leaves_the_previous_dataset_whole(tmp_path: Path) -> None:
    database = tmp_path / "bench.sqlite3"
    url = f"sqlite:///{database}"
    engine = create_db_engine(Settings(database_url=url))
    _, previous = seed_synthetic(engine, SEED_DIR, 500)
    engine.dispose()
    journal = database.with_name(database.name + "-journal")

    env = {**os.environ, "MICROMET_DATABASE_URL": url, "MICROMET_SEED_DIR": str(SEED_DIR)}
    process = subprocess.Popen([*CLI, "seed", "--synthetic", "200000"], env=env, cwd=PROJECT_ROOT)
    try:
        # A guard against a hang, not the subject: building 200,000 entities before the write takes longer on a
        # busy machine (it took more than 120 s once while other suites ran).
        deadline = time.monotonic() + 300
        while not journal.exists():  # the write transaction has begun
            assert process.poll() is None, "the seed ended before it was killed; make it larger"
            assert time.monotonic() < deadline
            time.sleep(0.01)
        time.sleep(0.3)
    finally:  # never leave the seed running into the next test
        process.send_signal(signal.SIGKILL)
        process.wait()

    with sqlite3.connect(database) as connection:
        assert connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    with fresh_client(tmp_path, database_url=url, auto_seed=False) as client:
        meta = client.get("/v1/meta").json()
        totals = {kind: client.get(f"/v1/{kind}?limit=1").json()["total"] for kind in ("findings", "concepts")}

    assert process.returncode == -signal.SIGKILL
    assert meta["dataset_version"] == previous.version
    assert meta["synthetic"] is True
    assert totals == {"findings": meta["counts"]["finding"], "concepts": meta["counts"]["concept"]}
    assert sum(meta["counts"].values()) >= 500


@pytest.fixture(params=["sqlite", "postgresql"])
def serving_engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """The read-only engine the app serves with, on a seeded database of this test's own."""
    sqlite_url = nullcontext(f"sqlite:///{tmp_path / 'serving.sqlite3'}")
    with postgres_database() if request.param == "postgresql" else sqlite_url as url:
        writer = create_db_engine(Settings(database_url=url))
        seed(writer, SEED_DIR)
        writer.dispose()
        engine = create_db_engine(Settings(database_url=url), read_only=True)
        yield engine
        engine.dispose()


@pytest.mark.parametrize(
    "statement",
    [
        "DELETE FROM therapy",
        "UPDATE provenance SET quote = 'changed'",
        "INSERT INTO dataset (id, version, generated_at, synthetic) VALUES (2, 'x', '2026-01-01', false)",
        "DROP TABLE finding",
        "CREATE TABLE intruder (id integer)",
    ],
)
def test_the_serving_engine_cannot_write(serving_engine: Engine, statement: str) -> None:
    with serving_engine.connect() as connection:
        before = connection.execute(text("SELECT count(*) FROM therapy")).scalar_one()

    with pytest.raises(DBAPIError), serving_engine.begin() as connection:
        connection.execute(text(statement))

    with serving_engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM therapy")).scalar_one() == before
