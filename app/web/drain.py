"""A graceful drain: on SIGTERM, `/readyz` answers 503 at once (load balancers stop sending), the server keeps
listening while the requests in flight finish, up to `MICROMET_SHUTDOWN_GRACE` seconds, then it stops as uvicorn
does (which exits 0).

uvicorn installs its SIGTERM handler before the app starts; the app's lifespan wraps it, so the drain runs first
and uvicorn's own shutdown follows it, in every worker process alike.
"""

from __future__ import annotations

import asyncio
import signal
import threading
import time
from types import FrameType
from typing import Any

from starlette.datastructures import State

POLL = 0.05


def install_drain(state: State, grace: float) -> None:
    """Wrap the process's SIGTERM handler (uvicorn's) with the drain; nothing outside the main thread or when no
    handler is installed (an app served in a test's thread)."""
    state.draining = False
    state.in_flight = 0
    previous = signal.getsignal(signal.SIGTERM)
    if threading.current_thread() is not threading.main_thread() or not callable(previous):
        return
    loop = asyncio.get_running_loop()

    def on_terminate(signum: int, frame: FrameType | None) -> None:
        if state.draining:  # a second SIGTERM: stop now, as uvicorn would
            previous(signum, frame)
            return
        state.draining = True
        loop.call_soon_threadsafe(lambda: loop.create_task(_drain(state, grace, previous, signum, frame)))

    signal.signal(signal.SIGTERM, on_terminate)


async def _drain(state: State, grace: float, stop: Any, signum: int, frame: FrameType | None) -> None:
    """Wait for the requests in flight to finish (or the grace to end), then hand over to uvicorn's shutdown."""
    deadline = time.monotonic() + grace
    await asyncio.sleep(POLL)
    while state.in_flight > 0 and time.monotonic() < deadline:
        await asyncio.sleep(POLL)
    stop(signum, frame)
