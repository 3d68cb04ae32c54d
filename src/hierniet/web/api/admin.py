"""/api/v1/organisations, /channels, /users, /tokens and /me: administration (admin) and who am I."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, status

from hierniet.bounds import Id
from hierniet.services import admin as service
from hierniet.web.api.schemas import (
    ChannelCreate,
    ChannelPublic,
    ChannelUpdate,
    MePublic,
    OrganisationCreate,
    OrganisationPublic,
    TokenCreate,
    TokenCreated,
    TokenPublic,
    UserCreate,
    UserPublic,
    UserUpdate,
)
from hierniet.web.deps import ActorDep, StoreDep

router = APIRouter(tags=["admin"])


@router.get("/me", response_model=MePublic, summary="Who the token belongs to and what they may do")
def get_me(store: StoreDep, actor: ActorDep) -> MePublic:
    return MePublic(
        user_id=actor.user_id,
        name=actor.name,
        role=actor.role,
        organisation_id=actor.organisation_id,
        permissions=sorted(actor.permissions),
        email=service.own_user(store, actor).email if actor.user_id is not None else None,
    )


@router.get("/organisations", response_model=list[OrganisationPublic])
def list_organisations(store: StoreDep, actor: ActorDep) -> Any:
    return service.list_organisations(store, actor)


@router.post("/organisations", response_model=OrganisationPublic, status_code=status.HTTP_201_CREATED)
def create_organisation(body: OrganisationCreate, store: StoreDep, actor: ActorDep) -> Any:
    return service.create_organisation(store, actor, slug=body.slug, name=body.name, policy_yaml=body.policy)


@router.get("/channels", response_model=list[ChannelPublic])
def list_channels(store: StoreDep, actor: ActorDep) -> Any:
    return service.list_channels(store, actor)


@router.post("/channels", response_model=ChannelPublic, status_code=status.HTTP_201_CREATED)
def create_channel(body: ChannelCreate, store: StoreDep, actor: ActorDep) -> Any:
    return service.create_channel(
        store,
        actor,
        organisation_id=body.organisation_id,
        platform=body.platform,
        external_id=body.external_id,
        name=body.name,
        policy_yaml=body.policy,
        credentials_ref=body.credentials_ref,
    )


@router.patch("/channels/{channel_id}", response_model=ChannelPublic)
def update_channel(channel_id: Id, body: ChannelUpdate, store: StoreDep, actor: ActorDep) -> Any:
    sent = body.model_fields_set
    return service.update_channel(
        store,
        actor,
        channel_id,
        name=body.name,
        **({"policy_yaml": body.policy} if "policy" in sent else {}),
        **({"credentials_ref": body.credentials_ref} if "credentials_ref" in sent else {}),
    )


@router.get("/users", response_model=list[UserPublic])
def list_users(store: StoreDep, actor: ActorDep) -> Any:
    return service.list_users(store, actor)


@router.post("/users", response_model=UserPublic, status_code=status.HTTP_201_CREATED)
def create_user(body: UserCreate, store: StoreDep, actor: ActorDep) -> Any:
    return service.create_user(
        store, actor, name=body.name, role=body.role.value, organisation_id=body.organisation_id, email=body.email
    )


@router.patch("/users/{user_id}", response_model=UserPublic)
def update_user(user_id: Id, body: UserUpdate, store: StoreDep, actor: ActorDep) -> Any:
    """Admins change a person's role, activity or e-mail address; anyone changes their own address (send only
    `email`, to the `user_id` of GET /api/v1/me)."""
    return service.update_user(
        store,
        actor,
        user_id,
        role=body.role.value if body.role else None,
        active=body.active,
        # Left out, the address stays; sent as null or "", it is removed.
        **({"email": body.email} if "email" in body.model_fields_set else {}),
    )


@router.get("/users/{user_id}/tokens", response_model=list[TokenPublic])
def list_tokens(user_id: Id, store: StoreDep, actor: ActorDep) -> Any:
    return service.list_tokens(store, actor, user_id)


@router.post("/users/{user_id}/tokens", response_model=TokenCreated, status_code=status.HTTP_201_CREATED)
def create_token(user_id: Id, body: TokenCreate, store: StoreDep, actor: ActorDep) -> Any:
    """The token is in the answer and nowhere else: store it now."""
    return service.create_token(store, actor, user_id, body.name)


@router.delete("/tokens/{token_id}", response_model=TokenPublic, summary="Revoke a token")
def revoke_token(token_id: Id, store: StoreDep, actor: ActorDep) -> Any:
    return service.revoke_token(store, actor, token_id)
