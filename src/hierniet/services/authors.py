"""Authors: who comments, how often, and their history per organisation."""

from __future__ import annotations

from datetime import datetime

from hierniet.services import convert
from hierniet.services.auth import Actor, Permission, require
from hierniet.services.errors import InvalidInput, NotFound
from hierniet.services.history import describe, load_histories, since_for
from hierniet.services.policies import policy_for
from hierniet.services.queue import MAX_LIMIT
from hierniet.services.views import AuthorDetail, AuthorRef, AuthorSummary, Page
from hierniet.store import repo
from hierniet.store.tables import utcnow


def list_authors(
    store: repo.Store,
    actor: Actor,
    *,
    platform: str | None = None,
    search: str | None = None,
    flagged_only: bool = False,
    limit: int = 50,
    offset: int = 0,
) -> Page[AuthorSummary]:
    """Authors of comments on the actor's organisations, the most active first."""
    require(actor, Permission.READ_QUEUE, "list authors")
    if not 1 <= limit <= MAX_LIMIT or offset < 0:
        raise InvalidInput(f"ask for 1 to {MAX_LIMIT} authors from an offset of 0 or more")
    with store.session() as s:
        rows, total = repo.list_authors(
            s,
            organisation_id=actor.organisation_id,
            platform=platform or None,
            search=search or None,
            flagged_only=flagged_only,
            limit=limit,
            offset=offset,
        )
    items = []
    for row in rows:
        ref = convert.author_ref(row.author)
        assert ref is not None
        items.append(
            AuthorSummary(
                author=ref,
                in_belgium=row.author.in_belgium,
                comments=row.comments,
                open=row.open,
                last_seen=row.last_seen,
            )
        )
    return Page(items=items, total=total, limit=limit, offset=offset)


def author_detail(store: repo.Store, actor: Actor, author_id: int, *, now: datetime | None = None) -> AuthorDetail:
    """One author with their history on each organisation the actor sees."""
    require(actor, Permission.READ_QUEUE, "read authors")
    now = now or utcnow()
    with store.session() as s:
        author = repo.get_author(s, author_id)
        organisations = [o for o in repo.author_organisations(s, author_id) if actor.sees(o)] if author else []
        if author is None or not organisations:
            raise NotFound(f"no author {author_id}: list authors with GET /api/v1/authors")
        histories = []
        for organisation_id in organisations:
            organisation = repo.get_organisation(s, organisation_id)
            policy = policy_for(None, organisation.policy_yaml if organisation else None)
            key = (organisation_id, author_id)
            entries = load_histories(s, [key], since_for(now, policy.escalation.window_days))[key]
            histories.append(describe(organisation_id, entries, policy, now))
    return AuthorDetail(
        author=AuthorRef(id=author.id, platform=author.platform, external_id=author.external_id, name=author.name),
        in_belgium=author.in_belgium,
        created_at=author.created_at,
        histories=histories,
    )
