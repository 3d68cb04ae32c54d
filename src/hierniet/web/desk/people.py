"""The desk's admin pages for people and organisations (issue 12): /desk/people and /desk/organisations.

Thin shells over hierniet.services.admin and hierniet.services.people, the functions behind
/api/v1/users, /api/v1/organisations and `hierniet user|org ...`: the same permission checks (admins; a new
organisation only by the admin of every organisation), the same validation and the same audit entries.
Every form is a POST with the desk's CSRF token; a refused form shows the page again with the error at
the top and what was typed kept (never the password).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form
from fastapi.responses import RedirectResponse, Response

from hierniet.bounds import Id
from hierniet.services import admin, people
from hierniet.services.auth import MIN_PASSWORD_LENGTH, Permission, Role, require
from hierniet.services.errors import Forbidden, ServiceError
from hierniet.web.desk.context import PREFIX, DeskContext, SignedIn, render
from hierniet.web.desk.security import check_csrf
from hierniet.web.desk.words import ROLES as ROLE_WORDS

people_router = APIRouter(prefix=PREFIX, include_in_schema=False)
Csrf = [Depends(check_csrf)]
ROLES = [r.value for r in Role]


def _person_problem(ctx: DeskContext, name: str, role: str, password: str | None) -> str | None:
    """What is wrong with a new person's form, in the page's language (the service says it in English)."""
    if not admin.valid_user_name(name):
        return ctx.t("The name must be 1 to 100 letters, digits or the signs _ . @ - (no spaces).")
    if role not in ROLES:
        return ctx.t("Choose a role: moderator, lead or admin.")
    if password is not None and len(password) < MIN_PASSWORD_LENGTH:
        return ctx.t("The password is too short: use at least %(count)s characters.", count=MIN_PASSWORD_LENGTH)
    return None


def _self_error(ctx: DeskContext, exc: ServiceError, user_id: int) -> str:
    if exc.status_code == 409 and user_id == ctx.actor.user_id:
        return ctx.t("You cannot lower your own role or switch yourself off: ask another admin.")
    return ctx.error(exc)


def _people_page(
    ctx: DeskContext, status: int = 200, *, error: str | None = None, form: dict[str, str] | None = None
) -> Response:
    require(ctx.actor, Permission.MANAGE_USERS, "manage users")
    return render(
        ctx,
        "people.html",
        status,
        people=people.list_people(ctx.store, ctx.actor),
        organisations=admin.list_organisations(ctx.store, ctx.actor),
        roles=ROLES,
        every_organisation=ctx.actor.organisation_id is None,
        error=error,
        form={"name": "", "role": Role.MODERATOR.value, "organisation_id": "", "email": ""} | (form or {}),
    )


@people_router.get("/people")
def people_page(ctx: SignedIn) -> Response:
    return _people_page(ctx)


@people_router.post("/people", dependencies=Csrf)
def add_person(
    ctx: SignedIn,
    name: Annotated[str, Form()] = "",
    role: Annotated[str, Form()] = "",
    organisation_id: Annotated[str, Form()] = "",
    password: Annotated[str, Form()] = "",
    confirm: Annotated[str, Form()] = "",
    email: Annotated[str, Form()] = "",
) -> Response:
    require(ctx.actor, Permission.MANAGE_USERS, "add users")
    typed = {"name": name, "role": role, "organisation_id": organisation_id, "email": email}
    if password != confirm:
        error = ctx.t("The password and its confirmation differ: type them again.")
        return _people_page(ctx, 422, error=error, form=typed)
    problem = _person_problem(ctx, name.strip(), role, password) or email_problem(ctx, email)
    if problem:
        return _people_page(ctx, 422, error=problem, form=typed)
    where: int | None = None
    if organisation_id.strip():
        try:
            where = int(organisation_id)
        except ValueError:
            return _people_page(ctx, 422, error=ctx.t("Choose an organisation from the list."), form=typed)
    try:
        user = admin.create_user(
            ctx.store, ctx.actor, name=name.strip(), role=role, organisation_id=where, password=password, email=email
        )
    except ServiceError as exc:
        error = str(exc)
        if exc.status_code == 409:
            error = ctx.t("A user named %(name)s exists already: choose another name.", name=name.strip())
        return _people_page(ctx, exc.status_code, error=error, form=typed)
    ctx.flash(ctx.t("%(name)s is added; they sign in with the password you gave them.", name=user.name))
    return RedirectResponse(f"{PREFIX}/people", status_code=303)


@people_router.post("/people/{user_id}/role", dependencies=Csrf)
def change_role(ctx: SignedIn, user_id: Id, role: Annotated[str, Form()] = "") -> Response:
    require(ctx.actor, Permission.MANAGE_USERS, "change roles")
    if role not in ROLES:
        return _people_page(ctx, 422, error=ctx.t("Choose a role: moderator, lead or admin."))
    try:
        user = people.set_role(ctx.store, ctx.actor, user_id, role)
    except ServiceError as exc:
        if exc.status_code == 404:
            raise
        return _people_page(ctx, exc.status_code, error=_self_error(ctx, exc, user_id))
    ctx.flash(ctx.t("%(name)s now has the role %(role)s.", name=user.name, role=ctx.t(_role_word(user.role))))
    return RedirectResponse(f"{PREFIX}/people", status_code=303)


@people_router.post("/people/{user_id}/active", dependencies=Csrf)
def switch(ctx: SignedIn, user_id: Id, active: Annotated[str, Form()] = "") -> Response:
    require(ctx.actor, Permission.MANAGE_USERS, "switch users off or on")
    if active not in ("0", "1"):
        return _people_page(ctx, 422, error=ctx.t("Choose whether to switch the person off or on."))
    try:
        user = people.set_active(ctx.store, ctx.actor, user_id, active == "1")
    except ServiceError as exc:
        if exc.status_code == 404:
            raise
        return _people_page(ctx, exc.status_code, error=_self_error(ctx, exc, user_id))
    if user.active:
        ctx.flash(ctx.t("%(name)s is switched on again.", name=user.name))
    else:
        ctx.flash(ctx.t("%(name)s is switched off: they cannot sign in and their sessions have ended.", name=user.name))
    return RedirectResponse(f"{PREFIX}/people", status_code=303)


def email_problem(ctx: DeskContext, email: str) -> str | None:
    """What is wrong with an e-mail address, in the page's language (the service says it in English)."""
    try:
        admin.clean_email(email)
    except ServiceError:
        return ctx.t("Write one e-mail address such as lead@example.org (no spaces or commas), or leave it empty.")
    return None


