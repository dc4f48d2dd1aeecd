"""Throwaway PostgreSQL databases for tests: created on the local server, dropped afterwards.

Without a reachable server the tests that need one are skipped with the reason; with
MICROMET_REQUIRE_POSTGRES=1 (as in CI) that skip becomes a failure.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

ADMIN_URL = os.environ.get("MICROMET_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
REQUIRED = os.environ.get("MICROMET_REQUIRE_POSTGRES") == "1"


@contextmanager
def postgres_database() -> Iterator[str]:
    """Create a database of its own on the server at ADMIN_URL; yield its URL; drop it at the end."""
    name = f"micromet_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(ADMIN_URL, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    except OperationalError as error:
        admin.dispose()
        reason = f"PostgreSQL is not reachable at {make_url(ADMIN_URL).render_as_string()}: {error.orig}"
        if REQUIRED:
            pytest.fail(f"MICROMET_REQUIRE_POSTGRES=1 but {reason}")
        pytest.skip(reason)
    try:
        yield make_url(ADMIN_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
