"""The typed client, sync and async, against the app through httpx's ASGI transport."""

from __future__ import annotations

import hashlib
import io
import zipfile
from collections.abc import Callable, Iterator

import anyio
import httpx
import pytest
from fastapi import FastAPI
from micromet_client import models
from micromet_client.resources import SEGMENTS_BY_TYPE, ExportFormatName

from app.client import OPERATIONS, AsyncClient, Client, DigestMismatchError, InvalidParametersError, NotFoundError
from app.models.registry import ENTITY_KINDS
from app.models.source import SourcePublic
from app.models.urls import collection_url


class RawStream(httpx.SyncByteStream):
    def __init__(self, raw: bytes) -> None:
        self.raw = raw

    def __iter__(self) -> Iterator[bytes]:
        yield self.raw


class SyncASGITransport(httpx.BaseTransport):
    """httpx's ASGI transport, driven from sync code (one event loop per request)."""

    def __init__(self, app: FastAPI) -> None:
        self.inner = httpx.ASGITransport(app=app)

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        async def call() -> httpx.Response:
            response = await self.inner.handle_async_request(request)
            assert isinstance(response.stream, httpx.AsyncByteStream)
            raw = b"".join([chunk async for chunk in response.stream])  # still encoded
            # a stream, as over a socket: the client may read the raw (still encoded) bytes
            return httpx.Response(
                response.status_code, headers=response.headers, stream=RawStream(raw), request=request
            )

        return anyio.run(call)


@pytest.fixture
def api(api_app: FastAPI) -> Client:
    return Client("http://micromet.test", transport=SyncASGITransport(api_app))


def test_every_openapi_operation_has_a_client_method_and_no_more(api_app: FastAPI) -> None:
    document = api_app.openapi()
    served = {
        operation["operationId"]: path
        for path, operations in document["paths"].items()
        for operation in operations.values()
    }

    assert set(served) == set(OPERATIONS)
    for operation_id, operation in OPERATIONS.items():
        assert served[operation_id] == operation.path, operation_id
        owner = getattr(Client("http://x"), operation.attribute) if operation.attribute else Client
        assert callable(getattr(owner, operation.method)), operation_id
        async_owner = getattr(AsyncClient("http://x"), operation.attribute) if operation.attribute else AsyncClient
        assert callable(getattr(async_owner, operation.method)), operation_id


def test_get_returns_the_model_generated_from_the_openapi_document_holding_every_field(api: Client) -> None:
    therapy = api.therapies.get("adjuvant-therapy")

    assert isinstance(therapy, models.TherapyPublic)
    assert therapy.name == "Adjuvant therapy"
    assert therapy.provenance[0].quote
    assert therapy.model_dump(mode="json", exclude_unset=True) == api.get_json("/v1/therapies/adjuvant-therapy")


def test_every_item_of_every_collection_validates_as_its_full_model(api: Client) -> None:
    """The full models require what the document lists under `x-required-without-fields`: every item has it."""
    for kind in ENTITY_KINDS:
        collection = getattr(api, kind.segment.replace("-", "_"))
        items = list(collection.iterate())
        assert len(items) == api.meta().counts[kind.name]
        assert all(type(item).__name__ == kind.public.__name__ for item in items)
    source = api.sources.list().items[0].slug
    assert api.sections(source, limit=100).items[0].text


def test_iterate_walks_every_page(api: Client) -> None:
    slugs = [finding.slug for finding in api.findings.iterate(limit=5)]

    assert len(slugs) == api.meta().counts["finding"]
    assert len(set(slugs)) == len(slugs)


def test_a_missing_entity_raises_not_found(api: Client) -> None:
    with pytest.raises(NotFoundError) as caught:
        api.therapies.get("no-such-therapy")

    assert caught.value.status == 404
    assert caught.value.type == "urn:micromet:problem:not-found"


def test_bad_parameters_raise_with_the_invalid_params(api: Client) -> None:
    with pytest.raises(InvalidParametersError) as caught:
        api.findings.list(limit=101)

    assert [param["name"] for param in caught.value.invalid_params] == ["limit"]


