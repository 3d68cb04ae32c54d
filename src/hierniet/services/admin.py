"""Administration: organisations, channels, users and API tokens; and who a bearer token belongs to."""

from __future__ import annotations

import re

from sqlalchemy.exc import IntegrityError

from hierniet.domain import Platform
from hierniet.policy import parse_platform
from hierniet.services import audit, convert
from hierniet.services.auth import (
    CLI_ACTOR,
    Actor,
    Permission,
    Role,
    check_password_strength,
    hash_password,
    hash_token,
    new_token,
    parse_role,
    require,
    token_prefix,
)
from hierniet.services.errors import Conflict, Forbidden, InvalidInput, NotFound
from hierniet.services.policies import validate_policy
from hierniet.services.views import ChannelView, NewToken, OrganisationView, TokenView, UserView
from hierniet.store import repo, repo_desk

_SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")
# A reference names where a secret lives; a bare string would likely be the secret itself.
_CREDENTIALS_REF = re.compile(r"^(env|file|vault|keyring):[A-Za-z0-9_./:@-]{1,190}$")
_USER_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.@-]{0,99}$")


#: An address the SMTP server can take as it is: one @, a dot in the domain, and none of the characters that
#: would split or bend a mail header (spaces, commas, angle brackets, quotes).
_EMAIL = re.compile(r"^[^@\s,;<>\"()\[\]\\]+@[^@\s,;<>\"()\[\]\\]+\.[^@\s,;<>\"()\[\]\\.][^@\s,;<>\"()\[\]\\]*$")
#: RFC 5321: a forward path is at most 256 characters, the address in it 254.
MAX_EMAIL = 254


def clean_email(value: str | None) -> str | None:
    """A person's e-mail address as stored: trimmed; "" or None for none. InvalidInput says what is wrong."""
    if value is None:
        return None
    value = value.strip()
    if not value:
        return None
    if len(value) > MAX_EMAIL:
        raise InvalidInput(f"the e-mail address is {len(value)} characters long: at most {MAX_EMAIL} are allowed")
    if not _EMAIL.match(value) or any(not ch.isprintable() for ch in value):
        raise InvalidInput(
            f"{value!r} is not an e-mail address: write one address such as lead@example.org "
            "(no spaces, commas or angle brackets)"
        )
    return value


def valid_user_name(name: str) -> bool:
    return bool(_USER_NAME.match(name))


def valid_slug(slug: str) -> bool:
    return bool(_SLUG.match(slug))


def authenticate(store: repo.Store, token: str) -> Actor | None:
    """The actor a bearer token belongs to; None for an unknown or revoked token or an inactive user."""
    if not token:
        return None
    with store.session() as s:
        found = repo.token_by_hash(s, hash_token(token))
    if found is None:
        return None
    key, user = found
    if key.revoked_at is not None or not user.active:
        return None
    return Actor(user_id=user.id, name=user.name, role=Role(user.role), organisation_id=user.organisation_id)


# --- organisations and channels ------------------------------------------------------------------------


def create_organisation(
    store: repo.Store, actor: Actor, *, slug: str, name: str, policy_yaml: str | None = None
) -> OrganisationView:
    require(actor, Permission.MANAGE_ORGANISATIONS, "create organisations")
    if actor.organisation_id is not None:
        raise Forbidden(f"{actor.name} administers one organisation: only an admin of all of them adds organisations")
    if not _SLUG.match(slug):
        raise InvalidInput(f"slug {slug!r}: use 1 to 64 lower-case letters, digits and '-' (stad-gent)")
    if not name.strip():
        raise InvalidInput("name is empty: give the organisation's name")
    validate_policy(policy_yaml, f"policy of organisation {slug}")
    try:
        with store.transaction() as tx:
            if repo.organisation_by_slug(tx, slug) is not None:
                raise Conflict(f"an organisation {slug!r} exists already: choose another slug")
            row = repo.add_organisation(tx, slug=slug, name=name.strip(), policy_yaml=policy_yaml or None)
            audit.record(
                tx,
                actor,
                action="organisation.created",
                subject_type="organisation",
                subject_id=row.id,
                organisation_id=row.id,
                detail={"slug": slug, "name": row.name, "policy": bool(policy_yaml)},
            )
    except IntegrityError:
        raise Conflict(f"an organisation {slug!r} exists already: choose another slug") from None
    return convert.organisation_view(row)


