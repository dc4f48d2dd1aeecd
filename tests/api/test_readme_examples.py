"""The README and docs/api.md say what the server does: every curl example they give answers as described, every
route their tables list is in the OpenAPI document, and every setting's default is the one the code has."""

from __future__ import annotations

import re
import shlex
from typing import Any

import pytest
from fastapi.testclient import TestClient

from app.settings import PROJECT_ROOT, Settings

README = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
API_DOC = (PROJECT_ROOT / "docs" / "api.md").read_text(encoding="utf-8")
DOCUMENTED_ORIGIN = "http://127.0.0.1:8000"

CURL = re.compile(r"curl [^`\n]*'" + re.escape(DOCUMENTED_ORIGIN) + r"[^'\n]*'[^`\n]*")
"""A documented curl command line (in a code block or inline code), up to a comment or the line's end."""


def curl_examples() -> list[str]:
    return [match.split("#")[0].strip() for match in CURL.findall(README + API_DOC)]


def as_request(command: str) -> tuple[str, dict[str, str], bool]:
    """The path and query, the headers (-H) and whether the example pipes the headers (-i ... | grep)."""
    words = shlex.split(command.split("|")[0])
    url = next(word for word in words if word.startswith(DOCUMENTED_ORIGIN))
    headers = dict(words[index + 1].split(": ", 1) for index, word in enumerate(words) if word == "-H")
    return url.removeprefix(DOCUMENTED_ORIGIN), headers, "|" in command


def test_the_documents_give_curl_examples() -> None:
    assert len(curl_examples()) >= 8


@pytest.mark.parametrize("command", curl_examples())
def test_every_curl_example_answers_as_documented(client: TestClient, command: str) -> None:
    path, headers, piped = as_request(command)

    response = client.get(path, headers=headers)

    assert response.status_code == 200, (command, response.text[:300])
    if piped and "link" in command.lower():
        assert 'rel="next"' in response.headers["link"]
    accept = headers.get("Accept")
    if accept is not None:
        assert response.headers["content-type"].startswith(accept)
    if "?" in path and path.startswith("/v1/") and "/export" not in path and "/card" not in path:
        body: Any = response.json()
        assert body.get("items", [body]) != [], command  # the example finds something


ROUTE_ROW = re.compile(r"^\| `GET (/[^`]+)`", re.M)


def documented_routes() -> list[str]:
    """Each route the README's table lists, with `[/{slug}]` and `, GET /x` expanded."""
    routes: list[str] = []
    for cell in ROUTE_ROW.findall(README):
        for part in re.split(r"`?, `?GET ", cell):
            path = part.split("?")[0].strip("`")
            optional = re.search(r"\[(/\{\w+\})\]$", path)
            if optional:
                base = path[: optional.start()]
                routes += [base, base + optional.group(1)]
            else:
                routes.append(path)
    return routes


def test_every_route_the_readme_lists_is_in_the_openapi_document(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    routes = documented_routes()

    assert len(routes) >= 15
    normalized = {re.sub(r"\{\w+\}", "{}", path) for path in paths}
    missing = [route for route in routes if re.sub(r"\{\w+\}", "{}", route) not in normalized]
    assert missing == []


SETTING_ROW = re.compile(r"^\| `(MICROMET_[A-Z_]+)` \| `([^`]*)` \|", re.M)


@pytest.mark.parametrize(("variable", "documented"), SETTING_ROW.findall(README))
def test_every_documented_default_is_the_codes(variable: str, documented: str) -> None:
    field = Settings.model_fields[variable.removeprefix("MICROMET_").lower()]
    default = field.get_default(call_default_factory=True)

    if isinstance(default, bool):
        assert documented == str(default).lower()
    elif isinstance(default, list):
        assert documented == '["' + '", "'.join(default) + '"]'
    elif isinstance(default, float) and default.is_integer():
        assert documented == str(int(default))
    else:
        assert documented == str(default), variable
