"""The docs pages render in a real browser with the network cut off: every asset is served by micromet."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.browser import CHROMIUM, REQUIRED, render
from tests.conftest import SEED_DIR
from tests.live import live_server
from tests.postgres import postgres_database

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def server(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    if CHROMIUM is None:
        if REQUIRED:
            pytest.fail("MICROMET_REQUIRE_CHROMIUM=1 but Chromium is not installed")
        pytest.skip("Chromium is not installed (Debian packages chromium and chromium-driver)")
    if request.param == "postgresql":
        with postgres_database() as url, live_server(url, SEED_DIR) as base_url:
            yield base_url
        return
    folder = tmp_path_factory.mktemp("browser")
    with live_server(folder / "micromet.sqlite3", SEED_DIR) as base_url:
        yield base_url


def test_swagger_ui_shows_every_operation_offline(server: str, tmp_path: Path) -> None:
    dom = render(f"{server}/docs", tmp_path / "profile").dom

    assert 'class="swagger-ui"' in dom
    assert "opblock-summary" in dom
    for summary in ["List detection methods", "Get a therapy", "Get a source's verbatim text", "Describe the dataset"]:
        assert summary in dom.replace("&#39;", "'"), summary


def test_redoc_shows_the_operations_offline(server: str, tmp_path: Path) -> None:
    dom = render(f"{server}/redoc", tmp_path / "profile").dom

    assert "List detection methods" in dom
    assert "micromet" in dom


@pytest.mark.parametrize("page", ["/docs", "/redoc"])
def test_the_docs_content_security_policy_blocks_nothing_of_their_own(server: str, tmp_path: Path, page: str) -> None:
    rendered = render(f"{server}{page}", tmp_path / "profile")

    assert rendered.csp_violations_of_own_resources(server) == []
    assert "SwaggerUIBundle" not in rendered.dom.split("<body")[0]  # no inline start-up script in the head
