"""/api/v1 evidence packs (issue 13): make one for a comment or an author (a ZIP download, audited), and check a
pack against the audit log. A thin shell over hierniet.services.evidence, as the desk and `hierniet evidence`."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response
from pydantic import BaseModel, Field

from hierniet.bounds import Id
from hierniet.services import evidence
from hierniet.web.deps import ActorDep, StoreDep

router = APIRouter(tags=["evidence"])

Purpose = Annotated[str, Query(description="Who the pack is for: unia, police or lawyer (its text file follows).")]
Language = Annotated[str, Query(description="The language of its texts: nl, fr, en or de.")]

_ZIP: dict[int | str, dict[str, Any]] = {
    200: {"content": {"application/zip": {}}, "description": "The pack (evidence.pdf, evidence.json, ...)."}
}


def _download(pack: evidence.EvidencePack) -> Response:
    return Response(
        pack.data,
        media_type="application/zip",
        headers={
            "Content-Disposition": f'attachment; filename="{pack.filename}"',
            "X-Evidence-Manifest-SHA256": pack.manifest_sha256,
        },
    )


@router.post(
    "/comments/{comment_id}/evidence-pack",
    response_class=Response,
    responses=_ZIP,
    summary="An evidence pack of one comment (lead; audited)",
)
def comment_pack(
    comment_id: Id, store: StoreDep, actor: ActorDep, purpose: Purpose = "lawyer", language: Language = "en"
) -> Response:
    return _download(evidence.make_pack(store, actor, comment_ids=[comment_id], purpose=purpose, language=language))


@router.post(
    "/authors/{author_id}/evidence-pack",
    response_class=Response,
    responses=_ZIP,
    summary="An evidence pack of an author's comments (lead; audited)",
)
def author_pack(
    author_id: Id, store: StoreDep, actor: ActorDep, purpose: Purpose = "lawyer", language: Language = "en"
) -> Response:
    return _download(evidence.make_pack(store, actor, author_id=author_id, purpose=purpose, language=language))


class FileCheckPublic(BaseModel):
    name: str
    recorded: str | None = Field(description="The SHA-256 the audit log recorded (null: not in the pack as made).")
    found: str | None = Field(description="The SHA-256 of the file sent (null: missing).")
    ok: bool


class VerificationPublic(BaseModel):
    ok: bool = Field(description="True only when the manifest and every file match the audit log.")
    manifest_sha256: str
    zip_sha256: str
    entry_id: int | None = Field(description="The evidence.packed audit entry (null: the manifest is in none).")
    packed_by: str | None
    purpose: str | None
    comment_ids: list[int]
    same_zip: bool = Field(description="The ZIP is byte for byte the one made (not only the same files).")
    files: list[FileCheckPublic]
    problems: list[str]


_ZIP_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "description": "The pack's .zip file as it is (sent as application/octet-stream or application/zip).",
        "content": {
            "application/octet-stream": {"schema": {"type": "string", "format": "binary"}},
        },
    }
}


@router.post(
    "/evidence-packs/verify",
    response_model=VerificationPublic,
    summary="Check a pack against the audit log (lead)",
    openapi_extra=_ZIP_BODY,
)
async def verify(request: Request, store: StoreDep, actor: ActorDep) -> Any:
    # The body is read as it came, whatever its content type says: FastAPI would parse a JSON-typed body
    # before the handler, and a refusal for the caller's role must come first (the service checks it).
    data = await request.body()
    result = await run_in_threadpool(evidence.verify_pack, store, actor, data)
    return VerificationPublic(
        ok=result.ok,
        manifest_sha256=result.manifest_sha256,
        zip_sha256=result.zip_sha256,
        entry_id=result.entry_id,
        packed_by=result.packed_by,
        purpose=result.purpose,
        comment_ids=result.comment_ids,
        same_zip=result.same_zip,
        files=[FileCheckPublic(name=f.name, recorded=f.recorded, found=f.found, ok=f.ok) for f in result.files],
        problems=result.problems,
    )
