"""What the desk's pages need beyond the queue and decision services: signing in with a password, each
person's preferences and language, shielding severe content (and masking slurs), the reveal counter, the
team's counts, and decisions named the way the desk's buttons name them.

The pages read the queue, a comment and the counts through hierniet.services.queue and record decisions
through hierniet.services.decisions, exactly as the JSON API does; this module only adds what is the
desk's own. Words used here are defined in docs/concepts.md ("The desk").
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, tzinfo
from functools import cache
from itertools import pairwise
from typing import Any

from hierniet.domain import CharterStep, Label, Reason
from hierniet.policy import render_reply
from hierniet.services import audit, decisions
from hierniet.services.auth import (
    Actor,
    Permission,
    Role,
    check_password_strength,
    hash_password,
    require,
    verify_password,
)
from hierniet.services.errors import InvalidInput, NotFound, ServiceError, no_comment
from hierniet.services.policies import policy_for
from hierniet.services.views import DecisionView
from hierniet.store import repo, repo_desk
from hierniet.store.tables import utcnow

# --- shielding severe content ----------------------------------------------------------------------------

#: Labels whose comments are shielded (blurred or masked) until a person reveals them.
SEVERE_LABELS: frozenset[str] = frozenset({Label.HATE, Label.THREAT, Label.SEXUAL, Label.DOXXING})
#: From this severity on a comment is shielded whatever its labels.
SEVERE_FROM = 3
#: How a person wants severe content shown: blurred (the default), masked (a plain block) or shown as is.
SHIELDS: tuple[str, ...] = ("blur", "mask", "show")
#: How many rows of the queue fit on a screen: "compact" gives each row one line of preview, so a phone
#: shows at least twice as many shielded rows as "comfortable" (issue 12).
DENSITIES: tuple[str, ...] = ("comfortable", "compact")
#: How a reveal happened, as recorded in the audit log.
REVEAL_WAYS: tuple[str, ...] = ("click", "key", "shown")
#: The desk's languages.
LOCALES: tuple[str, ...] = ("nl", "fr", "en", "de")

#: Where a moderator can talk to someone, in each of the desk's languages (shown past the break suggestion).
HELPLINES: tuple[tuple[str, str, str], ...] = (
    ("nl", "Tele-Onthaal", "106"),
    ("fr", "Télé-Accueil", "107"),
    ("en", "Community Help Service", "+32 2 648 40 14"),
    ("de", "Telefonhilfe", "108"),
)


@dataclass(frozen=True, slots=True)
class Preferences:
    """A person's desk preferences (users.preferences); unknown or bad stored values fall back to defaults."""

    shield: str = "blur"  # one of SHIELDS
    density: str = "comfortable"  # one of DENSITIES

    def as_dict(self) -> dict[str, Any]:
        return {"shield": self.shield, "density": self.density}


def read_preferences(raw: Mapping[str, Any] | None) -> Preferences:
    raw = raw or {}
    shield = raw.get("shield")
    density = raw.get("density")
    default = Preferences()
    return Preferences(
        shield=shield if shield in SHIELDS else default.shield,
        density=density if density in DENSITIES else default.density,
    )


def is_severe(labels: Iterable[str], severity: int) -> bool:
    return severity >= SEVERE_FROM or any(label in SEVERE_LABELS for label in labels)


def shield_for(labels: Iterable[str], severity: int, preferences: Preferences) -> str | None:
    """ "blur" or "mask" when this content starts hidden for this person, None when it is shown."""
    if preferences.shield == "show" or not is_severe(labels, severity):
        return None
    return preferences.shield


# --- evidence in the text: highlights and masked slurs ---------------------------------------------------


def is_slur(evidence: Mapping[str, Any]) -> bool:
    """A lexicon span of hate, or of the slur lexicon: the words a preview masks."""
    if evidence.get("source") != "lexicon":
        return False
    detail = str(evidence.get("detail", ""))
    return evidence.get("label") == Label.HATE or "/slur:" in detail or "/slur.tsv" in detail


@dataclass(frozen=True, slots=True)
class Mark:
    label: str
    source: str
    detail: str


