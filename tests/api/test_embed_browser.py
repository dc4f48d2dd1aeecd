"""A card embedded in a page of another origin, rendered by headless Chromium: title and attribution show, and a
screenshot is kept in test-artifacts/ for people to look at."""

from __future__ import annotations

import html
import json
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.settings import PROJECT_ROOT
from bench.processes import free_port
from tests.browser import CHROMIUM, REQUIRED, render, screenshot
from tests.conftest import SEED_DIR
from tests.live import live_server

pytestmark = pytest.mark.browser

ARTIFACTS = PROJECT_ROOT / "test-artifacts"

HOST_PAGE = """<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>A teaching site</title></head>
<body style="font-family: sans-serif; background: #f6f8fa; padding: 24px">
<h1>Lesson 3: micrometastases</h1>
<p>From the reference API:</p>
<div id="slot">loading...</div>
<script>
fetch("API_ORIGIN/v1/therapies/adjuvant-therapy/card")
  .then((response) => response.text())
  .then((html) => { document.getElementById("slot").innerHTML = html; })
  .catch((error) => { document.getElementById("slot").textContent = "failed: " + error; });
</script>
</body>
</html>
"""


@pytest.fixture(scope="module")
def api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    if CHROMIUM is None:
        if REQUIRED:
            pytest.fail("MICROMET_REQUIRE_CHROMIUM=1 but Chromium is not installed")
        pytest.skip("Chromium is not installed (Debian packages chromium and chromium-driver)")
    with live_server(tmp_path_factory.mktemp("embed") / "micromet.sqlite3", SEED_DIR) as base_url:
        yield base_url


SIZES_PAGE = """<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>oEmbed sizes</title></head>
<body style="margin: 0; width: 1200px">
<div id="cards"></div>
<pre id="sizes">pending</pre>
<script>
const api = "API_ORIGIN";
const maxwidth = new URLSearchParams(location.search).get("maxwidth");
const collections = ["detection-methods", "therapies", "challenges", "research-directions", "findings", "concepts"];
async function measure() {
  const results = [];
  for (const collection of collections) {
    const page = await (await fetch(`${api}/v1/${collection}?limit=100&fields=links`)).json();
    for (const item of page.items) {
      const url = encodeURIComponent(api + item.links.self);
      const oembed = await (await fetch(`${api}/v1/oembed?url=${url}&maxwidth=${maxwidth}`)).json();
      const slot = document.createElement("div");
      slot.innerHTML = oembed.html;
      document.getElementById("cards").appendChild(slot);
      const box = slot.querySelector(".micromet-card").getBoundingClientRect();
      results.push({slug: item.slug, declared: [oembed.width, oembed.height], rendered: [box.width, box.height]});
    }
  }
  document.getElementById("sizes").textContent = JSON.stringify(results);
}
measure().catch((error) => { document.getElementById("sizes").textContent = "failed: " + error; });
</script>
</body>
</html>
"""


@pytest.fixture(scope="module")
def host_page(api: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A static page on another origin (another port) that fetches the card and inserts it; `sizes.html` beside
    it embeds every entity's oEmbed html and measures each card."""
    folder = tmp_path_factory.mktemp("host")
    (folder / "index.html").write_text(HOST_PAGE.replace("API_ORIGIN", api), encoding="utf-8")
    (folder / "sizes.html").write_text(SIZES_PAGE.replace("API_ORIGIN", api), encoding="utf-8")
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1", "--directory", str(folder)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        yield f"http://127.0.0.1:{port}/index.html"
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_a_card_embedded_on_another_origin_shows_its_title_and_attribution(
    api: str, host_page: str, tmp_path: Path
) -> None:
    assert host_page.split("/")[2] != api.split("/")[2]  # another origin

    rendered = render(host_page, tmp_path / "profile")
    image = screenshot(host_page, tmp_path / "profile-shot", ARTIFACTS / "embed-card.png")

    assert '<article class="micromet-card"' in rendered.dom
    assert "<h3>Adjuvant therapy</h3>" in rendered.dom
    assert "<cite>Understanding Micrometastases in Cancer</cite>" in rendered.dom
    assert "loading..." not in rendered.dom  # the slot was filled with the card
    assert image.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert image.stat().st_size > 5_000


@pytest.mark.parametrize("maxwidth", [300, 480])
def test_every_card_renders_at_the_size_oembed_declares(
    api: str, host_page: str, tmp_path: Path, maxwidth: int
) -> None:
    """Chromium lays out each entity's oEmbed html; its box is the declared width and height (longer text
    scrolls inside the card), so a consumer that reserves the declared size never clips or leaves a gap."""
    page = host_page.replace("index.html", f"sizes.html?maxwidth={maxwidth}")

    dom = render(page, tmp_path / "profile").dom

    found = re.search(r'<pre id="sizes">(.*?)</pre>', dom, re.S)
    assert found is not None
    sizes = json.loads(html.unescape(found.group(1)))
    assert len(sizes) >= 40  # every entity of the six types
    for card in sizes:
        declared, rendered = card["declared"], card["rendered"]
        assert declared == [min(480, maxwidth), 320], card
        assert abs(rendered[0] - declared[0]) <= 2, card
        assert abs(rendered[1] - declared[1]) <= 2, card
