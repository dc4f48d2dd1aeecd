"""The sync and async clients: every operation of the API, typed from its OpenAPI document."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Self, Unpack, overload

import httpx

from micromet_client._collection import Fields
from micromet_client._http import (
    EXPORT_ENCODINGS,
    Responses,
    decoded,
    decoded_response,
    raw_bytes,
    segment,
    url,
    verified_content,
)
from micromet_client.models import (
    ExportManifest,
    Health,
    MetaPublic,
    OEmbedPublic,
    PagePartialSectionPublic,
    PageSectionPublic,
    PartialSectionPublic,
    Readiness,
    SearchPage,
    SectionPublic,
    SuggestPage,
)
from micromet_client.resources import (
    COLLECTION_OPERATIONS,
    SEGMENTS_BY_TYPE,
    AsyncCollections,
    CardCollection,
    Collections,
    ExportFormatName,
    SearchSearchParams,
    SearchSuggestParams,
    SectionsField,
    SectionsListParams,
)


@dataclass(frozen=True)
class Operation:
    """How the client offers one API operation: the client attribute (empty: the client itself), the method and
    the path template."""

    attribute: str
    method: str
    path: str


OPERATIONS: dict[str, Operation] = {
    "health-liveness": Operation("", "healthz", "/healthz"),
    "health-readiness": Operation("", "readyz", "/readyz"),
    "search-search": Operation("", "search", "/v1/search"),
    "search-suggest": Operation("", "suggest", "/v1/suggest"),
    **{operation_id: Operation(*operation) for operation_id, operation in COLLECTION_OPERATIONS.items()},
    "sources-text": Operation("", "source_text", "/v1/sources/{slug}/text"),
    "sections-list": Operation("", "sections", "/v1/sources/{slug}/sections"),
    "sections-get": Operation("", "section", "/v1/sources/{slug}/sections/{section}"),
    "meta-get": Operation("", "meta", "/v1/meta"),
    "export-download": Operation("", "export", "/v1/export"),
    "export-manifest": Operation("", "export_manifest", "/v1/export/manifest"),
    "embed-card": Operation("", "card", "/v1/{collection}/{slug}/card"),
    "embed-oembed": Operation("", "oembed", "/v1/oembed"),
}
"""Every operationId of the OpenAPI document, and where the client offers it (`attribute.method`)."""


def card_path(collection: CardCollection, slug: str) -> str:
    """A card's path, given its collection (`therapies`) or its type (`therapy`): one thing, either spelling."""
    return f"/v1/{SEGMENTS_BY_TYPE.get(collection, collection)}/{segment(slug)}/card"


def _sections_query(fields: Fields[SectionsField] | None, params: Mapping[str, Any]) -> dict[str, Any]:
    fields_value = fields if fields is None or isinstance(fields, str) else ",".join(fields)
    return {**params, "fields": fields_value}


def _decoded_or_raw(response: httpx.Response, raw: bytes) -> bytes:
    """The file without checking digests: decoded where it came gzip- or deflate-coded."""
    return decoded(raw, response.headers.get("content-encoding", "identity"))


def _oembed_query(url: str, maxwidth: int | None, maxheight: int | None) -> dict[str, Any]:
    return {"url": url, "maxwidth": maxwidth, "maxheight": maxheight}


