"""Who may do what: roles, permissions (as data, here and only here), actors and API tokens.

A role is a set of permissions; ROLE_PERMISSIONS is the single table the API, the pages and the CLI
consult (through `require`). Tokens are random strings shown once and stored as their SHA-256: they are
long and random, so a slow password hash would add nothing but latency to every request.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from enum import StrEnum

from hierniet.domain import Reason
from hierniet.services.errors import Forbidden


class Role(StrEnum):
    MODERATOR = "moderator"
    LEAD = "lead"
    ADMIN = "admin"


class Permission(StrEnum):
    INGEST = "ingest"  # send comments in (connectors, imports)
    READ_QUEUE = "read_queue"  # the queue, comments, authors, counts
    DECIDE = "decide"  # record a decision (accept, edit, override) or escalate to a lead
    DECIDE_SEVERE = "decide_severe"  # decide block or police, or report to the police
    RESOLVE_ESCALATION = "resolve_escalation"  # decide on an escalated comment
    CLEAR_AUTHOR = "clear_author"  # clear an author's record (their earlier steps stop counting)
    RETRIAGE = "retriage"  # triage a stored comment again (a new verdict version)
    READ_AUDIT = "read_audit"  # the audit log
    MANAGE_PERSONAL_DATA = "manage_personal_data"  # export or erase an author's data, keep a comment as evidence
    ASSIGN = "assign"  # give a comment to a person of the team
    MANAGE_OUTBOX = "manage_outbox"  # the outbox: every platform call, retry a failed one, mark one done by hand
    READ_INSIGHT = "read_insight"  # the team's figures: the insight dashboard and the transparency report
    MANAGE_RAIDS = "manage_raids"  # raids and criticism storms: their pages and the one-move actions (issue 14)
    MANAGE_CRISIS = "manage_crisis"  # open and close a crisis, export its cards for the emergency services
    MANAGE_USERS = "manage_users"  # users and their API tokens
    MANAGE_CHANNELS = "manage_channels"
    MANAGE_ORGANISATIONS = "manage_organisations"


_MODERATOR = frozenset({Permission.INGEST, Permission.READ_QUEUE, Permission.DECIDE})
_LEAD = _MODERATOR | {
    Permission.DECIDE_SEVERE,
    Permission.RESOLVE_ESCALATION,
    Permission.CLEAR_AUTHOR,
    Permission.RETRIAGE,
    Permission.READ_AUDIT,
    Permission.MANAGE_PERSONAL_DATA,
    Permission.ASSIGN,
    Permission.MANAGE_OUTBOX,
    Permission.READ_INSIGHT,
    Permission.MANAGE_RAIDS,
    Permission.MANAGE_CRISIS,
}
_ADMIN = _LEAD | {Permission.MANAGE_USERS, Permission.MANAGE_CHANNELS, Permission.MANAGE_ORGANISATIONS}

#: The one table of who may do what. Each role has everything the role before it has.
ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.MODERATOR: _MODERATOR,
    Role.LEAD: frozenset(_LEAD),
    Role.ADMIN: frozenset(_ADMIN),
}

#: Which role to ask for when a permission is missing (the lowest role that has it).
_LOWEST_ROLE: dict[Permission, Role] = {
    permission: next(role for role in Role if permission in ROLE_PERMISSIONS[role]) for permission in Permission
}

TOKEN_PREFIX = "hn_"


@dataclass(frozen=True, slots=True)
class Actor:
    """Who is acting: a user and their role; `organisation_id` None means every organisation."""

    user_id: int | None
    name: str
    role: Role
    organisation_id: int | None = None

    @property
    def permissions(self) -> frozenset[Permission]:
        return ROLE_PERMISSIONS[self.role]

    def can(self, permission: Permission) -> bool:
        return permission in ROLE_PERMISSIONS[self.role]

    def sees(self, organisation_id: int | None) -> bool:
        return self.organisation_id is None or self.organisation_id == organisation_id


#: The actor of `hierniet import` and `hierniet db ...`: whoever runs the command owns the database.
CLI_ACTOR = Actor(user_id=None, name="cli", role=Role.ADMIN)


def require(actor: Actor, permission: Permission, what: str) -> None:
    """Raise Forbidden unless `actor` has `permission`; `what` names the refused action for the message."""
    if not actor.can(permission):
        needed = _LOWEST_ROLE[permission]
        message = (
            f"{actor.name} (role {actor.role.value}) may not {what}: that needs the role {needed.value} "
            f"or higher (permission {permission.value}); ask a {needed.value} to do it or to change your role"
        )
        reason = Reason("error.forbidden", message, role=needed.value, own_role=actor.role.value)
        raise Forbidden(message, reason=reason)


def parse_role(value: str) -> Role:
    try:
        return Role(value.strip().lower())
    except ValueError:
        raise ValueError(f"unknown role {value!r}: use one of {', '.join(r.value for r in Role)}") from None


def new_token() -> str:
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def token_prefix(token: str) -> str:
    """The start of a token, kept in clear so people can tell their tokens apart in lists."""
    return token[: len(TOKEN_PREFIX) + 6]


# Passwords for the desk's session login. scrypt (in the standard library) is slow on purpose, unlike
# the token hash above: people choose short passwords that a fast hash would give away.
_SCRYPT_N, _SCRYPT_R, _SCRYPT_P = 2**14, 8, 1
MIN_PASSWORD_LENGTH = 10


def check_password_strength(password: str) -> None:
    """Raise ValueError, saying what to change, for a password the desk would not accept."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ValueError(f"the password is too short: use at least {MIN_PASSWORD_LENGTH} characters")


def hash_password(password: str) -> str:
    """`scrypt$N$r$p$salt$hash` (hex), so the cost can rise later without breaking stored hashes."""
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode("utf-8"), salt=salt, n=_SCRYPT_N, r=_SCRYPT_R, p=_SCRYPT_P)
    return f"scrypt${_SCRYPT_N}${_SCRYPT_R}${_SCRYPT_P}${salt.hex()}${digest.hex()}"


def verify_password(password: str, stored: str | None) -> bool:
    """True when `password` matches `stored`; False for no password, a malformed hash or a mismatch."""
    if not stored:
        return False
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        if scheme != "scrypt":
            return False
        candidate = hashlib.scrypt(
            password.encode("utf-8"), salt=bytes.fromhex(salt), n=int(n), r=int(r), p=int(p)
        )
    except ValueError:
        return False
    return secrets.compare_digest(candidate.hex(), digest)
