"""`/v1/detection-methods`, `/v1/therapies` and the other entity collections: one list and one item route per
entity kind, generated from its registry entry."""

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request
from pydantic import create_model
from starlette.responses import Response

from app.deps import CatalogDep
from app.models.query import CollectionQuery, EntityCollectionQuery, ItemQuery, Page
from app.models.registry import EntityKind
from app.routers.v1.params import fields_param, include_param
from app.routers.v1.representations import LINKED_DATA, item_response
from app.web.openapi import COLLECTION_ERRORS, ITEM_ERRORS
from app.web.paging import paged_response


class UndeclaredFilterError(RuntimeError):
    """A collection's query model has a filter that the kind's registry entry does not declare: the catalog
    would not know how to apply it, so the app refuses to start rather than ignore or guess."""


def collection_query(
    kind: EntityKind, base: type[EntityCollectionQuery] = EntityCollectionQuery
) -> type[EntityCollectionQuery]:
    """The list route's query model: paging, order, `fields=` from the public model, and the kind's filters;
    every filter it ends up with must be declared in the registry."""
    parameters: dict[str, Any] = {"fields": (str | None, fields_param(kind.public))}
    parameters |= {declared.name: declared.parameter for declared in kind.filters if declared.parameter is not None}
    model = create_model(f"{kind.table.__name__}Query", __base__=base, **parameters)
    undeclared = set(model.model_fields) - set(CollectionQuery.model_fields) - set(kind.filters_by_name)
    if undeclared:
        raise UndeclaredFilterError(
            f"{kind.name}: query parameter(s) {', '.join(sorted(undeclared))} are not declared as filters in "
            "the registry (app/models/registry.py)."
        )
    return model


def item_query(kind: EntityKind) -> type[ItemQuery]:
    """The item route's query model: `fields=` from the public model and `include=` from the kind's relations."""
    return create_model(
        f"{kind.table.__name__}ItemQuery",
        __base__=ItemQuery,
        fields=(str | None, fields_param(kind.public)),
        include=(str | None, include_param(kind.relations)),
    )


def entity_router(kind: EntityKind) -> APIRouter:
    """`GET /{segment}` (paged, filtered) and `GET /{segment}/{slug}` (JSON or JSON-LD) for one entity kind."""
    router = APIRouter(prefix=f"/{kind.segment}", tags=[kind.segment])
    ListQuery: Any = collection_query(kind)  # noqa: N806 - types built from the registry
    GetQuery: Any = item_query(kind)  # noqa: N806

    def list_entities(request: Request, query: Annotated[ListQuery, Query()], catalog: CatalogDep) -> Response:
        items, total = catalog.list_entities(kind, query)
        return paged_response(request, items, total, query)

    def get_entity(
        request: Request,
        slug: Annotated[str, Path(max_length=120, examples=[kind.slug_example])],
        query: Annotated[GetQuery, Query()],
        catalog: CatalogDep,
    ) -> Response:
        item = catalog.get_entity(kind, slug, fields=query.fields, include=query.include)
        return item_response(request, item)

    router.add_api_route(
        "",
        list_entities,
        methods=["GET"],
        name="list",
        summary=f"List {kind.plural}",
        description=kind.list_description,
        response_model=Page[kind.public],  # type: ignore[name-defined]
        responses=COLLECTION_ERRORS,
    )
    router.add_api_route(
        "/{slug}",
        get_entity,
        methods=["GET"],
        name="get",
        summary=f"Get {kind.singular}",
        description=kind.item_description,
        response_model=kind.public,
        responses={**ITEM_ERRORS, **LINKED_DATA},
    )
    return router
