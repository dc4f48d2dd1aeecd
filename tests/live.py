"""A real micromet server in a subprocess, for tests that need a socket (a browser, several processes)."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx2 as httpx

from app.settings import PROJECT_ROOT
from bench.processes import free_port


@contextmanager
def live_server(
    database: Path | str,
    seed_dir: Path,
    *,
    cli_args: list[str] | None = None,
    env: dict[str, str] | None = None,
    wrap: Callable[[list[str]], list[str]] | None = None,
    timeout: float = 60.0,
) -> Iterator[str]:
    """Run micromet on a free loopback port until the block ends; yields its base URL.

    `database` is a SQLite file or a database URL. By default this is `uvicorn app.main:app`; with `cli_args`
    it is `micromet serve` with those options. `env` adds settings (MICROMET_*) for the server; `wrap` may
    prefix the command (e.g. to run it as another user).
    """
    port = free_port()
    url = database if isinstance(database, str) else f"sqlite:///{database}"
    env = {
        **os.environ,
        "MICROMET_DATABASE_URL": url,
        "MICROMET_SEED_DIR": str(seed_dir),
        "PYTHONPATH": str(PROJECT_ROOT),
        "MICROMET_PUBLIC_URL": f"http://127.0.0.1:{port}",  # its own origin, for oEmbed and JSON-LD IRIs
        **(env or {}),
    }
    if cli_args is None:
        command = [sys.executable, "-m", "uvicorn", "app.main:app", "--host", "127.0.0.1", "--port", str(port)]
    else:
        entry = "from app.cli import main; main()"
        command = [sys.executable, "-c", entry, "serve", "--host", "127.0.0.1", "--port", str(port), *cli_args]
    if wrap is not None:
        command = wrap(command)
    # The server's log goes to a file: a pipe nobody reads fills up under load and blocks the server.
    log = tempfile.TemporaryFile()  # noqa: SIM115 (closed in the finally below, after the server stops)
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=log)
    base_url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                if httpx.get(f"{base_url}/readyz", timeout=1.0).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                process.wait(timeout=5)
                log.seek(0)
                errors = log.read().decode(errors="replace")[-2000:]
                raise RuntimeError(f"server did not become ready: {errors}")
            time.sleep(0.1)
        yield base_url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()
