"""Each person's queue filters: the ones they saved under a name, and the last one they used.

A filter is the query string of the queue's address (what the filter form sends), kept as it was typed
and without the page number, so the queue reads it exactly as it reads its own address and a filter added
to the queue later needs nothing here. The last filter lives in the person's preferences
(`users.preferences["queue_filter"]`), written only when it changes.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import parse_qsl, urlencode

from hierniet.services import audit
from hierniet.services.auth import Actor, Permission, require
from hierniet.services.errors import Conflict, InvalidInput, NotFound
from hierniet.store import repo, repo_desk, repo_team
from hierniet.store.tables import utcnow

#: Enough for a team's habits; a longer list is no longer a shortcut.
MAX_FILTERS = 30
MAX_NAME = 100
MAX_QUERY = 1000
#: Not part of a filter: where one is in the list, and the queue's own commands.
_NOT_FILTERS = frozenset({"page", "clear", "csrf_token"})
#: The filters of the desk queue's address (hierniet.web.desk.routes.QueueForm): a saved filter holds only
#: these, so one sent through the API in another shape is refused rather than kept and silently ignored.
FILTER_KEYS = (
    "q",
    "channel",
    "label",
    "language",
    "severity",
    "status",
    "author",
    "since",
    "until",
    "order",
    "assigned",
)
_PREFERENCE = "queue_filter"


@dataclass(frozen=True, slots=True)
class SavedFilterView:
    id: int
    name: str
    query: str


def normalise(query: str) -> str:
    """The filter part of a queue query string: empty values and the page left out, order kept."""
    pairs = [(k, v.strip()) for k, v in parse_qsl(query, keep_blank_values=True) if k not in _NOT_FILTERS]
    return urlencode([(k, v) for k, v in pairs if v])


def _person(actor: Actor) -> int:
    require(actor, Permission.READ_QUEUE, "filter the queue")
    if actor.user_id is None:
        raise InvalidInput("only a person with an account has saved filters")
    return actor.user_id


def list_filters(store: repo.Store, actor: Actor) -> list[SavedFilterView]:
    if actor.user_id is None:
        return []
    with store.session() as s:
        return [SavedFilterView(f.id, f.name, f.query) for f in repo_team.saved_filters(s, actor.user_id)]


def unknown_keys(query: str) -> list[str]:
    """The names in a filter's query string that the desk queue does not read, in their order."""
    found = [k for k, _ in parse_qsl(query, keep_blank_values=True) if k not in FILTER_KEYS]
    return list(dict.fromkeys(found))


def known_only(query: str) -> str:
    """The filter with only the names the queue reads (the desk saves what its own address holds)."""
    return urlencode([(k, v) for k, v in parse_qsl(normalise(query)) if k in FILTER_KEYS])


def _check_keys(query: str) -> None:
    if unknown := unknown_keys(query):
        raise InvalidInput(
            f"the queue has no filter {', '.join(repr(k) for k in unknown[:5])}: a filter is the query string "
            f"of the desk queue's address, with {', '.join(FILTER_KEYS)} (for example 'label=hate&status=open')"
        )


def save_filter(store: repo.Store, actor: Actor, name: str, query: str, *, replace: bool = True) -> SavedFilterView:
    """Save the queue's filter under `name`.

    Saving again under the same name replaces that filter's query (the desk's "save"); with `replace`
    False a name already taken is a Conflict, so that a program never overwrites a filter by accident.
    """
    user_id = _person(actor)
    name = " ".join(name.split())
    if not name:
        raise InvalidInput("give the filter a name")
    if len(name) > MAX_NAME:
        raise InvalidInput(f"the filter's name is too long: use at most {MAX_NAME} characters")
    query = normalise(query)
    if not query:
        raise InvalidInput("the queue has no filter to save: choose filters first, then save them")
    if len(query) > MAX_QUERY:
        raise InvalidInput(f"the filter is too long to save (at most {MAX_QUERY} characters)")
    _check_keys(query)
    with store.transaction() as tx:
        existing = repo_team.saved_filters(tx, user_id)
        if not replace and any(f.name == name for f in existing):
            raise Conflict(
                f"you have a saved filter named '{name}' already: choose another name, delete that one first, "
                "or save with replace set to replace its query"
            )
        if len(existing) >= MAX_FILTERS and all(f.name != name for f in existing):
            raise Conflict(f"you have {MAX_FILTERS} saved filters already: delete one first")
        row = repo_team.save_filter(tx, user_id, name, query, utcnow())
        audit.record(
            tx,
            actor,
            action="user.filter_saved",
            subject_type="user",
            subject_id=user_id,
            organisation_id=actor.organisation_id,
            detail={"name": name, "query": query},
        )
        return SavedFilterView(row.id, row.name, row.query)


def delete_filter(store: repo.Store, actor: Actor, filter_id: int) -> SavedFilterView:
    user_id = _person(actor)
    with store.transaction() as tx:
        row = repo_team.delete_filter(tx, user_id, filter_id)
        if row is None:
            raise NotFound(f"you have no saved filter {filter_id}")
        audit.record(
            tx,
            actor,
            action="user.filter_deleted",
            subject_type="user",
            subject_id=user_id,
            organisation_id=actor.organisation_id,
            detail={"name": row.name},
        )
        return SavedFilterView(row.id, row.name, row.query)


def last_filter(store: repo.Store, actor: Actor) -> str:
    """The filter this person last used on the queue ("" for none)."""
    if actor.user_id is None:
        return ""
    with store.session() as s:
        row = repo_desk.get_user(s, actor.user_id)
    value = (row.preferences or {}).get(_PREFERENCE, "") if row is not None else ""
    return value if isinstance(value, str) and len(value) <= MAX_QUERY else ""


def remember_filter(store: repo.Store, actor: Actor, query: str) -> None:
    """Keep the queue's filter as this person's last one (a write only when it changed)."""
    if actor.user_id is None:
        return
    query = normalise(query)
    if len(query) > MAX_QUERY or query == last_filter(store, actor):
        return
    with store.transaction() as tx:
        row = repo_desk.get_user(tx, actor.user_id)
        if row is not None:
            repo_desk.set_preferences(tx, row.id, {**(row.preferences or {}), _PREFERENCE: query})


def set_last_filter(store: repo.Store, actor: Actor, query: str) -> str:
    """Remember `query` as this person's last filter, as the queue would (the API's way); "" forgets it.

    Unlike the queue's own remembering, a filter the queue cannot read is refused (InvalidInput)."""
    _person(actor)
    query = normalise(query)
    if len(query) > MAX_QUERY:
        raise InvalidInput(f"the filter is too long to remember (at most {MAX_QUERY} characters)")
    _check_keys(query)
    remember_filter(store, actor, query)
    return last_filter(store, actor)


__all__ = [
    "FILTER_KEYS",
    "MAX_FILTERS",
    "SavedFilterView",
    "delete_filter",
    "known_only",
    "last_filter",
    "list_filters",
    "normalise",
    "remember_filter",
    "save_filter",
    "set_last_filter",
    "unknown_keys",
]
