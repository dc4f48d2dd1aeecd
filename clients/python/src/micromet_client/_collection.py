"""What every collection shares, sync and async: pages, walking them, items, and the `fields=` parameter.

The generated classes (`resources.py`) give each collection its typed signatures and call these."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator, Mapping, Sequence
from typing import Any, Protocol, Self, TypeAlias, TypeVar
from urllib.parse import quote

from pydantic import BaseModel

MAX_LIMIT = 100
"""The API's largest page: what `iterate` asks for unless given a `limit`."""

FieldT = TypeVar("FieldT", bound=str)
Fields: TypeAlias = str | Sequence[FieldT]
"""A sparse fieldset: the field names, as a sequence or as the API's comma-separated string."""

ModelT = TypeVar("ModelT", bound=BaseModel)
ItemT_co = TypeVar("ItemT_co", covariant=True)


class PageOf(Protocol[ItemT_co]):
    """What a page model has: its items, where it is in the whole, and pydantic's validation."""

    @classmethod
    def model_validate(cls, obj: Any) -> Self: ...
    @property
    def items(self) -> Sequence[ItemT_co]: ...
    @property
    def total(self) -> int: ...
    @property
    def limit(self) -> int: ...


class SyncRequester(Protocol):
    def get_json(self, path: str, params: Mapping[str, Any] | None = None) -> Any: ...


class AsyncRequester(Protocol):
    async def get_json(self, path: str, params: Mapping[str, Any] | None = None) -> Any: ...


def _query(fields: Fields[str] | None, params: Mapping[str, Any]) -> dict[str, Any]:
    """The request's query: the parameters, with `fields` and `include` joined as the API takes them."""
    joined = {**params, "fields": fields}
    for name in ("fields", "include"):  # comma-separated lists in the API
        value = joined.get(name)
        if value is not None and not isinstance(value, str):
            joined[name] = ",".join(value)
    return joined


def _first_page(params: Mapping[str, Any]) -> dict[str, Any]:
    return {"limit": MAX_LIMIT, **params, "offset": params.get("offset", 0)}


class SyncCollection:
    """One collection of the sync client; `path` is its URL path."""

    path = ""

    def __init__(self, requester: SyncRequester) -> None:
        self._requester = requester

    def _page(self, model: type[ModelT], fields: Fields[str] | None, params: Mapping[str, Any]) -> ModelT:
        return model.model_validate(self._requester.get_json(self.path, _query(fields, params)))

    def _items(
        self, model: type[PageOf[ItemT_co]], fields: Fields[str] | None, params: Mapping[str, Any]
    ) -> Iterator[ItemT_co]:
        page_query = _first_page(params)
        while True:
            page = model.model_validate(self._requester.get_json(self.path, _query(fields, page_query)))
            yield from page.items
            page_query["offset"] += page.limit
            if page_query["offset"] >= page.total or not page.items:
                return

    def _item(self, model: type[ModelT], slug: str, fields: Fields[str] | None, params: Mapping[str, Any]) -> ModelT:
        return model.model_validate(
            self._requester.get_json(f"{self.path}/{quote(slug, safe='')}", _query(fields, params))
        )


class AsyncCollection:
    """One collection of the async client."""

    path = ""

    def __init__(self, requester: AsyncRequester) -> None:
        self._requester = requester

    async def _page(self, model: type[ModelT], fields: Fields[str] | None, params: Mapping[str, Any]) -> ModelT:
        return model.model_validate(await self._requester.get_json(self.path, _query(fields, params)))

    async def _items(
        self, model: type[PageOf[ItemT_co]], fields: Fields[str] | None, params: Mapping[str, Any]
    ) -> AsyncIterator[ItemT_co]:
        page_query = _first_page(params)
        while True:
            page = model.model_validate(await self._requester.get_json(self.path, _query(fields, page_query)))
            for item in page.items:
                yield item
            page_query["offset"] += page.limit
            if page_query["offset"] >= page.total or not page.items:
                return

    async def _item(
        self, model: type[ModelT], slug: str, fields: Fields[str] | None, params: Mapping[str, Any]
    ) -> ModelT:
        return model.model_validate(
            await self._requester.get_json(f"{self.path}/{quote(slug, safe='')}", _query(fields, params))
        )
