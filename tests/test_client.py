"""The typed client, sync and async, against the app through httpx's ASGI transport."""

from __future__ import annotations

import anyio
import httpx
import pytest
from fastapi import FastAPI

from app.client import OPERATIONS, AsyncClient, Client, InvalidParametersError, NotFoundError
from app.models.registry import ENTITY_KINDS
from app.models.source import SourcePublic
from app.models.therapy import TherapyPublic


class SyncASGITransport(httpx.BaseTransport):
    """httpx's ASGI transport, driven from sync code (one event loop per request)."""

    def __init__(self, app: FastAPI) -> None:
        self.inner = httpx.ASGITransport(app=app)

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        async def call() -> httpx.Response:
            response = await self.inner.handle_async_request(request)
            assert isinstance(response.stream, httpx.AsyncByteStream)
            raw = b"".join([chunk async for chunk in response.stream])  # still encoded
            return httpx.Response(response.status_code, headers=response.headers, content=raw, request=request)

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


def test_get_returns_the_apis_model(api: Client) -> None:
    therapy = api.therapies.get("adjuvant-therapy")

    assert isinstance(therapy, TherapyPublic)
    assert therapy.name == "Adjuvant therapy"
    assert therapy.provenance[0].quote


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


def test_the_clients_collections_are_the_registrys_and_their_static_types_match() -> None:
    """The collections are made from the registry; the annotations that type them statically must agree."""
    client, async_client = Client("http://127.0.0.1:1"), AsyncClient("http://127.0.0.1:1")
    expected = {kind.segment.replace("-", "_"): kind.public for kind in ENTITY_KINDS} | {"sources": SourcePublic}

    for name, model in expected.items():
        assert getattr(client, name)._model is model
        assert getattr(async_client, name)._model is model
        assert Client.__annotations__[name] == f"Collection[{model.__name__}]"
        assert AsyncClient.__annotations__[name] == f"AsyncCollection[{model.__name__}]"
    assert {name for name in Client.__annotations__ if not name.startswith("_")} == set(expected)
    client.close()
    anyio.run(async_client.aclose)


def test_a_sparse_fieldset_validates_and_leaves_the_other_fields_none(api: Client) -> None:
    """The API's sparse answer (`fields=name`) is not a full item; the client does not refuse it."""
    therapy = api.therapies.get("adjuvant-therapy", fields="name")
    page = api.findings.list(fields="name,topic", limit=2)

    assert (therapy.type, therapy.slug, therapy.name) == ("therapy", "adjuvant-therapy", "Adjuvant therapy")
    assert therapy.summary is None  # not asked for
    assert [finding.topic for finding in page.items] != [None, None]
    assert all(finding.summary is None for finding in page.items)
    assert api.therapies.get("adjuvant-therapy").summary  # without fields=, the full model
