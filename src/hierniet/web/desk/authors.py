"""The desk's author page (issue 12): /desk/authors/{id}, one author with every comment of theirs the person
may see (across channels, newest first, shielded as in the queue), their strikes, decisions and block status
per organisation. A thin shell over hierniet.services.search.author_page (GET /api/v1/authors/{id} and
GET /api/v1/queue?author_id=...&status=any give the same to the API)."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import Response

from hierniet.bounds import Id
from hierniet.services import desk, evidence_text, queue, search
from hierniet.services.auth import Permission
from hierniet.web.desk.context import PREFIX, SignedIn, render
from hierniet.web.desk.routes import Row, page_count

authors_router = APIRouter(prefix=PREFIX, include_in_schema=False)

# Far past any real page, and small enough that the rows to skip fit the database's integers.
_MAX_PAGE = 1_000_000


@authors_router.get("/authors/{author_id}")
def author_page(ctx: SignedIn, author_id: Id, page: int = 1) -> Response:
    actor = ctx.actor
    size = max(1, min(ctx.settings.desk_page_size, queue.MAX_LIMIT))
    page = min(max(1, page), _MAX_PAGE)
    found = search.author_page(ctx.store, actor, author_id, limit=size, offset=(page - 1) * size)
    evidence = desk.preview_evidence(ctx.store, actor, [i.id for i in found.comments.items])
    prefs = ctx.preferences
    rows = [
        Row(
            item=item,
            preview=desk.segments(item.text, evidence.get(item.id, []), mask_slurs=prefs.shield != "show", limit=280),
            shield=None if item.id in ctx.revealed else desk.shield_for(item.labels, item.severity, prefs),
            severe=desk.is_severe(item.labels, item.severity),
        )
        for item in found.comments.items
    ]
    pages = page_count(found.comments, size)
    here = f"{PREFIX}/authors/{author_id}"
    return render(
        ctx,
        "author.html",
        a=found.detail,
        organisations=found.organisations,
        rows=rows,
        total=found.comments.total,
        total_exact=found.comments.total_exact,
        page_number=min(page, pages),
        pages=pages,
        prev_url=f"{here}?page={page - 1}" if page > 1 else None,
        next_url=f"{here}?page={page + 1}" if page < pages or not found.comments.total_exact else None,
        # An evidence pack of the author's history, for the people who may hold words as evidence (leads).
        pack_purposes=evidence_text.PURPOSES if ctx.can(Permission.MANAGE_PERSONAL_DATA) else (),
    )
