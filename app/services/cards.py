"""Embed cards: a small, self-contained HTML fragment per entity, for other sites to drop into their pages.

No external assets (the styles are inline and scoped to `.micromet-card`), every text escaped, the source's
attribution, and a link back to the canonical JSON. Links are absolute, from the configured public URL.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape
from typing import Any
from urllib.parse import unquote, urlsplit
from xml.etree import ElementTree

from app.models.registry import EntityKind, Registry
from app.models.urls import API_PREFIX
from app.services.catalog import Catalog, Item

CARD_WIDTH = 480
CARD_HEIGHT = 320
OEMBED_FORMATS = ("json", "xml")


@dataclass(frozen=True)
class CardSize:
    """The box a card takes, in CSS pixels: what oEmbed declares, and what the card holds itself to (its text
    scrolls inside when it is longer), so the declared size is the rendered one."""

    width: int = CARD_WIDTH
    height: int = CARD_HEIGHT


def card_size(maxwidth: int | None, maxheight: int | None) -> CardSize:
    """The default card, narrowed and shortened to an oEmbed consumer's limits (oEmbed 1.0: never larger)."""
    return CardSize(min(CARD_WIDTH, maxwidth or CARD_WIDTH), min(CARD_HEIGHT, maxheight or CARD_HEIGHT))


_STYLE = (
    ".micromet-card{box-sizing:border-box;max-width:100%;overflow:auto;margin:0;padding:16px 18px;"
    "border:1px solid #c9d1d9;"
    "border-radius:8px;background:#fff;color:#1f2328;font:15px/1.45 system-ui,-apple-system,'Segoe UI',sans-serif}"
    ".micromet-card h3{margin:0 0 4px;font-size:18px}"
    ".micromet-card .micromet-card-kind{margin:0 0 8px;color:#57606a;font-size:12px;text-transform:uppercase;"
    "letter-spacing:.04em}"
    ".micromet-card blockquote{margin:10px 0;padding-left:10px;border-left:3px solid #8c959f;color:#424a53}"
    ".micromet-card footer{margin-top:10px;color:#57606a;font-size:12px}"
    ".micromet-card a{color:#0969da}"
)


def render_card(
    kind: EntityKind,
    item: Item,
    *,
    source_title: str,
    section_heading: str | None,
    public_url: str,
    size: CardSize = CardSize(),
) -> str:
    """The card for one entity, as the JSON item represents it, in a box of exactly `size`."""
    self_url = public_url + item["links"]["self"]
    quotes = item.get("provenance") or []
    quote = f"<blockquote>“{escape(quotes[0]['quote'])}”</blockquote>" if quotes else ""
    where = f", section “{escape(section_heading)}”" if section_heading else ""
    return (
        f'<article class="micromet-card" lang="en" data-micromet-type="{escape(kind.name)}" '
        f'data-micromet-slug="{escape(item["slug"])}" style="width:{size.width}px;height:{size.height}px">'
        f"<style>{_STYLE}</style>"
        f'<p class="micromet-card-kind">{escape(kind.card_label)}</p>'
        f"<h3>{escape(item['name'])}</h3>"
        f"<p>{escape(item['summary'])}</p>"
        f"{quote}"
        f"<footer>Source: <cite>{escape(source_title)}</cite>{where}. Quoted by micromet; not medical advice. "
        f'<a href="{escape(self_url)}" rel="noopener">Canonical JSON</a></footer>'
        "</article>"
    )


def card_for(
    catalog: Catalog, kind: EntityKind, slug: str, public_url: str, *, size: CardSize = CardSize()
) -> tuple[str, Item]:
    """The card of one entity (a 404 problem when there is none), and the item it shows."""
    item = catalog.get_entity(kind, slug, fields=None, include=None)
    quotes = item.get("provenance") or []
    source_title, heading = "the source article", None
    if quotes:
        source = catalog.get_source(quotes[0]["source"], fields=None)
        section = catalog.get_section(quotes[0]["source"], quotes[0]["section"], fields=None)
        source_title, heading = source["title"], section.get("heading")
    card = render_card(kind, item, source_title=source_title, section_heading=heading, public_url=public_url, size=size)
    return card, item


def item_for_url(url: str, public_url: str, kinds: Registry) -> tuple[EntityKind, str] | None:
    """The entity an absolute item URL on the public origin names, or None (a relative or scheme-relative URL,
    another scheme or another host). The URL is only parsed, never fetched."""
    try:
        parts = urlsplit(url)
    except ValueError:  # e.g. an unclosed IPv6 bracket, or a host that NFKC turns into a path
        return None
    public = urlsplit(public_url)
    if (parts.scheme.lower(), parts.netloc.lower()) != (public.scheme.lower(), public.netloc.lower()):
        return None
    segments = [unquote(segment) for segment in parts.path.removeprefix("/").removesuffix("/").split("/")]
    if len(segments) != 3 or segments[0] != API_PREFIX.strip("/"):
        return None
    kind = kinds.by_segment(segments[1])
    return None if kind is None else (kind, segments[2])


def oembed_document(item: Item, html: str, *, public_url: str, cache_age: int, size: CardSize) -> dict[str, Any]:
    """oEmbed 1.0's `rich` response for a card: its HTML, and the size that HTML takes."""
    return {
        "version": "1.0",
        "type": "rich",
        "title": item["name"],
        "provider_name": "micromet",
        "provider_url": public_url,
        "cache_age": cache_age,
        "html": html,
        "width": size.width,
        "height": size.height,
    }


def oembed_xml(document: dict[str, Any]) -> bytes:
    """The same response in oEmbed's XML format: one `<oembed>` element, a child per field, text escaped."""
    root = ElementTree.Element("oembed")
    for name, value in document.items():
        ElementTree.SubElement(root, name).text = str(value)
    encoded: bytes = ElementTree.tostring(root, encoding="utf-8", xml_declaration=True)
    return encoded
