"""Assertions the API tests share."""

from __future__ import annotations

from typing import Any

import httpx2 as httpx
from fastapi.testclient import TestClient

from app.settings import Settings

PROBLEM = "application/problem+json"


def assert_problem(response: httpx.Response, status: int) -> dict[str, Any]:
    """The response is an RFC 9457 problem with this status; returns its body."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == PROBLEM
    body: dict[str, Any] = response.json()
    assert body["status"] == status
    assert body["type"].startswith("urn:micromet:problem:")
    assert {"title", "detail", "instance"} <= body.keys()
    assert "Traceback" not in response.text
    return body


def invalid_names(body: dict[str, Any]) -> list[str]:
    """The names of the parameters a 422 problem rejects."""
    return [param["name"] for param in body["invalid_params"]]


ACCEPT_VARIANTS = [
    "",
    "*/*",
    "application/json",
    "APPLICATION/JSON",
    "application/ld+json",
    "Application/LD+JSON",
    "application/ld+json;q=0",
    "application/ld+json;q=0.5, application/json",
    "application/json;q=0.1, application/ld+json;q=0.9",
    "application/ld+json;q=1.0001",
    "application/ld+json;q=-1",
    "application/ld+json;q=NaN",
    "application/ld+json;q=",
    "application/ld+json;;;q=0.5",
    'application/ld+json;profile="http://www.w3.org/ns/json-ld#expanded"',
    "application/*",
    "*/*;q=0",
    "text/html",
    "image/png, text/csv;q=0.5",
    "application/xml",
    "application/problem+json",
    "nonsense",
    "/",
    ";;;,,,",
    "*/ld+json",
    ", ".join(["application/ld+json"] * 50),
    "application/ld+json ; q=0.5 , application/json ; q=0.4",
    "APPLICATION/LD+JSON;Q=0.001",
]
"""`Accept` headers a client or an attacker may send, well-formed or not: every one gets JSON or JSON-LD."""


def public_url(client: TestClient) -> str:
    """The public origin the client's app builds absolute links on (JSON-LD IRIs, cards, oEmbed)."""
    settings: Settings = client.app.state.settings  # type: ignore[attr-defined]
    return settings.public_url
