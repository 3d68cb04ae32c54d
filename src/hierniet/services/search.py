"""Search (issue 12): the words of a query, the authors it names, and one author's page.

Comment search itself is a filter of the queue (`QueueFilters.q`), so it combines with every other filter,
pages like the queue and is scoped to the actor's organisations by the same query; how each backend
matches words is in hierniet.store.search.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from hierniet.services import convert
from hierniet.services.auth import Actor, Permission, require
from hierniet.services.errors import InvalidInput
from hierniet.services.views import AuthorDetail, AuthorRef, Page, QueueItem
from hierniet.store import repo
from hierniet.store.search import MAX_QUERY_CHARS, MAX_TERMS, Term, terms

#: Authors listed beside the results of a search.
AUTHORS_SHOWN = 5

__all__ = ["AUTHORS_SHOWN", "MAX_QUERY_CHARS", "MAX_TERMS", "AuthorPage", "author_page", "matching_authors"]


def search_terms(q: str | None) -> tuple[Term, ...]:
    """The words of a query; () for none. A query too long, with too many words or no word at all is refused."""
    if q is None or not q.strip():
        return ()
    if len(q) > MAX_QUERY_CHARS:
        raise InvalidInput(f"the search is {len(q)} characters long: search for at most {MAX_QUERY_CHARS}")
    words = terms(q)
    if not words:
        raise InvalidInput(f"the search {q.strip()!r} has no word in it: search for letters or digits")
    if len(words) > MAX_TERMS:
        raise InvalidInput(f"the search has {len(words)} words: search for at most {MAX_TERMS}")
    return tuple(words)


def matching_authors(store: repo.Store, actor: Actor, q: str | None, *, limit: int = AUTHORS_SHOWN) -> list[AuthorRef]:
    """Authors whose name or handle holds every word of `q` (as prefixes), among those who commented on the
    actor's organisations' channels."""
    require(actor, Permission.READ_QUEUE, "search authors")
    words = search_terms(q)
    if not words:
        return []
    with store.session() as s:
        found = repo.authors_matching(s, words, organisation_id=actor.organisation_id, limit=limit)
    return [ref for ref in (convert.author_ref(a) for a in found) if ref is not None]


@dataclass(frozen=True, slots=True)
class OrganisationHistory:
    """One organisation's reading of the author: their strikes and whether they are blocked there."""

    name: str
    blocked: bool  # a block (by a person or the machine) is in the history the policy reads


@dataclass(frozen=True, slots=True)
class AuthorPage:
    detail: AuthorDetail
    organisations: dict[int, OrganisationHistory]
    comments: Page[QueueItem]


def author_page(
    store: repo.Store, actor: Actor, author_id: int, *, limit: int, offset: int, now: datetime | None = None
) -> AuthorPage:
    """One author with their history per organisation the actor sees and all their comments there, newest first."""
    # Imported here: hierniet.services.queue imports this module for search_terms.
    from hierniet.services import authors, queue

    detail = authors.author_detail(store, actor, author_id, now=now)
    organisations: dict[int, OrganisationHistory] = {}
    with store.session() as s:
        for history in detail.histories:
            organisation = repo.get_organisation(s, history.organisation_id)
            organisations[history.organisation_id] = OrganisationHistory(
                name=organisation.name if organisation else str(history.organisation_id),
                blocked=any(e.step == "block" for e in history.entries),
            )
    filters = queue.QueueFilters(author_id=author_id, status=(queue.ANY_STATUS,), order="newest")
    comments = queue.queue(store, actor, filters, limit=limit, offset=offset)
    return AuthorPage(detail=detail, organisations=organisations, comments=comments)