def test_search_sections_text_meta_export_and_embed(api: Client) -> None:
    assert api.search("liquid biopsy").items[0].slug == "liquid-biopsy"
    assert api.search("blood sample").match == "partial"
    assert api.suggest("immuno", type="detection-method", limit=3).items[0].slug == "immunohistochemistry"
    source = api.sources.list().items[0].slug
    assert api.sections(source).total == api.meta().counts["section"]
    assert api.section(source, "introduction").slug == "introduction"
    assert api.source_text(source).startswith("Understanding Micrometastases in Cancer")
    assert api.export_manifest().dataset_version == api.meta().dataset_version
    assert api.export("ndjson").count(b"\n") == sum(api.meta().counts.values())
    assert "micromet-card" in api.card("therapies", "adjuvant-therapy")
    # one thing, either spelling: the type's name gives the same card as its collection
    assert api.card("therapy", "adjuvant-therapy") == api.card("therapies", "adjuvant-therapy")
    assert api.card("research-direction", "nanotechnology") == api.card("research-directions", "nanotechnology")
    assert api.oembed("http://127.0.0.1:8000/v1/therapies/adjuvant-therapy").type == "rich"
    assert api.oembed("http://127.0.0.1:8000/v1/therapies/adjuvant-therapy", maxwidth=200).width == 200
    assert api.healthz().status == "ok"
    assert api.readyz().status == "ready"


def test_conditional_requests_revalidate_with_the_etag(api_app: FastAPI) -> None:
    sent: list[httpx.Request] = []
    statuses: list[int] = []
    transport = SyncASGITransport(api_app)

    class Recording(httpx.BaseTransport):
        def handle_request(self, request: httpx.Request) -> httpx.Response:
            sent.append(request)
            response = transport.handle_request(request)
            statuses.append(response.status_code)
            return response

    with Client("http://micromet.test", conditional=True, transport=Recording()) as api:
        first = api.therapies.get("chemotherapy")
        second = api.therapies.get("chemotherapy")

    assert "if-none-match" not in sent[0].headers
    assert sent[1].headers["if-none-match"]
    assert statuses == [200, 304]
    assert second == first


def test_the_async_client_does_the_same(api_app: FastAPI) -> None:
    async def scenario() -> tuple[str, int, int]:
        async with AsyncClient("http://micromet.test", transport=httpx.ASGITransport(app=api_app)) as api:
            therapy = await api.therapies.get("adjuvant-therapy")
            slugs = [finding.slug async for finding in api.findings.iterate(limit=4)]
            meta = await api.meta()
            with pytest.raises(NotFoundError):
                await api.concepts.get("nothing")
            return therapy.name, len(slugs), meta.counts["finding"]

    name, found, expected = anyio.run(scenario)

    assert name == "Adjuvant therapy"
    assert found == expected


def test_the_clients_collections_are_the_registrys_with_the_same_fields() -> None:
    """The generated collections are the registry's kinds and sources, at their paths; their models have the
    server's fields, and the card's type names are the registry's."""
    client, async_client = Client("http://127.0.0.1:1"), AsyncClient("http://127.0.0.1:1")
    expected = {kind.segment: kind.public for kind in ENTITY_KINDS} | {"sources": SourcePublic}

    for segment, public in expected.items():
        name = segment.replace("-", "_")
        assert getattr(client, name).path == getattr(async_client, name).path == collection_url(segment)
        assert set(getattr(models, public.__name__).model_fields) == set(public.model_fields)
        assert set(getattr(models, f"Partial{public.__name__}").model_fields) == set(public.model_fields)
    assert {name for name in vars(client) if not name.startswith("_")} == {s.replace("-", "_") for s in expected}
    assert {kind.name: kind.segment for kind in ENTITY_KINDS} == SEGMENTS_BY_TYPE
    client.close()
    anyio.run(async_client.aclose)