class Client(Collections):
    """The sync client. `api.therapies.get(...)`, `api.findings.iterate(topic=...)`, `api.search(...)`.

    `httpx_options` go to `httpx.Client` (e.g. `transport=`, `timeout=`). With `conditional=True` the client
    remembers ETags and revalidates (a 304 reuses the body it already has)."""

    def __init__(self, base_url: str, *, conditional: bool = False, **httpx_options: Any) -> None:
        self._http = httpx.Client(base_url=base_url, **httpx_options)
        self._responses = Responses(conditional)
        super().__init__(self)

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def close(self) -> None:
        self._http.close()

    def request(self, path: str, params: Mapping[str, Any] | None = None) -> httpx.Response:
        """GET `path`; problems raise `ProblemError`s; with `conditional`, revalidates by ETag."""
        target = url(path, params)
        response = self._http.get(target, headers=self._responses.headers(str(target)))
        return self._responses.settle(str(target), response)

    def get_json(self, path: str, params: Mapping[str, Any] | None = None) -> Any:
        return self.request(path, params).json()

    def healthz(self) -> Health:
        return Health.model_validate(self.get_json("/healthz"))

    def readyz(self) -> Readiness:
        return Readiness.model_validate(self.get_json("/readyz"))

    def search(self, q: str, **params: Unpack[SearchSearchParams]) -> SearchPage:
        return SearchPage.model_validate(self.get_json("/v1/search", {"q": q, **params}))

    def suggest(self, prefix: str, **params: Unpack[SearchSuggestParams]) -> SuggestPage:
        """Typeahead: the names, abbreviations, synonyms and codes that `prefix` starts, best first."""
        return SuggestPage.model_validate(self.get_json("/v1/suggest", {"prefix": prefix, **params}))

    def source_text(self, slug: str) -> str:
        return self.request(f"/v1/sources/{segment(slug)}/text").text

    @overload
    def sections(
        self, source: str, *, fields: None = None, **params: Unpack[SectionsListParams]
    ) -> PageSectionPublic: ...
    @overload
    def sections(
        self, source: str, *, fields: Fields[SectionsField], **params: Unpack[SectionsListParams]
    ) -> PagePartialSectionPublic: ...
    def sections(
        self, source: str, *, fields: Fields[SectionsField] | None = None, **params: Unpack[SectionsListParams]
    ) -> PageSectionPublic | PagePartialSectionPublic:
        body = self.get_json(f"/v1/sources/{segment(source)}/sections", _sections_query(fields, params))
        return (PageSectionPublic if fields is None else PagePartialSectionPublic).model_validate(body)

    @overload
    def section(self, source: str, slug: str, *, fields: None = None) -> SectionPublic: ...
    @overload
    def section(self, source: str, slug: str, *, fields: Fields[SectionsField]) -> PartialSectionPublic: ...
    def section(
        self, source: str, slug: str, *, fields: Fields[SectionsField] | None = None
    ) -> SectionPublic | PartialSectionPublic:
        body = self.get_json(f"/v1/sources/{segment(source)}/sections/{segment(slug)}", _sections_query(fields, {}))
        return (SectionPublic if fields is None else PartialSectionPublic).model_validate(body)

    def meta(self) -> MetaPublic:
        return MetaPublic.model_validate(self.get_json("/v1/meta"))

    def export(self, format: ExportFormatName = "json", *, verify: bool = True) -> bytes:
        """The whole dataset as one file (`format=json` by default; `csv` is a zip), checked against the digests
        it came with (`DigestMismatchError` when they disagree or are missing; `verify=False` skips the check,
        e.g. behind a proxy that recodes responses)."""
        target = url("/v1/export", {"format": format})
        headers = {**EXPORT_ENCODINGS, **self._responses.headers(str(target))}
        with self._http.stream("GET", target, headers=headers) as response:
            settled = self._responses.settle(str(target), response, remember=False)
            if settled is not response:  # a 304: the file already checked
                return settled.content
            raw = raw_bytes(response)
        content = verified_content(response, raw) if verify else _decoded_or_raw(response, raw)
        self._responses.remember(str(target), decoded_response(response, content))
        return content

    def export_manifest(self, format: ExportFormatName = "json") -> ExportManifest:
        return ExportManifest.model_validate(self.get_json("/v1/export/manifest", {"format": format}))

    def card(self, collection: CardCollection, slug: str) -> str:
        """The embeddable card; `collection` is the collection (`therapies`) or the type (`therapy`)."""
        return self.request(card_path(collection, slug)).text

    def oembed(self, url: str, *, maxwidth: int | None = None, maxheight: int | None = None) -> OEmbedPublic:
        """oEmbed's JSON for an absolute item URL on the API's public origin."""
        return OEmbedPublic.model_validate(self.get_json("/v1/oembed", _oembed_query(url, maxwidth, maxheight)))


