"""Headless Chromium for tests: render a page with the network cut off but loopback, read its DOM and console,
or take a screenshot."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

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


def chromium_command(profile: Path) -> list[str]:
    """Headless Chromium that can reach loopback and nothing else."""
    assert CHROMIUM is not None
    return [
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
    ]


def render(url: str, profile: Path) -> Rendered:
    """The DOM of `url` after its scripts ran, with the browser console."""
    command = [*chromium_command(profile), "--dump-dom", url]
    completed = subprocess.run(command, capture_output=True, timeout=120, check=True)
    return Rendered(completed.stdout.decode("utf-8", errors="replace"), completed.stderr.decode(errors="replace"))


def screenshot(url: str, profile: Path, target: Path, *, size: tuple[int, int] = (900, 700)) -> Path:
    """A PNG of `url` after its scripts ran."""
    target.parent.mkdir(parents=True, exist_ok=True)
    command = [*chromium_command(profile), f"--window-size={size[0]},{size[1]}", f"--screenshot={target}", url]
    subprocess.run(command, capture_output=True, timeout=120, check=True)
    return target