@people_router.post("/people/{user_id}/email", dependencies=Csrf)
def set_email(ctx: SignedIn, user_id: Id, email: Annotated[str, Form()] = "") -> Response:
    require(ctx.actor, Permission.MANAGE_USERS, "set e-mail addresses")
    problem = email_problem(ctx, email)
    if problem:
        return _people_page(ctx, 422, error=problem)
    try:
        user = admin.update_user(ctx.store, ctx.actor, user_id, email=email)
    except ServiceError as exc:
        if exc.status_code == 404:
            raise
        return _people_page(ctx, exc.status_code, error=str(exc))
    if user.email:
        ctx.flash(ctx.t("Alerts reach %(name)s at %(email)s if they lead.", name=user.name, email=user.email))
    else:
        ctx.flash(ctx.t("%(name)s has no e-mail address now: alerts do not reach them by e-mail.", name=user.name))
    return RedirectResponse(f"{PREFIX}/people", status_code=303)


@people_router.post("/people/{user_id}/password", dependencies=Csrf)
def set_password(
    ctx: SignedIn,
    user_id: Id,
    password: Annotated[str, Form()] = "",
    confirm: Annotated[str, Form()] = "",
) -> Response:
    require(ctx.actor, Permission.MANAGE_USERS, "set passwords")
    if password != confirm:
        return _people_page(ctx, 422, error=ctx.t("The password and its confirmation differ: type them again."))
    if len(password) < MIN_PASSWORD_LENGTH:
        error = ctx.t("The password is too short: use at least %(count)s characters.", count=MIN_PASSWORD_LENGTH)
        return _people_page(ctx, 422, error=error)
    try:
        user = admin.set_password(ctx.store, ctx.actor, user_id, password)
    except ServiceError as exc:
        if exc.status_code == 404:
            raise
        return _people_page(ctx, exc.status_code, error=str(exc))
    ctx.flash(ctx.t("The password of %(name)s is set; their other sessions have ended.", name=user.name))
    return RedirectResponse(f"{PREFIX}/people", status_code=303)


def _role_word(role: str) -> str:
    return ROLE_WORDS.get(role, role)


# --- organisations -------------------------------------------------------------------------------------------


def _organisations_page(
    ctx: DeskContext, status: int = 200, *, error: str | None = None, form: dict[str, str] | None = None
) -> Response:
    require(ctx.actor, Permission.MANAGE_ORGANISATIONS, "manage organisations")
    return render(
        ctx,
        "organisations.html",
        status,
        organisations=admin.list_organisations(ctx.store, ctx.actor),
        # Only the admin of every organisation adds one (services.admin.create_organisation).
        can_add=ctx.actor.organisation_id is None,
        error=error,
        form={"slug": "", "name": "", "policy": ""} | (form or {}),
    )


@people_router.get("/organisations")
def organisations_page(ctx: SignedIn) -> Response:
    return _organisations_page(ctx)


@people_router.post("/organisations", dependencies=Csrf)
def add_organisation(
    ctx: SignedIn,
    slug: Annotated[str, Form()] = "",
    name: Annotated[str, Form()] = "",
    policy: Annotated[str, Form()] = "",
) -> Response:
    require(ctx.actor, Permission.MANAGE_ORGANISATIONS, "add organisations")
    if ctx.actor.organisation_id is not None:
        # Refused before the form is read, as the service would: an organisation's admin adds none.
        raise Forbidden(ctx.t("Only the admin of every organisation adds organisations."))
    typed = {"slug": slug, "name": name, "policy": policy}
    if not admin.valid_slug(slug.strip()):
        error = ctx.t("The short name must be 1 to 64 lower-case letters, digits or '-', e.g. stad-gent.")
        return _organisations_page(ctx, 422, error=error, form=typed)
    if not name.strip():
        return _organisations_page(ctx, 422, error=ctx.t("Give the organisation's name."), form=typed)
    policy_yaml = policy.replace("\r\n", "\n") if policy.strip() else None
    try:
        view = admin.create_organisation(ctx.store, ctx.actor, slug=slug.strip(), name=name, policy_yaml=policy_yaml)
    except ServiceError as exc:
        if exc.status_code == 403:
            raise
        error = str(exc)  # a policy's own errors say where in the YAML, in the policy's terms
        if exc.status_code == 409:
            error = ctx.t("An organisation %(slug)s exists already: choose another short name.", slug=slug.strip())
        return _organisations_page(ctx, exc.status_code, error=error, form=typed)
    ctx.flash(ctx.t("The organisation %(name)s (%(slug)s) is added.", name=view.name, slug=view.slug))
    return RedirectResponse(f"{PREFIX}/organisations", status_code=303)