def test_a_sparse_fieldset_answers_the_partial_model(api: Client) -> None:
    """The API's sparse answer (`fields=name`) is not a full item: it validates as the partial model, where the
    fields not asked for are None; the field names may be a list or the API's comma-separated string."""
    therapy = api.therapies.get("adjuvant-therapy", fields=["name"])
    page = api.findings.list(fields="name,topic", limit=2)

    assert isinstance(therapy, models.PartialTherapyPublic)
    assert (therapy.type, therapy.slug, therapy.name) == ("therapy", "adjuvant-therapy", "Adjuvant therapy")
    assert therapy.summary is None  # not asked for
    assert api.therapies.get("adjuvant-therapy", fields="name") == therapy
    assert isinstance(page, models.PagePartialFindingPublic)
    assert [finding.topic for finding in page.items] != [None, None]
    assert all(finding.summary is None for finding in page.items)
    assert [f.slug for f in api.findings.iterate(fields=["name"], limit=3)] == [f.slug for f in api.findings.iterate()]
    assert isinstance(
        api.sections("understanding-micrometastases-in-cancer", fields=["heading"]), models.PagePartialSectionPublic
    )
    assert api.therapies.get("adjuvant-therapy").summary  # without fields=, the full model


def test_a_sparse_fieldset_with_an_unknown_field_is_the_apis_422(api: Client) -> None:
    with pytest.raises(InvalidParametersError) as caught:
        api.therapies.get("adjuvant-therapy", fields=["nmae"])  # type: ignore[list-item]

    assert [param["name"] for param in caught.value.invalid_params] == ["fields"]


class Rewriting(httpx.BaseTransport):
    """The app's transport, with the request or the response changed on the way, as a proxy might."""

    def __init__(
        self,
        inner: httpx.BaseTransport,
        request: Callable[[httpx.Request], None] = lambda _: None,
        raw: Callable[[bytes], bytes] = lambda raw: raw,
        headers: Callable[[httpx.Headers], None] = lambda _: None,
    ) -> None:
        self.inner, self.change_request, self.change_raw, self.change_headers = inner, request, raw, headers

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.change_request(request)
        response = self.inner.handle_request(request)
        raw = self.change_raw(b"".join(response.iter_raw()))
        headers = httpx.Headers(response.headers)
        self.change_headers(headers)
        return httpx.Response(response.status_code, headers=headers, stream=RawStream(raw), request=request)


def _identity(request: httpx.Request) -> None:
    request.headers["Accept-Encoding"] = "identity"


@pytest.mark.parametrize("export_format", ["json", "ndjson", "csv", "jsonld"])
@pytest.mark.parametrize("coding", ["gzip", "identity"])
def test_an_export_is_checked_against_its_digests_and_is_the_manifests_file(
    api_app: FastAPI, export_format: ExportFormatName, coding: str
) -> None:
    seen: list[str] = []
    change = _identity if coding == "identity" else (lambda _: None)
    transport = Rewriting(
        SyncASGITransport(api_app),
        request=change,
        headers=lambda headers: seen.append(headers.get("content-encoding", "identity")),
    )

    with Client("http://micromet.test", transport=transport) as api:
        content = api.export(export_format)
        manifest = api.export_manifest(export_format)

    assert seen[0] == coding
    if export_format == "csv":  # a zip: the manifest lists its members
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            files = {name: archive.read(name) for name in archive.namelist()}
    else:
        files = {manifest.files[0].name: content}
    for listed in manifest.files:
        assert hashlib.sha256(files[listed.name]).hexdigest() == listed.sha256


def _flip_last_byte(raw: bytes) -> bytes:
    return raw[:-1] + bytes([raw[-1] ^ 1])


def _drop(*names: str) -> Callable[[httpx.Headers], None]:
    def drop(headers: httpx.Headers) -> None:
        for name in names:
            headers.pop(name, None)

    return drop


def _replace_file_hash(headers: httpx.Headers) -> None:
    headers["X-Content-SHA256"] = "0" * 64