@dataclass(frozen=True, slots=True)
class Segment:
    """A piece of a comment's text: plain, evidence (`marks`), or a masked slur (`masked`, text replaced)."""

    text: str
    marks: tuple[Mark, ...] = ()
    masked: bool = False

    @property
    def title(self) -> str:
        return "; ".join(f"{m.label} · {m.source}" + (f" ({m.detail})" if m.detail else "") for m in self.marks)


def _spans(text: str, evidence: Sequence[Mapping[str, Any]]) -> list[tuple[int, int, Mapping[str, Any]]]:
    out = []
    for e in evidence:
        try:
            start, end = int(e["start"]), int(e["end"])
        except (KeyError, TypeError, ValueError):
            continue
        # The model's evidence spans the whole comment: no help in pointing at words.
        if e.get("source") == "model" or not 0 <= start < end <= len(text):
            continue
        out.append((start, end, e))
    return out


def mask_word(word: str) -> str:
    """A slur as a preview shows it: its first letter, then dots."""
    stripped = word.strip()
    if not stripped:
        return word
    return stripped[0] + "•" * max(2, min(len(stripped) - 1, 6))


def segments(
    text: str, evidence: Sequence[Mapping[str, Any]], *, mask_slurs: bool = False, limit: int | None = None
) -> list[Segment]:
    """The text cut at every evidence boundary; with `mask_slurs`, slur spans replaced (previews); with
    `limit`, cut after that many characters of the original text (with an ellipsis)."""
    spans = _spans(text, evidence)
    end_at = len(text) if limit is None or len(text) <= limit else limit
    cuts = sorted({0, end_at, *(s for s, _, _ in spans if s < end_at), *(e for _, e, _ in spans if e < end_at)})
    out: list[Segment] = []
    for a, b in pairwise(cuts):
        covering = [e for s, t, e in spans if s <= a and b <= t]
        piece = text[a:b]
        marks = tuple(
            dict.fromkeys(
                Mark(str(e.get("label", "")), str(e.get("source", "")), str(e.get("detail", ""))) for e in covering
            )
        )
        if mask_slurs and any(is_slur(e) for e in covering):
            # Mask the whole slur span once, at its start, and drop its other pieces.
            span_start = min(s for s, t, e in spans if s <= a and b <= t and is_slur(e))
            if a != span_start:
                continue
            span_end = max(t for s, t, e in spans if s == span_start and is_slur(e))
            out.append(Segment(mask_word(text[span_start:span_end]), marks, masked=True))
            continue
        out.append(Segment(piece, marks))
    if end_at < len(text):
        out.append(Segment("…"))
    return out


# --- people: signing in, preferences, language -----------------------------------------------------------


@cache
def _dummy_hash() -> str:
    """A real scrypt hash, so a name that does not exist costs as much to check as a wrong password."""
    return hash_password(hashlib.sha256(b"hierniet-no-such-user").hexdigest())


@dataclass(frozen=True, slots=True)
class DeskUser:
    """A signed-in person as the pages need them."""

    id: int
    name: str
    role: Role
    organisation_id: int | None
    locale: str | None
    preferences: Preferences
    #: Changes when the password changes or the session epoch is bumped (sign-out, a new role, switched off
    #: and on): a session made under the old stamp stops working, even with a cookie that has not expired.
    session_stamp: str

    @property
    def actor(self) -> Actor:
        return Actor(user_id=self.id, name=self.name, role=self.role, organisation_id=self.organisation_id)


def _stamp(password_hash: str | None, session_epoch: int) -> str:
    return hashlib.sha256(f"{session_epoch}:{password_hash or ''}".encode()).hexdigest()[:16]


def _desk_user(row: Any) -> DeskUser:
    return DeskUser(
        id=row.id,
        name=row.name,
        role=Role(row.role),
        organisation_id=row.organisation_id,
        locale=row.locale if row.locale in LOCALES else None,
        preferences=read_preferences(row.preferences),
        session_stamp=_stamp(row.password_hash, row.session_epoch or 0),
    )