def list_organisations(store: repo.Store, actor: Actor) -> list[OrganisationView]:
    require(actor, Permission.READ_QUEUE, "list organisations")
    with store.session() as s:
        return [convert.organisation_view(o) for o in repo.list_organisations(s, actor.organisation_id)]


def organisation_by_slug(store: repo.Store, slug: str) -> OrganisationView | None:
    with store.session() as s:
        row = repo.organisation_by_slug(s, slug)
        return convert.organisation_view(row) if row else None


def organisation_id_for(store: repo.Store, slug: str | None) -> int | None:
    """The id of the organisation `slug` (None for no slug: every organisation), for the command line."""
    if not slug:
        return None
    organisation = organisation_by_slug(store, slug)
    if organisation is None:
        # The docs' first example used to stop here on a fresh database: say how to get past it.
        raise NotFound(
            f"no organisation {slug!r}: create it first with `hierniet org add {slug} NAME`, "
            "or list them with `hierniet org list`"
        )
    return organisation.id


def create_channel(
    store: repo.Store,
    actor: Actor,
    *,
    organisation_id: int,
    platform: str,
    external_id: str,
    name: str = "",
    policy_yaml: str | None = None,
    credentials_ref: str | None = None,
) -> ChannelView:
    require(actor, Permission.MANAGE_CHANNELS, "create channels")
    where = parse_platform(platform)
    if where is Platform.OTHER and platform.strip().lower() != Platform.OTHER.value:
        raise InvalidInput(f"unknown platform {platform!r}: use one of {', '.join(p.value for p in Platform)}")
    external_id = external_id.strip()
    if not external_id or len(external_id) > 200 or "/" in external_id:
        raise InvalidInput(
            f"external_id {external_id!r}: give the channel's id on {where.value} (1 to 200 characters, no '/')"
        )
    if credentials_ref and not _CREDENTIALS_REF.match(credentials_ref):
        raise InvalidInput(
            "credentials_ref must say where the secret is, never hold it: env:VARIABLE, file:/path, "
            "vault:path or keyring:name"
        )
    validate_policy(policy_yaml, f"policy of channel {where.value}/{external_id}")
    try:
        with store.transaction() as tx:
            organisation = repo.get_organisation(tx, organisation_id)
            if organisation is None or not actor.sees(organisation_id):
                raise NotFound(f"no organisation {organisation_id}: list them with GET /api/v1/organisations")
            if repo.channel_by_key(tx, where.value, external_id) is not None:
                raise Conflict(f"channel {where.value}/{external_id} exists already")
            row = repo.add_channel(
                tx,
                organisation_id=organisation_id,
                platform=where.value,
                external_id=external_id,
                name=name.strip(),
                policy_yaml=policy_yaml or None,
                credentials_ref=credentials_ref or None,
            )
            audit.record(
                tx,
                actor,
                action="channel.created",
                subject_type="channel",
                subject_id=row.id,
                organisation_id=organisation_id,
                detail={"platform": where.value, "external_id": external_id, "policy": bool(policy_yaml)},
            )
            org_policy = organisation.policy_yaml
    except IntegrityError:
        raise Conflict(f"channel {where.value}/{external_id} exists already") from None
    store.channels_changed()  # its id may be kept as unknown by the webhooks' ChannelCache
    return convert.channel_view(row, org_policy)


def list_channels(store: repo.Store, actor: Actor) -> list[ChannelView]:
    require(actor, Permission.READ_QUEUE, "list channels")
    with store.session() as s:
        policies = {o.id: o.policy_yaml for o in repo.list_organisations(s, actor.organisation_id)}
        return [
            convert.channel_view(c, policies.get(c.organisation_id))
            for c in repo.list_channels(s, actor.organisation_id)
        ]


# --- users and tokens ----------------------------------------------------------------------------------