class AsyncClient(AsyncCollections):
    """The async client: the same methods as `Client`, awaitable."""

    def __init__(self, base_url: str, *, conditional: bool = False, **httpx_options: Any) -> None:
        self._http = httpx.AsyncClient(base_url=base_url, **httpx_options)
        self._responses = Responses(conditional)
        super().__init__(self)

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *_: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self._http.aclose()

    async def request(self, path: str, params: Mapping[str, Any] | None = None) -> httpx.Response:
        target = url(path, params)
        response = await self._http.get(target, headers=self._responses.headers(str(target)))
        return self._responses.settle(str(target), response)

    async def get_json(self, path: str, params: Mapping[str, Any] | None = None) -> Any:
        return (await self.request(path, params)).json()

    async def healthz(self) -> Health:
        return Health.model_validate(await self.get_json("/healthz"))

    async def readyz(self) -> Readiness:
        return Readiness.model_validate(await self.get_json("/readyz"))

    async def search(self, q: str, **params: Unpack[SearchSearchParams]) -> SearchPage:
        return SearchPage.model_validate(await self.get_json("/v1/search", {"q": q, **params}))

    async def suggest(self, prefix: str, **params: Unpack[SearchSuggestParams]) -> SuggestPage:
        return SuggestPage.model_validate(await self.get_json("/v1/suggest", {"prefix": prefix, **params}))

    async def source_text(self, slug: str) -> str:
        return (await self.request(f"/v1/sources/{segment(slug)}/text")).text

    @overload
    async def sections(
        self, source: str, *, fields: None = None, **params: Unpack[SectionsListParams]
    ) -> PageSectionPublic: ...
    @overload
    async def sections(
        self, source: str, *, fields: Fields[SectionsField], **params: Unpack[SectionsListParams]
    ) -> PagePartialSectionPublic: ...
    async def sections(
        self, source: str, *, fields: Fields[SectionsField] | None = None, **params: Unpack[SectionsListParams]
    ) -> PageSectionPublic | PagePartialSectionPublic:
        body = await self.get_json(f"/v1/sources/{segment(source)}/sections", _sections_query(fields, params))
        return (PageSectionPublic if fields is None else PagePartialSectionPublic).model_validate(body)

    @overload
    async def section(self, source: str, slug: str, *, fields: None = None) -> SectionPublic: ...
    @overload
    async def section(self, source: str, slug: str, *, fields: Fields[SectionsField]) -> PartialSectionPublic: ...
    async def section(
        self, source: str, slug: str, *, fields: Fields[SectionsField] | None = None
    ) -> SectionPublic | PartialSectionPublic:
        body = await self.get_json(
            f"/v1/sources/{segment(source)}/sections/{segment(slug)}", _sections_query(fields, {})
        )
        return (SectionPublic if fields is None else PartialSectionPublic).model_validate(body)

    async def meta(self) -> MetaPublic:
        return MetaPublic.model_validate(await self.get_json("/v1/meta"))

    async def export(self, format: ExportFormatName = "json", *, verify: bool = True) -> bytes:
        target = url("/v1/export", {"format": format})
        headers = {**EXPORT_ENCODINGS, **self._responses.headers(str(target))}
        async with self._http.stream("GET", target, headers=headers) as response:
            if response.status_code >= 400:
                await response.aread()  # the problem's body, read the async way before `settle` raises it
            settled = self._responses.settle(str(target), response, remember=False)
            if settled is not response:
                return settled.content
            raw = b"".join([chunk async for chunk in response.aiter_raw()])
        content = verified_content(response, raw) if verify else _decoded_or_raw(response, raw)
        self._responses.remember(str(target), decoded_response(response, content))
        return content

    async def export_manifest(self, format: ExportFormatName = "json") -> ExportManifest:
        return ExportManifest.model_validate(await self.get_json("/v1/export/manifest", {"format": format}))

    async def card(self, collection: CardCollection, slug: str) -> str:
        return (await self.request(card_path(collection, slug))).text

    async def oembed(self, url: str, *, maxwidth: int | None = None, maxheight: int | None = None) -> OEmbedPublic:
        body = await self.get_json("/v1/oembed", _oembed_query(url, maxwidth, maxheight))
        return OEmbedPublic.model_validate(body)