def sign_in(store: repo.Store, name: str, password: str) -> DeskUser | None:
    """The person whose name and password these are; None otherwise (same cost whether the name exists).

    Each attempt on an existing account is a line in the audit log (`user.login`, `user.login_failed`).
    """
    with store.session() as s:
        row = repo_desk.user_by_name(s, name.strip()) if name.strip() else None
    ok = verify_password(password, row.password_hash if row is not None and row.password_hash else _dummy_hash())
    if row is None or not row.password_hash:
        return None
    ok = ok and row.active
    with store.transaction() as tx:
        repo.append_audit(
            tx,
            user_id=row.id,
            actor=row.name,
            action="user.login" if ok else "user.login_failed",
            subject_type="user",
            subject_id=row.id,
            organisation_id=row.organisation_id,
            detail={"via": "desk"},
        )
    return _desk_user(row) if ok else None


def desk_user(store: repo.Store, user_id: int) -> DeskUser | None:
    """The person of a session; None when they were removed or switched off."""
    with store.session() as s:
        row = repo_desk.get_user(s, user_id)
    if row is None or not row.active:
        return None
    return _desk_user(row)


def sign_out(store: repo.Store, actor: Actor) -> None:
    """End every desk session of this person (a copy of the cookie taken before stops working too)."""
    if actor.user_id is None:
        return
    with store.transaction() as tx:
        row = repo_desk.get_user(tx, actor.user_id)
        if row is None:
            return
        repo_desk.bump_session_epoch(tx, row.id)
        audit.record(
            tx,
            actor,
            action="user.logout",
            subject_type="user",
            subject_id=row.id,
            organisation_id=row.organisation_id,
            detail={"via": "desk"},
        )


def change_own_password(store: repo.Store, actor: Actor, current: str, new: str) -> None:
    """A person changes their own password; the current one must be right. Their other sessions end."""
    if actor.user_id is None:
        raise InvalidInput("only a person with an account has a password")
    try:
        check_password_strength(new)
    except ValueError as exc:
        raise InvalidInput(str(exc)) from None
    with store.transaction() as tx:
        row = repo_desk.get_user(tx, actor.user_id)
        if row is None:
            raise NotFound(f"no user {actor.user_id}")
        if not verify_password(current, row.password_hash):
            message = "the current password is not right: type it again"
            raise InvalidInput(message, reason=Reason("error.wrong_password", message))
        repo_desk.set_password_hash(tx, row.id, hash_password(new))
        repo_desk.bump_session_epoch(tx, row.id)
        audit.record(
            tx,
            actor,
            action="user.password_changed",
            subject_type="user",
            subject_id=row.id,
            organisation_id=row.organisation_id,
            detail={"by": "self"},
        )


def set_preferences(
    store: repo.Store, actor: Actor, *, shield: str | None = None, density: str | None = None
) -> Preferences:
    """Change the preferences given; one left None keeps the person's current value."""
    if shield is not None and shield not in SHIELDS:
        raise InvalidInput(f"unknown way to show severe content {shield!r}: use one of {', '.join(SHIELDS)}")
    if density is not None and density not in DENSITIES:
        raise InvalidInput(f"unknown density of the queue {density!r}: use one of {', '.join(DENSITIES)}")
    if actor.user_id is None:
        raise InvalidInput("only a person with an account has preferences")
    with store.transaction() as tx:
        row = repo_desk.get_user(tx, actor.user_id)
        if row is None:
            raise NotFound(f"no user {actor.user_id}")
        current = read_preferences(row.preferences)
        preferences = Preferences(shield=shield or current.shield, density=density or current.density)
        repo_desk.set_preferences(tx, row.id, {**(row.preferences or {}), **preferences.as_dict()})
        audit.record(
            tx,
            actor,
            action="user.preferences",
            subject_type="user",
            subject_id=row.id,
            organisation_id=row.organisation_id,
            detail=preferences.as_dict(),
        )
    return preferences