def create_user(
    store: repo.Store,
    actor: Actor,
    *,
    name: str,
    role: str,
    organisation_id: int | None = None,
    password: str | None = None,
    email: str | None = None,
) -> UserView:
    """A new user; with `password`, their desk password is set in the same transaction (so a refused
    password never leaves a half-made user behind). With `email`, alerts reach them there if they lead."""
    require(actor, Permission.MANAGE_USERS, "create users")
    try:
        wanted = parse_role(role)
    except ValueError as exc:
        raise InvalidInput(str(exc)) from None
    email = clean_email(email)
    if not _USER_NAME.match(name):
        raise InvalidInput(f"user name {name!r}: use 1 to 100 letters, digits and _ . @ - (no spaces)")
    if password is not None:
        try:
            check_password_strength(password)
        except ValueError as exc:
            raise InvalidInput(str(exc)) from None
    if actor.organisation_id is not None:
        if organisation_id not in (None, actor.organisation_id):
            raise Forbidden(f"{actor.name} may only add users to their own organisation ({actor.organisation_id})")
        organisation_id = actor.organisation_id
    try:
        with store.transaction() as tx:
            if organisation_id is not None and repo.get_organisation(tx, organisation_id) is None:
                raise NotFound(f"no organisation {organisation_id}: list them with GET /api/v1/organisations")
            if repo.user_by_name(tx, name) is not None:
                raise Conflict(f"a user {name!r} exists already: choose another name")
            row = repo.add_user(tx, name=name, role=wanted.value, organisation_id=organisation_id, email=email)
            if password is not None:
                repo_desk.set_password_hash(tx, row.id, hash_password(password))
            audit.record(
                tx,
                actor,
                action="user.created",
                subject_type="user",
                subject_id=row.id,
                organisation_id=organisation_id,
                # Whether an address was given, not the address: the audit log is read more widely.
                detail={
                    "name": name,
                    "role": wanted.value,
                    "password": password is not None,
                    "email": email is not None,
                },
            )
    except IntegrityError:
        raise Conflict(f"a user {name!r} exists already: choose another name") from None
    return convert.user_view(row)


def list_users(store: repo.Store, actor: Actor) -> list[UserView]:
    require(actor, Permission.MANAGE_USERS, "list users")
    with store.session() as s:
        return [convert.user_view(u) for u in repo.list_users(s, actor.organisation_id)]


def create_token(store: repo.Store, actor: Actor, user_id: int, name: str, *, token: str | None = None) -> NewToken:
    """A new API token for a user; the token itself is in the result and nowhere else."""
    require(actor, Permission.MANAGE_USERS, "create API tokens")
    value = token or new_token()
    if len(value) < 24:
        raise InvalidInput("a token must be at least 24 characters long: leave it out to get a random one")
    with store.transaction() as tx:
        user = repo.get_user(tx, user_id)
        if (
            user is None
            or not actor.sees(user.organisation_id)
            or (actor.organisation_id is not None and user.organisation_id is None)
        ):
            raise NotFound(f"no user {user_id}: list users with GET /api/v1/users")
        if repo.token_by_hash(tx, hash_token(value)) is not None:
            raise Conflict("that token exists already: choose another one")
        row = repo.add_token(
            tx, user_id=user_id, name=name.strip() or "token", token_hash=hash_token(value), prefix=token_prefix(value)
        )
        audit.record(
            tx,
            actor,
            action="token.created",
            subject_type="token",
            subject_id=row.id,
            organisation_id=user.organisation_id,
            detail={"user": user.name, "name": row.name, "prefix": row.prefix},
        )
    return NewToken(token=value, info=convert.token_view(row))


def list_tokens(store: repo.Store, actor: Actor, user_id: int) -> list[TokenView]:
    require(actor, Permission.MANAGE_USERS, "list API tokens")
    with store.session() as s:
        user = repo.get_user(s, user_id)
        if user is None or not actor.sees(user.organisation_id):
            raise NotFound(f"no user {user_id}: list users with GET /api/v1/users")
        return [convert.token_view(k) for k in repo.tokens_of(s, user_id)]


def revoke_token(store: repo.Store, actor: Actor, token_id: int) -> TokenView:
    require(actor, Permission.MANAGE_USERS, "revoke API tokens")
    with store.transaction() as tx:
        key = repo.get_token(tx, token_id)
        user = repo.get_user(tx, key.user_id) if key else None
        if key is None or user is None or not actor.sees(user.organisation_id):
            raise NotFound(f"no token {token_id}: list a user's tokens with GET /api/v1/users/{{id}}/tokens")
        if key.revoked_at is not None:
            raise Conflict(f"token {token_id} was revoked on {key.revoked_at:%Y-%m-%d %H:%M} UTC already")
        repo.revoke_token(tx, token_id)
        audit.record(
            tx,
            actor,
            action="token.revoked",
            subject_type="token",
            subject_id=token_id,
            organisation_id=user.organisation_id,
            detail={"user": user.name, "prefix": key.prefix},
        )
        tx.refresh(key)
    return convert.token_view(key)


