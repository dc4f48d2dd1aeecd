"""A typed Python client for micromet, sync and async, built on httpx.

    from app.client import Client
    with Client("http://127.0.0.1:8000") as api:
        therapy = api.therapies.get("adjuvant-therapy")        # a TherapyPublic
        for finding in api.findings.iterate(topic="prognosis"):  # every page, fetched as needed
            print(finding.name, finding.provenance[0].quote)

Every operation of the OpenAPI document has a method (`OPERATIONS` maps operationIds to them; a test fails when
the two drift apart). Responses are the API's own pydantic models; problem+json errors are raised as
`ProblemError` subclasses. With `conditional=True` the client remembers ETags and revalidates (a 304 reuses the
body it already has).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from functools import cache
from typing import Any, Generic, TypeVar

import httpx
from pydantic import BaseModel, create_model

from app.models.challenge import ChallengePublic
from app.models.concept import ConceptPublic
from app.models.dataset import MetaPublic
from app.models.detection_method import DetectionMethodPublic
from app.models.export import ExportManifest
from app.models.finding import FindingPublic
from app.models.health import Health, Readiness
from app.models.oembed import OEmbedPublic
from app.models.query import MAX_LIMIT, Page
from app.models.registry import ENTITY_KINDS
from app.models.research_direction import ResearchDirectionPublic
from app.models.search import SearchPage
from app.models.section import SectionPublic
from app.models.source import SourcePublic
from app.models.therapy import TherapyPublic
from app.models.urls import SOURCES, collection_url

ModelT = TypeVar("ModelT", bound=BaseModel)
Params = dict[str, Any]


class ProblemError(Exception):
    """An RFC 9457 problem the API answered with."""

    def __init__(self, status: int, problem: dict[str, Any]) -> None:
        super().__init__(f"{status} {problem.get('title', '')}: {problem.get('detail', '')}")
        self.status = status
        self.type: str = problem.get("type", "")
        self.title: str = problem.get("title", "")
        self.detail: str = problem.get("detail", "")
        self.invalid_params: list[dict[str, str]] = problem.get("invalid_params") or []


class NotFoundError(ProblemError):
    """404: no such resource."""


class InvalidParametersError(ProblemError):
    """422 (or 400/414): the request's parameters were refused; see `invalid_params`."""


class ServiceUnavailableError(ProblemError):
    """503: the database is unavailable or not seeded; retry later."""


_ERRORS = {400: InvalidParametersError, 404: NotFoundError, 414: InvalidParametersError}
_ERRORS |= {422: InvalidParametersError, 503: ServiceUnavailableError}


@dataclass(frozen=True)
class Operation:
    """How the client calls one API operation: the client attribute and method, the path template."""

    attribute: str
    method: str
    path: str


COLLECTIONS: tuple[tuple[str, type[BaseModel]], ...] = (
    *((kind.segment, kind.public) for kind in ENTITY_KINDS),
    (SOURCES, SourcePublic),
)
"""The collections the client offers (`api.therapies`, ...): every entity kind of the registry, and sources."""


def _attribute(segment: str) -> str:
    """`research-directions` -> `research_directions`: a collection's attribute on the client."""
    return segment.replace("-", "_")


def _entity_operations(tag: str, attribute: str) -> dict[str, Operation]:
    return {
        f"{tag}-list": Operation(attribute, "list", f"/v1/{tag}"),
        f"{tag}-get": Operation(attribute, "get", f"/v1/{tag}/{{slug}}"),
    }


