"""The `micromet` command: check the content, migrate the schema, seed the content, serve it, export it.

Exit codes: 0 success; 1 the content or the source is invalid; 2 wrong usage; 3 coverage below the minimum;
4 the database could not be reached or written (the previous data is kept); 5 the schema is not at the
migrations' head (run `micromet db upgrade`); 6 search scored below `micromet eval`'s floors.
"""

from __future__ import annotations

import math
import os
import shutil
import signal
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, NoReturn

import typer
import uvicorn
from rich.console import Console
from rich.table import Table
from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session

from app import migrations
from app.content.errors import ContentError
from app.content.pipeline import CheckReport, check, seed, seed_if_empty, seed_synthetic
from app.db import create_db_engine, describe_url
from app.errors import ProblemError
from app.search.evaluation import evaluate, load_judgments, report, scores
from app.services.catalog import Catalog
from app.services.export import ExportFormat, build_export
from app.services.search import judged_search
from app.settings import PROJECT_ROOT, Settings
from app.web.server import GuardedHttpToolsProtocol

EXIT_INVALID = 1
EXIT_COVERAGE = 3
EXIT_DATABASE = 4
EXIT_SCHEMA = 5
EXIT_QUALITY = 6

JUDGMENTS = PROJECT_ROOT / "tests" / "search" / "judgments.yaml"

cli = typer.Typer(
    name="micromet",
    help="Citable content about cancer micrometastases: check it, seed it, serve it.",
    no_args_is_help=True,
    add_completion=False,
)
db_cli = typer.Typer(help="Manage the database schema (Alembic migrations).", no_args_is_help=True)
cli.add_typer(db_cli, name="db")

SeedDirOption = Annotated[
    Path | None, typer.Option("--seed-dir", help="Folder with the source and curated files [default: settings].")
]


@cli.command("check")
def check_command(
    seed_dir: SeedDirOption = None,
    min_coverage: Annotated[
        int, typer.Option(min=0, max=100, help="Fail (exit 3) when coverage is below this percentage.")
    ] = 100,
) -> None:
    """Validate the curated content against the article without writing anything; report how much of the
    article the content cites (sentence coverage) and how many of its fields rest on a quote (field coverage)."""
    report = _checked(seed_dir or Settings().seed_dir)
    _print_counts(report.dataset.counts())
    typer.echo(f"dataset version: {report.dataset.version}")
    typer.echo(f"coverage: {report.coverage.percent}%")
    text = report.dataset.text
    for sentence in report.coverage.uncited:
        quoted = " ".join(text[sentence.span.start : sentence.span.end].split())
        typer.echo(f"  uncited [{sentence.section} {sentence.span.start}:{sentence.span.end}] {quoted}")
    fields = report.fields
    supported = len(fields.fields) - len(fields.unsupported)
    typer.echo(
        f"field coverage: {fields.percent}% ({supported} of {len(fields.fields)} fields with a value rest on a quote)"
    )
    if report.coverage.percent < min_coverage:
        typer.echo(f"error: coverage {report.coverage.percent}% is below {min_coverage}%", err=True)
        raise typer.Exit(EXIT_COVERAGE)


@cli.command("seed")
def seed_command(
    seed_dir: SeedDirOption = None,
    force: Annotated[bool, typer.Option(help="Rewrite even when the dataset version is unchanged.")] = False,
    synthetic: Annotated[
        int | None,
        typer.Option(
            min=1,
            max=10_000_000,
            help="Write N synthetic entities instead, for benchmarks only; refuses a database holding real content.",
        ),
    ] = None,
) -> None:
    """Validate everything, then write it to the database in one transaction."""
    settings = Settings()
    with database(settings, writing=True) as engine:
        if synthetic is None:
            dataset, result = seed(engine, seed_dir or settings.seed_dir, force=force)
        else:
            with typer.progressbar(length=synthetic, label=f"generating {synthetic} entities") as bar:
                dataset, result = seed_synthetic(engine, seed_dir or settings.seed_dir, synthetic, progress=bar.update)
    _print_counts(dataset.counts())
    state = "written" if result.changed else "unchanged"
    typer.echo(f"dataset {result.version} {state}, generated at {result.generated_at.isoformat()}")


