"""Where the benchmark's results go: `bench/results.json`, with the machine they were measured on."""

from __future__ import annotations

import os
import platform
from pathlib import Path

from bench.processes import ROOT, TASKSET

RESULTS = ROOT / "bench" / "results.json"


def machine() -> dict[str, object]:
    """The cores, CPU, Python and pinning of this run."""
    return {"cores": os.cpu_count(), "cpu": _cpu_model(), "python": platform.python_version(), "pinned": bool(TASKSET)}


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor()
