"""Which dataset the database serves, cached: its version is read at most once per interval, so that the response
cache can key and validate on it without asking the database on every request. A reseed is seen within the
interval; every replica converges on the same version.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import datetime
from email.utils import format_datetime

import anyio
import anyio.to_thread
from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session

from app.deadline import DeadlineExceeded
from app.models import DatasetInfo


@dataclass(frozen=True)
class DatasetStamp:
    """The dataset being served: its version and when it was generated."""

    version: str
    generated_at: datetime
    last_modified: bytes = field(init=False, repr=False)
    """The generation time as an HTTP date (formatted once: every answer carries it)."""

    def __post_init__(self) -> None:
        object.__setattr__(self, "last_modified", format_datetime(self.generated_at, usegmt=True).encode("latin-1"))


class DatasetVersionCache:
    """Knows the served dataset's version, reading it from the database at most once per `interval` seconds.

    Single-flight: while one request reads it, the others go on with the stamp they have (or, before the first
    read ends, uncached). The read runs on a thread of its own (its own capacity limiter, never the request
    pool's) over an engine of its own, so it never waits behind request work.
    """

    def __init__(self, engine: Engine, interval: float) -> None:
        self.engine = engine
        self.interval = interval
        self._stamp: DatasetStamp | None = None
        self._checked = float("-inf")
        self._reading = False
        self._limiter = anyio.CapacityLimiter(1)

    @property
    def latest(self) -> DatasetStamp | None:
        """The stamp read last (the response cache refreshes it for every request it may answer)."""
        return self._stamp

    def expire(self) -> None:
        """Read the version again on the next request, whatever the interval (after this process reseeded or
        replaced the database, and in tests, which then need not wait for the interval to pass)."""
        self._checked = float("-inf")

    async def current(self) -> DatasetStamp | None:
        """The current stamp; None while the database is unavailable or not seeded."""
        if self._reading or time.monotonic() - self._checked < self.interval:
            return self._stamp
        self._reading = True
        try:
            self._stamp = await anyio.to_thread.run_sync(self._read, limiter=self._limiter)
            self._checked = time.monotonic()
        finally:
            self._reading = False
        return self._stamp

    def _read(self) -> DatasetStamp | None:
        try:
            with Session(self.engine) as session:
                info = session.get(DatasetInfo, 1)
        except (SQLAlchemyError, DeadlineExceeded):  # unavailable (or, were it ever set here, past a deadline)
            return None
        return None if info is None else DatasetStamp(info.version, info.generated_at)