@cli.command("serve")
def serve_command(
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535, help="Port to listen on.")] = 8000,
    workers: Annotated[int, typer.Option(min=1, max=64, help="Worker processes.")] = 1,
) -> None:
    """Serve the API with uvicorn, seeding the database first when it holds no dataset."""
    settings = Settings()
    if settings.auto_seed:
        with database(settings) as engine:
            result = seed_if_empty(engine, settings.seed_dir)
        if result is not None:
            typer.echo(f"seeded dataset {result.version}")
    shared = workers > 1 and "PROMETHEUS_MULTIPROC_DIR" not in os.environ
    if shared:  # each worker writes its metrics there; a scrape of any worker adds them up (app/web/metrics.py)
        os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="micromet-metrics-")
    try:
        _serve(host, port, workers)
    finally:
        if shared:
            shutil.rmtree(os.environ.pop("PROMETHEUS_MULTIPROC_DIR"), ignore_errors=True)


def _serve(host: str, port: int, workers: int) -> None:
    # uvicorn re-raises the signal that stopped it, once it has shut down gracefully, with the handler it found:
    # this one ignores it, so that a drained stop exits 0 (app/web/drain.py).
    signal.signal(signal.SIGTERM, lambda signum, frame: None)
    uvicorn.run(
        "app.main:app",
        host=host,
        port=port,
        workers=workers,
        server_header=False,
        log_level="info",
        access_log=False,  # micromet's own access log (MICROMET_ACCESS_LOG) replaces uvicorn's
        http=GuardedHttpToolsProtocol,  # head size and time limits, the connection cap (app/web/server.py)
        # After the app's own drain (app/web/drain.py), the bytes still buffered for slow readers get as long again.
        timeout_graceful_shutdown=math.ceil(Settings().shutdown_grace),
        ws="none",  # no WebSocket routes: an upgrade request is plain HTTP, under the same limits
    )


@cli.command("export")
def export_command(
    out: Annotated[Path, typer.Option("--out", help="Folder to write the files and manifest.json into.")],
    export_format: Annotated[
        ExportFormat, typer.Option("--format", help="json, ndjson, csv (one file per type) or jsonld.")
    ] = ExportFormat.JSON,
) -> None:
    """Write the whole dataset to files, with a manifest (dataset version, sha256 of each file).

    The bytes are those `GET /v1/export?format=...` serves (for CSV, the members of its zip).
    """
    settings = Settings()
    with database(settings, read_only=True) as engine, Session(engine) as session:
        export = build_export(Catalog(session), export_format, settings.public_url)
    out.mkdir(parents=True, exist_ok=True)
    with typer.progressbar(export.files, label=f"writing {export_format.value}") as files:
        for file in files:
            (out / file.name).write_bytes(file.content)
    (out / "manifest.json").write_bytes(export.manifest_bytes())
    for file in export.files:
        typer.echo(f"{file.sha256}  {out / file.name}")
    typer.echo(f"dataset {export.dataset_version}: {len(export.files)} file(s) and manifest.json in {out}")


@cli.command("eval")
def eval_command(
    judgments: Annotated[
        Path, typer.Option("--judgments", help="The judged relevance set (YAML).", exists=True, dir_okay=False)
    ] = JUDGMENTS,
    min_recall: Annotated[float, typer.Option(min=0, max=1, help="Fail (exit 6) below this recall@3.")] = 0.0,
    min_mrr: Annotated[float, typer.Option(min=0, max=1, help="Fail (exit 6) below this MRR.")] = 0.0,
) -> None:
    """Judge search on the served dataset: recall@3, MRR and nDCG@5 over the judged queries, and each miss."""
    settings = Settings()
    with database(settings, read_only=True) as engine:
        judged = evaluate(load_judgments(judgments), judged_search(engine))
    for line in report(judged):
        typer.echo(line)
    overall = scores(judged)
    if overall.recall < min_recall or overall.mrr < min_mrr:
        typer.echo(f"error: recall@3 {overall.recall:.3f} / mrr {overall.mrr:.3f} below the floors", err=True)
        raise typer.Exit(EXIT_QUALITY)


