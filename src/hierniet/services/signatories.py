"""Signatories of the charter: the public join form's requests, the public list, and admins' decisions.

An organisation asks to sign on the public site (hierniet.web.site); the request waits as `pending` until
an admin approves it (then it is listed publicly) or rejects it. The contact e-mail is for the charter's
maintainers only and never leaves this module in a public view. Spam is held off by a honeypot field (in
the web layer), a CSRF token (web layer) and a rate limit per client counted in the database, so it holds
across workers and restarts.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from urllib.parse import urlsplit

from hierniet.bounds import unreadable
from hierniet.services import audit
from hierniet.services.auth import Actor, Permission, require
from hierniet.services.errors import Conflict, Forbidden, InvalidInput, NotFound, ServiceError
from hierniet.store import repo
from hierniet.store.tables import Signatory, utcnow


class SignatoryType(StrEnum):
    COMPANY = "company"
    CITY = "city"  # a city or municipality
    SCHOOL = "school"
    NGO = "ngo"
    MEDIA = "media"
    OTHER = "other"


class SignatoryStatus(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"


#: Site languages a request can come in (the language the charter's maintainers answer in).
JOIN_LANGUAGES: tuple[str, ...] = ("nl", "fr", "en", "de")

#: At most this many join requests per client and window: a person signs once; a script signs hundreds.
RATE_LIMIT = 5
RATE_WINDOW = timedelta(hours=1)

#: Logos are shown small in the list: 200 KB is plenty, and bounds what a stranger can make us store.
MAX_LOGO_BYTES = 200 * 1024
#: Raster formats only, recognised by their first bytes (not by what the browser claims): an SVG can carry
#: scripts, so it is refused.
_LOGO_MAGIC: tuple[tuple[bytes, int, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", 0, "image/png"),
    (b"\xff\xd8\xff", 0, "image/jpeg"),
    (b"WEBP", 8, "image/webp"),
)

MAX_NAME = 200
MAX_WEBSITE = 300
MAX_EMAIL = 254
_EMAIL = re.compile(r"^[^@\s<>\"']+@[^@\s<>\"']+\.[^@\s<>\"'.]{2,}$")
_HOST = re.compile(r"^(?=.{4,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")


class JoinError(InvalidInput):
    """A join request with fields to fix: `errors` maps each field to a code the page translates."""

    #: Codes and the English message the API and logs show (the site has its own per language).
    MESSAGES: dict[str, str] = {  # noqa: RUF012
        "required": "is required",
        "too_long": "is too long",
        "bad_type": f"must be one of {', '.join(t.value for t in SignatoryType)}",
        "bad_email": "is not an e-mail address (name@example.be)",
        "bad_url": "is not a web address (https://www.example.be)",
        "logo_type": "must be a PNG, JPEG or WebP image",
        "logo_size": f"must be at most {MAX_LOGO_BYTES // 1024} KB",
        "bad_language": f"must be one of {', '.join(JOIN_LANGUAGES)}",
        "bad_chars": "contains a character that cannot be stored (a NUL character or a lone surrogate)",
    }

    def __init__(self, errors: dict[str, str]) -> None:
        self.errors = dict(errors)
        detail = "; ".join(f"{name} {self.MESSAGES.get(code, code)}" for name, code in self.errors.items())
        super().__init__(f"the join request cannot be sent: {detail}")


class AlreadyRequested(Conflict):
    """The same organisation, with the same e-mail address, already waits as a pending request: nothing new
    is stored (issue 12: a double click sent the form twice), and the person is told so."""

    def __init__(self, existing: SignatoryView) -> None:
        self.existing = existing
        super().__init__(
            f"{existing.name} ({existing.contact_email}) already asked to sign on "
            f"{existing.submitted_at:%Y-%m-%d}: the request waits for a maintainer of the charter; "
            "no need to send it again"
        )


class RateLimited(ServiceError):
    """Too many join requests from one client in the window; the message says when to try again."""

    status_code = 429


@dataclass(frozen=True, slots=True)
class JoinRequest:
    """What the join form sent, as typed (the web layer fills it; `validate_join` checks it)."""

    name: str = ""
    type: str = ""
    website: str = ""
    email: str = ""
    language: str = "nl"
    logo: bytes | None = None


@dataclass(frozen=True, slots=True)
class PublicSignatory:
    """What the public list shows: never the contact e-mail."""

    id: int
    name: str
    type: SignatoryType
    website: str
    has_logo: bool


@dataclass(frozen=True, slots=True)
class SignatoryView:
    """A request as admins see it (the JSON API and the desk page)."""

    id: int
    name: str
    type: SignatoryType
    website: str
    contact_email: str
    language: str
    status: SignatoryStatus
    has_logo: bool
    submitted_at: datetime
    decided_at: datetime | None
    decided_by: int | None
    decision_reason: str


@dataclass(frozen=True, slots=True)
class CleanJoin:
    name: str
    type: SignatoryType
    website: str
    email: str
    language: str
    logo: bytes | None
    logo_type: str | None


def client_hash(client: str) -> str:
    """The rate limit's key for a client address: a hash, so the address itself is never stored."""
    return hashlib.sha256(f"hierniet-join:{client}".encode()).hexdigest()


