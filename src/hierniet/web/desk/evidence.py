"""The desk's evidence packs (issue 13): on a comment's page, where a report to Unia or the police is
recommended or chosen, the text to paste into Unia's form (or a police statement) in the person's language with
a copy button, and "Make evidence pack", which downloads the ZIP. A thin shell over hierniet.services.evidence
(the same as `hierniet evidence`); the report's to-do it leaves is ticked with the comment's other to-dos.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import APIRouter, Depends, Form
from fastapi.responses import RedirectResponse, Response

from hierniet.bounds import Id
from hierniet.services import evidence, evidence_text
from hierniet.services.auth import Permission
from hierniet.services.errors import ServiceError
from hierniet.services.views import CommentDetail
from hierniet.web.desk.context import PREFIX, DeskContext, SignedIn
from hierniet.web.desk.security import check_csrf

evidence_router = APIRouter(prefix=PREFIX, include_in_schema=False)

#: The reports a pack is offered for on the page, in this order (a lawyer's pack is chosen from the list).
_REPORTS = ("unia", "police")


@dataclass(frozen=True, slots=True)
class Report:
    """One report outside the platform as the page offers it: who to, and the text to paste (None while the
    comment is shielded: it quotes the comment unmasked)."""

    purpose: str
    statement: str | None


@dataclass(frozen=True, slots=True)
class EvidencePanel:
    reports: list[Report]
    purposes: tuple[str, ...]


def panel(ctx: DeskContext, detail: CommentDetail, *, shielded: bool) -> EvidencePanel | None:
    """What the comment's page shows of reports and packs; None for a person who may not make packs."""
    if not ctx.can(Permission.MANAGE_PERSONAL_DATA):
        return None
    named: set[str] = set(detail.recommendation.reports) if detail.recommendation else set()
    for d in detail.decisions:
        named |= set(d.reports)
    language = ctx.locale if ctx.locale in evidence_text.LANGUAGES else "en"
    reports = [
        Report(
            purpose=purpose,
            statement=None
            if shielded
            else evidence.statement_for(
                ctx.store, ctx.actor, detail.id, purpose=purpose, language=language, zone=ctx.zone
            ),
        )
        for purpose in _REPORTS
        if purpose in named
    ]
    return EvidencePanel(reports=reports, purposes=evidence_text.PURPOSES)


@evidence_router.post("/comments/{comment_id}/evidence", dependencies=[Depends(check_csrf)])
def make_pack(ctx: SignedIn, comment_id: Id, purpose: Annotated[str, Form()] = "") -> Response:
    """The pack as a download, in the person's language; a refusal comes back at the top of the comment's page."""
    return _pack(ctx, f"{PREFIX}/comments/{comment_id}", purpose, comment_ids=[comment_id])


@evidence_router.post("/authors/{author_id}/evidence", dependencies=[Depends(check_csrf)])
def make_author_pack(ctx: SignedIn, author_id: Id, purpose: Annotated[str, Form()] = "") -> Response:
    """One pack of an author's comments (their history, for Unia, the police or a lawyer) from the author's page;
    the same as `hierniet evidence --author` and the API."""
    return _pack(ctx, f"{PREFIX}/authors/{author_id}", purpose, author_id=author_id)


def _pack(
    ctx: DeskContext, back: str, purpose: str, *, comment_ids: list[int] | None = None, author_id: int | None = None
) -> Response:
    language = ctx.locale if ctx.locale in evidence_text.LANGUAGES else "en"
    # Who may make packs is checked before anything else: a moderator is refused (403), not sent back.
    evidence.require_pack(ctx.actor)
    try:
        pack = evidence.make_pack(
            ctx.store,
            ctx.actor,
            comment_ids=comment_ids or (),
            author_id=author_id,
            purpose=purpose,
            language=language,
            zone=ctx.zone,
        )
    except ServiceError as exc:
        if exc.status_code == 404:
            raise
        ctx.flash(ctx.error(exc), "error")
        return RedirectResponse(back, status_code=303)
    return Response(
        pack.data,
        media_type="application/zip",
        headers={
            "Content-Disposition": f'attachment; filename="{pack.filename}"',
            # The manifest's hash names the pack in the audit log: a person can note it beside the file.
            "X-Evidence-Manifest-SHA256": pack.manifest_sha256,
        },
    )