def set_locale(store: repo.Store, actor: Actor, locale: str | None) -> None:
    """A person's desk language (nl, fr, en, de); None follows the browser."""
    if locale is not None and locale not in LOCALES:
        raise InvalidInput(f"unknown language {locale!r}: use one of {', '.join(LOCALES)}")
    if actor.user_id is None:
        return
    with store.transaction() as tx:
        repo_desk.set_locale(tx, actor.user_id, locale)


# --- the reveal counter ------------------------------------------------------------------------------------


def day_start(now: datetime, zone: tzinfo) -> datetime:
    """Midnight of `now`'s day in `zone` (the desk's time zone), as an aware datetime."""
    local = now.astimezone(zone)
    return local.replace(hour=0, minute=0, second=0, microsecond=0)


def record_reveal(
    store: repo.Store, actor: Actor, comment_id: int, *, how: str = "click", now: datetime | None = None
) -> None:
    """A person revealed a shielded comment: a `comment.revealed` line in the audit log."""
    require(actor, Permission.READ_QUEUE, "reveal comments")
    if how not in REVEAL_WAYS:
        raise InvalidInput(f"unknown way of revealing {how!r}: use one of {', '.join(REVEAL_WAYS)}")
    with store.transaction() as tx:
        found = repo.get_comment(tx, comment_id)
        if found is None or not actor.sees(found[1].organisation_id):
            raise no_comment(comment_id)
        comment, channel, _author = found
        audit.record(
            tx,
            actor,
            action=repo_desk.REVEAL_ACTION,
            subject_type="comment",
            subject_id=comment.id,
            organisation_id=channel.organisation_id,
            detail={"how": how, "severity": comment.severity, "labels": list(comment.labels)},
        )


def revealed_today(store: repo.Store, actor: Actor, zone: tzinfo, *, now: datetime | None = None) -> set[int]:
    """The comments this person revealed since midnight (in the desk's time zone)."""
    if actor.user_id is None:
        return set()
    since = day_start(now or utcnow(), zone)
    with store.session() as s:
        return repo_desk.revealed_since(s, [actor.user_id], since)[actor.user_id]


@dataclass(frozen=True, slots=True)
class TeamMember:
    user_id: int
    name: str
    role: str
    revealed_today: int
    over_limit: bool


def team_reveals(
    store: repo.Store, actor: Actor, zone: tzinfo, break_after: int, *, now: datetime | None = None
) -> list[TeamMember]:
    """Each active person of the lead's organisation with how many severe items they revealed today."""
    require(actor, Permission.READ_AUDIT, "see the team's reveal counts")
    since = day_start(now or utcnow(), zone)
    with store.session() as s:
        people = repo_desk.users_of(s, actor.organisation_id)
        counts = repo_desk.reveal_counts(s, [p.id for p in people], since)
    return [
        TeamMember(p.id, p.name, p.role, counts.get(p.id, 0), counts.get(p.id, 0) >= break_after)
        for p in people
        if p.password_hash or counts.get(p.id, 0)
    ]


# --- what a comment page shows besides the comment ---------------------------------------------------------


def preview_evidence(store: repo.Store, actor: Actor, comment_ids: Sequence[int]) -> dict[int, list[dict[str, Any]]]:
    """The current verdict's evidence of each comment (for highlighting and masking in queue previews)."""
    require(actor, Permission.READ_QUEUE, "read the queue")
    with store.session() as s:
        return repo_desk.latest_evidence(s, list(dict.fromkeys(comment_ids)))


def criticism_reply(store: repo.Store, actor: Actor, comment_id: int) -> str:
    """The policy's reply to criticism, in the comment's language (what "mark as criticism" sends)."""
    require(actor, Permission.READ_QUEUE, "read comments")
    with store.session() as s:
        found = repo.get_comment(s, comment_id)
        if found is None or not actor.sees(found[1].organisation_id):
            raise no_comment(comment_id)
        comment, channel, _author = found
        organisation = repo.get_organisation(s, channel.organisation_id)
        policy = policy_for(
            channel.policy_yaml,
            organisation.policy_yaml if organisation else None,
            organisation_name=organisation.name if organisation else None,
        )
    return render_reply(CharterStep.REPLY, Label.CRITICISM, comment.language, policy)


# --- decisions as the desk's buttons name them -------------------------------------------------------------

