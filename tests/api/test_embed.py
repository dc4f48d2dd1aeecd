"""Embed cards and oEmbed: self-contained, escaped, attributed fragments, found from any item URL."""

from __future__ import annotations

import re
from xml.etree import ElementTree

import pytest
from fastapi.testclient import TestClient

from app.models.registry import ENTITY_KINDS
from app.services.cards import render_card
from tests.api.helpers import assert_problem, invalid_names

PUBLIC = "http://127.0.0.1:8000"
CARD = "/v1/therapies/adjuvant-therapy/card"
ITEM_URL = f"{PUBLIC}/v1/therapies/adjuvant-therapy"
TITLE = "Understanding Micrometastases in Cancer"


def test_a_card_is_an_html_fragment_with_title_attribution_and_a_link_to_the_json(client: TestClient) -> None:
    response = client.get(CARD)
    html = response.text

    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert html.startswith('<article class="micromet-card"')
    assert "<h3>Adjuvant therapy</h3>" in html
    assert f"<cite>{TITLE}</cite>" in html
    assert f'href="{PUBLIC}/v1/therapies/adjuvant-therapy"' in html
    assert "<html" not in html


@pytest.mark.parametrize(
    "path",
    [
        "/v1/detection-methods/liquid-biopsy/card",
        "/v1/challenges/small-size-and-difficult-detection/card",
        "/v1/research-directions/nanotechnology/card",
        "/v1/findings/poorer-prognosis/card",
        "/v1/concepts/dormancy/card",
    ],
)
def test_every_entity_type_has_a_card_without_external_assets(client: TestClient, path: str) -> None:
    html = client.get(path).text

    assert "<script" not in html
    assert "<link" not in html
    assert "<img" not in html
    assert "url(" not in html
    assert re.findall(r'(?:href|src)="([^"]+)"', html) == [PUBLIC + path.removesuffix("/card")]


def test_a_card_quotes_the_article_with_its_section(client: TestClient) -> None:
    item = client.get("/v1/findings/poorer-prognosis").json()
    html = client.get("/v1/findings/poorer-prognosis/card").text

    assert item["provenance"][0]["quote"].replace("'", "&#x27;") in html
    assert "section “" in html


def test_card_text_is_escaped() -> None:
    item = {
        "type": "concept",
        "slug": "x",
        "name": "<script>alert(1)</script>",
        "summary": '"onmouseover="alert(2)',
        "provenance": [{"quote": "<img src=x onerror=alert(3)>"}],
        "links": {"self": "/v1/concepts/x"},
    }

    concept = ENTITY_KINDS["concept"]
    html = render_card(concept, item, source_title="<b>T</b>", section_heading="<i>S</i>", public_url=PUBLIC)

    assert "<script>" not in html
    assert "<img" not in html
    assert "<b>T</b>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&quot;onmouseover=&quot;" in html


def test_a_card_may_be_framed_and_style_itself(client: TestClient) -> None:
    policy = client.get(CARD).headers["content-security-policy"]

    assert "frame-ancestors" not in policy
    assert "style-src 'unsafe-inline'" in policy
    assert "script-src" not in policy  # default-src 'none' forbids scripts


@pytest.mark.parametrize("path", ["/v1/therapies/no-such-therapy/card", "/v1/sources/x/card", "/v1/therapy/x/card"])
def test_a_card_for_nothing_is_a_404_or_422_problem(client: TestClient, path: str) -> None:
    response = client.get(path)

    assert response.status_code in (404, 422)
    assert_problem(response, response.status_code)


@pytest.mark.parametrize(
    "url",
    [
        f"{PUBLIC}/v1/therapies/adjuvant-therapy",
        "HTTP://127.0.0.1:8000/v1/therapies/adjuvant-therapy",
        f"{PUBLIC}/v1/therapies/adjuvant-therapy?fields=name",
        f"{PUBLIC}/v1/therapies/adjuvant%2Dtherapy",  # the same URL, percent-encoded (RFC 3986)
        f"{PUBLIC}/v1/therapies/adjuvant-therapy/",
    ],
)
def test_oembed_answers_a_rich_response_for_an_item_url(client: TestClient, url: str) -> None:
    body = client.get("/v1/oembed", params={"url": url, "format": "json"}).json()

    assert body["version"] == "1.0"
    assert body["type"] == "rich"
    assert body["title"] == "Adjuvant therapy"
    assert body["provider_name"] == "micromet"
    assert body["html"] == client.get(CARD).text
    assert (body["width"], body["height"]) == (480, 320)
    assert 'style="width:480px;height:320px"' in body["html"]  # the card holds itself to the declared size


