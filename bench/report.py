"""Print `bench/results.json` as the Markdown tables the README shows: `python -m bench.report`."""

from __future__ import annotations

import json
from typing import Any

from bench.results import RESULTS


def render(results: dict[str, Any]) -> str:
    machine = results["machine"]
    lines = [
        f"Measured {results['date']} on {machine['cores']} cores ({machine['cpu']}), Python {machine['python']}, "
        f"servers pinned to one core: {machine['pinned']}; wrk -t1 -c{results['settings']['connections']} "
        f"-d{results['settings']['duration']}s, median of {results['settings']['rounds']} alternating rounds.",
        "",
        "| case | micromet req/s | p50 ms | p99 ms | ceiling req/s | ratio | target |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    comparison = results["comparison"]
    for name, case in comparison["cases"].items():
        ours, theirs = case["micromet"], case["ceiling"]
        lines.append(
            f"| {name} | {ours['requests_per_second']:.0f} | {ours['p50_ms']:.2f} | {ours['p99_ms']:.2f} | "
            f"{theirs['requests_per_second']:.0f} | {case['ratio']:.2f} | >= {case['target']} |"
        )
    lines += [
        "",
        f"A raw ASGI app on uvicorn reaches {comparison['raw_asgi_vs_ceiling']}x the ceiling (the stack's limit). "
        f"Server RSS after the comparison: {comparison['rss_mb_real']} MB.",
    ]
    if "scale" in results:
        lines += [
            "",
            "| at 100k synthetic entities | mode | real p50 / p99 ms | 100k p50 / p99 ms | p50 ratio |",
            "|---|---|---:|---:|---:|",
        ]
        for mode, rows in results["scale"].items():
            for name, figures in rows.items():
                if name == "rss_mb":
                    continue
                real, big = figures["real"], figures["synthetic"]
                lines.append(
                    f"| {name} | {mode} | {real['p50_ms']:.2f} / {real['p99_ms']:.2f} | "
                    f"{big['p50_ms']:.2f} / {big['p99_ms']:.2f} | {figures['p50_ratio']} |"
                )
        for mode, rows in results["scale"].items():
            rss = rows["rss_mb"]
            lines.append(f"\nRSS ({mode}): real {rss['real']} MB, 100k {rss['synthetic']} MB.")
    if "search" in results:
        lines += [
            "",
            "| search at 100k, never-seen, one at a time | micromet p50 / p99 ms | ceiling p50 / p99 ms |",
            "|---|---:|---:|",
        ]
        for name, row in results["search"].items():
            ours, theirs = row["micromet"], row["ceiling"]
            lines.append(
                f"| {name} | {ours['p50_ms']:.2f} / {ours['p99_ms']:.2f} | "
                f"{theirs['p50_ms']:.2f} / {theirs['p99_ms']:.2f} |"
            )
    if "scaleout" in results:
        lines += ["", render_scaleout(results["scaleout"])]
    if "bounds" in results:
        bounds = results["bounds"]
        lines += [
            "",
            "| new random three-word searches, PostgreSQL, 1 worker | req/s | ratio to the ceiling |",
            "|---|---:|---:|",
            f"| ceiling ({bounds['bytes']} bytes) | {bounds['ceiling']['requests_per_second']:.0f} | 1 |",
        ]
        for name, row in bounds.items():
            if isinstance(row, dict) and "ratio" in row:
                lines.append(f"| {name} | {row['requests_per_second']:.0f} | {row['ratio']:.3f} |")
    if "limits" in results:
        lines += [
            "",
            "| micromet serve's protocol vs plain httptools | guarded req/s | plain req/s | ratio |",
            "|---|---:|---:|---:|",
        ]
        for name, row in results["limits"].items():
            guarded, plain = row["guarded"], row["plain"]
            lines.append(
                f"| {name} | {guarded['requests_per_second']:.0f} | {plain['requests_per_second']:.0f} | "
                f"{row['ratio']:.3f} |"
            )
    return "\n".join(lines)


def render_scaleout(scaleout: dict[str, Any]) -> str:
    """One row per (engine, workers): micromet's req/s and its ratio to the ceiling, per case."""
    cases = list(next(iter(scaleout.values())))
    header = "| configuration | " + " | ".join(f"{case}: req/s (ratio)" for case in cases) + " |"
    lines = [header, "|---|" + "---:|" * len(cases)]
    for configuration, row in scaleout.items():
        cells = [f"{row[case]['micromet']['requests_per_second']:.0f} ({row[case]['ratio']:.2f})" for case in cases]
        lines.append(f"| {configuration} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


if __name__ == "__main__":
    print(render(json.loads(RESULTS.read_text())))
