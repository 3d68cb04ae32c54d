"""/api/v1/signatories: the charter's join requests from the public site, for admins (approve, reject)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query
from pydantic import BaseModel, ConfigDict, Field, field_validator

from hierniet.bounds import Id, check_text
from hierniet.services import signatories as service
from hierniet.services.signatories import SignatoryStatus, SignatoryType
from hierniet.web.deps import ActorDep, StoreDep

router = APIRouter(prefix="/signatories", tags=["signatories"])


class SignatoryPublic(BaseModel):
    """A join request as admins see it; the public site never shows `contact_email`."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str
    type: SignatoryType
    website: str
    contact_email: str
    language: str
    status: SignatoryStatus
    has_logo: bool
    submitted_at: datetime
    decided_at: datetime | None
    decided_by: int | None = Field(description="the user who approved or rejected it")
    decision_reason: str


class RejectBody(BaseModel):
    reason: str = Field("", max_length=1000, description="why, for the other admins (not sent to anyone)")

    @field_validator("reason")
    @classmethod
    def _storable(cls, value: str) -> str:
        return check_text(value)


@router.get("", response_model=list[SignatoryPublic], summary="Join requests (pending by default, oldest first)")
def list_requests(
    store: StoreDep,
    actor: ActorDep,
    status: Annotated[SignatoryStatus, Query(description="pending, approved or rejected")] = SignatoryStatus.PENDING,
) -> Any:
    return service.list_requests(store, actor, status.value)


@router.get("/{signatory_id}", response_model=SignatoryPublic, summary="One join request")
def get_request(signatory_id: Id, store: StoreDep, actor: ActorDep) -> Any:
    return service.get_request(store, actor, signatory_id)


@router.post("/{signatory_id}/approve", response_model=SignatoryPublic, summary="List it publicly")
def approve(signatory_id: Id, store: StoreDep, actor: ActorDep) -> Any:
    return service.approve(store, actor, signatory_id)


@router.post("/{signatory_id}/reject", response_model=SignatoryPublic, summary="Refuse it")
def reject(signatory_id: Id, store: StoreDep, actor: ActorDep, body: RejectBody | None = None) -> Any:
    return service.reject(store, actor, signatory_id, body.reason if body else "")
