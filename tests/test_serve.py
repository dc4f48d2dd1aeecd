"""Starting the server: `micromet serve` seeds an empty database, then serves, with one worker or several."""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx2 as httpx
import pytest

from app.settings import PROJECT_ROOT
from bench.processes import free_port, wait_ready
from tests.conftest import SEED_DIR
from tests.live import live_server

pytestmark = pytest.mark.slow


@pytest.mark.parametrize("workers", ["1", "2"])
def test_serve_seeds_an_empty_database_and_answers(tmp_path: Path, workers: str) -> None:
    database = tmp_path / "fresh" / "micromet.sqlite3"

    with live_server(database, SEED_DIR, cli_args=["--workers", workers]) as base_url:
        meta = httpx.get(f"{base_url}/v1/meta").json()
        therapies = httpx.get(f"{base_url}/v1/therapies")

    assert database.is_file()
    assert meta["counts"]["therapy"] == 5
    assert therapies.status_code == 200
    assert "server" not in therapies.headers


def test_uvicorn_serves_the_module_level_app(tmp_path: Path) -> None:
    with live_server(tmp_path / "micromet.sqlite3", SEED_DIR) as base_url:
        assert httpx.get(f"{base_url}/healthz").json() == {"status": "ok"}


def test_serve_writes_micromets_access_log_not_uvicorns(tmp_path: Path) -> None:
    """One JSON line per request on stdout, with its request ID; uvicorn's own access lines are gone."""
    port = free_port()
    env = {
        **os.environ,
        "MICROMET_DATABASE_URL": f"sqlite:///{tmp_path / 'micromet.sqlite3'}",
        "MICROMET_SEED_DIR": str(SEED_DIR),
        "MICROMET_ACCESS_LOG": "json",
        "PYTHONPATH": str(PROJECT_ROOT),
    }
    command = [sys.executable, "-c", "from app.cli import main; main()", "serve", "--port", str(port)]
    with subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE) as server:
        try:
            wait_ready(f"http://127.0.0.1:{port}", server)
            response = httpx.get(f"http://127.0.0.1:{port}/v1/therapies/chemotherapy", headers={"X-Request-ID": "s-1"})
            time.sleep(0.5)  # a flush or two
        finally:
            server.send_signal(signal.SIGTERM)
            stdout, stderr = server.communicate(timeout=30)

    assert response.status_code == 200
    lines = [json.loads(line) for line in stdout.decode().splitlines() if line.startswith("{")]
    mine = [line for line in lines if line["request_id"] == "s-1"]
    assert len(mine) == 1
    assert (mine[0]["route"], mine[0]["status"], mine[0]["cache"]) == ("/v1/therapies/{slug}", 200, "miss")
    assert b'"GET /v1/therapies/chemotherapy HTTP/1.1" 200' not in stdout + stderr


def test_sigterm_drains_a_request_in_flight_answers_not_ready_and_exits_0(tmp_path: Path) -> None:
    """A slow download is in flight when SIGTERM comes: /readyz answers 503 at once, the download completes
    whole, and the process then exits 0 (within MICROMET_SHUTDOWN_GRACE)."""
    port = free_port()
    env = {
        **os.environ,
        "MICROMET_DATABASE_URL": f"sqlite:///{tmp_path / 'synthetic.sqlite3'}",
        "MICROMET_SEED_DIR": str(SEED_DIR),
        "MICROMET_SHUTDOWN_GRACE": "60",
        "MICROMET_ACCESS_LOG": "off",
        "PYTHONPATH": str(PROJECT_ROOT),
    }
    cli = [sys.executable, "-c", "from app.cli import main; main()"]
    subprocess.run([*cli, "seed", "--synthetic", "20000"], env=env, check=True, capture_output=True, timeout=300)
    with subprocess.Popen([*cli, "serve", "--port", str(port)], env=env, stdout=subprocess.DEVNULL) as server:
        try:
            wait_ready(f"http://127.0.0.1:{port}", server)
            download = socket.socket()
            download.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)  # a slow reader: a small window
            download.connect(("127.0.0.1", port))
            download.sendall(b"GET /v1/export?format=ndjson HTTP/1.1\r\nHost: x\r\nAccept-Encoding: identity\r\n\r\n")
            received = download.recv(4096)
            head_end = received.find(b"\r\n\r\n")
            length = int(re.search(rb"content-length: (\d+)", received[:head_end].lower()).group(1))  # type: ignore[union-attr]
            server.send_signal(signal.SIGTERM)
            time.sleep(0.5)
            ready = httpx.get(f"http://127.0.0.1:{port}/readyz")
            body = received[head_end + 4 :]
            while len(body) < length and (chunk := download.recv(65536)):
                body += chunk
            download.close()
            code = server.wait(timeout=60)
        finally:
            if server.poll() is None:
                server.kill()

    assert ready.status_code == 503
    assert ready.json()["status"] == 503
    assert length > 4 * 1024 * 1024  # far more than any socket buffer: it was in flight
    assert len(body) == length
    assert body.count(b"\n") == 20000 + 1 + 8  # every entity, the source and its sections
    assert code == 0
