"""The `micromet` command: its output and exit codes."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from app.cli import EXIT_COVERAGE, EXIT_INVALID, EXIT_QUALITY, cli
from app.settings import Settings
from tests.content.helpers import read_items, write_items

runner = CliRunner()


@pytest.fixture(autouse=True)
def environment(monkeypatch: pytest.MonkeyPatch, settings: Settings) -> None:
    monkeypatch.setenv("MICROMET_DATABASE_URL", settings.database_url)
    monkeypatch.setenv("MICROMET_SEED_DIR", str(settings.seed_dir))


EARLY_DETECTION = "early-detection-and-management-critical"  # the one entity citing its sentence


def test_check_prints_counts_and_full_coverage() -> None:
    result = runner.invoke(cli, ["check"])

    assert result.exit_code == 0, result.output
    assert "coverage: 100%" in result.output.splitlines()
    assert "uncited" not in result.output
    assert re.search(r"│ therapy\s+│\s+5 │", result.output)  # a table row per type
    assert re.search(r"│ finding\s+│\s+14 │", result.output)
    assert re.search(r"^field coverage: 100% \((\d+) of \1 fields with a value rest on a quote\)$", result.output, re.M)


def test_check_lists_uncited_sentences_and_fails_below_the_minimum(seed_dir: Path) -> None:
    findings = [i for i in read_items(seed_dir, "findings.yaml") if i["slug"] != EARLY_DETECTION]
    write_items(seed_dir, "findings.yaml", findings)

    result = runner.invoke(cli, ["check"])

    assert result.exit_code == EXIT_COVERAGE
    assert "coverage: 96%" in result.output
    assert "uncited [prognosis" in result.output
    assert "Therefore, early detection and management of micrometastases are critical" in result.output


def test_check_with_a_lower_minimum_passes(seed_dir: Path) -> None:
    findings = [i for i in read_items(seed_dir, "findings.yaml") if i["slug"] != EARLY_DETECTION]
    write_items(seed_dir, "findings.yaml", findings)

    assert runner.invoke(cli, ["check", "--min-coverage", "90"]).exit_code == 0


def test_check_reports_invalid_content_without_a_traceback(seed_dir: Path) -> None:
    items = read_items(seed_dir, "challenges.yaml")
    items[0]["provenance"][0]["quote"] = "a quote the article lacks"
    write_items(seed_dir, "challenges.yaml", items)

    result = runner.invoke(cli, ["check"])

    assert result.exit_code == EXIT_INVALID
    assert "error: challenge 'small-size-and-difficult-detection': quote not found" in result.output
    assert "Traceback" not in result.output


def test_seed_writes_then_reports_unchanged(settings: Settings) -> None:
    first = runner.invoke(cli, ["seed"])
    second = runner.invoke(cli, ["seed"])

    assert first.exit_code == 0, first.output
    assert " written, generated at " in first.output
    assert " unchanged, generated at " in second.output
    assert Path(settings.database_url.removeprefix("sqlite:///")).is_file()


def test_seed_of_invalid_content_exits_1(seed_dir: Path) -> None:
    (seed_dir / "source" / "SHA256SUMS").write_text("0" * 64 + "  000_89c74d992e700878.txt\n")

    result = runner.invoke(cli, ["seed"])

    assert result.exit_code == EXIT_INVALID
    assert "has changed" in result.output


def test_an_unknown_command_is_a_usage_error() -> None:
    assert runner.invoke(cli, ["frobnicate"]).exit_code == 2


def test_a_synthetic_seed_shows_its_progress() -> None:
    result = runner.invoke(cli, ["seed", "--synthetic", "2500"])

    assert result.exit_code == 0, result.output
    assert "generating 2500 entities" in result.output
    assert " written, generated at " in result.output


def test_eval_prints_the_judged_figures_and_each_miss(tmp_path: Path) -> None:
    judgments = tmp_path / "judgments.yaml"
    judgments.write_text(
        "- {query: liquid biopsy, kind: exact, relevant: [detection-method/liquid-biopsy]}\n"
        "- {query: zebrafish, kind: none, relevant: []}\n"
        "- {query: chemotherapy, kind: exact, relevant: [concept/prognosis], holdout: true}\n"
    )
    assert runner.invoke(cli, ["db", "upgrade"]).exit_code == 0
    assert runner.invoke(cli, ["seed"]).exit_code == 0

    result = runner.invoke(cli, ["eval", "--judgments", str(judgments)])
    failing = runner.invoke(cli, ["eval", "--judgments", str(judgments), "--min-recall", "0.9"])

    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[:2] == ["queries: 3 (1 held out of tuning)", "recall@3: 0.667"]
    assert lines[2].startswith("mrr: ")
    assert lines[3].startswith("ndcg@5: ")
    assert "misses: 1" in lines
    assert any(line.startswith("  'chemotherapy' [exact, held out] expected concept/prognosis") for line in lines)
    assert failing.exit_code == EXIT_QUALITY