#: The desk's decision buttons: the step each takes ("" for accept: the recommended one; None: escalate).
DESK_ACTIONS: dict[str, str | None] = {
    "accept": "",
    "reply": CharterStep.REPLY.value,
    "refer": CharterStep.REFER.value,
    "hide": CharterStep.HIDE.value,
    "block": CharterStep.BLOCK.value,
    "report": CharterStep.HIDE_REPORT.value,
    "criticism": CharterStep.REPLY.value,
    "ok": CharterStep.NONE.value,
    "escalate": None,
}

#: The reason recorded when a button says it all.
DEFAULT_REASONS: dict[str, str] = {
    "criticism": "marked as criticism: not abuse",
    "ok": "marked as ok: a false positive",
}


def decide(
    store: repo.Store,
    actor: Actor,
    comment_id: int,
    action: str,
    *,
    reply: str | None = None,
    reason: str = "",
    now: datetime | None = None,
) -> DecisionView:
    """Record the decision a desk button names, through hierniet.services.decisions (audit log included).

    `reply` is the reply text the person wants (None: the recommendation's, or the policy's for the step).
    """
    if action not in DESK_ACTIONS:
        raise InvalidInput(f"unknown decision {action!r}: use one of {', '.join(DESK_ACTIONS)}")
    step = DESK_ACTIONS[action]
    if step is None:
        return decisions.escalate(store, actor, comment_id, reason, now=now)
    reason = reason.strip() or DEFAULT_REASONS.get(action, "")
    if action == "accept":
        with store.session() as s:
            found = repo.get_comment(s, comment_id)
            rec = repo.latest_recommendation(s, comment_id) if found is not None else None
        if found is None or not actor.sees(found[1].organisation_id):
            raise no_comment(comment_id)
        if rec is None:
            message = f"comment {comment_id} has no recommendation to accept: choose a step"
            raise InvalidInput(message, reason=Reason("error.no_recommendation", message, comment_id=comment_id))
        step = rec.step
    elif action == "criticism":
        reply = criticism_reply(store, actor, comment_id)
    elif action == "ok":
        reply = ""
    return decisions.record_decision(
        store, actor, comment_id, decisions.DecisionIn(step=step, reason=reason, reply=reply), now=now
    )


@dataclass(slots=True)
class BulkResult:
    done: list[int] = field(default_factory=list)
    # Each refusal as the service's error, so a page can say it in the person's language (error.reason).
    failed: list[tuple[int, ServiceError]] = field(default_factory=list)


def bulk_decide(
    store: repo.Store, actor: Actor, comment_ids: Sequence[int], action: str, *, reason: str = ""
) -> BulkResult:
    """The same decision on several comments, each on its own (one refused does not stop the others)."""
    require(actor, Permission.DECIDE, "record decisions")
    if action not in DESK_ACTIONS:
        raise InvalidInput(f"unknown decision {action!r}: use one of {', '.join(DESK_ACTIONS)}")
    if not comment_ids:
        message = "no comment selected: tick the comments to decide on"
        raise InvalidInput(message, reason=Reason("error.nothing_selected", message))
    result = BulkResult()
    for comment_id in dict.fromkeys(comment_ids):
        try:
            decide(store, actor, comment_id, action, reason=reason)
        except ServiceError as exc:
            result.failed.append((comment_id, exc))
        else:
            result.done.append(comment_id)
    return result


def break_due(count: int, break_after: int) -> bool:
    return break_after > 0 and count >= break_after


__all__ = [
    "DENSITIES",
    "DESK_ACTIONS",
    "HELPLINES",
    "LOCALES",
    "SEVERE_LABELS",
    "SHIELDS",
    "BulkResult",
    "DeskUser",
    "Preferences",
    "Segment",
    "TeamMember",
    "break_due",
    "bulk_decide",
    "change_own_password",
    "decide",
    "desk_user",
    "is_severe",
    "read_preferences",
    "record_reveal",
    "revealed_today",
    "segments",
    "set_locale",
    "set_preferences",
    "shield_for",
    "sign_in",
    "team_reveals",
]
