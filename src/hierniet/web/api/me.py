"""/api/v1/me/filters: the caller's saved queue filters and the last filter they used (issue 12), over the same
service as the desk's "My filters" (hierniet.services.saved_filters).
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, status

from hierniet.bounds import Id
from hierniet.services import saved_filters as service
from hierniet.web.api.schemas import LastFilterPublic, LastFilterPut, SavedFilterCreate, SavedFilterPublic
from hierniet.web.deps import ActorDep, StoreDep

router = APIRouter(prefix="/me", tags=["me"])


def _desk_url(query: str) -> str:
    return "/desk/" + (f"?{query}" if query else "")


def _public(view: service.SavedFilterView) -> SavedFilterPublic:
    return SavedFilterPublic(id=view.id, name=view.name, query=view.query, desk_url=_desk_url(view.query))


@router.get("/filters", response_model=list[SavedFilterPublic], summary="The caller's saved queue filters")
def get_filters(store: StoreDep, actor: ActorDep) -> Any:
    return [_public(view) for view in service.list_filters(store, actor)]


@router.post(
    "/filters",
    response_model=SavedFilterPublic,
    status_code=status.HTTP_201_CREATED,
    summary="Save a queue filter under a name (409 when the name is taken, unless `replace`)",
)
def post_filter(body: SavedFilterCreate, store: StoreDep, actor: ActorDep) -> Any:
    return _public(service.save_filter(store, actor, body.name, body.query, replace=body.replace))


@router.delete("/filters/{filter_id}", response_model=SavedFilterPublic, summary="Delete one of the caller's filters")
def delete_filter(filter_id: Id, store: StoreDep, actor: ActorDep) -> Any:
    return _public(service.delete_filter(store, actor, filter_id))


@router.get("/filters/last", response_model=LastFilterPublic, summary="The filter the caller last used on the queue")
def get_last_filter(store: StoreDep, actor: ActorDep) -> Any:
    query = service.last_filter(store, actor)
    return LastFilterPublic(query=query, desk_url=_desk_url(query))


@router.put("/filters/last", response_model=LastFilterPublic, summary="Remember a filter as the last one used")
def put_last_filter(body: LastFilterPut, store: StoreDep, actor: ActorDep) -> Any:
    query = service.set_last_filter(store, actor, body.query)
    return LastFilterPublic(query=query, desk_url=_desk_url(query))
