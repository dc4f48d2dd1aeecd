"""The docs pages render in a real browser with the network cut off: every asset is served by micromet."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import SEED_DIR
from tests.live import live_server
from tests.postgres import postgres_database

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
REQUIRED = os.environ.get("MICROMET_REQUIRE_CHROMIUM") == "1"


@dataclass(frozen=True)
class Rendered:
    dom: str
    console: str

    def csp_violations_of_own_resources(self, base_url: str) -> list[str]:
        """Console lines where the page's Content-Security-Policy blocked something this server serves (or
        inline code): what would break the page. Blocking another host's asset is the policy working."""
        own = []
        for line in self.console.splitlines():
            if "Content Security Policy" not in line:
                continue
            blocked = re.search(r"Loading the \w+ '([^']+)'", line)
            if blocked is None or blocked.group(1).startswith(base_url):
                own.append(line)
        return own


def render(url: str, profile: Path) -> Rendered:
    """The DOM of `url` after its scripts ran, in headless Chromium that can reach loopback and nothing else;
    with the browser console."""
    assert CHROMIUM is not None
    command = [
        CHROMIUM,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        f"--user-data-dir={profile}",
        # Cut the network: names other than loopback do not resolve, and anything else goes to a dead proxy.
        "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
        "--proxy-server=http://127.0.0.1:9",
        "--proxy-bypass-list=127.0.0.1",
        "--virtual-time-budget=20000",
        "--enable-logging=stderr",
        "--v=0",
        "--dump-dom",
        url,
    ]
    completed = subprocess.run(command, capture_output=True, timeout=120, check=True)
    return Rendered(completed.stdout.decode("utf-8", errors="replace"), completed.stderr.decode(errors="replace"))


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def server(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> str:
    if CHROMIUM is None:
        if REQUIRED:
            pytest.fail("MICROMET_REQUIRE_CHROMIUM=1 but Chromium is not installed")
        pytest.skip("Chromium is not installed (Debian packages chromium and chromium-driver)")
    if request.param == "postgresql":
        with postgres_database() as url, live_server(url, SEED_DIR) as base_url:
            yield base_url  # type: ignore[misc]
        return
    folder = tmp_path_factory.mktemp("browser")
    with live_server(folder / "micromet.sqlite3", SEED_DIR) as base_url:
        yield base_url  # type: ignore[misc]


def test_swagger_ui_shows_every_operation_offline(server: str, tmp_path: Path) -> None:
    dom = render(f"{server}/docs", tmp_path / "profile").dom

    assert 'class="swagger-ui"' in dom
    assert "opblock-summary" in dom
    for summary in ["List detection methods", "Get a therapy", "Get a source's verbatim text", "Describe the dataset"]:
        assert summary in dom.replace("&#39;", "'"), summary


def test_redoc_shows_the_operations_offline(server: str, tmp_path: Path) -> None:
    dom = render(f"{server}/redoc", tmp_path / "profile").dom

    assert "List detection methods" in dom
    assert "micromet" in dom


@pytest.mark.parametrize("page", ["/docs", "/redoc"])
def test_the_docs_content_security_policy_blocks_nothing_of_their_own(server: str, tmp_path: Path, page: str) -> None:
    rendered = render(f"{server}{page}", tmp_path / "profile")

    assert rendered.csp_violations_of_own_resources(server) == []
    assert "SwaggerUIBundle" not in rendered.dom.split("<body")[0]  # no inline start-up script in the head
