"""The people of the desk and their organisations, as `hierniet user|org ...` and the desk's admin pages
(/desk/people, /desk/organisations) manage them.

Thin over hierniet.services.admin (the functions /api/v1/users and /api/v1/organisations call), so the
command line, the pages and the API check the same permissions, refuse the same input and write the same
audit entries. What this module adds: finding a person by name, a listing with each person's organisation
and whether they have a desk password, and switching a person off or on, or changing their role, by name.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from hierniet.services import admin
from hierniet.services.auth import Actor, Permission, require
from hierniet.services.errors import NotFound
from hierniet.services.views import UserView
from hierniet.store import repo


@dataclass(frozen=True, slots=True)
class Person:
    """One user as the admin pages and `hierniet user list` show them."""

    id: int
    name: str
    role: str
    organisation_id: int | None
    #: The organisation's slug; None for someone of every organisation.
    organisation: str | None
    organisation_name: str | None
    active: bool
    #: Whether they can sign in to the desk (machine accounts only hold API tokens).
    has_password: bool
    created_at: datetime
    #: Where alerts reach them if they lead (only admins list people, so only they see it).
    email: str | None = None


def list_people(store: repo.Store, actor: Actor) -> list[Person]:
    """Every user the actor administers (an organisation's admin: their organisation's), by name."""
    require(actor, Permission.MANAGE_USERS, "list users")
    with store.session() as s:
        organisations = {o.id: o for o in repo.list_organisations(s)}
        rows = repo.list_users(s, actor.organisation_id)
        people = []
        for u in rows:
            organisation = organisations.get(u.organisation_id) if u.organisation_id is not None else None
            people.append(
                Person(
                    id=u.id,
                    name=u.name,
                    role=u.role,
                    organisation_id=u.organisation_id,
                    organisation=organisation.slug if organisation else None,
                    organisation_name=organisation.name if organisation else None,
                    active=u.active,
                    has_password=bool(u.password_hash),
                    created_at=u.created_at,
                    email=u.email,
                )
            )
    return sorted(people, key=lambda p: p.name.lower())


def user_id_by_name(store: repo.Store, actor: Actor, name: str) -> int:
    """The id of the user `name`, if the actor administers them; NotFound otherwise (the same answer)."""
    require(actor, Permission.MANAGE_USERS, "change users")
    with store.session() as s:
        row = repo.user_by_name(s, name.strip())
        visible = row is not None and (
            actor.organisation_id is None or (row.organisation_id is not None and actor.sees(row.organisation_id))
        )
        if row is None or not visible:
            raise NotFound(f"no user {name!r}: list them with `hierniet user list` or on the desk's People page")
        return row.id


def set_active(store: repo.Store, actor: Actor, user_id: int, active: bool) -> UserView:
    """Switch a person off (they cannot sign in, their desk sessions end, their API tokens stop working)
    or on again; audited as `user.updated`."""
    return admin.update_user(store, actor, user_id, active=active)


def set_role(store: repo.Store, actor: Actor, user_id: int, role: str) -> UserView:
    """A new role; the person's desk sessions end so that they sign in again under it."""
    return admin.update_user(store, actor, user_id, role=role)
