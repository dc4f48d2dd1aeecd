"""Assertions the API tests share."""

from __future__ import annotations

from typing import Any

import httpx2 as httpx

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
