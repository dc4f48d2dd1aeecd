"""A request's deadline, visible to the work it starts wherever that runs (event loop or thread pool).

The response guard (app/web/guards.py) sets it; the database engines check it before every statement and,
on SQLite, while a statement runs (a progress handler), so work past the time limit stops instead of running on
in a thread after the client was answered 503. It lives in a context variable, which anyio copies into the
worker thread of each call it makes.
"""

from __future__ import annotations

import time
from contextvars import ContextVar

_DEADLINE: ContextVar[float | None] = ContextVar("micromet_deadline", default=None)


class DeadlineExceeded(Exception):  # noqa: N818 (reads as the event it is)
    """The request's time limit passed while its work was still running."""


def start(seconds: float) -> None:
    """Give the current request (this context and the threads it starts) `seconds` from now."""
    _DEADLINE.set(time.monotonic() + seconds)


def passed() -> bool:
    """Whether the current request's deadline, if it has one, is behind us."""
    deadline = _DEADLINE.get()
    return deadline is not None and time.monotonic() >= deadline


def check() -> None:
    """Stop the current request's work if its deadline passed."""
    if passed():
        raise DeadlineExceeded("the request's time limit passed")