@pytest.mark.parametrize(("maxwidth", "maxheight"), [(200, 100), (300, None), (None, 250), (1000, 1000)])
def test_oembed_honours_maxwidth_and_maxheight_in_the_html_too(
    client: TestClient, maxwidth: int | None, maxheight: int | None
) -> None:
    params = {"url": ITEM_URL} | {
        name: str(value) for name, value in (("maxwidth", maxwidth), ("maxheight", maxheight)) if value
    }
    body = client.get("/v1/oembed", params=params).json()

    assert body["width"] == min(480, maxwidth or 480)
    assert body["height"] == min(320, maxheight or 320)
    assert f'style="width:{body["width"]}px;height:{body["height"]}px"' in body["html"]


@pytest.mark.parametrize(
    "url",
    [
        "https://evil.example/v1/therapies/adjuvant-therapy",
        "http://127.0.0.1:9999/v1/therapies/adjuvant-therapy",
        f"{PUBLIC}/v1/therapies",
        f"{PUBLIC}/v1/sources/understanding-micrometastases-in-cancer",
        f"{PUBLIC}/v1/therapies/no-such-therapy",
        "file:///etc/passwd",
        "javascript:alert(1)",
        "/v1/therapies/adjuvant-therapy",
        f"{PUBLIC}/v1/therapies/adjuvant-therapy/card",  # the card's own URL is not the item's
        f"{PUBLIC}//v1/therapies/adjuvant-therapy",  # an empty path segment
        "v1/therapies/adjuvant-therapy",
        "//evil.example/v1/therapies/adjuvant-therapy",
        f"//{PUBLIC.removeprefix('http://')}/v1/therapies/adjuvant-therapy",
        f"ftp://{PUBLIC.removeprefix('http://')}/v1/therapies/adjuvant-therapy",
    ],
)
def test_oembed_for_a_url_that_is_not_an_item_of_this_api_is_a_404(client: TestClient, url: str) -> None:
    assert_problem(client.get("/v1/oembed", params={"url": url}), 404)


def test_oembed_answers_the_same_response_in_xml(client: TestClient) -> None:
    as_json = client.get("/v1/oembed", params={"url": ITEM_URL, "maxwidth": 200}).json()
    response = client.get("/v1/oembed", params={"url": ITEM_URL, "maxwidth": 200, "format": "xml"})

    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/xml")
    assert response.content.startswith(b"<?xml version='1.0' encoding='utf-8'?>")
    root = ElementTree.fromstring(response.content)
    assert root.tag == "oembed"
    assert {child.tag: child.text for child in root} == {key: str(value) for key, value in as_json.items()}


def test_oembed_xml_escapes_the_card_html(client: TestClient) -> None:
    body = client.get("/v1/oembed", params={"url": ITEM_URL, "format": "xml"}).text

    assert "&lt;article" in body
    assert all(len(field) == 0 for field in ElementTree.fromstring(body))  # the card's tags are text, not elements


@pytest.mark.parametrize("oembed_format", ["yaml", "", "JSON", "json,xml"])
def test_oembed_formats_other_than_json_and_xml_are_a_501(client: TestClient, oembed_format: str) -> None:
    """oEmbed 1.0 (section 2.3.5): a provider that does not support the requested format answers 501."""
    response = client.get("/v1/oembed", params={"url": ITEM_URL, "format": oembed_format})

    body = assert_problem(response, 501)
    assert body["title"] == "Not Implemented"
    assert "json or xml" in body["detail"]


def test_a_format_too_long_to_be_a_format_is_a_422(client: TestClient) -> None:
    response = client.get("/v1/oembed", params={"url": ITEM_URL, "format": "x" * 33})

    assert invalid_names(assert_problem(response, 422)) == ["format"]


def test_oembed_without_a_url_is_a_422(client: TestClient) -> None:
    assert invalid_names(assert_problem(client.get("/v1/oembed"), 422)) == ["url"]