def ensure_user_token(
    store: repo.Store, *, name: str, role: str, organisation_slug: str | None = None, token: str | None = None
) -> NewToken:
    """For the command line: the user `name` (created with `role` when missing) and a new token for them."""
    organisation_id = organisation_id_for(store, organisation_slug)
    with store.session() as s:
        existing = repo.user_by_name(s, name)
        user_id = existing.id if existing else None
    if user_id is None:
        user_id = create_user(store, CLI_ACTOR, name=name, role=role, organisation_id=organisation_id).id
    return create_token(store, CLI_ACTOR, user_id, "cli", token=token)


def bootstrap_admin(store: repo.Store, token: str) -> bool:
    """Make sure `token` (HIERNIET_BOOTSTRAP_TOKEN) belongs to an admin; True when something was created."""
    if authenticate(store, token) is not None:
        return False
    ensure_user_token(store, name="admin", role=Role.ADMIN.value, token=token)
    return True


_UNCHANGED = object()


def update_channel(
    store: repo.Store,
    actor: Actor,
    channel_id: int,
    *,
    name: str | None = None,
    policy_yaml: str | object | None = _UNCHANGED,
    credentials_ref: str | object | None = _UNCHANGED,
) -> ChannelView:
    """Change a channel's name, policy (None or "" returns to the organisation's) or credentials reference."""
    require(actor, Permission.MANAGE_CHANNELS, "change channels")
    changes: dict[str, object] = {}
    if name is not None:
        changes["name"] = name.strip()
    if policy_yaml is not _UNCHANGED:
        text = policy_yaml if isinstance(policy_yaml, str) and policy_yaml.strip() else None
        validate_policy(text, f"policy of channel {channel_id}")
        changes["policy_yaml"] = text
    if credentials_ref is not _UNCHANGED:
        ref = credentials_ref if isinstance(credentials_ref, str) and credentials_ref else None
        if ref and not _CREDENTIALS_REF.match(ref):
            raise InvalidInput(
                "credentials_ref must say where the secret is, never hold it: env:VARIABLE, file:/path, "
                "vault:path or keyring:name"
            )
        changes["credentials_ref"] = ref
    with store.transaction() as tx:
        row = repo.get_channel(tx, channel_id)
        if row is None or not actor.sees(row.organisation_id):
            raise NotFound(f"no channel {channel_id}: list them with GET /api/v1/channels")
        repo.update_channel(tx, channel_id, **changes)
        audit.record(
            tx,
            actor,
            action="channel.updated",
            subject_type="channel",
            subject_id=channel_id,
            organisation_id=row.organisation_id,
            detail={"changed": sorted(changes)},
        )
        tx.refresh(row)
        organisation = repo.get_organisation(tx, row.organisation_id)
        view = convert.channel_view(row, organisation.policy_yaml if organisation else None)
    store.channels_changed()
    return view


def update_user(
    store: repo.Store,
    actor: Actor,
    user_id: int,
    *,
    role: str | None = None,
    active: bool | None = None,
    email: str | object | None = _UNCHANGED,
) -> UserView:
    """Change a user's role, e-mail address (None or "" removes it) or switch them off (an inactive user's
    tokens stop working). Anyone may change their own address and nothing else (`set_own_email`)."""
    own_address_only = role is None and active is None and email is not _UNCHANGED
    if own_address_only and user_id == actor.user_id and not actor.can(Permission.MANAGE_USERS):
        return set_own_email(store, actor, email if isinstance(email, str) else None)
    require(actor, Permission.MANAGE_USERS, "change users")
    changes: dict[str, object] = {}
    new_email = None if email is _UNCHANGED else clean_email(email if isinstance(email, str) else None)
    if role is not None:
        try:
            changes["role"] = parse_role(role).value
        except ValueError as exc:
            raise InvalidInput(str(exc)) from None
    if active is not None:
        changes["active"] = active
    if user_id == actor.user_id and (changes.get("active") is False or changes.get("role", Role.ADMIN) != Role.ADMIN):
        raise Conflict("you cannot lower your own role or switch yourself off: ask another admin")
    with store.transaction() as tx:
        row = repo.get_user(tx, user_id)
        if (
            row is None
            or not actor.sees(row.organisation_id)
            or (actor.organisation_id is not None and row.organisation_id is None)
        ):
            raise NotFound(f"no user {user_id}: list users with GET /api/v1/users")
        repo.update_user(tx, user_id, **changes, **({} if email is _UNCHANGED else {"email": new_email}))
        if changes:
            # A new role or a switch-off ends the person's desk sessions: they sign in again under the new role.
            # (A new e-mail address changes nothing the session carries.)
            repo_desk.bump_session_epoch(tx, user_id)
        detail: dict[str, object] = dict(changes)
        if email is not _UNCHANGED:
            # Whether there is an address now, not the address: the audit log is read more widely.
            detail["email"] = new_email is not None
        audit.record(
            tx,
            actor,
            action="user.updated",
            subject_type="user",
            subject_id=user_id,
            organisation_id=row.organisation_id,
            detail=detail,
        )
        tx.refresh(row)
        return convert.user_view(row)


