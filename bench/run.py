"""`make bench`: drive micromet and the FastAPI ceiling with wrk, alternating, on loopback, and compare.

Servers run pinned to core 1 (where `taskset` exists) and wrk to core 0. Every run is bounded (`--duration`
seconds, a fixed connection count). Results go to `bench/results.json` and a Markdown table on stdout.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from bench import search_scale
from bench.phases import PHASES, bounds, compare, limits, logging_cost, scale, scaleout
from bench.processes import DATA, ROOT
from bench.results import RESULTS, machine


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--duration", type=int, default=5, help="seconds per wrk run")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--rounds", type=int, default=3, help="alternating rounds per case (median kept)")
    parser.add_argument("--synthetic", type=int, default=100_000, help="entities for the scale run (0 skips it)")
    parser.add_argument(
        "--phases", default=",".join(PHASES), help=f"comma-separated subset of {', '.join(PHASES)}; others are kept"
    )
    args = parser.parse_args()
    phases = [phase for phase in args.phases.split(",") if phase]
    if unknown := set(phases) - set(PHASES):
        sys.exit(f"unknown phases: {', '.join(sorted(unknown))}")
    if shutil.which("wrk") is None:
        sys.exit("wrk is missing: install it with `apt-get install wrk` (Debian package `wrk`), then rerun.")
    DATA.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as folder:
        results: dict[str, object] = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
        results |= {
            "date": datetime.now(UTC).isoformat(timespec="seconds"),
            "machine": machine(),
            "settings": vars(args),
        }
        results["phase_dates"] = {**results.get("phase_dates", {}), **dict.fromkeys(phases, results["date"])}  # type: ignore[dict-item]
        if "comparison" in phases:
            results["comparison"] = compare(args, Path(folder))
        if "scale" in phases and args.synthetic:
            results["scale"] = scale(args)
        if "search" in phases and args.synthetic:
            results["search"] = search_scale.run(args.synthetic)
        if "scaleout" in phases:
            results["scaleout"] = scaleout(args, Path(folder))
        if "bounds" in phases:
            results["bounds"] = bounds(args, Path(folder))
        if "limits" in phases:
            results["limits"] = limits(args, Path(folder))
        if "logging" in phases:
            results["logging"] = logging_cost(args)
    RESULTS.write_text(json.dumps(results, indent=2) + "\n")
    print(f"wrote {RESULTS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