OPERATIONS: dict[str, Operation] = {
    "health-liveness": Operation("", "healthz", "/healthz"),
    "health-readiness": Operation("", "readyz", "/readyz"),
    "search-search": Operation("", "search", "/v1/search"),
    **{
        operation_id: operation
        for segment, _ in COLLECTIONS
        for operation_id, operation in _entity_operations(segment, _attribute(segment)).items()
    },
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


class _Responses:
    """What sync and async clients share: errors, ETags, decoding."""

    def __init__(self, conditional: bool) -> None:
        self.conditional = conditional
        self._etags: dict[str, tuple[str, httpx.Response]] = {}

    def headers(self, url: str) -> dict[str, str]:
        cached = self._etags.get(url) if self.conditional else None
        return {"If-None-Match": cached[0]} if cached else {}

    def settle(self, url: str, response: httpx.Response) -> httpx.Response:
        """The response to use: a 304 gives back the one cached for `url`; a problem raises."""
        if response.status_code == 304 and url in self._etags:
            return self._etags[url][1]
        if response.status_code >= 400:
            try:
                problem = response.json()
            except ValueError:
                problem = {"title": response.reason_phrase, "detail": response.text[:200]}
            raise _ERRORS.get(response.status_code, ProblemError)(response.status_code, problem)
        if self.conditional and "etag" in response.headers:
            response.read()
            self._etags[url] = (response.headers["etag"], response)
        return response


@cache
def sparse(model: type[ModelT]) -> type[ModelT]:
    """The model with every field optional: what a `fields=` answer (a sparse fieldset) validates as. Fields
    left out are None. (Statically it is still `model`; a fully typed partial comes with the standalone client.)"""
    optional: dict[str, Any] = {
        name: (field.annotation | None, None)  # type: ignore[operator]
        for name, field in model.model_fields.items()
    }
    partial: type[ModelT] = create_model(f"Sparse{model.__name__}", __base__=model, **optional)
    return partial


def _model_for(model: type[ModelT], params: Params) -> type[ModelT]:
    return sparse(model) if params.get("fields") else model


def _card_path(collection: str, slug: str) -> str:
    """A card's path, given its collection (`therapies`) or its type (`therapy`): one thing, either spelling."""
    kind = ENTITY_KINDS.by_segment(collection)
    if kind is None:
        kind = next((kind for kind in ENTITY_KINDS if kind.name == collection), None)
    return f"{collection_url(kind.segment if kind is not None else collection)}/{slug}/card"


def _url(path: str, params: Params | None) -> httpx.URL:
    return httpx.URL(path, params={k: v for k, v in (params or {}).items() if v is not None})


class Collection(Generic[ModelT]):
    """One entity collection of a sync client: `list` (a page), `iterate` (every item) and `get`."""

    def __init__(self, client: Client, path: str, model: type[ModelT]) -> None:
        self._client, self._path, self._model = client, path, model

    def list(self, **params: Any) -> Page[ModelT]:
        model = _model_for(self._model, params)
        return Page[model].model_validate(self._client.get_json(self._path, params))  # type: ignore[valid-type]

    def iterate(self, **params: Any) -> Iterator[ModelT]:
        """Every item, page after page (`limit` sets the page size, 100 by default)."""
        params = {"limit": MAX_LIMIT, **params, "offset": params.get("offset", 0)}
        while True:
            page = self.list(**params)
            yield from page.items
            params["offset"] += page.limit
            if params["offset"] >= page.total or not page.items:
                return

    def get(self, slug: str, **params: Any) -> ModelT:
        model = _model_for(self._model, params)
        return model.model_validate(self._client.get_json(f"{self._path}/{slug}", params))


class AsyncCollection(Generic[ModelT]):
    """One entity collection of an async client."""

    def __init__(self, client: AsyncClient, path: str, model: type[ModelT]) -> None:
        self._client, self._path, self._model = client, path, model

    async def list(self, **params: Any) -> Page[ModelT]:
        model = _model_for(self._model, params)
        return Page[model].model_validate(await self._client.get_json(self._path, params))  # type: ignore[valid-type]

    async def iterate(self, **params: Any) -> AsyncIterator[ModelT]:
        params = {"limit": MAX_LIMIT, **params, "offset": params.get("offset", 0)}
        while True:
            page = await self.list(**params)
            for item in page.items:
                yield item
            params["offset"] += page.limit
            if params["offset"] >= page.total or not page.items:
                return

    async def get(self, slug: str, **params: Any) -> ModelT:
        body = await self._client.get_json(f"{self._path}/{slug}", params)
        return _model_for(self._model, params).model_validate(body)


class Client:
    """The sync client. Pass `transport=httpx.ASGITransport(app)`-style transports for in-process use."""

    # The collections are made from COLLECTIONS; these annotations give them their static types.
    detection_methods: Collection[DetectionMethodPublic]
    therapies: Collection[TherapyPublic]
    challenges: Collection[ChallengePublic]
    research_directions: Collection[ResearchDirectionPublic]
    findings: Collection[FindingPublic]
    concepts: Collection[ConceptPublic]
    sources: Collection[SourcePublic]

    def __init__(self, base_url: str, *, conditional: bool = False, **httpx_options: Any) -> None:
        self._http = httpx.Client(base_url=base_url, **httpx_options)
        self._responses = _Responses(conditional)
        for segment, model in COLLECTIONS:
            setattr(self, _attribute(segment), Collection(self, collection_url(segment), model))

    def __enter__(self) -> Client:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def close(self) -> None:
        self._http.close()

    def request(self, path: str, params: Params | None = None) -> httpx.Response:
        """GET `path`; problems raise `ProblemError`s; with `conditional`, revalidates by ETag."""
        url = _url(path, params)
        return self._responses.settle(str(url), self._http.get(url, headers=self._responses.headers(str(url))))

    def get_json(self, path: str, params: Params | None = None) -> Any:
        return self.request(path, params).json()

    def healthz(self) -> Health:
        return Health.model_validate(self.get_json("/healthz"))

    def readyz(self) -> Readiness:
        return Readiness.model_validate(self.get_json("/readyz"))

    def search(self, q: str, **params: Any) -> SearchPage:
        return SearchPage.model_validate(self.get_json("/v1/search", {"q": q, **params}))

    def source_text(self, slug: str) -> str:
        return self.request(f"/v1/sources/{slug}/text").text

    def sections(self, source: str, **params: Any) -> Page[SectionPublic]:
        return Page[SectionPublic].model_validate(self.get_json(f"/v1/sources/{source}/sections", params))

    def section(self, source: str, slug: str, **params: Any) -> SectionPublic:
        return SectionPublic.model_validate(self.get_json(f"/v1/sources/{source}/sections/{slug}", params))

    def meta(self) -> MetaPublic:
        return MetaPublic.model_validate(self.get_json("/v1/meta"))

    def export(self, format: str = "json") -> bytes:
        return self.request("/v1/export", {"format": format}).content

    def export_manifest(self, format: str = "json") -> ExportManifest:
        return ExportManifest.model_validate(self.get_json("/v1/export/manifest", {"format": format}))

    def card(self, collection: str, slug: str) -> str:
        """The embeddable card; `collection` is the collection (`therapies`) or the type (`therapy`)."""
        return self.request(_card_path(collection, slug)).text

    def oembed(self, url: str, *, maxwidth: int | None = None, maxheight: int | None = None) -> OEmbedPublic:
        """oEmbed's JSON for an absolute item URL on the API's public origin (the API's `format=xml` is for
        consumers that want XML)."""
        params = {"url": url, "maxwidth": maxwidth, "maxheight": maxheight}
        return OEmbedPublic.model_validate(self.get_json("/v1/oembed", params))


class AsyncClient:
    """The async client: the same methods as `Client`, awaitable."""

    detection_methods: AsyncCollection[DetectionMethodPublic]
    therapies: AsyncCollection[TherapyPublic]
    challenges: AsyncCollection[ChallengePublic]
    research_directions: AsyncCollection[ResearchDirectionPublic]
    findings: AsyncCollection[FindingPublic]
    concepts: AsyncCollection[ConceptPublic]
    sources: AsyncCollection[SourcePublic]

    def __init__(self, base_url: str, *, conditional: bool = False, **httpx_options: Any) -> None:
        self._http = httpx.AsyncClient(base_url=base_url, **httpx_options)
        self._responses = _Responses(conditional)
        for segment, model in COLLECTIONS:
            setattr(self, _attribute(segment), AsyncCollection(self, collection_url(segment), model))

    async def __aenter__(self) -> AsyncClient:
        return self

    async def __aexit__(self, *_: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self._http.aclose()

    async def request(self, path: str, params: Params | None = None) -> httpx.Response:
        url = _url(path, params)
        response = await self._http.get(url, headers=self._responses.headers(str(url)))
        return self._responses.settle(str(url), response)

    async def get_json(self, path: str, params: Params | None = None) -> Any:
        return (await self.request(path, params)).json()

    async def healthz(self) -> Health:
        return Health.model_validate(await self.get_json("/healthz"))

    async def readyz(self) -> Readiness:
        return Readiness.model_validate(await self.get_json("/readyz"))

    async def search(self, q: str, **params: Any) -> SearchPage:
        return SearchPage.model_validate(await self.get_json("/v1/search", {"q": q, **params}))

    async def source_text(self, slug: str) -> str:
        return (await self.request(f"/v1/sources/{slug}/text")).text

    async def sections(self, source: str, **params: Any) -> Page[SectionPublic]:
        return Page[SectionPublic].model_validate(await self.get_json(f"/v1/sources/{source}/sections", params))

    async def section(self, source: str, slug: str, **params: Any) -> SectionPublic:
        return SectionPublic.model_validate(await self.get_json(f"/v1/sources/{source}/sections/{slug}", params))

    async def meta(self) -> MetaPublic:
        return MetaPublic.model_validate(await self.get_json("/v1/meta"))

    async def export(self, format: str = "json") -> bytes:
        return (await self.request("/v1/export", {"format": format})).content

    async def export_manifest(self, format: str = "json") -> ExportManifest:
        return ExportManifest.model_validate(await self.get_json("/v1/export/manifest", {"format": format}))

    async def card(self, collection: str, slug: str) -> str:
        return (await self.request(_card_path(collection, slug))).text

    async def oembed(self, url: str, *, maxwidth: int | None = None, maxheight: int | None = None) -> OEmbedPublic:
        params = {"url": url, "maxwidth": maxwidth, "maxheight": maxheight}
        return OEmbedPublic.model_validate(await self.get_json("/v1/oembed", params))