def own_user(store: repo.Store, actor: Actor) -> UserView:
    """The signed-in person's own account (their e-mail address included: it is theirs)."""
    if actor.user_id is None:
        raise InvalidInput("only a person with an account has an e-mail address: sign in as that person")
    with store.session() as s:
        row = repo.get_user(s, actor.user_id)
        if row is None:
            raise NotFound(f"no user {actor.user_id}: sign in again")
        return convert.user_view(row)


def set_own_email(store: repo.Store, actor: Actor, email: str | None) -> UserView:
    """Anyone signed in sets (or, with None or "", clears) their own e-mail address, where alerts reach them if
    they lead (hierniet.services.alerts); nobody else's. Audited like an admin's change, by the person."""
    if actor.user_id is None:
        raise InvalidInput("only a person with an account has an e-mail address: sign in as that person")
    new_email = clean_email(email)
    with store.transaction() as tx:
        row = repo.get_user(tx, actor.user_id)
        if row is None:
            raise NotFound(f"no user {actor.user_id}: sign in again")
        if row.email != new_email:
            repo.update_user(tx, row.id, email=new_email)
            # Whether there is an address now, not the address: the audit log is read more widely.
            audit.record(
                tx,
                actor,
                action="user.updated",
                subject_type="user",
                subject_id=row.id,
                organisation_id=row.organisation_id,
                detail={"email": new_email is not None, "by": "self"},
            )
        tx.refresh(row)
        return convert.user_view(row)


def set_password(store: repo.Store, actor: Actor, user_id: int, password: str | None) -> UserView:
    """Set (or, with None, remove) the desk password of a user; sessions made with the old one end.

    The password itself is never stored or logged: only its scrypt hash (services.auth.hash_password).
    """
    require(actor, Permission.MANAGE_USERS, "set passwords")
    if password is not None:
        try:
            check_password_strength(password)
        except ValueError as exc:
            raise InvalidInput(str(exc)) from None
    with store.transaction() as tx:
        row = repo.get_user(tx, user_id)
        if (
            row is None
            or not actor.sees(row.organisation_id)
            or (actor.organisation_id is not None and row.organisation_id is None)
        ):
            raise NotFound(f"no user {user_id}: list users with GET /api/v1/users")
        repo_desk.set_password_hash(tx, user_id, hash_password(password) if password is not None else None)
        repo_desk.bump_session_epoch(tx, user_id)
        audit.record(
            tx,
            actor,
            action="user.password_set" if password is not None else "user.password_removed",
            subject_type="user",
            subject_id=user_id,
            organisation_id=row.organisation_id,
            detail={"name": row.name},
        )
        tx.refresh(row)
        return convert.user_view(row)


def ensure_user_password(
    store: repo.Store,
    *,
    name: str,
    password: str,
    role: str | None = None,
    organisation_slug: str | None = None,
) -> tuple[UserView, bool]:
    """For the command line: set `name`'s password; with `role`, create the user first when missing.

    Returns the user and whether they were created.
    """
    with store.session() as s:
        existing = repo.user_by_name(s, name)
        user_id = existing.id if existing else None
    if user_id is None:
        if role is None:
            raise NotFound(f"no user {name!r}: give --role to create them, or check the name")
        organisation_id = organisation_id_for(store, organisation_slug)
        user = create_user(store, CLI_ACTOR, name=name, role=role, organisation_id=organisation_id, password=password)
        return user, True
    return set_password(store, CLI_ACTOR, user_id, password), False