@pytest.mark.parametrize(
    ("coding", "raw", "headers"),
    [
        ("gzip", _flip_last_byte, lambda _: None),
        ("identity", _flip_last_byte, lambda _: None),
        ("gzip", lambda raw: raw, _drop("content-digest")),
        ("gzip", lambda raw: raw, _drop("repr-digest")),
        ("identity", lambda raw: raw, _drop("x-content-sha256")),
        ("identity", lambda raw: raw, _replace_file_hash),
    ],
    ids=["gzip-body-changed", "body-changed", "no-content-digest", "no-repr-digest", "no-file-hash", "wrong-file-hash"],
)
def test_an_export_whose_bytes_and_digests_disagree_is_refused(
    api_app: FastAPI,
    coding: str,
    raw: Callable[[bytes], bytes],
    headers: Callable[[httpx.Headers], None],
) -> None:
    change = _identity if coding == "identity" else (lambda _: None)
    transport = Rewriting(SyncASGITransport(api_app), request=change, raw=raw, headers=headers)

    with Client("http://micromet.test", transport=transport) as api, pytest.raises(DigestMismatchError):
        api.export("ndjson")


def test_a_conditional_export_revalidates_and_gives_the_checked_file_again(api_app: FastAPI) -> None:
    statuses: list[int] = []
    transport = Rewriting(SyncASGITransport(api_app), headers=lambda _: None)
    inner_handle = transport.handle_request

    def recording(request: httpx.Request) -> httpx.Response:
        response = inner_handle(request)
        statuses.append(response.status_code)
        return response

    transport.handle_request = recording  # type: ignore[method-assign]
    with Client("http://micromet.test", conditional=True, transport=transport) as api:
        first, second = api.export("csv"), api.export("csv")

    assert statuses == [200, 304]
    assert second == first
    assert first[:2] == b"PK"


def test_a_slug_stays_in_its_path_segment(api: Client) -> None:
    """A slug is percent-encoded: `../meta` or `x?fields=slug` is asked for as a slug (and is not found), never
    as another route or a query."""
    for slug in ("../../v1/meta", "../findings", "chemotherapy?fields=slug", "x#y", "a/b"):
        with pytest.raises(NotFoundError):
            api.therapies.get(slug)
    with pytest.raises(NotFoundError):
        api.card("therapy", "../../meta")


def test_search_types_take_one_value_or_any_sequence(api: Client) -> None:
    one = api.search("therapy", type="finding")
    several = api.search("therapy", type=("finding", "concept"))

    assert {hit.type for hit in one.items} == {"finding"}
    assert {hit.type for hit in several.items} <= {"finding", "concept"}
    assert several.total == one.facets["finding"] + one.facets["concept"]


def test_include_takes_a_sequence_of_relation_names(api: Client) -> None:
    therapy = api.therapies.get("adjuvant-therapy", include=["sections", "concepts"])

    assert therapy.embedded is not None
    assert set(therapy.embedded) == {"sections", "concepts"}


def test_an_export_from_a_mock_transport_is_checked_when_it_is_not_coded(api_app: FastAPI) -> None:
    """A test double made with `content=` (already read by httpx) still has its digests checked."""
    real = Client("http://micromet.test", transport=Rewriting(SyncASGITransport(api_app), request=_identity))
    body = real.export("ndjson")
    response = real.request("/v1/export", {"format": "ndjson"})
    headers = {k: v for k, v in response.headers.items() if k.lower() != "content-encoding"}
    good = httpx.MockTransport(lambda request: httpx.Response(200, headers=headers, content=body))
    bad = httpx.MockTransport(lambda request: httpx.Response(200, headers=headers, content=body + b"\n"))

    assert Client("http://m", transport=good).export("ndjson") == body
    with pytest.raises(DigestMismatchError):
        Client("http://m", transport=bad).export("ndjson")
    assert Client("http://m", transport=bad).export("ndjson", verify=False) == body + b"\n"


def test_the_async_export_raises_the_apis_problem(api_app: FastAPI) -> None:
    async def scenario() -> tuple[int, bytes]:
        transport = httpx.ASGITransport(app=api_app)
        async with AsyncClient("http://micromet.test", transport=transport) as api:
            with pytest.raises(InvalidParametersError) as caught:
                await api.export("xml")  # type: ignore[arg-type]
            return caught.value.status, await api.export("ndjson")

    status, body = anyio.run(scenario)

    assert status == 422
    assert body.count(b"\n") > 0
