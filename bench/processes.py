"""Process control for the benchmarks and the comparison: servers on free loopback ports, pinned to a core,
readiness, and the databases they serve. `tests/` takes its free ports from here too."""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "bench" / ".data"
TASKSET = shutil.which("taskset")


def free_port() -> int:
    """A TCP port on loopback that nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


GUARDED = (
    "import uvicorn; from app.web.server import GuardedHttpToolsProtocol; "
    "uvicorn.run({target!r}, host='127.0.0.1', port={port}, workers={workers}, access_log=False, "
    "log_level='warning', server_header=False, http=GuardedHttpToolsProtocol, ws='none')"
)


class Server:
    """A uvicorn process pinned to one core, on a free loopback port."""

    def __init__(
        self,
        target: str,
        env: dict[str, str] | None = None,
        port: int = 0,
        *,
        workers: int = 1,
        cores: str = "1",
        guarded: bool = False,
        stdout: Path | None = None,
    ) -> None:
        self.port = port or free_port()
        command = [sys.executable, "-m", "uvicorn", target, "--host", "127.0.0.1", "--port", str(self.port)]
        command += ["--workers", str(workers), "--no-access-log", "--log-level", "warning", "--no-server-header"]
        if guarded:  # the protocol `micromet serve` runs: uvicorn's httptools with head and connection limits
            command = [sys.executable, "-c", GUARDED.format(target=target, port=self.port, workers=workers)]
        if TASKSET and cores:
            command = [TASKSET, "-c", cores, *command]
        self._output = stdout.open("wb") if stdout is not None else None  # the access log's lines, if any
        self.process = subprocess.Popen(command, cwd=ROOT, env={**os.environ, **(env or {})}, stdout=self._output)
        self.base = f"http://127.0.0.1:{self.port}"
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(f"{self.base}/payload/1" if "ceiling" in target else f"{self.base}/", timeout=1)
                break
            except urllib.error.HTTPError:
                break
            except OSError:
                if time.monotonic() > deadline or self.process.poll() is not None:
                    raise RuntimeError(f"{target} did not start") from None
                time.sleep(0.2)

    def rss_mb(self) -> float:
        """Resident memory of the server process, from /proc."""
        status = Path(f"/proc/{self.process.pid}/status").read_text()
        return int(re.search(r"VmRSS:\s+(\d+) kB", status).group(1)) / 1024  # type: ignore[union-attr]

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=10)
        if self._output is not None:
            self._output.close()


def wait_ready(base: str, process: subprocess.Popen[bytes]) -> None:
    """Until micromet at `base` answers /readyz with 200; exits when the process dies or a minute passes."""
    deadline = time.monotonic() + 60
    while True:
        try:
            with urllib.request.urlopen(f"{base}/readyz", timeout=1) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            sys.exit(f"the server at {base} did not become ready")
        time.sleep(0.2)


CLI = [sys.executable, "-c", "from app.cli import main; main()"]


def ensure_database(path: Path, synthetic: int | None) -> None:
    """Migrate the benchmark's SQLite file to head (as a deployment would), then seed it when its content is
    not the current one (a no-op otherwise)."""
    env = {**os.environ, "MICROMET_DATABASE_URL": f"sqlite:///{path}"}
    subprocess.run([*CLI, "db", "upgrade"], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)
    command = [*CLI, "seed", *(["--synthetic", str(synthetic)] if synthetic else [])]
    subprocess.run(command, cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)


POSTGRES_URL = os.environ.get(
    "MICROMET_BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/micromet_bench"
)


def ensure_postgres(url: str) -> None:
    """Create the benchmark's PostgreSQL database when missing, then seed it (a no-op when unchanged)."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    target = make_url(url)
    admin = create_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        exists = connection.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": target.database})
        if exists.first() is None:
            connection.execute(text(f'CREATE DATABASE "{target.database}"'))
    admin.dispose()
    env = {**os.environ, "MICROMET_DATABASE_URL": url}
    subprocess.run([*CLI, "db", "upgrade"], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)
    subprocess.run([*CLI, "seed"], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)
