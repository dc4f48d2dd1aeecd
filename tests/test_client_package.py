"""The standalone client (clients/python) as an integrator installs it: in a fresh virtualenv, beside a project
whose own package is called `app`, typed for mypy; and its generated code is what the OpenAPI document gives."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from bench.client_codegen import CLIENT_PROJECT, GENERATED_FILES, PACKAGE, generate
from tests.conftest import SEED_DIR
from tests.live import live_server

SERVER_DISTRIBUTIONS = {"fastapi", "starlette", "sqlmodel", "sqlalchemy", "uvicorn", "alembic", "micromet"}

OWN_APP = 'NAME = "the integrator\'s own app"\n'

USES_THE_CLIENT = textwrap.dedent(
    """\
    import json
    import sys

    import app  # the project's own package, not micromet's server
    from micromet_client import Client, NotFoundError
    from micromet_client.models import PartialTherapyPublic, TherapyPublic


    def main(base_url: str) -> dict[str, object]:
        with Client(base_url) as api:
            therapy: TherapyPublic = api.therapies.get("adjuvant-therapy")
            partial: PartialTherapyPublic = api.therapies.get("adjuvant-therapy", fields=["name"])
            name: str = therapy.name
            blood = [method.slug for method in api.detection_methods.iterate(specimen="blood", limit=1)]
            prognosis = api.findings.list(topic="prognosis", sort="name").total
            csv_zip = api.export("csv")
            try:
                api.concepts.get("no-such-concept")
                missing = "found"
            except NotFoundError as error:
                missing = error.type
        return {
            "own_app": app.NAME,
            "name": name,
            "partial": [partial.name, partial.summary],
            "blood": blood,
            "prognosis": prognosis,
            "export_is_zip": csv_zip[:2] == b"PK",
            "missing": missing,
        }


    if __name__ == "__main__":
        print(json.dumps(main(sys.argv[1])))
    """
)

MISUSES_THE_CLIENT = textwrap.dedent(
    """\
    from micromet_client import Client

    with Client("http://127.0.0.1:1") as api:
        api.detection_methods.list(speciman="blood")
        api.findings.list(topic="prognosis!")
        name: str = api.therapies.get("adjuvant-therapy", fields=["name"]).name
        api.therapies.get("adjuvant-therapy", fields=["nmae"])
        api.export("xlsx")
        api.card("therapys", "adjuvant-therapy")
    """
)
"""Each line from 4 on is one mistake mypy must report: an unknown filter, a value outside a filter's enum, a
partial's field taken as present, a field name that does not exist, a format the export does not have, a
collection that does not exist."""


def test_the_generated_models_and_resources_are_what_the_openapi_document_gives(tmp_path: Path) -> None:
    """`make client` was run after the last change to the API: regenerating changes no byte."""
    package = tmp_path / "micromet_client"
    shutil.copytree(PACKAGE, package)

    generate(package)

    for name in GENERATED_FILES:
        assert (package / name).read_text() == (PACKAGE / name).read_text(), f"{name} is stale: run `make client`"


@pytest.fixture(scope="module")
def fresh_python(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A new virtualenv with only the client installed, from clients/python, as `pip install` does it."""
    venv = tmp_path_factory.mktemp("client-venv") / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    python = venv / "bin" / "python"
    built = tmp_path_factory.mktemp("client-source") / "python"
    shutil.copytree(CLIENT_PROJECT, built, ignore=shutil.ignore_patterns("*.egg-info", "__pycache__", ".*"))
    subprocess.run([str(python), "-m", "pip", "install", "--quiet", str(built)], check=True, timeout=600)
    return python


@pytest.mark.slow
def test_the_client_installs_without_the_servers_dependencies(fresh_python: Path) -> None:
    listed = subprocess.run(
        [str(fresh_python), "-m", "pip", "list", "--format=json"], check=True, capture_output=True, text=True
    )
    installed = {package["name"].lower() for package in json.loads(listed.stdout)}
    marker = subprocess.run(
        [str(fresh_python), "-c", "import micromet_client, pathlib; print(pathlib.Path(micromet_client.__file__))"],
        check=True,
        capture_output=True,
        text=True,
    )

    assert {"micromet-client", "httpx", "pydantic"} <= installed
    assert not installed & SERVER_DISTRIBUTIONS
    assert (Path(marker.stdout.strip()).parent / "py.typed").is_file()


@pytest.mark.slow
def test_a_project_with_its_own_app_package_uses_the_client(fresh_python: Path, tmp_path: Path) -> None:
    project = tmp_path / "project"
    (project / "app").mkdir(parents=True)
    (project / "app" / "__init__.py").write_text(OWN_APP)
    (project / "uses_the_client.py").write_text(USES_THE_CLIENT)

    with live_server(tmp_path / "micromet.sqlite3", SEED_DIR) as base_url:
        ran = subprocess.run(
            [str(fresh_python), "uses_the_client.py", base_url],
            cwd=project,
            check=True,
            capture_output=True,
            text=True,
            timeout=120,
        )
    answer = json.loads(ran.stdout)

    assert answer["own_app"] == "the integrator's own app"
    assert answer["name"] == "Adjuvant therapy"
    assert answer["partial"] == ["Adjuvant therapy", None]
    assert answer["blood"] == ["liquid-biopsy"]
    assert answer["prognosis"] > 0
    assert answer["export_is_zip"] is True
    assert answer["missing"] == "urn:micromet:problem:not-found"


def _mypy(fresh_python: Path, project: Path, script: str) -> subprocess.CompletedProcess[str]:
    """The test environment's mypy, checking `script` against the packages of the fresh virtualenv (PEP 561)."""
    command = [sys.executable, "-m", "mypy", "--strict", "--no-incremental", "--python-executable", str(fresh_python)]
    return subprocess.run([*command, script], cwd=project, capture_output=True, text=True, timeout=300)


@pytest.mark.slow
def test_mypy_reads_the_clients_types_and_catches_misuse(fresh_python: Path, tmp_path: Path) -> None:
    project = tmp_path / "project"
    (project / "app").mkdir(parents=True)
    (project / "app" / "__init__.py").write_text(OWN_APP)
    (project / "uses_the_client.py").write_text(USES_THE_CLIENT)
    (project / "misuses_the_client.py").write_text(MISUSES_THE_CLIENT)

    good = _mypy(fresh_python, project, "uses_the_client.py")
    bad = _mypy(fresh_python, project, "misuses_the_client.py")

    assert good.returncode == 0, good.stdout
    reported = {int(line.split(":")[1]) for line in bad.stdout.splitlines() if ": error:" in line}
    assert reported == {4, 5, 6, 7, 8, 9}, bad.stdout
