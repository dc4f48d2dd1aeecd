"""What one client can do to a live `micromet serve`, tried on raw sockets: a huge request head, silent and
trickling connections, more connections than allowed, and many heavy requests at once. Meanwhile `/healthz`
and cached answers stay prompt, and nothing but the documented answers comes back."""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx2 as httpx
import pytest

from app.settings import PROJECT_ROOT
from tests.conftest import SEED_DIR
from tests.live import live_server

pytestmark = pytest.mark.slow

HEAD_TIMEOUT = 2.0


def server_pid(base_url: str) -> int:
    """The process of the live server listening on `base_url`'s port."""
    port = base_url.rsplit(":", 1)[1]
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                command = (entry / "cmdline").read_bytes().split(b"\0")
            except OSError:
                continue
            if b"serve" in command and b"--port" in command and port.encode() in command:
                return int(entry.name)
    raise LookupError(f"no server process for {base_url}")


def rss_kib(pid: int) -> int:
    status = Path(f"/proc/{pid}/status").read_text()
    return int(status.split("VmRSS:")[1].split()[0])


def address(base_url: str) -> tuple[str, int]:
    host, port = base_url.removeprefix("http://").split(":")
    return host, int(port)


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`micromet serve` as operators run it, with a short head timeout so the test need not wait 10 s."""
    database = tmp_path_factory.mktemp("limits") / "micromet.sqlite3"
    env = {"MICROMET_REQUEST_HEAD_TIMEOUT": str(HEAD_TIMEOUT)}
    with live_server(database, SEED_DIR, cli_args=[], env=env) as base_url:
        yield base_url


def health_times(base_url: str, seconds: float) -> list[float]:
    """Durations of `/healthz` requests, each on a new connection, sent for `seconds`."""
    durations = []
    until = time.monotonic() + seconds
    while time.monotonic() < until:
        started = time.monotonic()
        response = httpx.get(f"{base_url}/healthz", timeout=5.0)
        durations.append(time.monotonic() - started)
        assert response.status_code == 200
        time.sleep(0.05)
    return durations


def test_a_100_mb_request_head_is_refused_without_stalling_others_or_growing_memory(served: str) -> None:
    pid = server_pid(served)
    rss_before = rss_kib(pid)
    reply: list[bytes] = []

    def send_huge_head() -> None:
        with socket.create_connection(address(served)) as attacker:
            attacker.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Huge: ")
            chunk = b"a" * 2**16
            try:
                for _ in range(100 * 2**20 // len(chunk)):
                    attacker.sendall(chunk)
            except OSError:
                pass  # the server closed the connection: what it should do
            try:
                reply.append(attacker.recv(4096))
            except OSError:
                reply.append(b"")

    attack = threading.Thread(target=send_huge_head)
    attack.start()
    durations = health_times(served, 1.0)
    attack.join(timeout=30)

    assert not attack.is_alive()
    assert reply[0] == b"" or reply[0].startswith(b"HTTP/1.1 431 ")
    assert max(durations) < 1.0
    assert rss_kib(pid) - rss_before < 16 * 1024


def test_a_431_is_a_problem_with_the_security_headers(served: str) -> None:
    with socket.create_connection(address(served)) as client:
        client.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: " + b"b" * 70_000 + b"\r\n\r\n")
        answer = b""
        while chunk := client.recv(65536):
            answer += chunk

    head, _, body = answer.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 431 Request Header Fields Too Large")
    assert b"content-type: application/problem+json" in head
    assert b"x-content-type-options: nosniff" in head
    assert json.loads(body)["status"] == 431
    # The protocol answers before reading the headers: the request ID is its own, in the header and the body.
    request_id = re.search(rb"x-request-id: ([0-9a-f]{32})\r\n", head + b"\r\n")
    assert request_id is not None
    assert json.loads(body)["request_id"] == request_id.group(1).decode()


def read_all(connection: socket.socket, seconds: float = 3.0) -> bytes:
    """Everything the server sends until it closes the connection or falls silent for `seconds`."""
    connection.settimeout(seconds)
    answer = b""
    try:
        while chunk := connection.recv(65536):
            answer += chunk
    except (TimeoutError, ConnectionResetError):
        pass
    return answer


@pytest.mark.parametrize(
    "headers",
    [
        b"X-A: " + b"a" * 100_000 + b"\r\n",
        b"X-A: " + b"a" * 127_000 + b"\r\n",
        b"".join(b"X-H%03d: " % index + b"h" * 100 + b"\r\n" for index in range(700)),
    ],
    ids=["100 KB header", "127 KB header", "700 headers"],
)
def test_a_head_over_the_limit_sent_in_one_write_is_a_431(served: str, headers: bytes) -> None:
    with socket.create_connection(address(served)) as client:
        client.sendall(b"GET /v1/meta HTTP/1.1\r\nHost: x\r\n" + headers + b"\r\n")
        answer = read_all(client)

    assert answer.startswith(b"HTTP/1.1 431 ")


@pytest.mark.parametrize("method", [b"POST", b"GET"])
def test_a_request_body_is_never_counted_as_the_next_head(served: str, method: bytes) -> None:
    body = b"x" * 1_000_000
    with socket.create_connection(address(served)) as client:
        client.sendall(method + b" /v1/meta HTTP/1.1\r\nHost: x\r\nContent-Length: %d\r\n\r\n" % len(body))
        client.sendall(body)
        answer = read_all(client, seconds=HEAD_TIMEOUT + 1.0)

    assert answer.count(b"HTTP/1.1 ") == 1
    assert b" 431 " not in answer
    assert answer.startswith(b"HTTP/1.1 405 " if method == b"POST" else b"HTTP/1.1 200 ")


@pytest.mark.parametrize(
    "target", [b"/v1/search?q=caf\xc3\xa9", b"/v1/concepts/\xe9", b"/v1/therapies?limit=\xef\xbc\x95"]
)
def test_a_request_the_parser_refuses_is_a_400_problem_with_the_security_headers(served: str, target: bytes) -> None:
    with socket.create_connection(address(served)) as client:
        client.sendall(b"GET " + target + b" HTTP/1.1\r\nHost: x\r\n\r\n")
        answer = read_all(client)

    head, _, body = answer.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 400 ")
    assert b"content-type: application/problem+json" in head
    assert b"x-content-type-options: nosniff" in head
    assert json.loads(body)["status"] == 400


def test_a_websocket_upgrade_is_plain_http_under_the_same_limits(served: str) -> None:
    upgrade = b"GET /healthz HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
    with socket.create_connection(address(served)) as client:
        client.sendall(upgrade + b"\r\n")
        plain = read_all(client, seconds=1.0)
    with socket.create_connection(address(served)) as client:
        client.sendall(upgrade + b"X-Pad: " + b"a" * 70_000 + b"\r\n\r\n")
        started = time.monotonic()
        refused = read_all(client, seconds=HEAD_TIMEOUT + 2.0)

    assert plain.startswith(b"HTTP/1.1 200 ")
    assert refused.startswith(b"HTTP/1.1 431 ")
    assert time.monotonic() - started < HEAD_TIMEOUT


def test_a_chunked_trailer_section_is_bounded_and_never_a_header(served: str) -> None:
    pid = server_pid(served)
    rss_before = rss_kib(pid)
    chunked = b"GET /v1/concepts/metastasis?fields=name,slug HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
    with socket.create_connection(address(served)) as client:
        client.sendall(chunked + b"0\r\nAccept: application/ld+json\r\n\r\n")
        answer = read_all(client, seconds=1.0)
    cut_off = False
    durations: list[float] = []

    def send_huge_trailer() -> None:
        nonlocal cut_off
        with socket.create_connection(address(served)) as attacker:
            attacker.sendall(chunked + b"0\r\nX-T: ")
            try:
                for _ in range(100 * 2**20 // 2**16):
                    attacker.sendall(b"a" * 2**16)
            except OSError:
                cut_off = True

    attack = threading.Thread(target=send_huge_trailer)
    attack.start()
    durations = health_times(served, 1.0)
    attack.join(timeout=60)

    assert b"content-type: application/json" in answer  # the trailer's Accept was no request header
    assert cut_off
    assert max(durations) < 1.0
    assert rss_kib(pid) - rss_before < 16 * 1024


def test_a_head_just_under_the_limit_is_served(served: str) -> None:
    response = httpx.get(f"{served}/healthz", headers={"X-Padding": "p" * 60_000})

    assert response.status_code == 200


def test_silent_connections_are_closed_after_the_head_timeout_and_health_stays_prompt(served: str) -> None:
    sockets = [socket.create_connection(address(served)) for _ in range(300)]
    try:
        durations = health_times(served, 1.0)
        time.sleep(HEAD_TIMEOUT + 1.0)
        closed = 0
        for silent in sockets:
            silent.settimeout(2.0)
            try:
                closed += silent.recv(1) == b""
            except OSError:
                closed += 1
    finally:
        for silent in sockets:
            silent.close()

    assert max(durations) < 1.0
    assert closed == 300


def test_a_head_trickled_a_byte_at_a_time_is_cut_off(served: str) -> None:
    request = b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: " + b"s" * 1000
    sent = 0
    started = time.monotonic()
    with socket.create_connection(address(served)) as slow:
        try:
            while sent < len(request) and time.monotonic() - started < HEAD_TIMEOUT * 4:
                slow.sendall(request[sent : sent + 1])
                sent += 1
                time.sleep(0.2)
            slow.settimeout(2.0)
            cut_off = slow.recv(1) == b""
        except OSError:
            cut_off = True

    assert cut_off
    assert time.monotonic() - started < HEAD_TIMEOUT * 4


def test_connections_past_the_cap_are_a_503_problem_but_health_still_answers(tmp_path: Path) -> None:
    env = {"MICROMET_MAX_CONNECTIONS": "8"}
    with live_server(tmp_path / "micromet.sqlite3", SEED_DIR, cli_args=[], env=env) as base_url:
        idle = [socket.create_connection(address(base_url)) for _ in range(8)]
        try:
            over = httpx.get(f"{base_url}/v1/meta")
            health = httpx.get(f"{base_url}/healthz")
        finally:
            for connection in idle:
                connection.close()
        time.sleep(0.2)
        under = httpx.get(f"{base_url}/v1/meta")

    assert over.status_code == 503
    assert over.headers["content-type"] == "application/problem+json"
    assert over.headers["retry-after"] == "5"
    assert over.headers["x-content-type-options"] == "nosniff"
    assert over.json()["type"] == "urn:micromet:problem:overloaded"
    assert health.status_code == 200
    assert under.status_code == 200


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * share))]


def test_forty_heavy_clients_stall_neither_health_nor_cached_answers(tmp_path: Path) -> None:
    env = {"MICROMET_REQUEST_TIMEOUT": "0.1"}
    with live_server(tmp_path / "micromet.sqlite3", SEED_DIR, cli_args=[], env=env) as base_url:
        cached = "/v1/therapies/chemotherapy"
        httpx.get(f"{base_url}{cached}")
        load = subprocess.Popen(
            [sys.executable, "-m", "tests.load", base_url, "4", "40"],
            stdout=subprocess.PIPE,
            cwd=PROJECT_ROOT,
            env={**os.environ, "PYTHONPATH": str(PROJECT_ROOT)},
        )
        time.sleep(0.5)  # let the load build up
        durations: dict[str, list[float]] = {"/healthz": [], cached: []}
        with httpx.Client(base_url=base_url, timeout=10.0) as probe:
            until = time.monotonic() + 3.0
            while time.monotonic() < until:
                for path, seen in durations.items():
                    started = time.monotonic()
                    assert probe.get(path).status_code == 200
                    seen.append(time.monotonic() - started)
                time.sleep(0.02)
        output, _ = load.communicate(timeout=60)
    answers = json.loads(output)

    for seen in durations.values():
        assert percentile(seen, 0.99) < 0.1
    outcomes = {(answer["status"], answer["type"]) for answer in answers}
    assert outcomes <= {(200, None), (503, "urn:micromet:problem:timeout")}
    assert (503, "urn:micromet:problem:timeout") in outcomes
    assert len(answers) > 40