def logo_type(data: bytes) -> str | None:
    """The MIME type of a PNG, JPEG or WebP image from its first bytes; None for anything else."""
    for magic, offset, mime in _LOGO_MAGIC:
        if data[offset : offset + len(magic)] == magic and (mime != "image/webp" or data[:4] == b"RIFF"):
            return mime
    return None


def normalise_website(value: str) -> str | None:
    """An http(s) address with a real host name, `https://` added when none was typed; None if it is not one."""
    value = value.strip()
    if not value:
        return None
    if not re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*://", value):
        value = "https://" + value
    try:
        parts = urlsplit(value)
    except ValueError:
        return None
    host = (parts.hostname or "").lower()
    if parts.scheme.lower() not in ("http", "https") or not _HOST.match(host) or any(c.isspace() for c in value):
        return None
    return value


def validate_join(form: JoinRequest) -> CleanJoin:
    """Check every field at once, so the form shows all its problems together; raise JoinError with them."""
    errors: dict[str, str] = {}
    name = " ".join(form.name.split())
    if not name:
        errors["name"] = "required"
    elif len(name) > MAX_NAME:
        errors["name"] = "too_long"
    kind: SignatoryType | None = None
    if not form.type:
        errors["type"] = "required"
    else:
        try:
            kind = SignatoryType(form.type)
        except ValueError:
            errors["type"] = "bad_type"
    website = normalise_website(form.website)
    if not form.website.strip():
        errors["website"] = "required"
    elif len(form.website.strip()) > MAX_WEBSITE:
        errors["website"] = "too_long"
    elif website is None:
        errors["website"] = "bad_url"
    email = form.email.strip()
    if not email:
        errors["email"] = "required"
    elif len(email) > MAX_EMAIL:
        errors["email"] = "too_long"
    elif not _EMAIL.match(email):
        errors["email"] = "bad_email"
    mime: str | None = None
    if form.logo:
        if len(form.logo) > MAX_LOGO_BYTES:
            errors["logo"] = "logo_size"
        else:
            mime = logo_type(form.logo)
            if mime is None:
                errors["logo"] = "logo_type"
    if form.language not in JOIN_LANGUAGES:
        errors["language"] = "bad_language"
    # Checked last, so it replaces whatever the fields' own checks said: PostgreSQL refuses a NUL in text.
    for field_name, value in (("name", form.name), ("website", form.website), ("email", form.email)):
        if unreadable(value) is not None:
            errors[field_name] = "bad_chars"
    if errors:
        raise JoinError(errors)
    assert kind is not None and website is not None
    return CleanJoin(name, kind, website, email, form.language, form.logo or None, mime)


def submit_join(store: repo.Store, form: JoinRequest, *, client: str, now: datetime | None = None) -> SignatoryView:
    """Store a valid join request as pending; JoinError for fields to fix, RateLimited when sent too often."""
    clean = validate_join(form)
    key = client_hash(client)
    now = now or utcnow()
    with store.transaction() as tx:
        # Before the rate limit: sending the same request again is answered the same, and stores nothing.
        wanted = clean.name.casefold()
        for pending in repo.pending_signatories_by_email(tx, clean.email):
            if " ".join(pending.name.split()).casefold() == wanted:
                raise AlreadyRequested(_view(pending))
        if repo.count_join_requests_since(tx, key, now - RATE_WINDOW) >= RATE_LIMIT:
            raise RateLimited(
                f"more than {RATE_LIMIT} join requests in {int(RATE_WINDOW.total_seconds() // 60)} minutes from "
                "this connection: wait an hour and send it again, or write to the charter's maintainers"
            )
        row = repo.add_signatory(
            tx,
            name=clean.name,
            kind=clean.type.value,
            website=clean.website,
            contact_email=clean.email,
            logo=clean.logo,
            logo_type=clean.logo_type,
            language=clean.language,
            client_hash=key,
        )
        repo.append_audit(
            tx,
            user_id=None,
            actor="public site",
            action="signatory.requested",
            subject_type="signatory",
            subject_id=row.id,
            detail={"name": row.name, "type": row.kind, "language": row.language},
        )
        return _view(row)