@db_cli.command("upgrade")
def db_upgrade_command(
    revision: Annotated[str, typer.Argument(help="Target revision.")] = "head",
) -> None:
    """Bring the schema to a revision (default: head). Run once per deployment, before the replicas start."""
    with database(Settings()) as engine:
        before = migrations.current_revision(engine)
        migrations.upgrade(engine, revision)
        after = migrations.current_revision(engine)
    typer.echo(f"schema at {after} (was {before or 'empty'})")


@db_cli.command("downgrade")
def db_downgrade_command(
    revision: Annotated[str, typer.Argument(help='Target revision; "base" drops every table.')],
) -> None:
    """Take the schema back to an older revision (data in dropped tables is lost; reseed afterwards)."""
    with database(Settings()) as engine:
        migrations.downgrade(engine, revision)
        after = migrations.current_revision(engine)
    typer.echo(f"schema at {after or 'base'}")


@db_cli.command("current")
def db_current_command() -> None:
    """Print the database's revision and the head this code expects; exit 5 when they differ."""
    with database(Settings()) as engine:
        current = migrations.current_revision(engine)
    head = migrations.head_revision()
    typer.echo(f"current: {current or 'none'}\nhead: {head}")
    if current != head:
        raise typer.Exit(EXIT_SCHEMA)


def main() -> None:
    """Console-script entry point."""
    cli()


@contextmanager
def database(settings: Settings, *, read_only: bool = False, writing: bool = False) -> Iterator[Engine]:
    """An engine for one command, disposed at the end, with the errors every command can meet turned into their
    one-line message and exit code (`writing`: a failed write says the previous data is kept)."""
    engine = create_db_engine(settings, read_only=read_only)
    try:
        yield engine
    except ContentError as error:
        _fail_invalid(error)
    except migrations.SchemaError as error:
        _fail_schema(error)
    except ProblemError as error:  # e.g. the database holds no dataset yet
        typer.echo(f"error: {error.detail}", err=True)
        raise typer.Exit(EXIT_DATABASE) from None
    except SQLAlchemyError as error:
        if writing:
            typer.echo(
                f"error: writing to the database {describe_url(settings.database_url)} failed; "
                f"the previous data is kept: {_one_line(error)}",
                err=True,
            )
            raise typer.Exit(EXIT_DATABASE) from None
        _fail_database(settings, error)
    finally:
        engine.dispose()


def _checked(seed_dir: Path) -> CheckReport:
    try:
        return check(seed_dir)
    except ContentError as error:
        _fail_invalid(error)


def _fail_invalid(error: ContentError) -> NoReturn:
    for problem in error.problems:
        typer.echo(f"error: {problem}", err=True)
    raise typer.Exit(EXIT_INVALID)


def _fail_schema(error: migrations.SchemaError) -> NoReturn:
    typer.echo(f"error: {error}", err=True)
    raise typer.Exit(EXIT_SCHEMA)


def _fail_database(settings: Settings, error: SQLAlchemyError) -> NoReturn:
    typer.echo(f"error: database {describe_url(settings.database_url)}: {_one_line(error)}", err=True)
    raise typer.Exit(EXIT_DATABASE)


def _print_counts(counts: dict[str, int]) -> None:
    """The counts as a table (rich, which Typer already brings); plain text when not on a terminal."""
    table = Table(title="dataset", show_header=True, header_style="bold")
    table.add_column("type")
    table.add_column("count", justify="right")
    for name, count in counts.items():
        table.add_row(name, str(count))
    Console(width=60).print(table)


def _one_line(error: Exception) -> str:
    return " ".join(str(getattr(error, "orig", None) or error).split())
