"""Load generation and probes: bounded wrk runs and their results, wrk scripts, and single requests."""

from __future__ import annotations

import json
import re
import subprocess
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from bench.processes import TASKSET


@dataclass
class Run:
    requests_per_second: float
    p50_ms: float
    p99_ms: float
    errors: int


def median(runs: list[Run]) -> Run:
    """The run with the median req/s (rounds alternate with the ceiling, so both see the same machine)."""
    return sorted(runs, key=lambda run: run.requests_per_second)[len(runs) // 2]


def wrk(
    url: str,
    *,
    duration: int,
    connections: int,
    script: Path | None = None,
    header: str | None = None,
    cores: str = "0",
) -> Run:
    """One bounded wrk run (on core 0 unless told otherwise); returns req/s and the latency percentiles."""
    command = ["wrk", "-t1", f"-c{connections}", f"-d{duration}s", "--timeout", "2s", "--latency"]
    if script:
        command += ["-s", str(script)]
    if header:
        command += ["-H", header]
    command.append(url)
    if TASKSET and cores:
        command = [TASKSET, "-c", cores, *command]
    output = subprocess.run(command, capture_output=True, text=True, timeout=duration + 30, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))  # type: ignore[union-attr]
    errors = sum(int(n) for n in re.findall(r"(?:connect|read|write|timeout) (\d+)", output))
    errors += int(m.group(1)) if (m := re.search(r"Non-2xx or 3xx responses: (\d+)", output)) else 0
    return Run(rps, _percentile(output, "50%"), _percentile(output, "99%"), errors)


def _percentile(output: str, label: str) -> float:
    match = re.search(rf"{re.escape(label)}\s+([\d.]+)(us|ms|s)", output)
    if not match:
        return float("nan")
    value, unit = float(match.group(1)), match.group(2)
    return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value


def fetch(url: str, header: tuple[str, str] | None = None) -> tuple[int, bytes, dict[str, str]]:
    request = urllib.request.Request(url, headers=dict([header]) if header else {})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.read(), {k.lower(): v for k, v in response.headers.items()}
    except urllib.error.HTTPError as error:
        return error.code, error.read(), {k.lower(): v for k, v in error.headers.items()}


def lua_rotation(paths: list[str], folder: Path, name: str) -> Path:
    """A wrk script that requests `paths` in turn."""
    entries = ",\n".join(json.dumps(path) for path in paths)
    script = folder / f"{name}.lua"
    script.write_text(
        f"local paths = {{\n{entries}\n}}\nlocal i = 0\n"
        "request = function()\n  i = i % #paths + 1\n  return wrk.format('GET', paths[i])\nend\n"
    )
    return script


def lua_random_words(words: list[str], folder: Path, count: int) -> Path:
    """A wrk script that searches `count` random words from `words`: combinations never seen before, also in later
    rounds against the same server (seeded from the clock, so that no round repeats an earlier one's queries and
    finds them in the response cache)."""
    entries = ", ".join(json.dumps(word) for word in words)
    script = folder / "random.lua"
    picks = " .. '+' .. ".join("words[math.random(#words)]" for _ in range(count))
    script.write_text(
        f"local words = {{{entries}}}\nmath.randomseed(os.time())\n"
        f"request = function()\n  return wrk.format('GET', '/v1/search?q=' .. {picks})\nend\n"
    )
    return script