def public_signatories(
    store: repo.Store, *, search: str | None = None, type: str | None = None
) -> list[PublicSignatory]:
    """The approved signatories, by name; `search` matches part of the name, `type` one SignatoryType."""
    search = " ".join((search or "").split())[:MAX_NAME] or None
    kind = type if type in {t.value for t in SignatoryType} else None
    with store.session() as s:
        rows = repo.list_signatories(s, status=SignatoryStatus.APPROVED.value, search=search, kind=kind)
    return [PublicSignatory(r.id, r.name, SignatoryType(r.kind), r.website, r.logo is not None) for r in rows]


def count_approved(store: repo.Store) -> int:
    with store.session() as s:
        return repo.count_signatories(s, SignatoryStatus.APPROVED.value)


def public_logo(store: repo.Store, signatory_id: int) -> tuple[bytes, str] | None:
    """An approved signatory's logo and its type; None while pending or rejected, or without a logo."""
    with store.session() as s:
        row = repo.get_signatory(s, signatory_id)
    if row is None or row.status != SignatoryStatus.APPROVED.value or not row.logo or not row.logo_type:
        return None
    return row.logo, row.logo_type


# --- admins ----------------------------------------------------------------------------------------------


def _require_charter_admin(actor: Actor, what: str) -> None:
    # The list of signatories belongs to the charter, not to one organisation on the desk.
    require(actor, Permission.MANAGE_ORGANISATIONS, what)
    if actor.organisation_id is not None:
        raise Forbidden(f"{actor.name} administers one organisation: only an admin of every organisation may {what}")


def list_requests(store: repo.Store, actor: Actor, status: str = "pending") -> list[SignatoryView]:
    """Requests with a status (pending by default, oldest first), for admins."""
    _require_charter_admin(actor, "see the charter's join requests")
    try:
        wanted = SignatoryStatus(status)
    except ValueError:
        raise InvalidInput(f"status {status!r}: use one of {', '.join(s.value for s in SignatoryStatus)}") from None
    with store.session() as s:
        return [_view(r) for r in repo.list_signatories(s, status=wanted.value)]


def get_request(store: repo.Store, actor: Actor, signatory_id: int) -> SignatoryView:
    _require_charter_admin(actor, "see the charter's join requests")
    with store.session() as s:
        row = repo.get_signatory(s, signatory_id)
    if row is None:
        raise NotFound(f"no join request {signatory_id}: list them with GET /api/v1/signatories")
    return _view(row)


def approve(store: repo.Store, actor: Actor, signatory_id: int) -> SignatoryView:
    """List the organisation publicly as a signatory."""
    return _decide(store, actor, signatory_id, SignatoryStatus.APPROVED, "")


def reject(store: repo.Store, actor: Actor, signatory_id: int, reason: str = "") -> SignatoryView:
    """Refuse a request (spam, not an organisation, a duplicate); `reason` is kept for the other admins."""
    return _decide(store, actor, signatory_id, SignatoryStatus.REJECTED, reason.strip()[:1000])


def _decide(store: repo.Store, actor: Actor, signatory_id: int, status: SignatoryStatus, reason: str) -> SignatoryView:
    verb = "approve" if status is SignatoryStatus.APPROVED else "reject"
    _require_charter_admin(actor, f"{verb} join requests")
    with store.transaction() as tx:
        row = repo.get_signatory(tx, signatory_id)
        if row is None:
            raise NotFound(f"no join request {signatory_id}: list them with GET /api/v1/signatories")
        if not repo.decide_signatory(
            tx, signatory_id, status=status.value, user_id=actor.user_id, reason=reason, only_from="pending"
        ):
            raise Conflict(
                f"join request {signatory_id} ({row.name}) is already {row.status}: only pending requests are "
                "decided; reload the list"
            )
        audit.record(
            tx,
            actor,
            action=f"signatory.{status.value}",
            subject_type="signatory",
            subject_id=signatory_id,
            detail={"name": row.name, "type": row.kind, **({"reason": reason} if reason else {})},
        )
        tx.refresh(row)
        return _view(row)


def _view(row: Signatory) -> SignatoryView:
    return SignatoryView(
        id=row.id,
        name=row.name,
        type=SignatoryType(row.kind),
        website=row.website,
        contact_email=row.contact_email,
        language=row.language,
        status=SignatoryStatus(row.status),
        has_logo=row.logo is not None,
        submitted_at=row.submitted_at,
        decided_at=row.decided_at,
        decided_by=row.decided_by,
        decision_reason=row.decision_reason,
    )
